import { WebSocket } from 'ws';
import { http, startServer, type TestServer } from '../../helpers/server.js';
import { createUsers } from '../../helpers/fixtures.js';

/** A frame as received. */
export type Frame = { type: number; id: number; method?: string; payload?: any };

/**
 * A minimal chatbot client over a real WebSocket, as TrueConf's libraries behave: per-connection request ids,
 * responses matched by id, every notification acked automatically (unless autoAck is off) and queued for `next`.
 */
export class BotClient {
  private nextId = 1;
  private readonly pending = new Map<number, (f: Frame) => void>();
  readonly notifications: Frame[] = [];
  /** Responses to frames sent with `raw`. */
  readonly unmatched: Frame[] = [];
  private waiters: (() => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  autoAck = true;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as Frame;
      if (f.type === 2 && this.pending.has(f.id)) {
        const cb = this.pending.get(f.id)!;
        this.pending.delete(f.id);
        cb(f);
      } else if (f.type === 2) {
        this.unmatched.push(f);
      } else if (f.type === 1) {
        if (this.autoAck) this.raw({ type: 2, id: f.id });
        this.notifications.push(f);
        const w = this.waiters; this.waiters = [];
        for (const fn of w) fn();
      }
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static open(base: string, path = '/websocket/chat_bot/', protocols: string[] = ['json.v1']): Promise<BotClient> {
    const ws = new WebSocket(base.replace(/^http/, 'ws') + path, protocols);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new BotClient(ws)));
      ws.once('error', reject);
    });
  }

  /** Token endpoint, WebSocket, `auth`: a signed-in bot. */
  static async signIn(t: TestServer, login: string, password: string, opts: { receiveUnread?: boolean } = {}): Promise<BotClient> {
    const tok = await http(t.base, 'POST', '/bridge/api/client/v1/oauth/token', { client_id: 'chat_bot', grant_type: 'password', username: login, password });
    if (tok.status !== 201) throw new Error(`token: ${tok.status} ${tok.text}`);
    const c = await BotClient.open(t.base);
    const r = await c.request('auth', { token: tok.body.access_token, tokenType: 'JWT', receiveUnread: opts.receiveUnread ?? false, receiveSystemMessageEnvelopes: false });
    if (r.payload?.errorCode) throw new Error(`auth: ${JSON.stringify(r.payload)}`);
    return c;
  }

  raw(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  request(method: string, payload?: unknown): Promise<Frame> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no response to ${method}`)), 5000);
      this.pending.set(id, (f) => { clearTimeout(timer); resolve(f); });
      this.raw(payload === undefined ? { type: 1, id, method } : { type: 1, id, method, payload });
    });
  }

  /** The payload of a successful response (throws on errorCode). */
  async call(method: string, payload: unknown = {}): Promise<any> {
    const r = await this.request(method, payload);
    if (r.payload && !Array.isArray(r.payload) && r.payload.errorCode) throw new Error(`${method}: ${JSON.stringify(r.payload)}`);
    return r.payload;
  }

  /** Waits for (and removes) the first queued notification with this method. */
  async next(method: string, timeoutMs = 3000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.notifications.findIndex((f) => f.method === method);
      if (i >= 0) return this.notifications.splice(i, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${method} notification`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  close(): Promise<unknown> {
    this.ws.close();
    return this.closed;
  }
}

/** A server with these users (passwords as createUsers makes them), the first two signed in as bots `a` and `b`. */
export async function twoBots(...logins: string[]): Promise<{ t: TestServer; a: BotClient; b: BotClient }> {
  const t = await startServer();
  await createUsers(t, ...logins);
  const pw = (l: string) => `${l[0].toUpperCase()}${l.slice(1)}-pass1`;
  const a = await BotClient.signIn(t, logins[0], pw(logins[0]));
  const b = await BotClient.signIn(t, logins[1], pw(logins[1]));
  return { t, a, b };
}

export async function closeAll(t: TestServer, ...bots: BotClient[]): Promise<void> {
  for (const bot of bots) await bot.close();
  await t.close();
}
