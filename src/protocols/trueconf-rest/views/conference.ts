import type { Engine } from '../../../engine/engine.js';
import type { Actor } from '../../../engine/actor.js';
import type { ConferenceDef, Invitation } from '../../../engine/conferences/types.js';
import { occurrence, SERVER_TIME_OFFSET } from '../../../engine/conferences/schedule.js';
import { callIdOf } from '../../../engine/directory/ids.js';
import { minor, type Version } from '../versions.js';
import { userViews } from './user.js';

/** What a conference projection needs from the request. */
export interface ViewContext {
  engine: Engine;
  actor: Actor;
  version: Version;
  baseUrl: string;
}

export const conferenceUrl = (baseUrl: string, id: string) => `${baseUrl}/c/${encodeURIComponent(id)}`;
export const webclientUrl = (baseUrl: string, id: string) => `${baseUrl}/webrtc/${encodeURIComponent(id)}`;

/** The `broadcast` link of a conference: the preset alias route, which exists from v3.1 (the seed's example). */
export function broadcastUrl(baseUrl: string, version: Version, presetId: string | null): string | null {
  return presetId ? `${baseUrl}/api/v${version}/broadcasts/${encodeURIComponent(presetId)}` : null;
}

/** InvitationMini (§4.4): `translator` appears in v3.9. */
export function invitationMiniView(inv: Invitation, version: Version): Record<string, unknown> {
  const v: Record<string, unknown> = { id: inv.id, display_name: inv.display_name };
  if (minor(version) >= 9) v.translator = inv.translator;
  return v;
}

/**
 * Invitation (§4.4): the invited user's User fields plus is_owner, type and (v3.9+) translator. Ids that are not
 * directory users are guests/external ("custom") and carry only id and display_name.
 */
export async function invitationViews(engine: Engine, conf: ConferenceDef, invitations: Invitation[], version: Version,
  baseUrl: string): Promise<Record<string, unknown>[]> {
  const users = await engine.users.findMany(invitations.map((i) => i.id));
  const known = invitations.map((i) => users.get(i.id)).filter((u) => u !== undefined);
  const views = new Map((await userViews(engine, known, version, baseUrl)).map((v) => [v.id as string, v]));
  return invitations.map((inv) => {
    const user = views.get(inv.id);
    const v: Record<string, unknown> = user ? { ...user, display_name: inv.display_name } : { id: inv.id, display_name: inv.display_name };
    v.is_owner = inv.id === conf.owner;
    v.type = user ? 'user' : 'custom';
    if (minor(version) >= 9) v.translator = inv.translator;
    return v;
  });
}

/** The PIN is shown to the conference owner and to applications (administrators), to nobody else. */
function maySeePin(actor: Actor, owner: string): boolean {
  switch (actor.kind) {
    case 'system': return true;
    case 'client': return !actor.userId || actor.userId === owner;
    case 'user': return actor.userId === owner;
    case 'participant': return actor.role === 'host';
  }
}

function scheduleView(def: ConferenceDef, nowMs: number): Record<string, unknown> {
  const s = def.schedule;
  // Keep in step with conferenceJson's cache key: only the weekly start depends on the clock.
  if (s.type === 1) return { type: 1, start_time: s.start_time ?? null, duration: s.duration ?? 3600 };
  if (s.type === 0) {
    // Weekly: start_time is the next start, computed (read-only in the seed).
    return {
      type: 0, start_time: occurrence(s, nowMs)?.start ?? null, duration: s.duration ?? 3600, time: s.time ?? '00:00',
      time_offset: SERVER_TIME_OFFSET, days: s.days ?? [],
    };
  }
  return { type: -1 };
}

const REGISTRATION_DEFAULTS = {
  enabled: false, start_at: null, end_at: null, participants_limit_enabled: false, participants_limit: null,
  allow_users_access: false, fields: {},
};

function registrationView(r: Record<string, unknown>, version: Version): Record<string, unknown> {
  const v: Record<string, unknown> = { ...REGISTRATION_DEFAULTS, ...r };
  // Unix timestamps travel as strings of digits here (seed example).
  for (const k of ['start_at', 'end_at']) if (typeof v[k] === 'number') v[k] = String(v[k]);
  // Parley has no registration desk yet, so the limit is never reached.
  if (minor(version) >= 8) v.limit_reached = false;
  else delete v.limit_reached;
  return v;
}

/** Fields added per minor version (after the v3.1 base set), in the seed's field-table order. */
const ADDED: Array<[number, string[]]> = [
  [2, ['stream_id', 'deeplinks', 'connect_urls']],
  [4, ['pin_enabled', 'pin', 'meeting_room', 'on_join_mute_mic', 'on_join_mute_camera', 'registration']],
  [5, ['vad_selector']],
  [6, ['max_guests']],
  [7, ['participants_lock_enabled', 'reminders_enabled', 'reminders', 'waiting_room_enabled', 'waiting_room_scope']],
  [8, ['origin_type']],
  [9, ['use_translation', 'translation_flat_volume', 'expiration_time_updating_allowed', 'expiration_time_alert',
    'sequence_type', 'scan_type', 'disable_audio_remarks']],
  [10, ['mcu_mode', 'transcoding', 'participant_restrictions', 'join_options_enabled']],
  [9, ['join_options']],
];

