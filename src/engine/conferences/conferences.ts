import type { EngineContext } from '../context.js';
import { seconds } from '../context.js';
import type { Actor } from '../actor.js';
import { authorize } from '../access.js';
import { DomainError, invalid, missing, notFound } from '../errors.js';
import { randomDigits } from '../security.js';
import { checkPage, pageOf, type Page } from '../paging.js';
import type { Users } from '../directory/users.js';
import { loginOf } from '../directory/ids.js';
import { validateConferenceInput } from './validate.js';
import { DefinitionCache } from './cache.js';
import { OrderedIndex, byBytes } from '../ordered-index.js';
import { JOIN_OPTIONS, MAX_ALLOWED, defaultRights, type ConferenceDef, type ConferenceInput, type Invitation } from './types.js';
import type { AuditLog } from '../history/audit.js';

/** What the definitions need to know about live sessions (implemented by Sessions). */
export interface RunningState {
  isRunning(conferenceId: string): boolean;
}

/** Template settings by id (implemented by Templates); throws the template's not_found. */
export interface TemplateSource {
  settings(id: string): Promise<ConferenceInput>;
}

/** Broadcast presets a conference may link to (implemented by Presets). */
export interface PresetSource {
  find(id: string): Promise<unknown>;
}

/** A conference's place in list order. */
interface ListKey { created_at: number; id: string }

export interface ConferenceFilter {
  owner?: string;
  state?: 'running' | 'stopped';
  tag?: string;
}

const EDITABLE_WHILE_RUNNING = new Set(['description']);

/**
 * Conference definitions: create, read, edit, delete, invitation lists, aliases and numbers.
 * Rules of the seed live here: the owner is always invited, a running conference is not edited (but its
 * description), multicast excludes MCU mode and restricts join options.
 */
export class Conferences {
  /** 0 = unlimited (the seed's conferenceLimit is a licence limit). */
  maxConferences = 0;
  private running: RunningState = { isRunning: () => false };
  private templates: TemplateSource = { settings: async (id) => { throw notFound('template', id); } };
  private presets: PresetSource = { find: async () => undefined };
  /** Definitions by id, read-through: conference reads are the hottest path of the REST API. */
  private readonly cache: DefinitionCache;

  /** Every conference in list order (created_at, id): the unfiltered list pages by slicing it (ordered-index.ts). */
  private readonly order: OrderedIndex<ListKey>;

  constructor(private readonly ctx: EngineContext, private readonly users: Users, private readonly audit: AuditLog) {
    this.cache = new DefinitionCache(ctx.db);
    this.order = new OrderedIndex(ctx.db, async () => ctx.db.selectFrom('conferences').select(['created_at', 'id'])
      .orderBy('created_at').orderBy('id').execute(), (a, b) => a.created_at - b.created_at || byBytes(a.id, b.id));
  }

  attachRunningState(r: RunningState): void {
    this.running = r;
  }

  attachTemplates(t: TemplateSource): void {
    this.templates = t;
  }

  attachPresets(p: PresetSource): void {
    this.presets = p;
  }

  async find(id: string): Promise<ConferenceDef | undefined> {
    const hit = this.cache.get(id);
    if (hit) return structuredClone(hit);
    const row = await this.ctx.db.selectFrom('conferences').select('data').where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const def = JSON.parse(row.data) as ConferenceDef;
    this.cache.set(id, def);
    return structuredClone(def);
  }

  /**
   * A listed definition from the read-through cache (parsing fifty definitions per page was a hot spot). Not a
   * copy: list results are read-only for callers, who must never mutate them.
   */
  private parsed(id: string, data: string): ConferenceDef {
    let def = this.cache.get(id);
    if (!def) {
      def = JSON.parse(data) as ConferenceDef;
      this.cache.set(id, def);
    }
    return def;
  }

  async get(id: string): Promise<ConferenceDef> {
    const c = await this.find(id);
    if (!c) throw notFound('conference', id);
    return c;
  }

  /** A conference as `actor` may read it: a user-bound caller sees only its own unless it is an operator. */
  async read(actor: Actor, id: string): Promise<ConferenceDef> {
    const c = await this.get(id);
    authorize(actor, 'conferences:read', { owner: c.owner });
    return c;
  }

