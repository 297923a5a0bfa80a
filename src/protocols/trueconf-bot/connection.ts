import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { User } from '../../engine/directory/users.js';
import { DomainError } from '../../engine/errors.js';
import { BotError, E, toBotError } from './codes.js';
import type { BotDeps } from './deps.js';
import { METHODS } from './methods.js';

/** The signed-in side of a connection, handed to every method. */
export interface BotSession {
  deps: BotDeps;
  conn: BotConnection;
  user: User;
  /** `login@server_name`. */
  trueconfId: string;
  /** scheme://host:port the bot connected to. */
  baseUrl: string;
}

type Frame = { type?: unknown; id?: unknown; method?: unknown; payload?: unknown };

/** A payload already serialised: a fan-out renders one envelope once for all its recipients (bench/chat). */
export class RenderedPayload {
  constructor(readonly json: string) {}
}

/**
 * One bot WebSocket: the `auth` handshake, request dispatch by `method`, acks of the server's notifications.
 * Connection state only (who signed in, the notification id counter); every rule is the engine's.
 */
export class BotConnection {
  readonly connectionId = randomUUID();
  session?: BotSession;
  private presenceId?: string;
  private nextNotificationId = 1;
  private authing = false;
  /** Notifications sent and not yet acked (id → callback on ack). */
  private readonly awaitingAck = new Map<number, (() => void) | undefined>();
  alive = true;
  /** `auth` options: system envelopes (types 1–110) are delivered only when asked for. */
  systemEnvelopes = false;

  /** `baseUrl`: scheme://host:port the bot connected to (download links point there). */
  constructor(readonly socket: WebSocket, private readonly deps: BotDeps, readonly baseUrl: string) {
    socket.on('message', (data, isBinary) => { void this.onFrame(isBinary ? null : data.toString()); });
    socket.on('pong', () => { this.alive = true; });
    socket.on('close', () => this.onClose());
    socket.on('error', () => { /* 'close' follows */ });
  }

  /** Sends a server notification (`type:1`); `onAck` runs when the client acks it. */
  notify(method: string, payload: unknown, onAck?: () => void): void {
    const id = this.nextNotificationId++;
    if (this.nextNotificationId > 0xffffffff) this.nextNotificationId = 1;
    // A client that never acks must not grow this without bound: forget the oldest (it stays unread).
    if (this.awaitingAck.size >= 10_000) this.awaitingAck.delete(this.awaitingAck.keys().next().value!);
    this.awaitingAck.set(id, onAck);
    // Same bytes as JSON.stringify of the frame object (key order type, id, method, payload).
    if (payload instanceof RenderedPayload) this.sendText(`{"type":1,"id":${id},"method":${JSON.stringify(method)},"payload":${payload.json}}`);
    else this.send({ type: 1, id, method, payload });
  }

  send(frame: unknown): void {
    this.sendText(JSON.stringify(frame));
  }

  private corked = false;

  /**
   * Frames written in one turn of the event loop leave in one write: the TCP socket is corked until the turn
   * ends. One write syscall per frame was a fifth of the server's CPU at 2,500 deliveries/s (bench/chat).
   */
  private sendText(text: string): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    // ws keeps its net.Socket as `_socket` (not typed); cork/uncork nest with ws's own corking of each frame.
    const raw = (this.socket as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    if (raw && !this.corked) {
      this.corked = true;
      raw.cork();
      setImmediate(() => { this.corked = false; raw.uncork(); });
    }
    this.socket.send(text);
  }

  private respond(id: unknown, payload: unknown): void {
    this.send({ type: 2, id, payload });
  }

  private fail(id: unknown, err: BotError): void {
    this.respond(id, { errorCode: err.errorCode, errorDescription: err.message });
  }

