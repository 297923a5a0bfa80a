import type { EngineContext } from '../context.js';
import { seconds } from '../context.js';
import { DomainError, invalid, notFound } from '../errors.js';
import { hashToken, randomHex, randomToken, safeEqual, hashPassword, verifyPassword } from '../security.js';
import type { Users, User } from '../directory/users.js';
import type { Actor } from '../actor.js';
import { authorize } from '../access.js';

/** Every scope the TrueConf REST API knows (the 42 of the seed). */
export const ALL_SCOPES = [
  'conferences', 'conferences:read', 'conferences:write', 'conferences.invitations', 'conferences.participants',
  'conferences.participants:read', 'conferences.participants:write', 'groups', 'groups:read', 'groups:write',
  'users', 'users:read', 'users:write', 'users.avatar:read', 'users.avatar:write', 'users.addressbook',
  'users.addressbook:read', 'users.addressbook:write', 'templates.conferences:read', 'templates.conferences:write',
  'logs.calls:read', 'logs.calls.participants:read', 'logs.calls.invites:read', 'conferences.records',
  'conferences.records:read', 'conferences.sessions:read', 'conferences.sessions.participants:read',
  'conferences.sessions.podiums.participants:read', 'conferences.sessions.podiums.participants:write',
  'logs.records:read', 'logs.recordings:read', 'logs.events:read', 'logs.messages:read', 'logs.settings:read',
  'conferences.broadcast_presets', 'conferences.broadcast_presets:read', 'conferences.broadcast_presets:write',
  'conferences.invitations:read', 'conferences.invitations:write', 'groups.users', 'groups.users:read',
  'groups.users:write',
] as const;

/** What a password-grant (user) token gets: the 29 scopes of the seed's token example. */
export const USER_SCOPES: readonly string[] = ALL_SCOPES.slice(0, 29);

/** The built-in client for user-password logins (`client_id` of the seed's example). */
export const USERS_CLIENT_ID = 'trueconf_server_users';

export interface OAuthClient {
  id: string;
  name: string;
  scopes: string[];
  redirectUris: string[];
  createdAt: number;
}

export interface IssuedTokens {
  accessToken: string;
  expiresIn: number;
  scopes: string[];
  refreshToken?: string;
  refreshExpiresIn?: number;
}

export interface AccessGrant {
  clientId: string;
  userId: string | null;
  scopes: string[];
  expiresAt: number;
}

export interface TokenLifetimes {
  access: number;
  refresh: number;
  code: number;
}

/**
 * OAuth 2 applications and tokens. Tokens are random and stored only as SHA-256 digests; secrets as scrypt
 * hashes. Refresh tokens rotate: each use issues a new one and revokes the old; reusing a revoked refresh token
 * revokes its whole family (a stolen token stops working for the thief and the owner alike).
 */
export class OAuth {
  readonly lifetimes: TokenLifetimes = { access: 604800, refresh: 604800, code: 600 };
  /**
   * Validated access tokens, by hash, so hot API paths skip the database. An entry is trusted for CACHE_MS only:
   * revocations made by another process on the same store (the admin CLI) take effect within that time.
   */
  private readonly cache = new Map<string, { grant: AccessGrant; checkedAt: number }>();
  /** Revocations still being written; verify() waits for them so a revoked token is never served meanwhile. */
  private readonly pending = new Set<Promise<unknown>>();
  /** When expired rows were last swept (they are useless, and spent refresh tokens pile up). */
  private lastPurge = 0;

  constructor(private readonly ctx: EngineContext, private readonly users: Users) {}

  async createClient(actor: Actor, name: string, scopes: string[], redirectUris: string[] = []):
    Promise<{ client: OAuthClient; secret: string }> {
    authorize(actor, 'oauth_clients:write');
    if (!name.trim()) throw invalid('name', 'name is required');
    for (const uri of redirectUris) {
      const problem = redirectUriProblem(uri);
      if (problem) throw invalid('redirect_uri', problem);
    }
    const unknown = scopes.filter((s) => !(ALL_SCOPES as readonly string[]).includes(s));
    if (unknown.length) throw invalid('scopes', `unknown scopes: ${unknown.join(' ')}`);
    const id = randomHex(16);
    const secret = randomToken(24);
    const createdAt = seconds(this.ctx.now());
    await this.ctx.db.insertInto('oauth_clients').values({
      id, name, secret_hash: await hashPassword(secret), scopes: scopes.join(' '),
      redirect_uris: JSON.stringify(redirectUris), created_at: createdAt,
    }).execute();
    return { client: { id, name, scopes, redirectUris, createdAt }, secret };
  }

