import { Type } from '@sinclair/typebox';
import { route, type RestContext } from '../route.js';
import { Body, Nullable, Params, Query, UrlType } from '../schemas.js';
// The Invitation view lives with the Conference view, which embeds InvitationMini (one projection, one place).
import { invitationViews } from '../views/conference.js';
import type { ConferenceDef, Invitation } from '../../../engine/conferences/types.js';

const Name = Type.String({ minLength: 1, maxLength: 64 });
const Translator = Nullable(Type.Object({ languages: Type.Array(Type.String()) }, { additionalProperties: true }));
const tags = ['Invitations'];

async function one(ctx: RestContext, r: { conference: ConferenceDef; invitation: Invitation }) {
  const [invitation] = await invitationViews(ctx.engine, r.conference, [r.invitation], ctx.version, ctx.baseUrl);
  return { invitation };
}

/** §3.2: the planned (invited) list of a conference. `{invitation_id}` is the invited id (login or TrueConf ID). */
export const invitationRoutes = [
  route({
    method: 'POST', path: '/conferences/:conference_id/invitations', since: '3',
    perm: 'conferences.invitations | conferences.invitations:write', permV3: 'conferences.invitations', tags,
    summary: 'Add Invitation',
    params: Params('conference_id'), query: Query({ url_type: UrlType }),
    body: Body({ id: Name, display_name: Name, translator: Translator }, ['id']),
    async handler(ctx) {
      const b = ctx.body as { id: string; display_name?: string; translator?: Invitation['translator'] };
      return one(ctx, await ctx.engine.conferences.addInvitation(ctx.actor, ctx.params.conference_id,
        { id: b.id, display_name: b.display_name, translator: b.translator }));
    },
  }),
  route({
    method: 'GET', path: '/conferences/:conference_id/invitations', since: '3',
    perm: 'conferences.invitations | conferences.invitations:read', permV3: 'conferences.invitations', tags,
    summary: 'Get Invitation List',
    params: Params('conference_id'), query: Query({ url_type: UrlType }),
    async handler(ctx) {
      const r = await ctx.engine.conferences.listInvitations(ctx.actor, ctx.params.conference_id);
      return { invitations: await invitationViews(ctx.engine, r.conference, r.invitations, ctx.version, ctx.baseUrl) };
    },
  }),
  route({
    method: 'GET', path: '/conferences/:conference_id/invitations/:invitation_id', since: '3',
    perm: 'conferences.invitations | conferences.invitations:read', permV3: 'conferences.invitations', tags,
    summary: 'Get Invitation',
    params: Params('conference_id', 'invitation_id'), query: Query({ url_type: UrlType }),
    async handler(ctx) {
      return one(ctx, await ctx.engine.conferences.getInvitation(ctx.actor, ctx.params.conference_id, ctx.params.invitation_id));
    },
  }),
  route({
    method: 'PUT', path: '/conferences/:conference_id/invitations/:invitation_id', since: '3',
    perm: 'conferences.invitations | conferences.invitations:write', permV3: 'conferences.invitations', tags,
    summary: 'Edit Invitation',
    params: Params('conference_id', 'invitation_id'), query: Query({ url_type: UrlType }),
    body: Body({ display_name: Name, translator: Translator }),
    async handler(ctx) {
      const b = (ctx.body ?? {}) as { display_name?: string; translator?: Invitation['translator'] };
      return one(ctx, await ctx.engine.conferences.updateInvitation(ctx.actor, ctx.params.conference_id, ctx.params.invitation_id,
        { display_name: b.display_name, translator: b.translator }));
    },
  }),
  route({
    // The seed lists only the bare scope here; a `:write` token may do every other invitation change, so it may
    // delete too (§5 #8: never stricter than the seed, logically matching scopes accepted).
    method: 'DELETE', path: '/conferences/:conference_id/invitations/:invitation_id', since: '3',
    perm: 'conferences.invitations | conferences.invitations:write', permV3: 'conferences.invitations', tags,
    summary: 'Delete Invitation',
    params: Params('conference_id', 'invitation_id'), query: Query(),
    async handler(ctx) {
      const removed = await ctx.engine.conferences.removeInvitation(ctx.actor, ctx.params.conference_id, ctx.params.invitation_id);
      return { id: removed.id };
    },
  }),
];
