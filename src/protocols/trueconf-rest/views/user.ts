import type { User } from '../../../engine/directory/users.js';
import type { Engine } from '../../../engine/engine.js';
import { minor, type Version } from '../versions.js';
import { STATUS } from './common.js';
import { groupMini } from './group.js';
import { dataVersion } from '../../../store/db.js';

export interface GroupMini {
  id: string;
  display_name: string;
  rights: string[];
}

/** What user objects embed besides the user row: groups and avatar presence. */
export interface UserExtras {
  groups: Map<string, GroupMini[]>;
  avatars: Set<string>;
}

interface Extra { groups: GroupMini[]; avatar: boolean }

/**
 * Groups and avatar flags by user, read-through: every user object embeds them, and two queries per read were a
 * tenth of the REST benchmark's SQL time. A projection of engine events: a user's entry goes when the engine says
 * the user changed (group membership and avatars report `user.updated`), everything when a group changes (names
 * and rights are embedded) or another process committed to the store (the admin CLI).
 */
class ExtrasCache {
  private readonly map = new Map<string, Extra>();
  /** Bumped by every invalidation: a read that raced one is used but not kept. */
  private generation = 0;
  private seen: number;

  constructor(private readonly engine: Engine) {
    this.seen = dataVersion(engine.ctx.db);
    const drop = (e: { userId: string }) => { this.generation++; this.map.delete(e.userId); };
    engine.bus.on('user.created', drop);
    engine.bus.on('user.updated', drop);
    engine.bus.on('user.deleted', drop);
    engine.bus.on('group.changed', () => { this.generation++; this.map.clear(); });
  }

  async get(ids: string[]): Promise<UserExtras> {
    const v = dataVersion(this.engine.ctx.db);
    if (v !== this.seen) { this.seen = v; this.generation++; this.map.clear(); }
    const groups = new Map<string, GroupMini[]>();
    const avatars = new Set<string>();
    const put = (id: string, x: Extra) => {
      if (x.groups.length) groups.set(id, x.groups);
      if (x.avatar) avatars.add(id);
    };
    const missing: string[] = [];
    for (const id of ids) {
      const x = this.map.get(id);
      if (x) put(id, x);
      else missing.push(id);
    }
    if (missing.length === 0) return { groups, avatars };
    const generation = this.generation;
    const loaded = new Map<string, Extra>(missing.map((id) => [id, { groups: [], avatar: false }]));
    const db = this.engine.ctx.db;
    const rows = await db.selectFrom('group_members').innerJoin('groups', 'groups.id', 'group_members.group_id')
      .select(['group_members.user_id', 'groups.id', 'groups.display_name', 'groups.rights'])
      .where('group_members.user_id', 'in', missing).orderBy('groups.display_name').execute();
    for (const r of rows) {
      loaded.get(r.user_id)!.groups.push(groupMini({ id: r.id, displayName: r.display_name, rights: JSON.parse(r.rights) as string[] }));
    }
    const av = await db.selectFrom('avatars').select('user_id').where('user_id', 'in', missing).execute();
    for (const a of av) loaded.get(a.user_id)!.avatar = true;
    for (const [id, x] of loaded) {
      put(id, x);
      if (generation === this.generation) this.map.set(id, x);
    }
    return { groups, avatars };
  }
}

const caches = new WeakMap<Engine, ExtrasCache>();

/** The extras of these users (shared arrays: read-only for callers). */
export async function userExtras(engine: Engine, userIds: string[]): Promise<UserExtras> {
  let cache = caches.get(engine);
  if (!cache) caches.set(engine, (cache = new ExtrasCache(engine)));
  return cache.get([...new Set(userIds)]);
}

export function avatarUrl(baseUrl: string, version: Version, userId: string): string {
  return `${baseUrl}/api/v${version}/users/${encodeURIComponent(userId)}/avatar/image`;
}

/** The User object (§4.13) as the given API version shows it. */
export function userView(engine: Engine, u: User, extras: UserExtras, version: Version, baseUrl: string): Record<string, unknown> {
  const server = engine.ctx.serverName;
  const groups = extras.groups.get(u.id) ?? [];
  const v: Record<string, unknown> = { id: u.id };
  if (minor(version) >= 1) v.uid = `${u.id}@${server}`;
  v.avatar = extras.avatars.has(u.id) ? avatarUrl(baseUrl, version, u.id) : null;
  Object.assign(v, {
    login_name: u.loginName,
    email: u.email ?? '',
    display_name: u.displayName,
    first_name: u.firstName,
    last_name: u.lastName,
    company: u.company,
    groups: minor(version) >= 1 ? groups : groups.length ? groups.map((g) => g.id) : ['@no_group'],
    mobile_phone: u.mobilePhone,
    work_phone: u.workPhone,
    home_phone: u.homePhone,
    is_active: u.isActive ? 1 : 0,
    status: STATUS[engine.presence.status(u.id)],
  });
  return v;
}

export async function userViews(engine: Engine, users: User[], version: Version, baseUrl: string): Promise<Record<string, unknown>[]> {
  const extras = await userExtras(engine, users.map((u) => u.id));
  return users.map((u) => userView(engine, u, extras, version, baseUrl));
}
