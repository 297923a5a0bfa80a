import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TSchema } from '@sinclair/typebox';
import type { Engine } from '../../engine/engine.js';
import type { Actor } from '../../engine/actor.js';
import type { Config } from '../../config.js';
import type { Version } from './versions.js';

/** What a route handler gets: the engine, who is calling, which API version, and the parsed request. */
export interface RestContext {
  engine: Engine;
  config: Config;
  actor: Actor;
  version: Version;
  /** Base URL for links in responses (conference pages, downloads). */
  baseUrl: string;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path after the version prefix, Fastify style (`/users/:user_id`). */
  path: string;
  /** Oldest version that has the endpoint. */
  since: Version;
  /** Seed permission line for v3.1+; `permV3` for the oldest prefix where it differs. */
  perm: string;
  permV3?: string;
  summary: string;
  tags: string[];
  params?: TSchema;
  query?: TSchema;
  body?: TSchema;
  /** Served without a token (avatar pictures, which browsers load in `<img>`); `ctx.actor` is then NOBODY. */
  public?: boolean;
  /** Returns the JSON body (status 200) or undefined when the handler answered through `reply` itself. */
  handler(ctx: RestContext): Promise<unknown>;
}

/** The caller of a public route: a user that owns nothing and operates nothing, so authorize() refuses it all. */
export const NOBODY: Actor = { kind: 'user', userId: '' };

/**
 * A handler result that is already JSON text (a cached rendering): sent as is with the JSON content type, the same
 * bytes `JSON.stringify` of the equivalent object would give.
 */
export class RawJson {
  constructor(readonly text: string) {}
}

export function route(spec: RouteSpec): RouteSpec {
  return spec;
}
