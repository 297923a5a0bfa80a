import { Type } from '@sinclair/typebox';
import { RawJson, route, type RestContext } from '../route.js';
import { Body, Nullable, PageId, PageSize, Params, Query, UrlType } from '../schemas.js';
import { conferenceJson, conferenceView, conferenceUrl } from '../views/conference.js';
import { calendarLinks, icsOf } from '../views/calendar.js';
import { minor } from '../versions.js';
import { DomainError } from '../../../engine/errors.js';
import { callIdOf } from '../../../engine/directory/ids.js';
import type { ConferenceDef, ConferenceInput } from '../../../engine/conferences/types.js';

/** Wire types of the Conference POST/PUT fields (§4.1); ranges and rules are the engine's. */
const Bool = Type.Boolean();
const Int = Type.Integer();
const Str = Type.String();
const Obj = Type.Object({}, { additionalProperties: true });
const Translator = Nullable(Type.Object({ languages: Type.Array(Str) }, { additionalProperties: true }));
const InvitationMini = Type.Union([
  Str, // v3: a bare id
  Type.Object({ id: Str, display_name: Type.Optional(Str), translator: Type.Optional(Translator) }, { additionalProperties: true }),
]);
export const ConferenceFields = {
  id: Str, topic: Str, description: Str, owner: Str, type: Int,
  invitations: Type.Array(InvitationMini),
  max_podiums: Int, max_participants: Int,
  schedule: Type.Object({
    type: Int, start_time: Type.Optional(Int), duration: Type.Optional(Int), days: Type.Optional(Type.Array(Str)),
    time: Type.Optional(Str),
  }, { additionalProperties: true }),
  allow_guests: Bool, rights: Obj, multicast_enable: Bool, multicast_address: Nullable(Str),
  broadcast_enabled: Bool, broadcast_id: Nullable(Str), allow_only_planned_participants: Bool, auto_invite: Int,
  tags: Type.Array(Str), recording: Int, pin: Nullable(Str), meeting_room: Nullable(Str),
  on_join_mute_mic: Int, on_join_mute_camera: Int, registration: Obj, vad_selector: Int, max_guests: Int,
  reminders: Type.Array(Type.Object({ before_start: Int }, { additionalProperties: true })),
  waiting_room_enabled: Bool, waiting_room_scope: Str, use_translation: Bool, translation_flat_volume: Nullable(Int),
  expiration_time_updating_allowed: Bool, expiration_time_alert: Int, sequence_type: Int, scan_type: Int,
  disable_audio_remarks: Bool, mcu_mode: Bool, transcoding: Obj, participant_restrictions: Obj,
  join_options_enabled: Bool, join_options: Type.Array(Str),
  allow_guests_message: Bool, allow_guests_audio_video: Bool,
};
/**
 * Parley extensions to the Conference object (docs/trueconf-rest.md): the Pexip face's conference aliases and host /
 * guest PINs. Conferences only: aliases are unique, so templates do not carry them.
 */
export const ExtensionFields = { aliases: Type.Array(Str), host_pin: Nullable(Str), guest_pin: Nullable(Str) };
const ACCEPTED = Object.keys(ConferenceFields);
const WITH_EXTENSIONS = [...ACCEPTED, ...Object.keys(ExtensionFields)];

/** Picks the TrueConf fields of a body; read-only ones (url, state, ...) and unknown keys are ignored. */
export function conferenceInput(body: unknown, extensions = false): ConferenceInput {
  const b = (body ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of extensions ? WITH_EXTENSIONS : ACCEPTED) if (b[k] !== undefined) out[k] = b[k];
  return out as ConferenceInput;
}

const one = (ctx: RestContext, def: ConferenceDef) => ({ conference: conferenceView(ctx, def) });

const tags = ['Conferences'];
const read = { perm: 'conferences | conferences:read', permV3: 'conferences' };
const write = { perm: 'conferences | conferences:write', permV3: 'conferences' };
const byId = Params('conference_id');
const Lang = Type.Optional(Type.String({ pattern: '^[a-z]{2,3}$|^value_from_TCS_installer_settings$', description: 'Link language' }));

/** Reads a conference the caller may see (conferenceNotFound otherwise). */
async function readable(ctx: RestContext): Promise<ConferenceDef> {
  return ctx.engine.conferences.read(ctx.actor, ctx.params.conference_id);
}

const icsHandler = async (ctx: RestContext) => {
  const def = await readable(ctx);
  const body = icsOf(def, ctx.engine.ctx.serverName, ctx.baseUrl, ctx.engine.ctx.now());
  ctx.reply.code(200).header('content-type', 'text/calendar; charset=utf-8')
    .header('content-disposition', `attachment; filename="${def.id}.ics"`).send(body);
  return undefined;
};

const notifyHandler = async (ctx: RestContext) => {
  await ctx.engine.notifier.notify(ctx.actor, ctx.params.conference_id);
  return { result: true };
};