  /**
   * Like read(), but the shared cached definition instead of a copy, for hot read-only paths (the REST conference
   * reads). Callers must never mutate it. Every write replaces the cached object (save() stores a fresh copy), so
   * the object's identity also tells callers that cache a projection of it when it changed.
   */
  async readShared(actor: Actor, id: string): Promise<Readonly<ConferenceDef>> {
    let def = this.cache.get(id);
    if (!def) {
      const row = await this.ctx.db.selectFrom('conferences').select('data').where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound('conference', id);
      def = JSON.parse(row.data) as ConferenceDef;
      this.cache.set(id, def);
    }
    authorize(actor, 'conferences:read', { owner: def.owner });
    return def;
  }

  /** Finds a conference by id, alias or number (the Pexip alias and XiVO extension routes). */
  async resolve(aliasOrId: string): Promise<ConferenceDef | undefined> {
    const direct = await this.find(aliasOrId);
    if (direct) return direct;
    const row = await this.ctx.db.selectFrom('conference_aliases').select('conference_id')
      .where('alias', '=', aliasOrId.toLowerCase()).executeTakeFirst();
    return row ? this.find(row.conference_id) : undefined;
  }

  isRunning(id: string): boolean {
    return this.running.isRunning(id);
  }

  async list(actor: Actor, filter: ConferenceFilter, page?: number, size?: number): Promise<Page<ConferenceDef>> {
    authorize(actor, 'conferences:read');
    const req = checkPage(page, size, 200);
    let q = this.ctx.db.selectFrom('conferences');
    const userId = actor.kind === 'client' ? actor.userId : actor.kind === 'user' ? actor.userId : undefined;
    if (userId) q = q.where('owner', '=', userId);
    if (filter.owner) q = q.where('owner', '=', this.users.idOf(filter.owner));
    if (!filter.tag && !filter.state) {
      let ids: string[], n: number;
      if (!userId && !filter.owner) {
        const all = await this.order.all();
        n = all.length;
        ids = all.slice((req.page - 1) * req.size, req.page * req.size).map((k) => k.id);
      } else {
        n = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).execute())[0].n);
        // Ids from the (created_at, id) index alone; definition blobs are read only for those not cached yet.
        ids = (await q.select('id').orderBy('created_at').orderBy('id')
          .limit(req.size).offset((req.page - 1) * req.size).execute()).map((r) => r.id);
      }
      const missing = ids.filter((id) => !this.cache.has(id));
      if (missing.length) {
        const rows = await this.ctx.db.selectFrom('conferences').select(['id', 'data']).where('id', 'in', missing).execute();
        for (const r of rows) this.parsed(r.id, r.data);
      }
      const defs = ids.map((id) => this.cache.get(id)).filter((d) => d !== undefined);
      // Short only when another process wrote meanwhile and the cache started over (cache.ts): read the page again.
      if (defs.length < ids.length) return this.list(actor, filter, page, size);
      return pageOf(defs, n, req);
    }
    const rows = await q.select(['id', 'data']).orderBy('created_at').orderBy('id').execute();
    let defs = rows.map((r) => this.parsed(r.id, r.data));
    if (filter.tag) defs = defs.filter((d) => d.tags.includes(filter.tag!));
    if (filter.state) defs = defs.filter((d) => (this.isRunning(d.id) ? 'running' : 'stopped') === filter.state);
    const total = defs.length;
    return pageOf(defs.slice((req.page - 1) * req.size, req.page * req.size), total, req);
  }

  async create(actor: Actor, input: ConferenceInput, base?: Partial<ConferenceDef>): Promise<ConferenceDef> {
    // A user may create conferences they own; the owner check below covers creating one for somebody else.
    authorize(actor, 'conferences:write', { owner: actor.kind === 'client' || actor.kind === 'user' ? actor.userId : undefined });
    validateConferenceInput(input);
    // A template supplies defaults; the request body wins field by field.
    const fromTemplate = input.template_id !== undefined ? await this.templates.settings(input.template_id) : {};
    const merged: ConferenceInput = { ...fromTemplate, ...(base ?? {}), ...stripUndefined(input) };
    delete merged.template_id;
    const actorUser = actor.kind === 'client' ? actor.userId : actor.kind === 'user' ? actor.userId : undefined;
    const ownerIn = merged.owner ?? actorUser;
    if (!ownerIn) throw missing('owner');
    if (!merged.topic) throw missing('topic');
    const owner = await this.users.find(ownerIn);
    if (!owner) throw new DomainError('not_found', `User ${ownerIn} is not found.`, { id: ownerIn }, 'user');
    if (actorUser && owner.id !== actorUser) authorize(actor, 'conferences:write', { owner: owner.id });
    if (this.maxConferences > 0) {
      const [{ n }] = await this.ctx.db.selectFrom('conferences').select((eb) => eb.fn.countAll<number>().as('n')).execute();
      if (Number(n) >= this.maxConferences) {
        throw new DomainError('conference_limit', "You can't create more conferences, because the server has reached the maximum number of conferences.");
      }
    }
    let id = merged.id;
    if (id) {
      if (await this.find(id)) throw new DomainError('conflict', `Conference ${id} already exists.`, { field: 'id' });
    } else {
      do id = randomDigits(10); while (await this.find(id));
    }
    const now = seconds(this.ctx.now());
    const def = this.normalize({ ...defaults(), ...merged, id, owner: owner.id, created_at: now, updated_at: now } as ConferenceDef);
    def.invitations = this.invitationsWithOwner(merged.invitations, owner.id, owner.displayName, merged.invitations !== undefined);
    applyJoinOptionDefaults(def, null, merged.join_options !== undefined);
    this.checkRules(def, merged.join_options !== undefined);
    await this.checkPreset(merged.broadcast_id);
    await this.checkAliases(def);
    await this.ctx.db.transaction().execute(async (tx) => {
      await tx.insertInto('conferences').values({ id: def.id, owner: def.owner, topic: def.topic, data: JSON.stringify(def), created_at: now, updated_at: now }).execute();
      for (const a of routeKeys(def)) await tx.insertInto('conference_aliases').values({ alias: a, conference_id: def.id }).execute();
    });
    this.order.add({ created_at: now, id: def.id });
    this.cache.set(def.id, def);
    await this.audit.event(actor, 'create', 'conference', def.id, { topic: def.topic, owner: def.owner });
    this.ctx.bus.emit('conference.created', { conferenceId: def.id });
    return structuredClone(def);
  }

  async update(actor: Actor, id: string, input: ConferenceInput): Promise<ConferenceDef> {
    const cur = await this.get(id);
    authorize(actor, 'conferences:write', { owner: cur.owner });
    validateConferenceInput(input);
    const patch = stripUndefined(input);
    delete patch.id;
    delete patch.template_id;
    if (this.isRunning(id)) {
      const changed = Object.keys(patch).filter((k) => !EDITABLE_WHILE_RUNNING.has(k)
        && JSON.stringify((cur as unknown as Record<string, unknown>)[k]) !== JSON.stringify((patch as Record<string, unknown>)[k]));
      if (changed.length) {
        throw new DomainError('conference_field_locked', 'Conference field unavailable for change during conference call.', { conference_id: id, field: changed[0] });
      }
    }
    let owner = cur.owner;
    if (patch.owner !== undefined) {
      const u = await this.users.find(patch.owner);
      if (!u) throw new DomainError('not_found', `User ${patch.owner} is not found.`, { id: patch.owner }, 'user');
      owner = u.id;
    }
    const next = this.normalize({ ...cur, ...patch, owner, updated_at: seconds(this.ctx.now()) } as ConferenceDef);
    if (patch.invitations !== undefined) {
      const ownerUser = await this.users.find(owner);
      next.invitations = this.invitationsWithOwner(patch.invitations, owner, ownerUser?.displayName ?? owner, true);
    } else if (patch.owner !== undefined && !next.invitations.some((i) => i.id === owner)) {
      next.invitations = [{ id: owner, display_name: owner, translator: null }, ...next.invitations];
    }
    applyJoinOptionDefaults(next, cur, patch.join_options !== undefined);
    this.checkRules(next, patch.join_options !== undefined);
    await this.checkPreset(patch.broadcast_id);
    await this.checkAliases(next);
    await this.save(next, routeKeys(next).join('\n') !== routeKeys(cur).join('\n'));
    await this.audit.event(actor, 'edit', 'conference', id, { fields: Object.keys(patch) });
    this.ctx.bus.emit('conference.updated', { conferenceId: id });
    return next; // built here; save() cached its own copy, so the caller may keep this one
  }

  async delete(actor: Actor, id: string): Promise<ConferenceDef> {
    const cur = await this.get(id);
    authorize(actor, 'conferences:write', { owner: cur.owner });
    if (this.isRunning(id)) {
      throw new DomainError('conference_running', `A running conference ${id} unavailable for editing.`, { conference_id: id });
    }
    await this.ctx.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('conferences').where('id', '=', id).execute();
      await tx.deleteFrom('conference_aliases').where('conference_id', '=', id).execute();
    });
    this.order.remove({ created_at: cur.created_at, id });
    this.cache.delete(id);
    await this.audit.event(actor, 'delete', 'conference', id, {});
    this.ctx.bus.emit('conference.deleted', { conferenceId: id });
    return cur;
  }

  // ---- invitations (the planned list) -------------------------------------------------------------------

  async listInvitations(actor: Actor, id: string): Promise<{ conference: ConferenceDef; invitations: Invitation[] }> {
    const conf = await this.get(id);
    authorize(actor, 'conferences.invitations:read', { owner: conf.owner });
    return { conference: conf, invitations: conf.invitations };
  }

  async getInvitation(actor: Actor, id: string, invitationId: string): Promise<{ conference: ConferenceDef; invitation: Invitation }> {
    const { conference, invitations } = await this.listInvitations(actor, id);
    const inv = invitations.find((i) => i.id === this.inviteKey(invitationId));
    if (!inv) throw notFound('invitation', invitationId);
    return { conference, invitation: inv };
  }

  async addInvitation(actor: Actor, id: string, inv: { id: string; display_name?: string; translator?: Invitation['translator'] }):
    Promise<{ conference: ConferenceDef; invitation: Invitation }> {
    const conf = await this.get(id);
    authorize(actor, 'conferences.invitations:write', { owner: conf.owner });
    validateConferenceInput({ invitations: [inv as Invitation] });
    const key = this.inviteKey(inv.id);
    const user = await this.users.find(key);
    const invitation: Invitation = { id: key, display_name: inv.display_name ?? user?.displayName ?? inv.id, translator: inv.translator ?? null };
    const existing = conf.invitations.findIndex((i) => i.id === key);
    if (existing >= 0) conf.invitations[existing] = invitation;
    else {
      if (conf.invitations.length >= conf.max_participants) throw this.invitationsLimit(conf);
      conf.invitations.push(invitation);
    }
    conf.updated_at = seconds(this.ctx.now());
    await this.save(conf, false);
    this.ctx.bus.emit('conference.updated', { conferenceId: id });
    return { conference: conf, invitation };
  }

  async updateInvitation(actor: Actor, id: string, invitationId: string, patch: { display_name?: string; translator?: Invitation['translator'] }):
    Promise<{ conference: ConferenceDef; invitation: Invitation }> {
    const conf = await this.get(id);
    authorize(actor, 'conferences.invitations:write', { owner: conf.owner });
    this.assertNotRunning(conf.id);
    const inv = conf.invitations.find((i) => i.id === this.inviteKey(invitationId));
    if (!inv) throw notFound('invitation', invitationId);
    validateConferenceInput({ invitations: [{ id: inv.id, ...stripUndefined(patch) } as Invitation] });
    if (patch.display_name !== undefined) inv.display_name = patch.display_name;
    if (patch.translator !== undefined) inv.translator = patch.translator;
    conf.updated_at = seconds(this.ctx.now());
    await this.save(conf, false);
    this.ctx.bus.emit('conference.updated', { conferenceId: id });
    return { conference: conf, invitation: inv };
  }

  async removeInvitation(actor: Actor, id: string, invitationId: string): Promise<Invitation> {
    const conf = await this.get(id);
    authorize(actor, 'conferences.invitations:write', { owner: conf.owner });
    this.assertNotRunning(conf.id);
    const key = this.inviteKey(invitationId);
    const idx = conf.invitations.findIndex((i) => i.id === key);
    if (idx < 0) throw notFound('invitation', invitationId);
    if (key === conf.owner) {
      throw new DomainError('owner_not_invited', 'The conference owner must be included in the invitation list.');
    }
    const [removed] = conf.invitations.splice(idx, 1);
    conf.updated_at = seconds(this.ctx.now());
    await this.save(conf, false);
    this.ctx.bus.emit('conference.updated', { conferenceId: id });
    return removed;
  }

  /** Invitation ids are logins for our users (either spelling accepted) and the raw id for anybody else. */
  inviteKey(id: string): string {
    return loginOf(id, this.ctx.serverName);
  }

  assertNotRunning(id: string): void {
    if (this.isRunning(id)) {
      throw new DomainError('conference_running', `A running conference ${id} unavailable for editing.`, { conference_id: id });
    }
  }

  private invitationsLimit(conf: ConferenceDef): DomainError {
    return new DomainError('invitations_limit', `Conference ${conf.id} invitations maximum (${conf.max_participants}) reached.`,
      { conference_id: conf.id, max_participants: conf.max_participants });
  }

  private invitationsWithOwner(list: ConferenceInput['invitations'], owner: string, ownerName: string, given: boolean): Invitation[] {
    const out: Invitation[] = [];
    const seen = new Set<string>();
    for (const raw of list ?? []) {
      const inv = typeof raw === 'string' ? { id: raw as string } as Partial<Invitation> : raw;
      const id = this.inviteKey(inv.id!);
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ id, display_name: inv.display_name ?? (id === owner ? ownerName : inv.id!), translator: inv.translator ?? null });
    }
    if (!seen.has(owner)) {
      if (given) throw new DomainError('owner_not_invited', 'The conference owner must be included in the invitation list.');
      out.unshift({ id: owner, display_name: ownerName, translator: null });
    }
    return out;
  }

  private normalize(def: ConferenceDef): ConferenceDef {
    if (def.type === 1) def.max_podiums = 1;
    else if (def.type === 0) def.max_podiums = def.max_participants;
    if (!def.multicast_enable) def.multicast_address = null;
    if (def.aliases) def.aliases = [...new Set(def.aliases.map((a) => a.toLowerCase()))];
    if (def.pin === '') def.pin = null;
    if (def.schedule.type === -1) def.schedule = { type: -1 };
    if (def.schedule.type === 1 && (def.schedule.start_time === undefined || def.schedule.start_time === -1)) {
      def.schedule.start_time = seconds(this.ctx.now());
    }
    if (def.schedule.type !== -1 && def.schedule.duration === undefined) def.schedule.duration = 3600;
    return def;
  }

  /** A linked broadcast preset must exist when it is set. */
  private async checkPreset(id: string | null | undefined): Promise<void> {
    if (id && !(await this.presets.find(id))) throw notFound('preset', id);
  }

  private checkRules(def: ConferenceDef, joinOptionsGiven = false): void {
    if (def.invitations.length > def.max_participants) throw this.invitationsLimit(def);
    if (def.max_guests > MAX_ALLOWED.guests) {
      throw new DomainError('guests_limit', `Maximum number of guests (${MAX_ALLOWED.guests}) has been reached`, { max_guests: MAX_ALLOWED.guests });
    }
    if (def.mcu_mode && def.multicast_enable) {
      throw new DomainError('mcu_with_multicast', 'MCU mode is unavailable when multicast is enabled.');
    }
    if (def.multicast_enable && def.join_options.some((o) => o !== 'clients' && o !== 'qr_code')) {
      throw new DomainError('join_options_multicast', 'Join options specified in request are not allowed when multicast is enabled.');
    }
    // MCU mode fixes the join options to WebRTC and terminals: naming any other set is an edit.
    if (def.mcu_mode && (def.join_options.some((o) => o !== 'webrtc' && o !== 'terminal')
      || (joinOptionsGiven && def.join_options.length !== MCU_JOIN_OPTIONS.length))) {
      throw new DomainError('join_options_mcu', 'Join options are not editable when MCU mode is enabled.');
    }
    if (def.host_pin && def.guest_pin && def.host_pin === def.guest_pin) {
      throw invalid('guest_pin', 'guest_pin must differ from host_pin');
    }
  }

  private async checkAliases(def: ConferenceDef): Promise<void> {
    for (const key of routeKeys(def)) {
      if (key !== def.id.toLowerCase() && await this.find(key)) throw new DomainError('conflict', `Alias ${key} is the id of another conference.`, { field: 'aliases' });
      const row = await this.ctx.db.selectFrom('conference_aliases').select('conference_id').where('alias', '=', key).executeTakeFirst();
      if (row && row.conference_id !== def.id) throw new DomainError('conflict', `Alias ${key} is used by conference ${row.conference_id}.`, { field: 'aliases' });
    }
  }

  private async save(def: ConferenceDef, aliasesChanged: boolean): Promise<void> {
    const row = { owner: def.owner, topic: def.topic, data: JSON.stringify(def), updated_at: def.updated_at };
    if (!aliasesChanged) {
      // One statement is atomic by itself: no transaction to open and commit.
      await this.ctx.db.updateTable('conferences').set(row).where('id', '=', def.id).execute();
    } else {
      await this.ctx.db.transaction().execute(async (tx) => {
        await tx.updateTable('conferences').set(row).where('id', '=', def.id).execute();
        await tx.deleteFrom('conference_aliases').where('conference_id', '=', def.id).execute();
        for (const a of routeKeys(def)) await tx.insertInto('conference_aliases').values({ alias: a, conference_id: def.id }).execute();
      });
    }
    this.cache.set(def.id, structuredClone(def));
  }
}

