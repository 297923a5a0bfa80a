import type { EngineContext } from '../context.js';
import { seconds } from '../context.js';
import type { Actor } from '../actor.js';
import { authorize } from '../access.js';
import { DomainError, invalid, notFound } from '../errors.js';
import { hashPassword, verifyPassword } from '../security.js';
import { checkPage, contains, pageOf, type Page } from '../paging.js';
import type { UsersTable } from '../../store/schema.js';
import { dataVersion } from '../../store/db.js';
import { OrderedIndex, byBytes } from '../ordered-index.js';
import { LOGIN_RE, loginOf } from './ids.js';
import type { AuditLog } from '../history/audit.js';
import type { Presence } from './presence.js';

export interface User {
  id: string;
  loginName: string;
  email: string | null;
  displayName: string;
  firstName: string;
  lastName: string;
  company: string;
  mobilePhone: string;
  workPhone: string;
  homePhone: string;
  isActive: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface UserInput {
  loginName?: string;
  password?: string;
  email?: string | null;
  displayName?: string;
  firstName?: string;
  lastName?: string;
  company?: string;
  mobilePhone?: string;
  workPhone?: string;
  homePhone?: string;
  isActive?: boolean;
}

export interface UserFilter {
  loginName?: string;
  displayName?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  /** Only members of this group. */
  groupId?: string;
}

const LIMITS: Array<[keyof UserInput, string, number, number]> = [
  ['password', 'password', 1, 255],
  ['email', 'email', 3, 250],
  ['displayName', 'display_name', 1, 64],
  ['firstName', 'first_name', 0, 64],
  ['lastName', 'last_name', 0, 64],
  ['company', 'company', 0, 64],
  ['mobilePhone', 'mobile_phone', 0, 50],
  ['workPhone', 'work_phone', 0, 50],
  ['homePhone', 'home_phone', 0, 50],
];

/** Every column a User is made of: reads never load the password hash. */
const USER_COLUMNS = ['id', 'login_name', 'email', 'display_name', 'first_name', 'last_name', 'company', 'mobile_phone',
  'work_phone', 'home_phone', 'is_active', 'created_at', 'updated_at'] as const;

/** Users kept by the read-through cache; past this the cache starts over (a directory bigger than this is rare). */
const CACHE_MAX = 100_000;

function toUser(r: Omit<UsersTable, 'password_hash'>): User {
  return {
    id: r.id, loginName: r.login_name, email: r.email, displayName: r.display_name, firstName: r.first_name,
    lastName: r.last_name, company: r.company, mobilePhone: r.mobile_phone, workPhone: r.work_phone,
    homePhone: r.home_phone, isActive: r.is_active === 1, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export class Users {
  /** 0 = unlimited. The seed's maxUsers error is a licence limit; Parley makes it an operator setting. */
  maxUsers = 0;

  /**
   * Users by id, read-through: user reads are the REST API's most frequent. This class is the only writer of the
   * users table, and every write here drops the entry. Holds frozen objects; callers get copies.
   */
  private readonly cache = new Map<string, Readonly<User>>();
  /**
   * Bumped by every write. A read that began before a write finished may hold the old row: it is then not cached
   * (reads and writes interleave at each await).
   */
  private generation = 0;
  /** The store's data version when the cache was last checked: another process (the admin CLI) may write users. */
  private seenVersion: number | undefined;

  /** All user ids in id order: the unfiltered list pages by slicing it (ordered-index.ts). */
  private readonly order: OrderedIndex<string>;

  constructor(private readonly ctx: EngineContext, private readonly audit: AuditLog, private readonly presence: Presence) {
    this.order = new OrderedIndex(ctx.db, async () =>
      (await ctx.db.selectFrom('users').select('id').orderBy('id').execute()).map((r) => r.id), byBytes);
  }

  private remember(u: User, generation: number): Readonly<User> {
    const frozen = Object.freeze(u);
    if (generation !== this.generation) return frozen;
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(u.id, frozen);
    return frozen;
  }

  /** The cache, emptied first when another connection committed since the last look (as conferences/cache.ts). */
  private fresh(): Map<string, Readonly<User>> {
    const v = dataVersion(this.ctx.db);
    if (v !== this.seenVersion) {
      this.seenVersion = v;
      this.generation++;
      this.cache.clear();
    }
    return this.cache;
  }

  private forget(id: string): void {
    this.generation++;
    this.cache.delete(id);
  }

  /** The users of `ids` that exist (shared frozen objects: copy before handing out), from the cache or the store. */
  private async load(ids: string[]): Promise<Map<string, Readonly<User>>> {
    const out = new Map<string, Readonly<User>>();
    const missing: string[] = [];
    const cache = this.fresh();
    for (const id of ids) {
      const u = cache.get(id);
      if (u) out.set(id, u);
      else missing.push(id);
    }
    if (missing.length === 0) return out;
    const generation = this.generation;
    const rows = await this.ctx.db.selectFrom('users').select(USER_COLUMNS).where('id', 'in', missing).execute();
    for (const r of rows) out.set(r.id, this.remember(toUser(r), generation));
    return out;
  }

  /** Resolves `login` or `login@server` to the stored login, or undefined. */
  idOf(idOrCallId: string): string {
    return loginOf(idOrCallId, this.ctx.serverName);
  }

  async find(idOrCallId: string): Promise<User | undefined> {
    const id = this.idOf(idOrCallId);
    let u = this.fresh().get(id);
    if (!u) {
      const generation = this.generation;
      const row = await this.ctx.db.selectFrom('users').select(USER_COLUMNS).where('id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      u = this.remember(toUser(row), generation);
    }
    return { ...u };
  }

  async get(idOrCallId: string): Promise<User> {
    const u = await this.find(idOrCallId);
    if (!u) throw notFound('user', idOrCallId);
    return u;
  }

  async findMany(ids: string[]): Promise<Map<string, User>> {
    const out = new Map<string, User>();
    if (ids.length === 0) return out;
    const unique = [...new Set(ids)];
    const found = await this.load(unique);
    for (const id of unique) {
      const u = found.get(id);
      if (u) out.set(id, { ...u });
    }
    return out;
  }

  async list(actor: Actor, filter: UserFilter, page?: number, size?: number): Promise<Page<User>> {
    authorize(actor, 'users:read');
    const req = checkPage(page, size, 200);
    const filtered = [filter.loginName, filter.displayName, filter.firstName, filter.lastName, filter.email, filter.groupId]
      .some((v) => v !== undefined && v !== '');
    let ids: string[], n: number;
    if (!filtered) {
      const all = await this.order.all();
      n = all.length;
      ids = all.slice((req.page - 1) * req.size, req.page * req.size);
    } else {
      let q = this.ctx.db.selectFrom('users');
      const like = (col: 'login_name' | 'display_name' | 'first_name' | 'last_name' | 'email', v?: string) => {
        if (v !== undefined && v !== '') q = q.where(contains(col, v));
      };
      like('login_name', filter.loginName);
      like('display_name', filter.displayName);
      like('first_name', filter.firstName);
      like('last_name', filter.lastName);
      like('email', filter.email);
      if (filter.groupId) {
        const g = filter.groupId;
        q = q.where('id', 'in', (eb) => eb.selectFrom('group_members').select('user_id').where('group_id', '=', g));
      }
      n = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).execute())[0].n);
      // Page over the primary-key index alone, then fetch the rows: OFFSET over whole rows cost 0.6 ms a page.
      ids = (await q.select('id').orderBy('id').limit(req.size).offset((req.page - 1) * req.size).execute()).map((r) => r.id);
    }
    const found = await this.load(ids);
    const users: User[] = [];
    for (const id of ids) {
      const u = found.get(id);
      if (u) users.push({ ...u });
    }
    return pageOf(users, n, req);
  }

  async create(actor: Actor, input: UserInput): Promise<User> {
    authorize(actor, 'users:write');
    if (!input.loginName) throw invalid('login_name', 'login_name is required');
    if (!LOGIN_RE.test(input.loginName)) {
      throw invalid('login_name', 'login_name must be 1-32 characters: Latin letters, digits, "_", "-" or "."');
    }
    if (!input.password) throw invalid('password', 'password is required');
    this.check(input);
    const id = input.loginName.toLowerCase();
    if (this.maxUsers > 0) {
      const [{ n }] = await this.ctx.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).execute();
      if (Number(n) >= this.maxUsers) throw new DomainError('user_limit', 'The server has reached the maximum number of users.');
    }
    if (await this.find(id)) throw new DomainError('conflict', `User ${id} already exists.`, { field: 'login_name' });
    if (input.email) await this.assertEmailFree(input.email, null);
    const t = seconds(this.ctx.now());
    const row: UsersTable = {
      id,
      login_name: input.loginName,
      password_hash: await hashPassword(input.password),
      email: input.email || null,
      display_name: input.displayName || input.loginName,
      first_name: input.firstName ?? '',
      last_name: input.lastName ?? '',
      company: input.company ?? '',
      mobile_phone: input.mobilePhone ?? '',
      work_phone: input.workPhone ?? '',
      home_phone: input.homePhone ?? '',
      is_active: input.isActive === false ? 0 : 1,
      created_at: t,
      updated_at: t,
    };
    this.forget(id);
    await this.ctx.db.insertInto('users').values(row).execute();
    this.order.add(id);
    await this.audit.event(actor, 'create', 'user', id, { DisplayName: row.display_name });
    this.ctx.bus.emit('user.created', { userId: id });
    return toUser(row);
  }