export const conferenceRoutes = [
  route({
    method: 'POST', path: '/conferences', since: '3', ...write, tags, summary: 'Create Conference',
    query: Query({ url_type: UrlType }),
    body: Body({ ...ConferenceFields, ...ExtensionFields, template_id: Str }),
    async handler(ctx) {
      const input = conferenceInput(ctx.body, true);
      const templateId = (ctx.body as Record<string, unknown> | undefined)?.template_id;
      if (minor(ctx.version) >= 1 && typeof templateId === 'string') input.template_id = templateId;
      return one(ctx, await ctx.engine.conferences.create(ctx.actor, input));
    },
  }),
  route({
    method: 'GET', path: '/conferences', since: '3', ...read, tags, summary: 'Get Conference List',
    query: Query({
      url_type: UrlType, page_id: PageId, page_size: PageSize(200), owner: Type.Optional(Str),
      state: Type.Optional(Type.Union([Type.Literal('running'), Type.Literal('stopped')])), tag: Type.Optional(Str),
    }),
    async handler(ctx) {
      const q = ctx.query as { page_id?: number; page_size?: number; owner?: string; state?: 'running' | 'stopped'; tag?: string };
      const page = await ctx.engine.conferences.list(ctx.actor, { owner: q.owner, state: q.state, tag: q.tag }, q.page_id, q.page_size);
      // Cached renderings, joined: the same bytes as JSON.stringify of { cnt, next_page_id, conferences }.
      const items = page.items.map((d) => conferenceJson(ctx, d));
      return new RawJson(`{"cnt":${JSON.stringify(page.total)},"next_page_id":${JSON.stringify(page.next)},"conferences":[${items.join(',')}]}`);
    },
  }),
  route({
    method: 'GET', path: '/conferences/:conference_id', since: '3', ...read, tags, summary: 'Get Conference',
    params: byId, query: Query({ url_type: UrlType }),
    handler: async (ctx) => {
      const def = await ctx.engine.conferences.readShared(ctx.actor, ctx.params.conference_id);
      return new RawJson(`{"conference":${conferenceJson(ctx, def as ConferenceDef)}}`);
    },
  }),
  route({
    method: 'PUT', path: '/conferences/:conference_id', since: '3', ...write, tags, summary: 'Edit Conference',
    params: byId, query: Query({ url_type: UrlType }),
    body: Body({ ...ConferenceFields, ...ExtensionFields }),
    async handler(ctx) {
      try {
        return one(ctx, await ctx.engine.conferences.update(ctx.actor, ctx.params.conference_id, conferenceInput(ctx.body, true)));
      } catch (e) {
        // Before v3.4 a running conference could not be edited at all; the docs name the older error.
        if (e instanceof DomainError && e.code === 'conference_field_locked' && minor(ctx.version) < 4) {
          throw new DomainError('conference_running', e.message, { conference_id: ctx.params.conference_id });
        }
        throw e;
      }
    },
  }),
  route({
    method: 'DELETE', path: '/conferences/:conference_id', since: '3', ...write, tags, summary: 'Delete Conference',
    params: byId, query: Query(),
    async handler(ctx) {
      const def = await ctx.engine.conferences.delete(ctx.actor, ctx.params.conference_id);
      return { id: def.id };
    },
  }),
  route({
    method: 'POST', path: '/conferences/:conference_id/run', since: '3', ...write, tags, summary: 'Run Conference',
    params: byId, query: Query(),
    async handler(ctx) {
      // Starting is synchronous in Parley: the conference is running when this returns.
      await ctx.engine.sessions.start(ctx.actor, ctx.params.conference_id);
      return { state: 'running' };
    },
  }),
  route({
    method: 'POST', path: '/conferences/:conference_id/stop', since: '3', ...write, tags, summary: 'Stop Conference',
    params: byId, query: Query(),
    async handler(ctx) {
      await ctx.engine.sessions.stop(ctx.actor, ctx.params.conference_id);
      return { state: 'stopped' };
    },
  }),
  route({
    method: 'GET', path: '/conferences/:conference_id/calendars', since: '3.1', ...read, tags, summary: 'Get Conference Calendars',
    params: byId, query: Query({ lang: Lang }),
    async handler(ctx) {
      const def = await readable(ctx);
      return { calendars: calendarLinks(def, ctx.engine.ctx.serverName, ctx.baseUrl, ctx.version, ctx.engine.ctx.now()) };
    },
  }),
  route({
    method: 'GET', path: '/conferences/:conference_id/ics', since: '3.1', ...read, tags, summary: 'Get Conference ICS',
    params: byId, query: Query({ lang: Lang }), handler: icsHandler,
  }),
  // The v3.5 docs show the ICS page a second time with a POST curl: tolerate it.
  route({
    method: 'POST', path: '/conferences/:conference_id/ics', since: '3.1', ...read, tags, summary: 'Get Conference ICS (POST)',
    params: byId, query: Query({ lang: Lang }), handler: icsHandler,
  }),
  route({
    method: 'GET', path: '/conferences/:conference_id/owner', since: '3.1', ...read, tags, summary: 'Get Conference Owner',
    params: byId, query: Query(),
    async handler(ctx) {
      const def = await readable(ctx);
      return { owner: callIdOf(def.owner, ctx.engine.ctx.serverName) };
    },
  }),
  route({
    method: 'GET', path: '/conferences/:conference_id/shared', since: '3.1', ...read, tags, summary: 'Share Conference',
    params: byId, query: Query(),
    async handler(ctx) {
      const def = await readable(ctx);
      const src = conferenceUrl(ctx.baseUrl, def.id);
      return {
        embedded: {
          webrtc: `<iframe allowfullscreen="allowfullscreen" width="720" height="405" allow="microphone; camera; autoplay; display-capture" src="${src}"></iframe>`,
          cdn_video: null,
        },
        rtsp_url: null,
      };
    },
  }),
  // Declared path is singular; the seed's curl example uses the plural one. Both are served.
  route({
    method: 'POST', path: '/conference/:conference_id/notify', since: '3.3', ...read, tags, summary: 'Conference Notify',
    params: byId, query: Query(), handler: notifyHandler,
  }),
  route({
    method: 'POST', path: '/conferences/:conference_id/notify', since: '3.3', ...read, tags, summary: 'Conference Notify (plural path)',
    params: byId, query: Query(), handler: notifyHandler,
  }),
];
