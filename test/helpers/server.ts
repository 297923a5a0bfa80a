import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import { createServer, type Parley } from '../../src/server.js';
import { SYSTEM } from '../../src/engine/actor.js';
import { ALL_SCOPES } from '../../src/engine/auth/oauth.js';

export interface TestServer {
  parley: Parley;
  base: string;
  dataDir: string;
  /** An OAuth application with all 42 scopes, as an operator would create with the CLI. */
  admin: { clientId: string; clientSecret: string; token: string };
  /** Restart on the same data directory (persistence tests). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface HttpResult {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** Plain HTTP: JSON in, JSON (or text) out. */
export async function http(base: string, method: string, path: string, body?: unknown,
  headers: Record<string, string> = {}): Promise<HttpResult> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    if (typeof body === 'string') init.body = body;
    else { init.body = JSON.stringify(body); (init.headers as Record<string, string>)['content-type'] ??= 'application/json'; }
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  let parsed: unknown = undefined;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** Starts Parley on 127.0.0.1 with an ephemeral port and a temporary data directory. */
export async function startServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  // overrides.dataDir: share a directory with a CLI run (it is removed by close() like a temporary one).
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'parley-test-'));
  const config = loadConfig({}, { httpPort: 0, host: '127.0.0.1', dataDir, serverName: 'parley.test', logLevel: 'silent', tokenRateLimit: 0, ...overrides });
  let parley = await createServer(config, { logger: false });
  let port = await parley.listen();
  const { client, secret } = await parley.engine.oauth.createClient(SYSTEM, 'acceptance', [...ALL_SCOPES]);
  const t: TestServer = {
    parley,
    base: `http://127.0.0.1:${port}`,
    dataDir,
    admin: { clientId: client.id, clientSecret: secret, token: '' },
    async restart() {
      await parley.close();
      parley = await createServer({ ...config, httpPort: port }, { logger: false });
      port = await parley.listen();
      t.parley = parley;
      t.base = `http://127.0.0.1:${port}`;
    },
    async close() {
      await parley.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  const r = await http(t.base, 'POST', '/oauth2/v1/token', { grant_type: 'client_credentials', client_id: client.id, client_secret: secret });
  if (r.status !== 200) throw new Error(`admin token: ${r.status} ${r.text}`);
  t.admin.token = r.body.access_token;
  return t;
}

/** Calls the TrueConf REST API as the admin application: `api(t, 'GET', '/users')` → /api/v3.10/users. */
export function api(t: TestServer, method: string, path: string, body?: unknown, opts: { version?: string; token?: string } = {}) {
  const v = opts.version ?? '3.10';
  const token = opts.token ?? t.admin.token;
  const sep = path.includes('?') ? '&' : '?';
  return http(t.base, method, `/api/v${v}${path}${sep}access_token=${encodeURIComponent(token)}`, body);
}

/** A token with exactly the given scopes (for scope tests). */
export async function tokenWithScopes(t: TestServer, scopes: string[]): Promise<string> {
  const { client, secret } = await t.parley.engine.oauth.createClient(SYSTEM, 'scoped', scopes);
  const r = await http(t.base, 'POST', '/oauth2/v1/token', { grant_type: 'client_credentials', client_id: client.id, client_secret: secret });
  return r.body.access_token;
}

/** Asserts the TrueConf error envelope: status, reason and (optionally) message. */
export function errorOf(r: HttpResult): { code: number; reason: string; message: string } {
  const e = r.body?.error;
  return { code: e?.code, reason: e?.errors?.[0]?.reason, message: e?.errors?.[0]?.message };
}

/** Polls `check` until it holds (state reached by asynchronous work, e.g. an auto-answering test endpoint). */
export async function eventually(check: () => Promise<boolean> | boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
