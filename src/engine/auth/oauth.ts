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
  /** Validated access tokens, by hash, so hot API paths skip the database. */
  private readonly cache = new Map<string, AccessGrant>();

  constructor(private readonly ctx: EngineContext, private readonly users: Users) {}

  async createClient(actor: Actor, name: string, scopes: string[], redirectUris: string[] = []):
    Promise<{ client: OAuthClient; secret: string }> {
    authorize(actor, 'oauth_clients:write');
    if (!name.trim()) throw invalid('name', 'name is required');
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
    return rows.map((r) => ({
      id: r.id, name: r.name, scopes: r.scopes ? r.scopes.split(' ') : [],
      redirectUris: JSON.parse(r.redirect_uris) as string[], createdAt: r.created_at,
    }));
  }

  async findClient(id: string): Promise<OAuthClient | undefined> {
    const r = await this.ctx.db.selectFrom('oauth_clients').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? { id: r.id, name: r.name, scopes: r.scopes ? r.scopes.split(' ') : [],
      redirectUris: JSON.parse(r.redirect_uris) as string[], createdAt: r.created_at } : undefined;
  }

  async deleteClient(actor: Actor, id: string): Promise<void> {
    authorize(actor, 'oauth_clients:write');
    const r = await this.ctx.db.deleteFrom('oauth_clients').where('id', '=', id).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw notFound('oauth_client', id);
    await this.ctx.db.deleteFrom('oauth_tokens').where('client_id', '=', id).execute();
    this.cache.clear();
  }

  /** client_credentials: an application acting with its registered scopes. */
  async clientCredentials(clientId: string, secret: string, requested?: string[]): Promise<IssuedTokens> {
    const row = await this.ctx.db.selectFrom('oauth_clients').selectAll().where('id', '=', clientId).executeTakeFirst();
    const ok = row ? await verifyPassword(secret, row.secret_hash) : await verifyPassword(secret, FAKE);
    if (!row || !ok) throw credentials();
    const scopes = narrow(row.scopes.split(' ').filter(Boolean), requested);
    return this.issue(clientId, null, scopes, false);
  }

  /** password: a user signs in with login and password through the users client (or a registered one). */
  async password(clientId: string, login: string, password: string, requested?: string[]): Promise<IssuedTokens> {
    const base = await this.userClientScopes(clientId);
    const user = await this.users.authenticate(login, password);
    if (!user) throw credentials();
    if (!user.isActive) throw banned();
    return this.issue(clientId, user.id, narrow(base, requested), true);
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
    if (row.redirect_uri && redirectUri !== undefined && redirectUri !== row.redirect_uri) throw credentials();
    if (row.client_id !== USERS_CLIENT_ID) {
      // Registered (confidential) applications must authenticate when exchanging a code.
      const c = await this.ctx.db.selectFrom('oauth_clients').select('secret_hash').where('id', '=', row.client_id).executeTakeFirst();
      if (!c || !clientSecret || !(await verifyPassword(clientSecret, c.secret_hash))) throw credentials();
    }
    return this.issue(row.client_id, row.user_id, row.scopes.split(' ').filter(Boolean), true);
  }

  async refresh(token: string, clientId?: string): Promise<IssuedTokens> {
    const h = hashToken(token);
    const row = await this.ctx.db.selectFrom('oauth_tokens').selectAll()
      .where('token_hash', '=', h).where('kind', 'in', ['refresh', 'refresh_used']).executeTakeFirst();
    if (!row) throw credentials();
    if (row.kind === 'refresh_used') {
      // Reuse of a rotated token: somebody else holds the family. Revoke it all.
      if (row.family) await this.ctx.db.deleteFrom('oauth_tokens').where('family', '=', row.family).execute();
      this.cache.clear();
      throw credentials();
    }
    if (row.expires_at <= seconds(this.ctx.now())) throw credentials();
    if (clientId && !safeEqual(clientId, row.client_id)) throw credentials();
    if (row.user_id) {
      const u = await this.users.find(row.user_id);
      if (!u) throw credentials();
      if (!u.isActive) throw banned();
    }
    await this.ctx.db.updateTable('oauth_tokens').set({ kind: 'refresh_used' }).where('token_hash', '=', h).execute();
    return this.issue(row.client_id, row.user_id, row.scopes.split(' ').filter(Boolean), true, row.family ?? undefined);
  }

  /** Resolves an access token to its grant, or undefined when unknown or expired. */
  async verify(token: string): Promise<AccessGrant | undefined> {
    const h = hashToken(token);
    const now = seconds(this.ctx.now());
    const hit = this.cache.get(h);
    if (hit) {
      if (hit.expiresAt > now) return hit;
      this.cache.delete(h);
      return undefined;
    }
    const row = await this.ctx.db.selectFrom('oauth_tokens').selectAll()
      .where('token_hash', '=', h).where('kind', '=', 'access').executeTakeFirst();
    if (!row || row.expires_at <= now) return undefined;
    const grant: AccessGrant = { clientId: row.client_id, userId: row.user_id, scopes: row.scopes.split(' ').filter(Boolean), expiresAt: row.expires_at };
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(h, grant);
    return grant;
  }

  /** Revokes every token of a user (password change, disconnect, deletion). */
  async revokeUser(userId: string): Promise<void> {
    await this.ctx.db.deleteFrom('oauth_tokens').where('user_id', '=', userId).execute();
    this.cache.clear();
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

  private async issue(clientId: string, userId: string | null, scopes: string[], withRefresh: boolean,
    family?: string): Promise<IssuedTokens> {
    const accessToken = randomToken();
    await this.store(accessToken, 'access', clientId, userId, scopes, null, this.lifetimes.access, null);
    const out: IssuedTokens = { accessToken, expiresIn: this.lifetimes.access, scopes };
    if (withRefresh) {
      const refreshToken = randomToken();
      await this.store(refreshToken, 'refresh', clientId, userId, scopes, family ?? randomHex(16), this.lifetimes.refresh, null);
      out.refreshToken = refreshToken;
      out.refreshExpiresIn = this.lifetimes.refresh;
    }
    return out;
  }

  private async store(token: string, kind: string, clientId: string, userId: string | null, scopes: string[],
    family: string | null, ttl: number, redirectUri: string | null): Promise<void> {
    const now = seconds(this.ctx.now());
    await this.ctx.db.insertInto('oauth_tokens').values({
      token_hash: hashToken(token), kind, client_id: clientId, user_id: userId, scopes: scopes.join(' '),
      family, redirect_uri: redirectUri, expires_at: now + ttl, created_at: now,
    }).execute();
  }

  /** Single-use read: deletes the token and returns it if it was valid. */
  private async take(token: string, kind: string) {
    const h = hashToken(token);
    const row = await this.ctx.db.selectFrom('oauth_tokens').selectAll().where('token_hash', '=', h).where('kind', '=', kind).executeTakeFirst();
    if (!row) return undefined;
    await this.ctx.db.deleteFrom('oauth_tokens').where('token_hash', '=', h).execute();
    return row.expires_at > seconds(this.ctx.now()) ? row : undefined;
  }
}

function narrow(granted: string[], requested?: string[]): string[] {
  if (!requested || requested.length === 0) return granted;
  const bad = requested.filter((s) => !granted.includes(s));
  if (bad.length) throw new DomainError('invalid', `scope not allowed: ${bad.join(' ')}`, { field: 'scope' });
  return requested;
}

function credentials(): DomainError {
  return new DomainError('invalid_credentials', 'Invalid credentials.');
}

function banned(): DomainError {
  return new DomainError('user_disabled', 'User is banned.');
}

const FAKE = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
