import { Type } from '@sinclair/typebox';
import { route, type RestContext } from '../route.js';
import { Body, PageId, PageSize, Params, Query } from '../schemas.js';
import { PRESET_TYPES, type Preset } from '../../../engine/broadcast/presets.js';

/** Preset (§4.17). */
function presetView(p: Preset) {
  return { id: p.id, name: p.name, type: p.type, payload: p.payload };
}

const Payload = Type.Object({}, { additionalProperties: true });
const Name = Type.String({ minLength: 1, maxLength: 256 });

const tags = ['Broadcast presets'];
const byId = Params('preset_id');
const read = 'conferences.broadcast_presets | conferences.broadcast_presets:read';
const write = 'conferences.broadcast_presets | conferences.broadcast_presets:write';

const getOne = async (ctx: RestContext) => ({ preset: presetView(await ctx.engine.presets.get(ctx.actor, ctx.params.preset_id)) });

export const presetRoutes = [
  route({
    method: 'POST', path: '/broadcast/presets', since: '3.3', perm: write, tags, summary: 'Create Broadcast Preset',
    query: Query(),
    body: Body({ name: Name, type: Type.Union(PRESET_TYPES.map((t) => Type.Literal(t))), payload: Payload }, ['name', 'type']),
    async handler(ctx) {
      const b = ctx.body as { name: string; type: string; payload?: Record<string, unknown> };
      return { preset: presetView(await ctx.engine.presets.create(ctx.actor, b)) };
    },
  }),
  route({
    method: 'GET', path: '/broadcast/presets', since: '3.3', perm: read, tags, summary: 'Get Broadcast Preset List',
    query: Query({ page_id: PageId, page_size: PageSize(200) }),
    async handler(ctx) {
      const q = ctx.query as { page_id?: number; page_size?: number };
      const page = await ctx.engine.presets.list(ctx.actor, q.page_id, q.page_size);
      return { presets: page.items.map(presetView), next_page_id: page.next };
    },
  }),
  route({
    method: 'GET', path: '/broadcast/presets/:preset_id', since: '3.3', perm: read, tags, summary: 'Get Broadcast Preset',
    params: byId, query: Query(), handler: getOne,
  }),
  // Conference `broadcast` links point here (the seed's example uses /api/v3.1/broadcasts/{id}).
  route({
    method: 'GET', path: '/broadcasts/:preset_id', since: '3.1', perm: read, tags, summary: 'Get Broadcast Preset (conference broadcast link)',
    params: byId, query: Query(), handler: getOne,
  }),
  route({
    method: 'PUT', path: '/broadcast/presets/:preset_id', since: '3.3', perm: write, tags, summary: 'Edit Broadcast Preset',
    params: byId, query: Query(),
    body: Body({ name: Name, payload: Payload }),
    async handler(ctx) {
      const b = (ctx.body ?? {}) as { name?: string; payload?: Record<string, unknown> };
      return { preset: presetView(await ctx.engine.presets.update(ctx.actor, ctx.params.preset_id, { name: b.name, payload: b.payload })) };
    },
  }),
  route({
    method: 'DELETE', path: '/broadcast/presets/:preset_id', since: '3.3', perm: write, tags, summary: 'Delete Broadcast Preset',
    params: byId, query: Query(),
    handler: async (ctx) => ({ id: (await ctx.engine.presets.delete(ctx.actor, ctx.params.preset_id)).id }),
  }),
];