const MULTICAST_JOIN_OPTIONS = ['clients', 'qr_code'];
const MCU_JOIN_OPTIONS = ['webrtc', 'terminal'];

/**
 * Multicast allows only client apps and QR codes, MCU mode only WebRTC and terminals. Switching either on without
 * naming join options picks that mode's set; switching both off again restores all options.
 */
function applyJoinOptionDefaults(def: ConferenceDef, prev: ConferenceDef | null, given: boolean): void {
  if (given) return;
  const wasMulticast = prev?.multicast_enable ?? false;
  const wasMcu = prev?.mcu_mode ?? false;
  if (def.multicast_enable === wasMulticast && def.mcu_mode === wasMcu) return;
  if (def.multicast_enable && !def.mcu_mode) def.join_options = [...MULTICAST_JOIN_OPTIONS];
  else if (def.mcu_mode && !def.multicast_enable) def.join_options = [...MCU_JOIN_OPTIONS];
  else if (!def.multicast_enable && !def.mcu_mode) def.join_options = [...JOIN_OPTIONS];
}

/** Alias table keys: every alias plus the dial number. */
function routeKeys(def: ConferenceDef): string[] {
  const keys = [...(def.aliases ?? [])];
  if (def.number) keys.push(def.number);
  return [...new Set(keys.map((k) => k.toLowerCase()))];
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function defaults(): Omit<ConferenceDef, 'id' | 'owner' | 'topic' | 'created_at' | 'updated_at'> {
  return {
    description: '',
    type: 0,
    schedule: { type: -1 },
    invitations: [],
    max_participants: MAX_ALLOWED.participants,
    max_podiums: MAX_ALLOWED.podiums,
    max_guests: MAX_ALLOWED.guests,
    allow_guests: false,
    rights: defaultRights(),
    multicast_enable: false,
    multicast_address: null,
    broadcast_enabled: false,
    broadcast_id: null,
    allow_only_planned_participants: false,
    auto_invite: 0,
    tags: [],
    recording: 0,
    pin: null,
    meeting_room: null,
    on_join_mute_mic: 0,
    on_join_mute_camera: 0,
    registration: { enabled: false, start_at: null, end_at: null, participants_limit_enabled: false, participants_limit: null, allow_users_access: false, fields: {} },
    vad_selector: 0,
    reminders: [],
    waiting_room_enabled: false,
    waiting_room_scope: 'all',
    origin_type: 'restfulapi',
    use_translation: false,
    translation_flat_volume: 30,
    expiration_time_updating_allowed: false,
    expiration_time_alert: 0,
    sequence_type: 0,
    scan_type: 0,
    disable_audio_remarks: false,
    mcu_mode: false,
    transcoding: { use_local_mixer_config: false },
    participant_restrictions: { use_local_stream_config: false },
    join_options_enabled: false,
    join_options: ['clients', 'webrtc', 'qr_code', 'terminal'],
    allow_guests_message: true,
    allow_guests_audio_video: true,
    aliases: [],
    host_pin: null,
    guest_pin: null,
    number: null,
  };
}
