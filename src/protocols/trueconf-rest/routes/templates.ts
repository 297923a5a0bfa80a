import { Type } from '@sinclair/typebox';
import { route, type RestContext } from '../route.js';
import { Body, Params, Query } from '../schemas.js';
import { ConferenceFields, conferenceInput } from './conferences.js';
import type { ConferenceTemplate } from '../../../engine/conferences/templates.js';
import type { ConferenceInput } from '../../../engine/conferences/types.js';

/** ConferenceTemplate (§4.12). `object` holds the stored conference settings. */
function templateView(t: ConferenceTemplate) {
  return { id: t.id, name: t.name, created_at: t.createdAt, updated_at: t.updatedAt, creator_id: t.creatorId, object: t.object };
}

const TemplateObject = Type.Partial(Type.Object(ConferenceFields, { additionalProperties: true }));
const TemplateBody = Body({ name: Type.String({ minLength: 1, maxLength: 256 }), object: TemplateObject });

function input(ctx: RestContext): { name?: string; object?: ConferenceInput } {
  const b = (ctx.body ?? {}) as { name?: string; object?: unknown };
  // Only TrueConf conference fields are templated; anything else in `object` is ignored like in a create body.
  return { name: b.name, object: b.object === undefined ? undefined : conferenceInput(b.object) };
}

const tags = ['Templates'];
const byId = Params('template_id');
const read = 'templates.conferences:read';
const write = 'templates.conferences:write';

export const templateRoutes = [
  route({
    method: 'POST', path: '/templates/conferences', since: '3.1', perm: write, tags, summary: 'Create Conference Template',
    query: Query(), body: TemplateBody,
    handler: async (ctx) => ({ template: templateView(await ctx.engine.templates.create(ctx.actor, input(ctx))) }),
  }),
  route({
    method: 'GET', path: '/templates/conferences', since: '3.1', perm: read, tags, summary: 'Get Conference Template List',
    query: Query({
      sort_by: Type.Optional(Type.Union(['name', 'created_at', 'updated_at', 'creator_id'].map((v) => Type.Literal(v)))),
      sort_type: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
    }),
    async handler(ctx) {
      const q = ctx.query as { sort_by?: 'name' | 'created_at' | 'updated_at' | 'creator_id'; sort_type?: 'asc' | 'desc' };
      const list = await ctx.engine.templates.list(ctx.actor, q.sort_by, q.sort_type);
      return { templates: list.map(templateView) };
    },
  }),
  route({
    method: 'GET', path: '/templates/conferences/:template_id', since: '3.1', perm: read, tags, summary: 'Get Conference Template',
    params: byId, query: Query(),
    handler: async (ctx) => ({ template: templateView(await ctx.engine.templates.get(ctx.actor, ctx.params.template_id)) }),
  }),
  route({
    method: 'PUT', path: '/templates/conferences/:template_id', since: '3.1', perm: write, tags, summary: 'Edit Conference Template',
    params: byId, query: Query(), body: TemplateBody,
    handler: async (ctx) => ({ template: templateView(await ctx.engine.templates.update(ctx.actor, ctx.params.template_id, input(ctx))) }),
  }),
  route({
    method: 'DELETE', path: '/templates/conferences/:template_id', since: '3.1', perm: write, tags, summary: 'Delete Conference Template',
    params: byId, query: Query(),
    handler: async (ctx) => ({ id: (await ctx.engine.templates.delete(ctx.actor, ctx.params.template_id)).id }),
  }),
];