  async update(actor: Actor, idOrCallId: string, input: UserInput): Promise<User> {
    const user = await this.get(idOrCallId);
    authorize(actor, 'users:write', { owner: user.id });
    this.check(input);
    if (input.email) await this.assertEmailFree(input.email, user.id);
    const patch: Partial<UsersTable> = { updated_at: seconds(this.ctx.now()) };
    if (input.password !== undefined) patch.password_hash = await hashPassword(input.password);
    if (input.email !== undefined) patch.email = input.email || null;
    if (input.displayName !== undefined) patch.display_name = input.displayName;
    if (input.firstName !== undefined) patch.first_name = input.firstName;
    if (input.lastName !== undefined) patch.last_name = input.lastName;
    if (input.company !== undefined) patch.company = input.company;
    if (input.mobilePhone !== undefined) patch.mobile_phone = input.mobilePhone;
    if (input.workPhone !== undefined) patch.work_phone = input.workPhone;
    if (input.homePhone !== undefined) patch.home_phone = input.homePhone;
    if (input.isActive !== undefined) patch.is_active = input.isActive ? 1 : 0;
    this.forget(user.id);
    try {
      await this.ctx.db.updateTable('users').set(patch).where('id', '=', user.id).execute();
    } finally {
      this.forget(user.id);
    }
    this.ctx.bus.emit('user.updated', { userId: user.id, credentialsChanged: input.password !== undefined || input.isActive === false });
    return this.get(user.id);
  }

