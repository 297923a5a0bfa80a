import { Type } from '@sinclair/typebox';
import { route } from '../route.js';
import { Body, PageId, PageSize, Params, Query } from '../schemas.js';
import { groupView } from '../views/group.js';
import type { GroupInput } from '../../../engine/directory/groups.js';

const GroupFields = {
  display_name: Type.String({ minLength: 1, maxLength: 64 }),
  rights: Type.Array(Type.String()),
};

function input(b: Record<string, unknown>): GroupInput {
  return { displayName: b.display_name as string | undefined, rights: b.rights as string[] | undefined };
}

const tags = ['Groups'];

export const groupRoutes = [
  route({
    method: 'POST', path: '/groups', since: '3', perm: 'groups | groups:write', permV3: 'groups', tags,
    summary: 'Create Group',
    query: Query(), body: Body(GroupFields, ['display_name']),
    async handler(ctx) {
      const g = await ctx.engine.groups.create(ctx.actor, input(ctx.body as Record<string, unknown>));
      return { group: groupView(g, ctx.version) };
    },
  }),
  route({
    method: 'GET', path: '/groups', since: '3', perm: 'groups | groups:read', permV3: 'groups', tags,
    summary: 'Get Group List',
    query: Query({ page_id: PageId, page_size: PageSize(200) }),
    async handler(ctx) {
      const q = ctx.query as { page_id?: number; page_size?: number };
      const page = await ctx.engine.groups.list(ctx.actor, q.page_id, q.page_size);
      // The seed's envelope puts next_page_id first.
      return { next_page_id: page.next, groups: page.items.map((g) => groupView(g, ctx.version)) };
    },
  }),
  route({
    method: 'GET', path: '/groups/:group_id', since: '3', perm: 'groups | groups:read', permV3: 'groups', tags,
    summary: 'Get Group',
    params: Params('group_id'), query: Query(),
    async handler(ctx) {
      return { group: groupView(await ctx.engine.groups.get(ctx.params.group_id), ctx.version) };
    },
  }),
  route({
    // The seed's permission line says groups:read (sic); groups:write is the matching right for an edit.
    method: 'PUT', path: '/groups/:group_id', since: '3', perm: 'groups | groups:read | groups:write', permV3: 'groups', tags,
    summary: 'Edit Group',
    params: Params('group_id'), query: Query(), body: Body(GroupFields),
    async handler(ctx) {
      const g = await ctx.engine.groups.update(ctx.actor, ctx.params.group_id, input((ctx.body ?? {}) as Record<string, unknown>));
      return { group: groupView(g, ctx.version) };
    },
  }),
  route({
    method: 'DELETE', path: '/groups/:group_id', since: '3', perm: 'groups | groups:write', permV3: 'groups', tags,
    summary: 'Delete Group',
    params: Params('group_id'), query: Query(),
    async handler(ctx) {
      // Unlike every other delete, the seed returns the deleted object itself.
      return { group: groupView(await ctx.engine.groups.delete(ctx.actor, ctx.params.group_id), ctx.version) };
    },
  }),
];
