import { Type } from '@sinclair/typebox';
import { route, type RestContext } from '../route.js';
import { Body, PageId, PageSize, Params, Query, UrlType } from '../schemas.js';
import { userViews } from '../views/user.js';
import type { User } from '../../../engine/directory/users.js';

async function one(ctx: RestContext, u: User) {
  const [v] = await userViews(ctx.engine, [u], ctx.version, ctx.baseUrl);
  return { user: v };
}

const tags = ['Group members'];
const Filter = Type.Optional(Type.String());

export const groupMemberRoutes = [
  route({
    // The seed lists only groups.users:write; the bare scope implies it.
    method: 'POST', path: '/groups/:group_id/users', since: '3', perm: 'groups.users | groups.users:write', permV3: 'groups.users', tags,
    summary: 'Add User to Group',
    params: Params('group_id'), query: Query({ url_type: UrlType }),
    body: Body({ user_id: Type.String({ minLength: 1 }) }, ['user_id']),
    async handler(ctx) {
      const { user_id } = ctx.body as { user_id: string };
      return one(ctx, await ctx.engine.groups.addMember(ctx.actor, ctx.params.group_id, user_id));
    },
  }),
  route({
    method: 'GET', path: '/groups/:group_id/users', since: '3', perm: 'groups.users | groups.users:read', permV3: 'groups.users', tags,
    summary: 'Get Group User List',
    params: Params('group_id'),
    query: Query({
      url_type: UrlType, page_id: PageId, page_size: PageSize(200),
      login_name: Filter, display_name: Filter, first_name: Filter, last_name: Filter, email: Filter,
    }),
    async handler(ctx) {
      const q = ctx.query as Record<string, string | number | undefined>;
      const page = await ctx.engine.groups.members(ctx.actor, ctx.params.group_id, {
        loginName: q.login_name as string, displayName: q.display_name as string, firstName: q.first_name as string,
        lastName: q.last_name as string, email: q.email as string,
      }, q.page_id as number, q.page_size as number);
      return { users: await userViews(ctx.engine, page.items, ctx.version, ctx.baseUrl), next_page_id: page.next };
    },
  }),
  route({
    method: 'GET', path: '/groups/:group_id/users/:user_id', since: '3', perm: 'groups.users | groups.users:read', permV3: 'groups.users', tags,
    summary: 'Get Group User',
    params: Params('group_id', 'user_id'), query: Query({ url_type: UrlType }),
    async handler(ctx) {
      return one(ctx, await ctx.engine.groups.member(ctx.actor, ctx.params.group_id, ctx.params.user_id));
    },
  }),
  route({
    method: 'DELETE', path: '/groups/:group_id/users/:user_id', since: '3', perm: 'groups.users | groups.users:write', permV3: 'groups.users', tags,
    summary: 'Delete User from Group',
    params: Params('group_id', 'user_id'), query: Query(),
    async handler(ctx) {
      const u = await ctx.engine.groups.removeMember(ctx.actor, ctx.params.group_id, ctx.params.user_id);
      return { id: u.id };
    },
  }),
];
