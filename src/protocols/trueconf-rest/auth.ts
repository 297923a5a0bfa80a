import type { FastifyRequest } from 'fastify';
import type { Engine } from '../../engine/engine.js';
import type { Actor } from '../../engine/actor.js';
import { forbidden } from './errors.js';

/** The token of a request: query `access_token` first (the seed's way), then `Authorization: Bearer`. */
export function tokenOf(req: FastifyRequest): string | undefined {
  const q = (req.query as Record<string, unknown> | undefined)?.access_token;
  if (typeof q === 'string' && q) return q;
  const h = req.headers.authorization;
  if (h && /^bearer\s+/i.test(h)) return h.replace(/^bearer\s+/i, '').trim() || undefined;
  return undefined;
}

/** The scope set of each cached grant, built once (grants are cached by the engine and never edited). */
const SCOPE_SETS = new WeakMap<readonly string[], ReadonlySet<string>>();

/** Resolves the calling application or user; 401 `forbidden` for a missing, unknown or expired token. */
export async function actorOf(engine: Engine, req: FastifyRequest): Promise<Actor & { kind: 'client' }> {
  const token = tokenOf(req);
  if (!token) throw forbidden(401);
  const grant = await engine.oauth.verify(token);
  if (!grant) throw forbidden(401);
  const operator = grant.userId ? await engine.isOperator(grant.userId) : false;
  let scopes = SCOPE_SETS.get(grant.scopes);
  if (!scopes) SCOPE_SETS.set(grant.scopes, (scopes = new Set(grant.scopes)));
  return { kind: 'client', clientId: grant.clientId, scopes, userId: grant.userId ?? undefined, operator, ip: req.ip };
}
