import { sql } from 'kysely';
import type { EngineContext } from '../context.js';
import { seconds } from '../context.js';
import type { Actor } from '../actor.js';
import { authorize } from '../access.js';
import { DomainError, invalid, missing, notFound } from '../errors.js';
import { checkPage, pageOf, type Page } from '../paging.js';
import { randomHex } from '../security.js';
import type { GroupsTable } from '../../store/schema.js';
import type { AuditLog } from '../history/audit.js';
import type { User, UserFilter, Users } from './users.js';

/** The rights vocabulary of every TrueConf version except 3.4 and 3.5, in the seed's order. */
export const GROUP_RIGHTS = ['make_calls', 'collaboration_tools', 'create_group_conference', 'address_book_editing', 'operator_rights'] as const;

/** The finer vocabulary that only the v3.4/v3.5 documents list, in the seed's order. */
export const GROUP_RIGHTS_FINE = [
  'address_book_editing', 'make_calls', 'create_group_conference', 'screen_sharing', 'remote_desktop_control',
  'slideshow', 'file_sharing', 'conference_recording', 'operator_rights',
] as const;

/**
 * The fine rights that `collaboration_tools` stands for. Stored rights keep whatever was sent (a superset of both
 * vocabularies); `effectiveRights` makes the two views agree on what a group may do.
 */
export const COLLABORATION_PARTS = ['screen_sharing', 'remote_desktop_control', 'slideshow', 'file_sharing', 'conference_recording'] as const;

const KNOWN = new Set<string>([...GROUP_RIGHTS, ...GROUP_RIGHTS_FINE]);

export interface Group {
  id: string;
  displayName: string;
  /** As stored: any mix of both vocabularies, without duplicates. */
  rights: string[];
  createdAt: number;
}

export interface GroupInput {
  displayName?: string;
  rights?: string[];
}

/** Stored rights with `collaboration_tools` and its parts implying each other. */
export function effectiveRights(rights: readonly string[]): Set<string> {
  const out = new Set(rights);
  if (out.has('collaboration_tools')) for (const p of COLLABORATION_PARTS) out.add(p);
  if (COLLABORATION_PARTS.some((p) => out.has(p))) out.add('collaboration_tools');
  return out;
}

function toGroup(r: GroupsTable): Group {
  return { id: r.id, displayName: r.display_name, rights: JSON.parse(r.rights) as string[], createdAt: r.created_at };
}

/** Group ids are a slug of the first display name (readable in URLs), made unique with a random suffix. */
function slug(name: string): string {
  return name.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 32);
}

/** User groups: named sets of users carrying rights. Membership is what `groups` in User objects shows. */
export class Groups {
  constructor(private readonly ctx: EngineContext, private readonly users: Users, private readonly audit: AuditLog) {}

  async find(id: string): Promise<Group | undefined> {
    const row = await this.ctx.db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toGroup(row) : undefined;
  }

  async get(id: string): Promise<Group> {
    const g = await this.find(id);
    if (!g) throw notFound('group', id);
    return g;
  }

  async list(actor: Actor, page?: number, size?: number): Promise<Page<Group>> {
    authorize(actor, 'groups:read');
    const req = checkPage(page, size, 200);
    const [{ n }] = await this.ctx.db.selectFrom('groups').select((eb) => eb.fn.countAll<number>().as('n')).execute();
    const rows = await this.ctx.db.selectFrom('groups').selectAll().orderBy('display_name').orderBy('id')
      .limit(req.size).offset((req.page - 1) * req.size).execute();
    return pageOf(rows.map(toGroup), Number(n), req);
  }

  async create(actor: Actor, input: GroupInput): Promise<Group> {
    await this.authorizeAdmin(actor, 'groups:write');
    if (input.displayName === undefined) throw missing('display_name');
    const displayName = this.checkName(input.displayName);
    const rights = this.checkRights(input.rights ?? []);
    await this.assertNameFree(displayName, null);
    let id = slug(displayName) || randomHex(8);
    while (await this.find(id)) id = `${slug(displayName) || 'group'}_${randomHex(4)}`;
    const row: GroupsTable = { id, display_name: displayName, rights: JSON.stringify(rights), created_at: seconds(this.ctx.now()) };
    await this.ctx.db.insertInto('groups').values(row).execute();
    await this.audit.event(actor, 'create', 'group', id, { DisplayName: displayName });
    this.ctx.bus.emit('group.changed', { groupId: id });
    return toGroup(row);
  }

  async update(actor: Actor, id: string, input: GroupInput): Promise<Group> {
    const g = await this.get(id);
    await this.authorizeAdmin(actor, 'groups:write');
    const patch: Partial<GroupsTable> = {};
    if (input.displayName !== undefined) {
      patch.display_name = this.checkName(input.displayName);
      await this.assertNameFree(patch.display_name, g.id);
    }
    if (input.rights !== undefined) patch.rights = JSON.stringify(this.checkRights(input.rights));
    if (Object.keys(patch).length) {
      await this.ctx.db.updateTable('groups').set(patch).where('id', '=', g.id).execute();
      this.ctx.bus.emit('group.changed', { groupId: g.id });
    }
    return this.get(g.id);
  }

