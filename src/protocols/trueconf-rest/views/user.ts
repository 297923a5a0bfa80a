import type { User } from '../../../engine/directory/users.js';
import type { Engine } from '../../../engine/engine.js';
import { minor, type Version } from '../versions.js';
import { STATUS } from './common.js';
import { groupMini } from './group.js';

export interface GroupMini {
  id: string;
  display_name: string;
  rights: string[];
}

/** Resolves, in one query per list, what user objects embed: groups and avatar presence. */
export interface UserExtras {
  groups: Map<string, GroupMini[]>;
  avatars: Set<string>;
}

export async function userExtras(engine: Engine, userIds: string[]): Promise<UserExtras> {
  const ids = [...new Set(userIds)];
  const groups = new Map<string, GroupMini[]>();
  const avatars = new Set<string>();
  if (ids.length === 0) return { groups, avatars };
  const db = engine.ctx.db;
  const rows = await db.selectFrom('group_members').innerJoin('groups', 'groups.id', 'group_members.group_id')
    .select(['group_members.user_id', 'groups.id', 'groups.display_name', 'groups.rights'])
    .where('group_members.user_id', 'in', ids).orderBy('groups.display_name').execute();
  for (const r of rows) {
    const list = groups.get(r.user_id) ?? [];
    list.push(groupMini({ id: r.id, displayName: r.display_name, rights: JSON.parse(r.rights) as string[] }));
    groups.set(r.user_id, list);
  }
  const av = await db.selectFrom('avatars').select('user_id').where('user_id', 'in', ids).execute();
  for (const a of av) avatars.add(a.user_id);
  return { groups, avatars };
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
