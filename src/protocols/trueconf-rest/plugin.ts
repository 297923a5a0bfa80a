import type { FastifyInstance, FastifyError } from 'fastify';
import type { Engine } from '../../engine/engine.js';
import { DomainError } from '../../engine/errors.js';
import type { Config } from '../../config.js';
import { VERSIONS, atLeast, prefix, type Version } from './versions.js';
import { RestError, envelope, fromDomain, forbidden } from './errors.js';
import { allows } from './scopes.js';
import { actorOf } from './auth.js';
import { NOBODY, RawJson, type RouteSpec } from './route.js';
import { ROUTES } from './routes/index.js';

/** Maps anything thrown in a TrueConf route to the seed's error envelope. Never leaks internals. */
export function toRestError(err: unknown): RestError {
  if (err instanceof RestError) return err;
  if (err instanceof DomainError) return fromDomain(err);
  const e = err as FastifyError & { validation?: Array<{ instancePath?: string; params?: Record<string, unknown>; message?: string }>; validationContext?: string };
  if (e && e.validation) {
    const v = e.validation[0] ?? {};
    const missing = v.params?.missingProperty as string | undefined;
    const where = e.validationContext === 'params' ? 'path' : 'parameter';
    const field = missing ?? (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    if (missing) return new RestError(400, { reason: 'missingRequiredField', message: 'Missing required field.', locationType: where, location: field });
    return new RestError(400, { reason: 'invalidParameter', message: `${field || e.validationContext} ${v.message ?? 'is invalid'}`, locationType: where, location: field });
  }
  switch (e?.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new RestError(415, { reason: 'unsupportedMediaType', message: 'Unsupported Content-Type.' });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new RestError(413, { reason: 'requestTooLarge', message: 'Request body is too large.' });
  }
  if (e?.statusCode === 400) return new RestError(400, { reason: 'invalidRequest', message: 'Invalid request.' });
  if (e?.statusCode === 413) return new RestError(413, { reason: 'requestTooLarge', message: 'Request body is too large.' });
  if (e?.statusCode === 415) return new RestError(415, { reason: 'unsupportedMediaType', message: 'Unsupported Content-Type.' });
  return new RestError(500, { reason: 'internalError', message: 'Internal Server Error' });
}

function register(app: FastifyInstance, engine: Engine, config: Config, version: Version, spec: RouteSpec): void {
  const perm = version === '3' && spec.permV3 ? spec.permV3 : spec.perm;
  app.route({
    method: spec.method,
    url: spec.path,
    schema: {
      summary: spec.summary,
      tags: spec.tags,
      ...(spec.params ? { params: spec.params } : {}),
      ...(spec.query ? { querystring: spec.query } : {}),
      ...(spec.body ? { body: spec.body } : {}),
    },
    // Authentication runs first, before the body is even read or validated: a caller without a token learns
    // nothing about the route and cannot make the server parse large bodies.
    onRequest: async (req) => {
      if (spec.public) { (req as unknown as { actor: typeof NOBODY }).actor = NOBODY; return; }
      const actor = await actorOf(engine, req);
      if (!allows(perm, actor.scopes)) throw forbidden(403);
      (req as unknown as { actor: typeof actor }).actor = actor;
    },
    handler: async (request, reply) => {
      const actor = (request as unknown as { actor: Awaited<ReturnType<typeof actorOf>> }).actor;
      const out = await spec.handler({
        engine, config, actor, version, baseUrl: config.publicUrl,
        params: request.params as Record<string, string>, query: request.query as Record<string, unknown>,
        body: request.body, request, reply,
      });
      if (reply.sent) return reply;
      if (out === undefined) return reply;
      if (out instanceof RawJson) return reply.code(200).type('application/json; charset=utf-8').send(out.text);
      return reply.code(200).send(out);
    },
  });
}

/** Registers the TrueConf Server REST API under every version prefix with that version's route set. */
export async function trueconfRest(app: FastifyInstance, opts: { engine: Engine; config: Config }): Promise<void> {
  for (const version of VERSIONS) {
    await app.register(async (scope) => {
      scope.setErrorHandler((err, req, reply) => {
        const re = toRestError(err);
        if (re.status >= 500) req.log.error({ err }, 'TrueConf REST handler failed');
        return reply.code(re.status).send(re.body());
      });
      scope.setNotFoundHandler((req, reply) => {
        reply.code(404).send(envelope(404, [{ reason: 'notFound', message: `${req.method} ${req.url.split('?')[0]} does not exist in API v${version}.` }]));
      });
      for (const spec of ROUTES) if (atLeast(version, spec.since)) register(scope, opts.engine, opts.config, version, spec);
    }, { prefix: prefix(version) });
  }
}
