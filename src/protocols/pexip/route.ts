import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Engine } from '../../engine/engine.js';
import type { Actor } from '../../engine/actor.js';
import type { ConferenceDef } from '../../engine/conferences/types.js';
import type { Config } from '../../config.js';
import type { PexipTokens, TokenGrant } from './tokens.js';
import { badRequest, invalidToken, noConference } from './errors.js';

/** What every Pexip route needs: the engine, the config and the face's tokens (its only state). */
export interface PexipDeps {
  engine: Engine;
  config: Config;
  tokens: PexipTokens;
}

export interface RouteCall {
  deps: PexipDeps;
  conf: ConferenceDef;
  /** The caller's token grant (routes with auth). */
  grant: TokenGrant;
  /** The caller as an engine actor: a participant of this conference. */
  actor: Actor;
  body: Record<string, unknown>;
  params: Record<string, string>;
  req: FastifyRequest;
  reply: FastifyReply;
}

/**
 * Pexip's own client packages need Content-Type exactly `application/json` (no charset), so bodies are
 * serialised here and the header is set verbatim.
 */
export function sendJson(reply: FastifyReply, httpStatus: number, body: unknown): FastifyReply {
  // A Buffer: Fastify would append `; charset=utf-8` to a string payload.
  return reply.code(httpStatus).header('content-type', 'application/json').send(Buffer.from(JSON.stringify(body)));
}

/** The token from the `token` header, or the `token` query parameter (EventSource, sendBeacon). */
export function tokenOf(req: FastifyRequest): string | undefined {
  const h = req.headers.token;
  if (typeof h === 'string' && h) return h;
  const q = (req.query as Record<string, unknown> | undefined)?.token;
  return typeof q === 'string' && q ? q : undefined;
}

/** Resolves `:alias` (a conference id, alias or number) or answers 404 "Neither conference nor gateway found". */
export async function conferenceOf(deps: PexipDeps, alias: string | undefined): Promise<ConferenceDef> {
  const conf = alias ? await deps.engine.conferences.resolve(alias) : undefined;
  if (!conf) throw noConference();
  return conf;
}

/** A live token of a participant of this very conference, or 403 "Invalid token". */
export function grantFor(deps: PexipDeps, req: FastifyRequest, conf: ConferenceDef): TokenGrant {
  const grant = deps.tokens.verify(tokenOf(req));
  if (!grant || grant.conferenceId !== conf.id) throw invalidToken();
  return grant;
}

/**
 * Registers a route that answers `{"status":"success","result":<handler result>}`. With `auth` (the default)
 * the token must be live and belong to the conference named in the URL. A handler that sends its own reply
 * (images, 204) returns the reply.
 */
export function pexipRoute(app: FastifyInstance, deps: PexipDeps, method: 'GET' | 'POST', url: string,
  handler: (c: RouteCall) => Promise<unknown> | unknown, opts: { auth?: boolean } = {}): void {
  app.route({
    method,
    url,
    schema: { hide: true },
    handler: async (req, reply) => {
      const params = req.params as Record<string, string>;
      const conf = await conferenceOf(deps, params.alias);
      const grant = opts.auth === false ? { participantId: '', conferenceId: conf.id, role: 'guest' as const } : grantFor(deps, req, conf);
      const actor: Actor = { kind: 'participant', conferenceId: conf.id, participantId: grant.participantId, role: grant.role };
      const body = req.body === undefined || req.body === null ? {} : req.body;
      if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('The request body must be a JSON object');
      const result = await handler({ deps, conf, grant, actor, body: body as Record<string, unknown>, params, req, reply });
      if (reply.sent) return reply;
      return sendJson(reply, 200, { status: 'success', result });
    },
  });
}

// ---- body fields (strict types: a number is not a string) ------------------------------------------------

export function optString(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badRequest(`${key} must be a string`);
  return v;
}

export function reqString(body: Record<string, unknown>, key: string): string {
  const v = optString(body, key);
  if (v === undefined || v.trim() === '') throw badRequest(`${key} is required`);
  return v;
}

export function reqBool(body: Record<string, unknown>, key: string): boolean {
  const v = body[key];
  if (typeof v !== 'boolean') throw badRequest(`${key} must be true or false`);
  return v;
}

export function optObject(body: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw badRequest(`${key} must be an object`);
  return v as Record<string, unknown>;
}

/** Pexip's role words: HOST/GUEST (tokens, dial) and chair/host/guest (participants, transfer). */
export function roleOf(value: string | undefined, key = 'role'): 'host' | 'guest' {
  switch ((value ?? '').toLowerCase()) {
    case 'host': case 'chair': return 'host';
    case 'guest': return 'guest';
    default: throw badRequest(`${key} must be one of HOST, GUEST, chair, guest`);
  }
}