  async listClients(actor: Actor): Promise<OAuthClient[]> {
    authorize(actor, 'oauth_clients:read');
    const rows = await this.ctx.db.selectFrom('oauth_clients').selectAll().orderBy('created_at').execute();
    return rows.map(toClient);
  }

  async findClient(id: string): Promise<OAuthClient | undefined> {
    const r = await this.ctx.db.selectFrom('oauth_clients').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toClient(r) : undefined;
  }

  async deleteClient(actor: Actor, id: string): Promise<void> {
    authorize(actor, 'oauth_clients:write');
    const r = await this.ctx.db.deleteFrom('oauth_clients').where('id', '=', id).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw notFound('oauth_client', id);
    await this.revoke(this.ctx.db.deleteFrom('oauth_tokens').where('client_id', '=', id).execute());
  }

  /** client_credentials: an application acting with its registered scopes. */
  async clientCredentials(clientId: string, secret: string, requested?: string[]): Promise<IssuedTokens> {
    const client = await this.authenticateClient(clientId, secret);
    return this.issue(clientId, null, narrow(client.scopes, requested), false);
  }

  /**
   * password: a user signs in with login and password through the built-in users client, or through a registered
   * application, which must then prove it is that application (client ids are not secret, and a registered
   * client may hold more scopes than the built-in one).
   */
  async password(clientId: string, login: string, password: string, requested?: string[], clientSecret?: string):
    Promise<IssuedTokens> {
    const base = clientId === USERS_CLIENT_ID ? [...USER_SCOPES] : (await this.authenticateClient(clientId, clientSecret)).scopes;
    const user = await this.users.authenticate(login, password);
    if (!user) throw credentials();
    if (!user.isActive) throw banned();
    return this.issue(clientId, user.id, narrow(base, requested), true);
  }

  /**
   * password grant of a public client (TrueConf 5.5.3+ `POST /api/v4/oauth2/token`, the chatbots' alternative
   * sign-in): the application is named by client_id alone, with no secret, so the token never holds more than the
   * user's own password login would (the app's scopes ∩ USER_SCOPES) and has no refresh token.
   * Errors: invalid_credentials (unknown client, bad login), invalid field scope (the app has no scope at all,
   * TrueConf's `invalidScope`), user_disabled.
   */
  async publicPassword(clientId: string, login: string, password: string): Promise<IssuedTokens> {
    const client = await this.findClient(clientId);
    if (!client) throw credentials();
    if (client.scopes.length === 0) throw new DomainError('invalid', 'The application has no scope.', { field: 'scope' });
    const user = await this.users.authenticate(login, password);
    if (!user) throw credentials();
    if (!user.isActive) throw banned();
    return this.issue(clientId, user.id, client.scopes.filter((sc) => USER_SCOPES.includes(sc)), false);
  }

  /**
   * A single-use code that stands for a user signed in elsewhere (the chatbot face trades a REST access token for
   * one, then the code for a bot token). Stored as its hash, like every token, for lifetimes.code seconds.
   */
  async createExchangeCode(purpose: string, userId: string): Promise<string> {
    const code = randomToken();
    await this.store(code, `code:${purpose}`, purpose, userId, [], null, this.lifetimes.code, null);
    return code;
  }

  /** The user of an exchange code, spending it; undefined when unknown, spent, expired or of another purpose. */
  async takeExchangeCode(purpose: string, code: string): Promise<string | undefined> {
    if (typeof code !== 'string' || code === '') return undefined;
    const row = await this.take(code, `code:${purpose}`);
    return row?.user_id ?? undefined;
  }

  /** Issues a short-lived authorization code after the user signed in on the authorize page. */
  async createCode(clientId: string, user: User, redirectUri: string | null, requested?: string[]): Promise<string> {
    const base = await this.userClientScopes(clientId);
    if (!user.isActive) throw banned();
    const code = randomToken();
    await this.store(code, 'code', clientId, user.id, narrow(base, requested), null, this.lifetimes.code, redirectUri);
    return code;
  }

