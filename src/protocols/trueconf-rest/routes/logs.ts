import { Type, type TSchema } from '@sinclair/typebox';
import { route, type RestContext } from '../route.js';
import { PageId, PageSize, Params, Query } from '../schemas.js';
import { invalidParameter } from '../errors.js';
import { sendRecording } from '../files.js';
import { parseLogDate } from '../views/common.js';
import type { RecordingFile, ListQuery } from '../../../engine/history/queries.js';
import {
  callInviteView, callParticipantView, callRecordView, callView, eventView, logList, messageView, recordingView,
  settingView, wrapped,
} from '../views/logs.js';

// §1.5-B: every log list pages (20 a page by default), sorts and filters by a time window.
const Str = Type.Optional(Type.String());
const Int = Type.Optional(Type.Integer());
const Timezone = Type.Optional(Type.Integer({ minimum: -1440, maximum: 1440, default: 0, description: 'Offset from UTC in minutes' }));
const Paging = {
  timezone: Timezone,
  page_size: PageSize(20),
  page_id: PageId,
  sort_field: Str,
  sort_order: Type.Optional(Type.Integer({ minimum: 0, maximum: 1, default: 1 })),
};
const Dates = { date_from: Str, date_to: Str };
const LogQuery = (extra: Record<string, TSchema> = {}, dates = true) => Query({ ...Paging, ...(dates ? Dates : {}), ...extra });

type Q = Record<string, unknown>;
const str = (q: Q, k: string) => (typeof q[k] === 'string' && q[k] !== '' ? (q[k] as string) : undefined);
const int = (q: Q, k: string) => (typeof q[k] === 'number' ? (q[k] as number) : undefined);
const tzOf = (ctx: RestContext) => int(ctx.query, 'timezone') ?? 0;

/**
 * The `date_from` / `date_to` wall-clock times are read in the caller's `timezone`, as the times the log
 * shows them; `date_to` covers its whole last second.
 */
function dateParam(ctx: RestContext, name: 'date_from' | 'date_to'): number | undefined {
  const s = str(ctx.query, name);
  if (s === undefined) return undefined;
  const ms = parseLogDate(s);
  if (ms === undefined) throw invalidParameter(name, `${name} must be a date "YYYY-MM-DD HH:MM:SS"`);
  const utc = ms - tzOf(ctx) * 60_000;
  return name === 'date_to' ? utc + 999 : utc;
}

function listQuery(ctx: RestContext): ListQuery {
  const q = ctx.query;
  return {
    page: int(q, 'page_id'), size: int(q, 'page_size'), sortField: str(q, 'sort_field'), sortOrder: int(q, 'sort_order'),
    from: dateParam(ctx, 'date_from'), to: dateParam(ctx, 'date_to'),
  };
}

/** `show_deleted` is a bool on the wire: accept true/false and 1/0. */
function flag(q: Q, k: string): boolean | undefined {
  const v = q[k];
  if (v === undefined || v === '') return undefined;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw invalidParameter(k, `${k} must be true or false`);
}

function sendFile(ctx: RestContext, f: RecordingFile): undefined {
  sendRecording(ctx.reply, f.recording.name, f.stream);
  return undefined;
}

const tags = ['Logs'];
const SessionId = Params('session_id');
const RecordingId = Params('recording_id');