  async delete(actor: Actor, idOrCallId: string): Promise<User> {
    const user = await this.get(idOrCallId);
    authorize(actor, 'users:write');
    this.forget(user.id);
    await this.ctx.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('users').where('id', '=', user.id).execute();
      await tx.deleteFrom('group_members').where('user_id', '=', user.id).execute();
      await tx.deleteFrom('contacts').where((eb) => eb.or([eb('owner_id', '=', user.id), eb('contact_id', '=', user.id)])).execute();
      await tx.deleteFrom('avatars').where('user_id', '=', user.id).execute();
      await tx.deleteFrom('oauth_tokens').where('user_id', '=', user.id).execute();
    });
    this.order.remove(user.id);
    this.forget(user.id);
    this.ctx.bus.emit('user.deleted', { userId: user.id });
    return user;
  }

  /** Checks a login/password pair. Returns the user, or undefined on any mismatch (never says which). */
  async authenticate(login: string, password: string): Promise<User | undefined> {
    const row = await this.ctx.db.selectFrom('users').selectAll().where('id', '=', this.idOf(login)).executeTakeFirst();
    if (!row) {
      // Spend the same time as a real check so that response timing does not reveal which logins exist.
      await verifyPassword(password, DUMMY_HASH);
      return undefined;
    }
    return (await verifyPassword(password, row.password_hash)) ? toUser(row) : undefined;
  }

  async setPassword(actor: Actor, idOrCallId: string, password: string): Promise<void> {
    await this.update(actor, idOrCallId, { password });
  }

  /** Drops every live connection of a user. Returns how many there were. */
  async disconnect(actor: Actor, idOrCallId: string): Promise<number> {
    const user = await this.get(idOrCallId);
    authorize(actor, 'users:write', { owner: user.id });
    return this.presence.dropAll(user.id);
  }

  private check(input: UserInput): void {
    for (const [key, field, min, max] of LIMITS) {
      const v = input[key];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'string') throw invalid(field, `${field} must be a string`);
      if (v.length < min || v.length > max) throw invalid(field, `${field} must be ${min}..${max} characters`);
    }
    if (input.email && !/^[^\s@]+@[^\s@]+$/.test(input.email)) throw invalid('email', 'email is not a valid address');
  }

  private async assertEmailFree(email: string, self: string | null): Promise<void> {
    const row = await this.ctx.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    if (row && row.id !== self) throw new DomainError('conflict', `E-mail ${email} is already used.`, { field: 'email' });
  }
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
