import { Type } from '@sinclair/typebox';
import { route } from '../route.js';
import { Body, PageId, PageSize, Params, Query } from '../schemas.js';
import { sessionParticipantView, sessionView } from '../views/session.js';
import { instanceIdOf } from '../../../engine/sessions/sessions.js';

const PODIUM = 'conferences.sessions.podiums.participants:write | conferences.sessions.podiums.participants:read';
const tags = ['Conference sessions'];

/**
 * §3.4: a running conference seen as its session. `{session_id}` is the stream id (`00000001@server#vcs`);
 * clients send `#` as %23 (and may send `@` as %40), which the router decodes.
 */
export const sessionRoutes = [
  route({
    method: 'GET', path: '/conference-sessions/:session_id', since: '3.3', perm: 'conferences.sessions:read', tags,
    summary: 'Get Conference Session',
    params: Params('session_id'), query: Query(),
    async handler(ctx) {
      const s = ctx.engine.sessions.readSession(ctx.actor, ctx.params.session_id);
      return { session: sessionView(s, ctx.engine.ctx.serverName) };
    },
  }),
  route({
    method: 'GET', path: '/conference-sessions/:session_id/participants', since: '3.3',
    perm: 'conferences.sessions.participants:read', tags,
    summary: 'Get Conference Session Participants',
    params: Params('session_id'), query: Query({ page_id: PageId, page_size: PageSize(200) }),
    async handler(ctx) {
      const q = ctx.query as { page_id?: number; page_size?: number };
      const { session, page } = ctx.engine.sessions.sessionParticipants(ctx.actor, ctx.params.session_id, q.page_id, q.page_size);
      return { count: page.total, participants: page.items.map((p) => sessionParticipantView(session, p)) };
    },
  }),
  route({
    method: 'POST', path: '/conference-sessions/:session_id/podiums/participants', since: '3.3', perm: PODIUM, tags,
    summary: 'Invite participant to stand on a podium',
    params: Params('session_id'), query: Query(),
    body: Body({ participant_id: Type.String({ minLength: 1 }), force: Type.Boolean() }, ['participant_id']),
    async handler(ctx) {
      const b = ctx.body as { participant_id: string; force?: boolean };
      await ctx.engine.sessions.podiumInvite(ctx.actor, ctx.params.session_id, b.participant_id, b.force === true);
      return { invite: true };
    },
  }),
  route({
    method: 'DELETE', path: '/conference-sessions/:session_id/podiums/participants/:participant_id', since: '3.3', perm: PODIUM, tags,
    summary: 'Remove participant from a podium',
    params: Params('session_id', 'participant_id'), query: Query(),
    async handler(ctx) {
      const p = await ctx.engine.sessions.podiumRemove(ctx.actor, ctx.params.session_id, ctx.params.participant_id);
      return { participant_id: instanceIdOf(p) };
    },
  }),
  route({
    method: 'DELETE', path: '/conference-sessions/:session_id/participants/:participant_id', since: '3.9',
    perm: 'conferences.sessions.participants:read', tags,
    summary: 'Kick participant',
    params: Params('session_id', 'participant_id'), query: Query(),
    async handler(ctx) {
      const p = await ctx.engine.sessions.kick(ctx.actor, ctx.params.session_id, ctx.params.participant_id);
      return { participant_id: instanceIdOf(p) };
    },
  }),
];