/**
 * The Conference object (§4.1) exactly as API `version` documents it: older prefixes omit newer fields, and v3
 * has its own shape (invitations as ids, allow_guests_message / allow_guests_audio_video, no rights).
 */
export function conferenceView(ctx: ViewContext, def: ConferenceDef): Record<string, unknown> {
  return withExtensions(ctx, def, seedView(ctx, def));
}

/**
 * Parley's extension fields (the Pexip face's alias and PINs), appended after the seed's fields and only when set,
 * so a conference without them renders exactly the seed's object. PINs follow the seed's `pin` rule: shown to the
 * owner and applications, null to others.
 */
function withExtensions(ctx: ViewContext, def: ConferenceDef, v: Record<string, unknown>): Record<string, unknown> {
  if (def.aliases?.length) v.aliases = def.aliases;
  const see = maySeePin(ctx.actor, def.owner);
  if (def.host_pin) v.host_pin = see ? def.host_pin : null;
  if (def.guest_pin) v.guest_pin = see ? def.guest_pin : null;
  return v;
}

function seedView(ctx: ViewContext, def: ConferenceDef): Record<string, unknown> {
  const { engine, version, baseUrl } = ctx;
  const m = minor(version);
  const server = engine.ctx.serverName;
  const session = engine.sessions.byConferenceId(def.id);
  const owner = callIdOf(def.owner, server);
  const url = conferenceUrl(baseUrl, def.id);
  const webclient = webclientUrl(baseUrl, def.id);
  const state = session ? 'running' : 'stopped';
  const schedule = scheduleView(def, engine.ctx.now());
  if (m === 0) {
    return {
      id: def.id, type: def.type, topic: def.topic, owner, description: def.description, max_podiums: def.max_podiums,
      max_participants: def.max_participants, schedule, invitations: def.invitations.map((i) => i.id), url,
      webclient_url: webclient, allow_guests: def.allow_guests, allow_guests_message: def.allow_guests_message,
      allow_guests_audio_video: def.allow_guests_audio_video, auto_invite: def.auto_invite, state,
    };
  }
  const v: Record<string, unknown> = {
    id: def.id, topic: def.topic, description: def.description, owner, type: def.type,
    invitations: def.invitations.map((i) => invitationMiniView(i, version)),
    created_at: def.created_at, multicast_enable: def.multicast_enable, multicast_address: def.multicast_address,
    max_podiums: def.max_podiums, max_participants: def.max_participants, schedule, allow_guests: def.allow_guests,
    rights: def.rights, broadcast_enabled: def.broadcast_enabled, broadcast_id: def.broadcast_id,
    broadcast: broadcastUrl(baseUrl, version, def.broadcast_id),
    allow_only_planned_participants: def.allow_only_planned_participants, auto_invite: def.auto_invite,
    url, webclient_url: webclient, state, tags: def.tags, recording: def.recording,
    stream_recording_state: session?.recording === 'recording' ? 1 : 0,
  };
  const computed: Record<string, unknown> = {
    stream_id: session?.streamId ?? null,
    deeplinks: {
      default: `trueconf:\\c\\${def.id}@${server}%23vcs&h=${server}`,
      android: `intent:\\c\\${def.id}%40${server}%23vcs%26h%3d${server}#Intent;scheme=trueconf;package=com.trueconf.videochat;end`,
    },
    connect_urls: { sip_external: null, sip: [`00${def.id}@${server}`], h323: [`${server}##00${def.id}`] },
    pin_enabled: def.pin !== null,
    pin: maySeePin(ctx.actor, def.owner) ? def.pin : null,
    registration: registrationView(def.registration, version),
    participants_lock_enabled: session ? session.locked : null,
    reminders_enabled: def.reminders.length > 0,
  };
  const stored = def as unknown as Record<string, unknown>;
  for (const [since, fields] of ADDED) {
    if (m < since) continue;
    for (const f of fields) v[f] = f in computed ? computed[f] : stored[f];
  }
  return v;
}

/**
 * Rendered JSON of conferenceView, cached per definition object. The engine replaces a definition object on every
 * write and never mutates a cached one (Conferences.readShared / list), so a changed conference is a new key and its
 * old renderings are dropped with it. Within one object the key holds everything else the view reads: the version,
 * the base URL, whether the PINs are shown, the live session's fields and, for weekly schedules, the next start.
 */
const rendered = new WeakMap<ConferenceDef, Map<string, string>>();

export function conferenceJson(ctx: ViewContext, def: ConferenceDef): string {
  const session = ctx.engine.sessions.byConferenceId(def.id);
  let key = `${ctx.version}|${ctx.baseUrl}|${(def.pin !== null || def.host_pin || def.guest_pin) && maySeePin(ctx.actor, def.owner) ? 1 : 0}`;
  if (session) key += `|${session.streamId}|${session.recording}|${session.locked}`;
  if (def.schedule.type === 0) key += `|${occurrence(def.schedule, ctx.engine.ctx.now())?.start ?? ''}`;
  let byKey = rendered.get(def);
  if (!byKey) rendered.set(def, (byKey = new Map()));
  let json = byKey.get(key);
  if (json === undefined) {
    json = JSON.stringify(conferenceView(ctx, def));
    // Bounded: live sessions and weekly schedules make new keys over time.
    if (byKey.size >= 32) byKey.clear();
    byKey.set(key, json);
  }
  return json;
}
