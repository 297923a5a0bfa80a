import { sendRecording } from '../files.js';
import { route, type RestContext } from '../route.js';
import { Params, Query, UrlType } from '../schemas.js';
import { recordView } from '../views/record.js';
import { notFound } from '../../../engine/errors.js';

const tags = ['Conference records'];
// The v3 pages have no permission line; every other v3 line is a bare scope, so the bare one applies.
const READ = { perm: 'conferences.records | conferences.records:read', permV3: 'conferences.records' };
const CONTROL = { perm: 'conferences | conferences:write' };

/** Starts, pauses or stops recording; the seed answers 202 Accepted with an empty body. */
async function control(ctx: RestContext, state: 'recording' | 'paused' | 'stopped') {
  await ctx.engine.sessions.setRecording(ctx.actor, ctx.params.conference_id, state);
  return ctx.reply.code(202).send();
}

/** §3.1 record control and §3.5 the recording files of one conference (`{record_id}` is the file name). */
export const recordRoutes = [
  route({
    method: 'POST', path: '/conferences/:conference_id/start-record', since: '3.1', ...CONTROL, tags: ['Conferences'],
    summary: 'Record Start', params: Params('conference_id'), query: Query(),
    handler: (ctx) => control(ctx, 'recording'),
  }),
  route({
    method: 'POST', path: '/conferences/:conference_id/pause-record', since: '3.1', ...CONTROL, tags: ['Conferences'],
    summary: 'Record Pause', params: Params('conference_id'), query: Query(),
    handler: (ctx) => control(ctx, 'paused'),
  }),
  route({
    method: 'POST', path: '/conferences/:conference_id/stop-record', since: '3.1', ...CONTROL, tags: ['Conferences'],
    summary: 'Record Stop', params: Params('conference_id'), query: Query(),
    handler: (ctx) => control(ctx, 'stopped'),
  }),
  route({
    method: 'GET', path: '/conferences/:conference_id/records', since: '3', ...READ, tags,
    summary: 'Get Record List', params: Params('conference_id'), query: Query({ url_type: UrlType }),
    async handler(ctx) {
      const files = await ctx.engine.recordings.filesOf(ctx.actor, ctx.params.conference_id);
      return { records: files.map((r) => recordView(r, ctx.version, ctx.baseUrl)) };
    },
  }),
  route({
    method: 'GET', path: '/conferences/:conference_id/records/:record_id', since: '3', ...READ, tags,
    summary: 'Get Record', params: Params('conference_id', 'record_id'), query: Query({ url_type: UrlType }),
    async handler(ctx) {
      const r = await ctx.engine.recordings.fileOf(ctx.actor, ctx.params.conference_id, ctx.params.record_id);
      return { record: recordView(r, ctx.version, ctx.baseUrl) };
    },
  }),
  route({
    method: 'GET', path: '/conferences/:conference_id/records/:record_id/download', since: '3', ...READ, tags,
    summary: 'Download Record', params: Params('conference_id', 'record_id'), query: Query(),
    async handler(ctx) {
      const r = await ctx.engine.recordings.fileOf(ctx.actor, ctx.params.conference_id, ctx.params.record_id);
      const stream = ctx.engine.recordings.openFile(r);
      if (!stream) throw notFound('record', r.name);
      return sendRecording(ctx.reply, r.name, stream);
    },
  }),
];