  async delete(actor: Actor, id: string): Promise<Group> {
    const g = await this.get(id);
    await this.authorizeAdmin(actor, 'groups:write');
    const members = await this.memberIds(g.id);
    await this.ctx.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('group_members').where('group_id', '=', g.id).execute();
      await tx.deleteFrom('groups').where('id', '=', g.id).execute();
    });
    await this.audit.event(actor, 'delete', 'group', g.id, { DisplayName: g.displayName });
    this.ctx.bus.emit('group.changed', { groupId: g.id });
    // Each former member's `groups` changed: faces that show users should refresh them.
    for (const userId of members) this.ctx.bus.emit('user.updated', { userId, credentialsChanged: false });
    return g;
  }

  /** Members of a group, with the same filters and paging as the user list. */
  async members(actor: Actor, groupId: string, filter: Omit<UserFilter, 'groupId'>, page?: number, size?: number): Promise<Page<User>> {
    const g = await this.get(groupId);
    authorize(actor, 'groups.users:read');
    return this.users.list(actor, { ...filter, groupId: g.id }, page, size);
  }

  /** One member; a user who exists but is not in the group is not found there. */
  async member(actor: Actor, groupId: string, userId: string): Promise<User> {
    const g = await this.get(groupId);
    authorize(actor, 'groups.users:read');
    const u = await this.users.get(userId);
    if (!(await this.isMember(g.id, u.id))) throw notFound('user', userId);
    return u;
  }

  /** Adds a user to a group; adding a member again changes nothing. */
  async addMember(actor: Actor, groupId: string, userId: string): Promise<User> {
    const g = await this.get(groupId);
    const u = await this.users.get(userId);
    await this.authorizeAdmin(actor, 'groups.users:write');
    if (!(await this.isMember(g.id, u.id))) {
      await this.ctx.db.insertInto('group_members').values({ group_id: g.id, user_id: u.id, added_at: seconds(this.ctx.now()) }).execute();
      this.changedMembership(g.id, u.id);
    }
    return u;
  }

  async removeMember(actor: Actor, groupId: string, userId: string): Promise<User> {
    const g = await this.get(groupId);
    const u = await this.users.get(userId);
    await this.authorizeAdmin(actor, 'groups.users:write');
    const res = await this.ctx.db.deleteFrom('group_members').where('group_id', '=', g.id).where('user_id', '=', u.id).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw notFound('user', userId);
    this.changedMembership(g.id, u.id);
    return u;
  }

  /** Groups a user belongs to, ordered by name. */
  async ofUser(userId: string): Promise<Group[]> {
    const rows = await this.ctx.db.selectFrom('groups').selectAll()
      .where('id', 'in', (eb) => eb.selectFrom('group_members').select('group_id').where('user_id', '=', userId))
      .orderBy('display_name').execute();
    return rows.map(toGroup);
  }

  /** Whether any of the user's groups grants the right (either vocabulary). */
  async userHasRight(userId: string, right: string): Promise<boolean> {
    return (await this.ofUser(userId)).some((g) => effectiveRights(g.rights).has(right));
  }

  /**
   * Groups carry rights, so changing them is administration: applications and operators only. A user-bound actor
   * owns no group (owner null), which authorize() refuses unless that user is an operator.
   */
  private async authorizeAdmin(actor: Actor, right: string): Promise<void> {
    const userId = actor.kind === 'client' || actor.kind === 'user' ? actor.userId : undefined;
    const operator = userId ? await this.userHasRight(userId, 'operator_rights') : false;
    authorize(actor, right, { owner: null }, operator);
  }

  private async isMember(groupId: string, userId: string): Promise<boolean> {
    const row = await this.ctx.db.selectFrom('group_members').select('user_id')
      .where('group_id', '=', groupId).where('user_id', '=', userId).executeTakeFirst();
    return row !== undefined;
  }

  private async memberIds(groupId: string): Promise<string[]> {
    const rows = await this.ctx.db.selectFrom('group_members').select('user_id').where('group_id', '=', groupId).execute();
    return rows.map((r) => r.user_id);
  }

  private changedMembership(groupId: string, userId: string): void {
    this.ctx.bus.emit('group.changed', { groupId });
    this.ctx.bus.emit('user.updated', { userId, credentialsChanged: false });
  }

  private checkName(name: unknown): string {
    if (typeof name !== 'string') throw invalid('display_name', 'display_name must be a string');
    const n = name.trim();
    if (n.length < 1 || n.length > 64) throw invalid('display_name', 'display_name must be 1..64 characters');
    return n;
  }

  private checkRights(rights: unknown): string[] {
    if (!Array.isArray(rights)) throw invalid('rights', 'rights must be an array of strings');
    const out: string[] = [];
    for (const r of rights) {
      if (typeof r !== 'string' || !KNOWN.has(r)) throw invalid('rights', `Unknown right ${JSON.stringify(r)}; allowed: ${[...KNOWN].join(', ')}`);
      if (!out.includes(r)) out.push(r);
    }
    return out;
  }

  /** Group names are unique regardless of case, so two groups never look alike in a client's list. */
  private async assertNameFree(name: string, self: string | null): Promise<void> {
    const row = await this.ctx.db.selectFrom('groups').select('id')
      .where(sql`lower(display_name)`, '=', name.toLowerCase()).executeTakeFirst();
    if (row && row.id !== self) throw new DomainError('conflict', `Group ${name} already exists.`, { field: 'display_name' });
  }
}