  async authorizationCode(clientId: string | undefined, code: string, redirectUri: string | undefined,
    clientSecret: string | undefined): Promise<IssuedTokens> {
    const row = await this.take(code, 'code');
    if (!row) throw credentials();
    if (clientId && clientId !== row.client_id) throw credentials();
    // RFC 6749 §4.1.3: the redirect_uri of the authorization request must be repeated, identical.
    if (row.redirect_uri && redirectUri !== row.redirect_uri) throw credentials();
    // Registered (confidential) applications must authenticate when exchanging a code.
    if (row.client_id !== USERS_CLIENT_ID) await this.authenticateClient(row.client_id, clientSecret);
    return this.issue(row.client_id, row.user_id, row.scopes.split(' ').filter(Boolean), true);
  }

  async refresh(token: string, clientId?: string, clientSecret?: string): Promise<IssuedTokens> {
    const h = hashToken(token);
    const row = await this.ctx.db.selectFrom('oauth_tokens').selectAll()
      .where('token_hash', '=', h).where('kind', 'in', ['refresh', 'refresh_used']).executeTakeFirst();
    if (!row) throw credentials();
    if (row.kind === 'refresh_used') return this.reused(row.family);
    if (row.expires_at <= seconds(this.ctx.now())) throw credentials();
    if (clientId && !safeEqual(clientId, row.client_id)) throw credentials();
    // Confidential clients authenticate on refresh too (RFC 6749 §6); a failed attempt does not spend the token.
    if (row.client_id !== USERS_CLIENT_ID) await this.authenticateClient(row.client_id, clientSecret);
    if (row.user_id) {
      const u = await this.users.find(row.user_id);
      if (!u) throw credentials();
      if (!u.isActive) throw banned();
    }
    // Conditional update: of two concurrent uses of one token only one wins; the other counts as reuse.
    const spent = await this.ctx.db.updateTable('oauth_tokens').set({ kind: 'refresh_used' })
      .where('token_hash', '=', h).where('kind', '=', 'refresh').executeTakeFirst();
    if (Number(spent.numUpdatedRows) !== 1) return this.reused(row.family);
    return this.issue(row.client_id, row.user_id, row.scopes.split(' ').filter(Boolean), true, row.family ?? undefined);
  }

  /** Resolves an access token to its grant, or undefined when unknown or expired. */
  async verify(token: string): Promise<AccessGrant | undefined> {
    if (this.pending.size) await Promise.allSettled([...this.pending]);
    const h = hashToken(token);
    const nowMs = this.ctx.now();
    const now = seconds(nowMs);
    const hit = this.cache.get(h);
    if (hit && nowMs - hit.checkedAt < CACHE_MS) {
      if (hit.grant.expiresAt > now) return hit.grant;
      this.cache.delete(h);
      return undefined;
    }
    const row = await this.ctx.db.selectFrom('oauth_tokens').selectAll()
      .where('token_hash', '=', h).where('kind', '=', 'access').executeTakeFirst();
    if (!row || row.expires_at <= now) {
      this.cache.delete(h);
      return undefined;
    }
    const grant: AccessGrant = { clientId: row.client_id, userId: row.user_id, scopes: row.scopes.split(' ').filter(Boolean), expiresAt: row.expires_at };
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(h, { grant, checkedAt: nowMs });
    return grant;
  }

  /**
   * Revokes every token of a user (password change, disabling, deletion). Callable without awaiting (from event
   * listeners): the cache is dropped at once and verify() waits for the delete to land.
   */
  revokeUser(userId: string): Promise<void> {
    return this.revoke(this.ctx.db.deleteFrom('oauth_tokens').where('user_id', '=', userId).execute());
  }

  async purgeExpired(): Promise<void> {
    await this.ctx.db.deleteFrom('oauth_tokens').where('expires_at', '<=', seconds(this.ctx.now())).execute();
  }

  private async userClientScopes(clientId: string): Promise<string[]> {
    if (clientId === USERS_CLIENT_ID) return [...USER_SCOPES];
    const c = await this.findClient(clientId);
    if (!c) throw credentials();
    return c.scopes;
  }

  /** Checks a registered application's secret; same work whether or not the client exists (timing). */
  private async authenticateClient(clientId: string, secret: string | undefined): Promise<OAuthClient> {
    const row = await this.ctx.db.selectFrom('oauth_clients').selectAll().where('id', '=', clientId).executeTakeFirst();
    const ok = await verifyPassword(secret ?? '', row ? row.secret_hash : FAKE);
    if (!row || !secret || !ok) throw credentials();
    return toClient(row);
  }

  /** A spent refresh token came back: somebody else holds the family. Revoke all of it, access tokens too. */
  private async reused(family: string | null): Promise<never> {
    if (family) await this.revoke(this.ctx.db.deleteFrom('oauth_tokens').where('family', '=', family).execute());
    throw credentials();
  }