export const logRoutes = [
  route({
    method: 'GET', path: '/logs/calls', since: '3.1', perm: 'logs.calls:read', tags, summary: 'Get Call List',
    query: LogQuery({ class: Int, named_conf_id: Str, owner: Str }),
    async handler(ctx) {
      const q = ctx.query;
      const page = await ctx.engine.logs.calls(ctx.actor,
        { class: int(q, 'class'), namedConfId: str(q, 'named_conf_id'), owner: str(q, 'owner') }, listQuery(ctx));
      return logList(page, (c) => callView(c, tzOf(ctx), ctx.version));
    },
  }),
  route({
    method: 'GET', path: '/logs/calls/:session_id', since: '3.1', perm: 'logs.calls:read', tags, summary: 'Get Call',
    params: SessionId, query: Query({ timezone: Timezone }),
    async handler(ctx) {
      const c = await ctx.engine.logs.call(ctx.actor, ctx.params.session_id);
      return wrapped('call', callView(c, tzOf(ctx), ctx.version));
    },
  }),
  route({
    method: 'GET', path: '/logs/calls/:session_id/participants', since: '3.1', perm: 'logs.calls.participants:read', tags,
    summary: 'Get Call Participant List',
    params: SessionId, query: LogQuery({ call_id: Str }, false),
    async handler(ctx) {
      const page = await ctx.engine.logs.callParticipants(ctx.actor, ctx.params.session_id,
        { callId: str(ctx.query, 'call_id') }, listQuery(ctx));
      return logList(page, (p) => callParticipantView(p, tzOf(ctx)));
    },
  }),
  route({
    method: 'GET', path: '/logs/calls/:session_id/invites', since: '3.1', perm: 'logs.calls.invites:read', tags,
    summary: 'Get Call Invite List',
    params: SessionId, query: LogQuery({ class: Int, call_id: Str }),
    async handler(ctx) {
      const q = ctx.query;
      const page = await ctx.engine.logs.callInvites(ctx.actor, ctx.params.session_id,
        { callId: str(q, 'call_id'), class: int(q, 'class') }, listQuery(ctx));
      return logList(page, (i) => callInviteView(i, tzOf(ctx)));
    },
  }),
  route({
    method: 'GET', path: '/logs/records', since: '3.1', perm: 'logs.records:read', tags, summary: 'Get Call Record List',
    query: LogQuery({ class: Int, named_conf_id: Str, owner: Str }),
    async handler(ctx) {
      const q = ctx.query;
      const page = await ctx.engine.logs.records(ctx.actor,
        { class: int(q, 'class'), namedConfId: str(q, 'named_conf_id'), owner: str(q, 'owner') }, listQuery(ctx));
      return logList(page, (r) => callRecordView(r, tzOf(ctx), ctx.version, ctx.baseUrl));
    },
  }),
  route({
    method: 'GET', path: '/logs/records/:session_id', since: '3.1', perm: 'logs.records:read', tags, summary: 'Get Call Record',
    params: SessionId, query: Query({ timezone: Timezone }),
    async handler(ctx) {
      const r = await ctx.engine.logs.record(ctx.actor, ctx.params.session_id);
      // The seed's field table names the wrapper `call` here too (copied from Get Call); kept as documented.
      return wrapped('call', callRecordView(r, tzOf(ctx), ctx.version, ctx.baseUrl));
    },
  }),
  route({
    // Undocumented target of CallRecord.download_url (§5 #20).
    method: 'GET', path: '/logs/records/:session_id/download', since: '3.1', perm: 'logs.records:read', tags,
    summary: 'Download Call Record',
    params: SessionId, query: Query(),
    async handler(ctx) {
      return sendFile(ctx, await ctx.engine.logs.recordFile(ctx.actor, ctx.params.session_id));
    },
  }),
  route({
    method: 'GET', path: '/logs/events', since: '3.1', perm: 'logs.events:read', tags, summary: 'Get Event List',
    query: LogQuery({ object_type: Str, object_name: Str, event_type: Str, invoker_ip: Str, severity: Str }),
    async handler(ctx) {
      const q = ctx.query;
      const page = await ctx.engine.logs.events(ctx.actor, {
        objectType: str(q, 'object_type'), objectName: str(q, 'object_name'), eventType: str(q, 'event_type'),
        invokerIp: str(q, 'invoker_ip'), severity: str(q, 'severity'),
      }, listQuery(ctx));
      return logList(page, (e) => eventView(e, tzOf(ctx), ctx.version));
    },
  }),
  route({
    method: 'GET', path: '/logs/messages', since: '3.1', perm: 'logs.messages:read', tags, summary: 'Get Message List',
    query: LogQuery({ from_call_id: Str, to_call_id: Str, message: Str, conference_id: Str }),
    async handler(ctx) {
      const q = ctx.query;
      const page = await ctx.engine.logs.messageLog(ctx.actor, {
        fromCallId: str(q, 'from_call_id'), toCallId: str(q, 'to_call_id'), text: str(q, 'message'),
        conferenceId: str(q, 'conference_id'),
      }, listQuery(ctx));
      return logList(page, (m) => messageView(m, tzOf(ctx)));
    },
  }),
  route({
    method: 'GET', path: '/logs/recordings', since: '3.2', perm: 'logs.recordings:read', tags, summary: 'Get Recording List',
    // `stream_id` is documented in v3.4 only; accepted everywhere (§5 #29).
    query: LogQuery({ class: Int, named_conf_id: Str, show_deleted: Str, owner: Str, topic: Str, stream_id: Str }),
    async handler(ctx) {
      const q = ctx.query;
      const page = await ctx.engine.logs.recordings(ctx.actor, {
        class: int(q, 'class'), namedConfId: str(q, 'named_conf_id'), showDeleted: flag(q, 'show_deleted'),
        owner: str(q, 'owner'), topic: str(q, 'topic'), streamId: str(q, 'stream_id'),
      }, listQuery(ctx));
      return logList(page, (r) => recordingView(r, ctx.version, ctx.baseUrl));
    },
  }),
  route({
    method: 'GET', path: '/logs/recordings/:recording_id', since: '3.2', perm: 'logs.recordings:read', tags, summary: 'Get Recording',
    params: RecordingId, query: Query(),
    async handler(ctx) {
      const r = await ctx.engine.logs.recording(ctx.actor, ctx.params.recording_id);
      return wrapped('recording', recordingView(r, ctx.version, ctx.baseUrl));
    },
  }),
  route({
    // Undocumented target of Recording.download_url (§5 #20).
    method: 'GET', path: '/logs/recordings/:recording_id/download', since: '3.2', perm: 'logs.recordings:read', tags,
    summary: 'Download Recording',
    params: RecordingId, query: Query(),
    async handler(ctx) {
      return sendFile(ctx, await ctx.engine.logs.recordingFile(ctx.actor, ctx.params.recording_id));
    },
  }),
  route({
    method: 'GET', path: '/logs/settings', since: '3.1', perm: 'logs.settings:read', tags, summary: 'Get Setting List',
    query: LogQuery({ object_type: Str, object_id: Int, comment: Str, old_value: Str, new_value: Str }),
    async handler(ctx) {
      const q = ctx.query;
      const page = await ctx.engine.logs.settings(ctx.actor, {
        objectType: str(q, 'object_type'), objectId: int(q, 'object_id'), comment: str(q, 'comment'),
        oldValue: str(q, 'old_value'), newValue: str(q, 'new_value'),
      }, listQuery(ctx));
      return logList(page, (s) => settingView(s, tzOf(ctx)));
    },
  }),
];
