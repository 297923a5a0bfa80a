import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../engine/engine.js';
import type { Config } from '../../config.js';
import { PexipTokens } from './tokens.js';
import { TEXT, toPexipError } from './errors.js';
import { sendJson, type PexipDeps } from './route.js';
import { tokenRoutes } from './routes/token.js';
import { conferenceRoutes } from './routes/conference.js';
import { callRoutes } from './routes/calls.js';
import { participantRoutes } from './routes/participant.js';
import { eventRoutes } from './routes/events.js';

/** The `disconnect` reason a participant's client sees when it leaves for an engine reason. */
export function leaveReason(reason: string): string {
  switch (reason) {
    case 'kicked': return TEXT.apiDisconnect;
    case 'conference_ended': return TEXT.apiTermination;
    case 'transferred': return 'Participant transferred';
    case 'timeout': return 'Timer expired awaiting token refresh';
    default: return 'Participant disconnected';
  }
}

/**
 * Binds the face's tokens to the engine: a participant that leaves (kicked from any interface, conference
 * ended, transferred) loses its token; a token released or left to expire makes its participant leave; role
 * changes follow into the token; a transfer gets a one-time token for the target.
 */
function bindTokens(engine: Engine, tokens: PexipTokens): () => void {
  const offs = [
    engine.bus.on('participant.left', ({ participant, reason }) => {
      tokens.endParticipant(participant.id, leaveReason(reason), reason === 'transferred' ? 'transferred' : 'left');
    }),
    engine.bus.on('participant.updated', ({ participant }) => tokens.setRole(participant.id, participant.role)),
    engine.bus.on('participant.transferred', ({ participant, targetConferenceId, targetAlias, role }) => {
      if (!tokens.grantOf(participant.id)) return;
      tokens.referParticipant(participant.id, {
        conferenceId: targetConferenceId, alias: targetAlias, role, displayName: participant.displayName,
        callTag: participant.callTag ?? '', userId: participant.userId,
      });
    }),
    tokens.onEnded(({ participantId, conferenceId, cause }) => {
      if (cause !== 'released' && cause !== 'expired') return;
      const s = engine.sessions.byConferenceId(conferenceId);
      if (!s?.participants.has(participantId)) return;
      engine.sessions.leave({ kind: 'system', name: 'pexip' }, s.streamId, participantId, cause === 'expired' ? 'timeout' : 'left')
        .catch(() => undefined);
    }),
  ];
  return () => { for (const off of offs) off(); };
}

const tokensOf = new WeakMap<Engine, PexipTokens>();

/** The Pexip face's tokens of a running server (the event stream and tests reach them through the engine). */
export function pexipTokensOf(engine: Engine): PexipTokens | undefined {
  return tokensOf.get(engine);
}

/** The Pexip Infinity Client REST API v2 under /api/client/v2 (control plane; media comes later). */
export async function pexipClientApi(app: FastifyInstance, opts: { engine: Engine; config: Config }): Promise<void> {
  const tokens = new PexipTokens(opts.config.pexipTokenTtl);
  const deps: PexipDeps = { engine: opts.engine, config: opts.config, tokens };
  const unbind = bindTokens(opts.engine, tokens);
  tokensOf.set(opts.engine, tokens);
  app.addHook('onClose', async () => { unbind(); tokens.close(); });

  await app.register(async (scope) => {
    scope.setErrorHandler((err, req, reply) => {
      const pe = toPexipError(err);
      if (pe.httpStatus >= 500) req.log.error({ err }, 'Pexip handler failed');
      return sendJson(reply, pe.httpStatus, pe.body());
    });
    scope.setNotFoundHandler((req, reply) => sendJson(reply, 404, { status: 'failed', result: `No such request: ${req.method} ${req.url.split('?')[0]}` }));

    // Node status for load balancers (digest §7); Parley has no maintenance mode.
    scope.get('/status', { schema: { hide: true } }, async (_req, reply) => sendJson(reply, 200, { status: 'success', result: 'OK' }));
    tokenRoutes(scope, deps);
    conferenceRoutes(scope, deps);
    participantRoutes(scope, deps);
    callRoutes(scope, deps);
    eventRoutes(scope, deps);
  }, { prefix: '/api/client/v2' });
}