  private async onFrame(text: string | null): Promise<void> {
    let frame: Frame;
    try {
      frame = text === null ? (undefined as never) : JSON.parse(text);
    } catch {
      frame = undefined as never;
    }
    if (!frame || typeof frame !== 'object' || Array.isArray(frame)) {
      // Nothing to echo an id to: the documented answer is to close with "invalid frame payload data" (§11.12).
      this.socket.close(1007, 'Malformed JSON frame');
      return;
    }
    const { type, id, method } = frame;
    if (type === 2) {
      // An ack of one of our notifications; never answered.
      if (typeof id === 'number' && this.awaitingAck.has(id)) {
        const cb = this.awaitingAck.get(id);
        this.awaitingAck.delete(id);
        try { cb?.(); } catch { /* an ack side effect must not break the connection */ }
      }
      return;
    }
    if (type !== 1 || typeof method !== 'string') {
      this.fail(id ?? null, new BotError(E.ROUTE_NOT_FOUND, 'Expected a request {type:1, id, method, payload}'));
      return;
    }
    // Before auth, any request other than auth answers 200 (§1.5), whatever its payload or method.
    if (method !== 'auth' && !this.session) return this.fail(id, new BotError(E.NOT_AUTHORIZED, 'Not authorized: send auth first'));
    const payload = frame.payload === undefined || frame.payload === null ? {} : frame.payload;
    if (typeof payload !== 'object' || Array.isArray(payload)) {
      this.fail(id, new BotError(E.INTERNAL_ERROR, 'payload must be an object'));
      return;
    }
    if (method === 'auth') return this.auth(id, payload as Record<string, unknown>);
    if (!this.session) return; // unreachable: checked above, before the payload
    const handler = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
    if (!handler) return this.fail(id, new BotError(E.ROUTE_NOT_FOUND, `Unknown method: ${method}`));
    try {
      const session = this.session;
      this.respond(id, await this.deps.hub.origin.run(this, () => handler(session, payload as Record<string, unknown>)));
    } catch (err) {
      const be = toBotError(err);
      if (!(err instanceof BotError) && !(err instanceof DomainError)) this.deps.log.error({ err, method }, 'chatbot method failed');
      this.fail(id, be);
    }
  }

  private async auth(id: unknown, p: Record<string, unknown>): Promise<void> {
    if (this.session || this.authing) {
      // One sign-in per connection; a second auth answers with who is signed in.
      if (this.session) this.respond(id, this.authResult());
      else this.fail(id, new BotError(E.NOT_AUTHORIZED, 'auth already in progress'));
      return;
    }
    const tokenType = p.tokenType ?? 'JWT';
    if (tokenType !== 'JWT') return this.fail(id, new BotError(E.UNSUPPORTED_CREDENTIALS, 'tokenType must be JWT'));
    if (typeof p.token !== 'string') return this.fail(id, new BotError(E.INVALID_CREDENTIALS, 'token is required'));
    const claims = this.deps.jwt.verify(p.token);
    if (!claims) return this.fail(id, new BotError(E.INVALID_CREDENTIALS, 'Invalid token'));
    if (claims.exp * 1000 <= this.deps.engine.ctx.now()) return this.fail(id, new BotError(E.CREDENTIALS_EXPIRED, 'Token expired'));
    this.authing = true;
    try {
      const user = await this.deps.engine.users.find(claims.sub);
      if (!user) return this.fail(id, new BotError(E.INVALID_CREDENTIALS, 'Unknown user'));
      if (!user.isActive) return this.fail(id, new BotError(E.USER_DISABLED, 'User disabled'));
      if (this.socket.readyState !== this.socket.OPEN) return;
      const trueconfId = `${user.id}@${this.deps.config.serverName}`;
      this.session = { deps: this.deps, conn: this, user, trueconfId, baseUrl: this.baseUrl };
      this.presenceId = this.deps.engine.presence.connect(user.id, 'chatbot').id;
      this.deps.hub.add(this);
      this.respond(id, this.authResult());
      this.systemEnvelopes = p.receiveSystemMessageEnvelopes === true;
      this.deps.hub.afterAuth(this, p.receiveUnread === true);
    } finally {
      this.authing = false;
    }
  }

  private authResult() {
    return { userId: `${this.session!.trueconfId}/${this.connectionId.slice(0, 8)}`, connectionId: this.connectionId };
  }

  private onClose(): void {
    this.awaitingAck.clear();
    if (!this.session) return;
    this.deps.hub.remove(this);
    if (this.presenceId) this.deps.engine.presence.disconnect(this.presenceId, this.session.user.id);
    this.presenceId = undefined;
  }
}
