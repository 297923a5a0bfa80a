import type { EngineContext } from '../context.js';
import { seconds } from '../context.js';
import type { Actor } from '../actor.js';
import { authorize } from '../access.js';
import { DomainError, missing, notFound } from '../errors.js';
import { randomHex } from '../security.js';
import type { Users } from '../directory/users.js';
import type { AuditLog } from '../history/audit.js';
import type { TemplatesTable } from '../../store/schema.js';
import { validateConferenceInput } from './validate.js';
import type { ConferenceInput } from './types.js';

/** A stored set of conference settings that new conferences can start from (TrueConf ConferenceTemplate). */
export interface ConferenceTemplate {
  id: string;
  name: string;
  /** The conference fields as given (validated like a conference create body). */
  object: ConferenceInput;
  createdAt: number;
  updatedAt: number;
  /** The user who created it; null when an application (or the operator) did. */
  creatorId: string | null;
}

export type TemplateSortField = 'name' | 'created_at' | 'updated_at' | 'creator_id';

/** Fields that identify or describe one concrete conference, never inherited from a template. */
const NOT_TEMPLATED = ['id', 'template_id', 'url', 'webclient_url', 'state'] as const;

function toTemplate(r: TemplatesTable): ConferenceTemplate {
  return { id: r.id, name: r.name, object: JSON.parse(r.object) as ConferenceInput, createdAt: r.created_at, updatedAt: r.updated_at, creatorId: r.creator_id };
}

export class Templates {
  constructor(private readonly ctx: EngineContext, private readonly users: Users, private readonly audit: AuditLog) {}

  async find(id: string): Promise<ConferenceTemplate | undefined> {
    const row = await this.ctx.db.selectFrom('templates').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toTemplate(row) : undefined;
  }

  async get(actor: Actor, id: string): Promise<ConferenceTemplate> {
    authorize(actor, 'templates.conferences:read');
    const t = await this.find(id);
    if (!t) throw notFound('template', id);
    return t;
  }

  /** The settings a new conference inherits from template `id` (conferenceTemplateNotFound when absent). */
  async settings(id: string): Promise<ConferenceInput> {
    const t = await this.find(id);
    if (!t) throw notFound('template', id);
    return t.object;
  }

  async list(actor: Actor, sortBy: TemplateSortField = 'created_at', sortType: 'asc' | 'desc' = 'asc'): Promise<ConferenceTemplate[]> {
    authorize(actor, 'templates.conferences:read');
    const rows = await this.ctx.db.selectFrom('templates').selectAll().orderBy(sortBy, sortType).orderBy('id', sortType).execute();
    return rows.map(toTemplate);
  }

  async create(actor: Actor, input: { name?: string; object?: ConferenceInput }): Promise<ConferenceTemplate> {
    const creatorId = actor.kind === 'client' ? actor.userId ?? null : actor.kind === 'user' ? actor.userId : null;
    // A user's template is theirs (creator_id); an application's belongs to nobody.
    authorize(actor, 'templates.conferences:write', { owner: creatorId ?? undefined });
    if (input.name === undefined) throw missing('name');
    const object = await this.checkObject(input.object ?? {});
    const now = seconds(this.ctx.now());
    let id: string;
    do id = randomHex(8); while (await this.find(id));
    const t: ConferenceTemplate = { id, name: input.name, object, createdAt: now, updatedAt: now, creatorId };
    await this.ctx.db.insertInto('templates').values({
      id, name: t.name, object: JSON.stringify(object), creator_id: creatorId, created_at: now, updated_at: now,
    }).execute();
    await this.audit.event(actor, 'create', 'conference_template', id, { name: t.name });
    return t;
  }

  async update(actor: Actor, id: string, input: { name?: string; object?: ConferenceInput }): Promise<ConferenceTemplate> {
    const cur = await this.find(id);
    if (!cur) throw notFound('template', id);
    authorize(actor, 'templates.conferences:write', { owner: cur.creatorId });
    // `object` is replaced whole: a template is a snapshot of settings, not a conference to patch.
    const next: ConferenceTemplate = {
      ...cur,
      name: input.name ?? cur.name,
      object: input.object !== undefined ? await this.checkObject(input.object) : cur.object,
      updatedAt: seconds(this.ctx.now()),
    };
    await this.ctx.db.updateTable('templates').set({ name: next.name, object: JSON.stringify(next.object), updated_at: next.updatedAt })
      .where('id', '=', id).execute();
    await this.audit.event(actor, 'edit', 'conference_template', id, { name: next.name });
    return next;
  }

  async delete(actor: Actor, id: string): Promise<ConferenceTemplate> {
    const cur = await this.find(id);
    if (!cur) throw notFound('template', id);
    authorize(actor, 'templates.conferences:write', { owner: cur.creatorId });
    await this.ctx.db.deleteFrom('templates').where('id', '=', id).execute();
    await this.audit.event(actor, 'delete', 'conference_template', id, {});
    return cur;
  }

  private async checkObject(object: ConferenceInput): Promise<ConferenceInput> {
    const o: Record<string, unknown> = { ...object };
    for (const k of NOT_TEMPLATED) delete o[k];
    validateConferenceInput(o as ConferenceInput);
    // The seed lists userNotFound for template creation: a named owner must exist.
    if (typeof o.owner === 'string') {
      const u = await this.users.find(o.owner);
      if (!u) throw new DomainError('not_found', `User ${o.owner} is not found.`, { id: o.owner }, 'user');
      o.owner = u.id;
    }
    return o as ConferenceInput;
  }
}
