import { Type } from '@sinclair/typebox';
import { route, type RestContext } from '../route.js';
import { Body, PageId, PageSize, Params, Query, UrlType } from '../schemas.js';
import { contactViews } from '../views/contact.js';
import type { Contact, ContactInput } from '../../../engine/directory/contacts.js';

// The Contact object has no POST/PUT tags; the body fields are those of the seed's curl examples.
const ContactFields = {
  contact_id: Type.String({ minLength: 1, maxLength: 128 }),
  display_name: Type.String({ maxLength: 64 }),
};

function input(b: Record<string, unknown>): ContactInput {
  return { contactId: b.contact_id as string | undefined, displayName: b.display_name as string | undefined };
}

async function one(ctx: RestContext, c: Contact) {
  const [v] = await contactViews(ctx.engine, [c], ctx.version, ctx.baseUrl);
  return { contact: v };
}

const tags = ['Address book'];
const read = 'users.addressbook | users.addressbook:read';
const write = 'users.addressbook | users.addressbook:write';
const permV3 = 'users.addressbook';

export const addressBookRoutes = [
  route({
    method: 'POST', path: '/users/:user_id/addressbook', since: '3', perm: write, permV3, tags,
    summary: 'Add Contact',
    params: Params('user_id'), query: Query({ url_type: UrlType }), body: Body(ContactFields, ['contact_id']),
    async handler(ctx) {
      return one(ctx, await ctx.engine.contacts.add(ctx.actor, ctx.params.user_id, input(ctx.body as Record<string, unknown>)));
    },
  }),
  route({
    method: 'GET', path: '/users/:user_id/addressbook', since: '3', perm: read, permV3, tags,
    summary: 'Get Contact List',
    params: Params('user_id'), query: Query({ url_type: UrlType, page_id: PageId, page_size: PageSize(200) }),
    async handler(ctx) {
      const q = ctx.query as { page_id?: number; page_size?: number };
      const page = await ctx.engine.contacts.list(ctx.actor, ctx.params.user_id, q.page_id, q.page_size);
      return { contacts: await contactViews(ctx.engine, page.items, ctx.version, ctx.baseUrl), next_page_id: page.next };
    },
  }),
  route({
    method: 'GET', path: '/users/:user_id/addressbook/:contact_id', since: '3', perm: read, permV3, tags,
    summary: 'Get Contact',
    params: Params('user_id', 'contact_id'), query: Query({ url_type: UrlType }),
    async handler(ctx) {
      return one(ctx, await ctx.engine.contacts.get(ctx.actor, ctx.params.user_id, ctx.params.contact_id));
    },
  }),
  route({
    method: 'PUT', path: '/users/:user_id/addressbook/:contact_id', since: '3', perm: write, permV3, tags,
    summary: 'Edit Contact',
    params: Params('user_id', 'contact_id'), query: Query({ url_type: UrlType }), body: Body(ContactFields),
    async handler(ctx) {
      const c = await ctx.engine.contacts.update(ctx.actor, ctx.params.user_id, ctx.params.contact_id, input((ctx.body ?? {}) as Record<string, unknown>));
      return one(ctx, c);
    },
  }),
  route({
    method: 'DELETE', path: '/users/:user_id/addressbook/:contact_id', since: '3', perm: write, permV3, tags,
    summary: 'Delete Contact',
    params: Params('user_id', 'contact_id'), query: Query(),
    async handler(ctx) {
      const c = await ctx.engine.contacts.remove(ctx.actor, ctx.params.user_id, ctx.params.contact_id);
      return { id: c.contactId };
    },
  }),
];
