import { Type } from '@sinclair/typebox';
import { route, type RestContext } from '../route.js';
import { Body, PageId, PageSize, Params, Query, UrlType } from '../schemas.js';
import { userViews } from '../views/user.js';
import type { UserInput } from '../../../engine/directory/users.js';

const S = (min: number, max: number) => Type.String({ minLength: min, maxLength: max });
const UserFields = {
  password: S(1, 255),
  email: S(3, 250),
  display_name: S(1, 64),
  first_name: S(0, 64),
  last_name: S(0, 64),
  company: S(0, 64),
  mobile_phone: S(0, 50),
  work_phone: S(0, 50),
  home_phone: S(0, 50),
  is_active: Type.Union([Type.Literal(0), Type.Literal(1)]),
};

function input(b: Record<string, unknown>): UserInput {
  return {
    loginName: b.login_name as string | undefined,
    password: b.password as string | undefined,
    email: b.email as string | undefined,
    displayName: b.display_name as string | undefined,
    firstName: b.first_name as string | undefined,
    lastName: b.last_name as string | undefined,
    company: b.company as string | undefined,
    mobilePhone: b.mobile_phone as string | undefined,
    workPhone: b.work_phone as string | undefined,
    homePhone: b.home_phone as string | undefined,
    isActive: b.is_active === undefined ? undefined : b.is_active === 1,
  };
}

async function one(ctx: RestContext, id: string) {
  const u = await ctx.engine.users.get(id);
  const [v] = await userViews(ctx.engine, [u], ctx.version, ctx.baseUrl);
  return { user: v };
}

const tags = ['Users'];

export const userRoutes = [
  route({
    method: 'POST', path: '/users', since: '3', perm: 'users | users:write', permV3: 'users', tags,
    summary: 'Create User',
    query: Query(),
    body: Body({ login_name: S(1, 32), ...UserFields }, ['login_name', 'password']),
    async handler(ctx) {
      const u = await ctx.engine.users.create(ctx.actor, input(ctx.body as Record<string, unknown>));
      return one(ctx, u.id);
    },
  }),
  route({
    method: 'GET', path: '/users', since: '3', perm: 'users | users:read', permV3: 'users', tags,
    summary: 'Get User List',
    query: Query({
      url_type: UrlType, page_id: PageId, page_size: PageSize(200),
      login_name: Type.Optional(Type.String()), display_name: Type.Optional(Type.String()),
      first_name: Type.Optional(Type.String()), last_name: Type.Optional(Type.String()), email: Type.Optional(Type.String()),
    }),
    async handler(ctx) {
      const q = ctx.query as Record<string, string | number | undefined>;
      const page = await ctx.engine.users.list(ctx.actor, {
        loginName: q.login_name as string, displayName: q.display_name as string, firstName: q.first_name as string,
        lastName: q.last_name as string, email: q.email as string,
      }, q.page_id as number, q.page_size as number);
      return { users: await userViews(ctx.engine, page.items, ctx.version, ctx.baseUrl), next_page_id: page.next };
    },
  }),
  route({
    method: 'GET', path: '/users/:user_id', since: '3', perm: 'users | users:write | users:read', permV3: 'users', tags,
    summary: 'Get User',
    params: Params('user_id'), query: Query({ url_type: UrlType }),
    handler: (ctx) => one(ctx, ctx.params.user_id),
  }),
  route({
    method: 'PUT', path: '/users/:user_id', since: '3', perm: 'users | users:write', permV3: 'users', tags,
    summary: 'Edit User',
    params: Params('user_id'), query: Query({ url_type: UrlType }),
    body: Body(UserFields),
    async handler(ctx) {
      const b = (ctx.body ?? {}) as Record<string, unknown>;
      const patch = input(b);
      delete patch.loginName;
      const u = await ctx.engine.users.update(ctx.actor, ctx.params.user_id, patch);
      return one(ctx, u.id);
    },
  }),
  route({
    method: 'DELETE', path: '/users/:user_id', since: '3', perm: 'users | users:write', permV3: 'users', tags,
    summary: 'Delete User',
    params: Params('user_id'), query: Query(),
    async handler(ctx) {
      const u = await ctx.engine.users.delete(ctx.actor, ctx.params.user_id);
      return { id: u.id };
    },
  }),
  route({
    method: 'POST', path: '/users/:user_id/disconnect', since: '3.1', perm: 'users | (users:read & users:write)', tags,
    summary: 'Disconnect User',
    params: Params('user_id'), query: Query(),
    async handler(ctx) {
      const n = await ctx.engine.users.disconnect(ctx.actor, ctx.params.user_id);
      return { state: n > 0 ? 'disconnecting' : 'disconnected' };
    },
  }),
];
