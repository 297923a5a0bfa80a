import { Type } from '@sinclair/typebox';
import { route } from '../route.js';
import { Body, Params, Query, UrlType } from '../schemas.js';
import { missingField } from '../errors.js';
import { minor } from '../versions.js';
import { participantView, participantViews } from '../views/participant.js';

const Id = Type.String({ minLength: 1 });
const InvitationMini = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }), display_name: Type.Optional(Type.String()) },
  { additionalProperties: true });
const tags = ['Conference participants'];

/** §3.3: the live participants of a running conference, and §3.1 Conference Invite (ringing a list of users). */
export const participantRoutes = [
  route({
    method: 'GET', path: '/conferences/:conference_id/participants', since: '3',
    perm: 'conferences.participants | conferences.participants:read', permV3: 'conferences.participants', tags,
    summary: 'Get Participant List',
    params: Params('conference_id'), query: Query({ url_type: UrlType }),
    async handler(ctx) {
      const r = await ctx.engine.sessions.participantsOf(ctx.actor, ctx.params.conference_id);
      return { participants: await participantViews(ctx.engine, r.participants, ctx.version, ctx.baseUrl) };
    },
  }),
  route({
    method: 'GET', path: '/conferences/:conference_id/participants/:participant_id', since: '3.1',
    perm: 'conferences.participants | conferences.participants:read', tags,
    summary: 'Get Participant',
    params: Params('conference_id', 'participant_id'), query: Query({ url_type: UrlType }),
    async handler(ctx) {
      const r = await ctx.engine.sessions.participantOf(ctx.actor, ctx.params.conference_id, ctx.params.participant_id);
      return { participant: await participantView(ctx.engine, r.participant, ctx.version, ctx.baseUrl) };
    },
  }),
  route({
    method: 'POST', path: '/conferences/:conference_id/participants', since: '3',
    perm: 'conferences.participants | conferences.participants:write', permV3: 'conferences.participants', tags,
    summary: 'Invite Participant',
    params: Params('conference_id'), query: Query({ url_type: UrlType }),
    body: Body({ participant_id: Id }, ['participant_id']),
    async handler(ctx) {
      const { participant_id } = ctx.body as { participant_id: string };
      const p = await ctx.engine.sessions.addParticipant(ctx.actor, ctx.params.conference_id, participant_id);
      return { participant: await participantView(ctx.engine, p, ctx.version, ctx.baseUrl) };
    },
  }),
  route({
    // v3.5+ documents {"invitations": [InvitationMini]}, v3.1-v3.4 {"participants": ["id", ...]}. Either is
    // accepted on every prefix so a script keeps working when it moves to another one; the documented field of
    // the prefix is the one named when both are missing.
    method: 'POST', path: '/conferences/:conference_id/invite', since: '3.1',
    perm: 'conferences | conferences:read', tags: ['Conferences'],
    summary: 'Conference Invite',
    params: Params('conference_id'), query: Query(),
    body: Body({ invitations: Type.Array(InvitationMini), participants: Type.Array(Id) }),
    async handler(ctx) {
      const b = (ctx.body ?? {}) as { invitations?: Array<{ id: string }>; participants?: string[] };
      if (!b.invitations && !b.participants) throw missingField(minor(ctx.version) >= 5 ? 'invitations' : 'participants');
      const ids = [...(b.invitations ?? []).map((i) => i.id), ...(b.participants ?? [])];
      await ctx.engine.sessions.invite(ctx.actor, ctx.params.conference_id, ids);
      return { invite: true };
    },
  }),
];