  private async revoke(write: Promise<unknown>): Promise<void> {
    this.cache.clear();
    this.pending.add(write);
    try {
      await write;
    } finally {
      this.pending.delete(write);
      this.cache.clear();
    }
  }

  private async issue(clientId: string, userId: string | null, scopes: string[], withRefresh: boolean,
    family?: string): Promise<IssuedTokens> {
    if (this.ctx.now() - this.lastPurge > PURGE_MS) {
      this.lastPurge = this.ctx.now();
      await this.purgeExpired();
    }
    // Access and refresh tokens of one sign-in share a family, so detected refresh-token theft revokes both.
    const fam = withRefresh ? family ?? randomHex(16) : null;
    const accessToken = randomToken();
    await this.store(accessToken, 'access', clientId, userId, scopes, fam, this.lifetimes.access, null);
    const out: IssuedTokens = { accessToken, expiresIn: this.lifetimes.access, scopes };
    if (withRefresh) {
      const refreshToken = randomToken();
      await this.store(refreshToken, 'refresh', clientId, userId, scopes, fam, this.lifetimes.refresh, null);
      out.refreshToken = refreshToken;
      out.refreshExpiresIn = this.lifetimes.refresh;
    }
    return out;
  }

  private async store(token: string, kind: string, clientId: string, userId: string | null, scopes: string[],
    family: string | null, ttl: number, redirectUri: string | null): Promise<void> {
    const nowMs = this.ctx.now();
    // Rounded up: a token lives at least the `expires_in` it was announced with, never a fraction less.
    await this.ctx.db.insertInto('oauth_tokens').values({
      token_hash: hashToken(token), kind, client_id: clientId, user_id: userId, scopes: scopes.join(' '),
      family, redirect_uri: redirectUri, expires_at: Math.ceil(nowMs / 1000) + ttl, created_at: seconds(nowMs),
    }).execute();
  }

  /** Single-use read: deletes the token and returns it if it was valid. */
  private async take(token: string, kind: string) {
    const h = hashToken(token);
    const row = await this.ctx.db.selectFrom('oauth_tokens').selectAll().where('token_hash', '=', h).where('kind', '=', kind).executeTakeFirst();
    if (!row) return undefined;
    // Only the request whose delete removed the row may use it (two concurrent exchanges of one code).
    const gone = await this.ctx.db.deleteFrom('oauth_tokens').where('token_hash', '=', h).executeTakeFirst();
    if (Number(gone.numDeletedRows) !== 1) return undefined;
    return row.expires_at > seconds(this.ctx.now()) ? row : undefined;
  }
}

function narrow(granted: string[], requested?: string[]): string[] {
  if (!requested || requested.length === 0) return granted;
  const bad = requested.filter((s) => !granted.includes(s));
  if (bad.length) throw new DomainError('invalid', `scope not allowed: ${bad.join(' ')}`, { field: 'scope' });
  return requested;
}

function toClient(r: { id: string; name: string; scopes: string; redirect_uris: string; created_at: number }): OAuthClient {
  return { id: r.id, name: r.name, scopes: r.scopes ? r.scopes.split(' ') : [],
    redirectUris: JSON.parse(r.redirect_uris) as string[], createdAt: r.created_at };
}

/**
 * Why a redirect URI is unacceptable, or undefined. Absolute, no fragment (RFC 6749 §3.1.2), and never a scheme
 * that runs code in the browser.
 */
export function redirectUriProblem(uri: string): string | undefined {
  let u: URL;
  try { u = new URL(uri); } catch { return 'redirect_uri is not a valid absolute URL.'; }
  if (['javascript:', 'data:', 'vbscript:', 'file:', 'blob:'].includes(u.protocol)) return 'redirect_uri scheme is not allowed.';
  if (u.hash || uri.includes('#')) return 'redirect_uri must not contain a fragment.';
  return undefined;
}

/** How long a cached token check is trusted before the store is asked again (cross-process revocation). */
const CACHE_MS = 1000;
/** How often issuing a token also sweeps expired ones (a long-running server never restarts to do it). */
const PURGE_MS = 3600_000;

function credentials(): DomainError {
  return new DomainError('invalid_credentials', 'Invalid credentials.');
}

function banned(): DomainError {
  return new DomainError('user_disabled', 'User is banned.');
}

const FAKE = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
