import type { FastifyInstance } from 'fastify';
import { PexipEventStreams } from '../events.js';
import { invalidToken } from '../errors.js';
import { conferenceOf, grantFor, type PexipDeps } from '../route.js';

/**
 * `GET …/conferences/<alias>/events?token=` (also the `token` header): the server-sent event stream.
 * Unknown alias → 404 and a bad, expired or released token → 403 "Invalid token", both as Pexip JSON (not a
 * stream); otherwise the connection is handed to the event streams. Returns them for the plugin and tests.
 */
export function eventRoutes(app: FastifyInstance, deps: PexipDeps): PexipEventStreams {
  const streams = new PexipEventStreams(deps.engine, deps.tokens, {
    heartbeatMs: deps.config.pexipHeartbeatMs,
    replayEvents: deps.config.pexipReplayEvents,
  });
  // Before the server waits for connections to drain: open streams would hold it forever.
  app.addHook('preClose', async () => streams.close());

  app.get('/conferences/:alias/events', { schema: { hide: true } }, async (req, reply) => {
    const conf = await conferenceOf(deps, (req.params as Record<string, string>).alias);
    const grant = grantFor(deps, req, conf);
    if (!deps.engine.sessions.byConferenceId(conf.id)?.participants.has(grant.participantId)) throw invalidToken();
    const last = req.headers['last-event-id'];
    reply.hijack();
    streams.open(conf, grant.participantId, reply.raw, typeof last === 'string' && last ? last : undefined);
  });
  return streams;
}
