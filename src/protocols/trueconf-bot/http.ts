import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RateLimiter } from '../../http/rate-limit.js';
import type { BotDeps } from './deps.js';

/** Lifetime of a chatbot token: 30 days, as the libraries document (digest §11.1). */
export const BOT_TOKEN_TTL = 30 * 24 * 3600;
/** The TrueConf Server version this face speaks (≥ 5.5.3 unlocks the Python library; 5.5.6 its buttons). */
export const PRODUCT_VERSION = '5.5.6.0';

/** A bot JWT for a signed-in user, as every token endpoint of this face answers it (status 201, §1.2). */
export function botTokenBody(deps: BotDeps, userId: string) {
  const iat = Math.floor(deps.engine.ctx.now() / 1000);
  const exp = iat + BOT_TOKEN_TTL;
  const accessToken = deps.jwt.sign({ sub: userId, iat, exp, jti: randomUUID() });
  return { access_token: accessToken, token_type: 'JWT', expires_in: BOT_TOKEN_TTL, expires_at: exp };
}

export const oauthError = (reply: FastifyReply, status: number, error: string, description?: string) =>
  reply.code(status).send(description ? { error, error_description: description } : { error });

/** A non-empty string field of a token request, else undefined. */
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Error handler of the token endpoints: malformed JSON or a body that is not an object gets the OAuth error
 * format (never Fastify's); anything else is logged as `what` and answered 500 `server_error`.
 */
export function oauthErrorHandler(what: string, send: typeof oauthError = oauthError, internalDescription?: string) {
  return (err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) {
      req.log.error({ err }, what);
      return send(reply, 500, 'server_error', internalDescription);
    }
    return send(reply, 400, 'invalid_request', err instanceof Error ? err.message : 'Bad request');
  };
}

/** `POST /bridge/api/client/v1/oauth/token` (password grant) and `GET /api/v4/server` (digest §1.2, §1.4). */
export async function botHttpRoutes(app: FastifyInstance, deps: BotDeps): Promise<void> {
  const { engine, config } = deps;
  const limiter = new RateLimiter(config.tokenRateLimit);

  await app.register(async (scope) => {
    scope.setErrorHandler(oauthErrorHandler('chatbot token endpoint failed'));

    scope.post('/bridge/api/client/v1/oauth/token', {
      schema: {
        summary: 'Chatbot API: issue a bot token (password grant)',
        tags: ['TrueConf Chatbot'],
        body: {
          type: 'object',
          properties: {
            client_id: { type: 'string' }, client_secret: { type: 'string' }, grant_type: { type: 'string' },
            username: { type: 'string' }, password: { type: 'string' },
          },
        },
      },
      attachValidation: true,
    }, async (req, reply) => {
      if (!limiter.take(req.ip)) return oauthError(reply, 429, 'too_many_requests', 'Too many token requests; try again later.');
      if (req.validationError) return oauthError(reply, 400, 'invalid_request', 'Malformed token request');
      const b = (req.body ?? {}) as Record<string, unknown>;
      const grant = str(b.grant_type);
      if (!grant) return oauthError(reply, 400, 'invalid_request', 'grant_type is required');
      if (grant !== 'password') return oauthError(reply, 400, 'unsupported_grant_type', `Unsupported grant type: ${grant}`);
      const clientId = str(b.client_id);
      if (clientId !== undefined && clientId !== 'chat_bot') return oauthError(reply, 400, 'invalid_client', 'Unknown client_id');
      const username = str(b.username), password = str(b.password);
      if (!username || !password) return oauthError(reply, 400, 'invalid_request', `${username ? 'password' : 'username'} is required`);
      const user = await engine.users.authenticate(username, password);
      if (!user) return oauthError(reply, 401, 'invalid_grant', 'Invalid username or password');
      if (!user.isActive) return oauthError(reply, 401, 'invalid_grant', 'User is disabled');
      return reply.code(201).header('cache-control', 'no-store').send(botTokenBody(deps, user.id));
    });
  });

  app.get('/api/v4/server', {
    schema: { summary: 'Chatbot API: server product and version', tags: ['TrueConf Chatbot'] },
  }, async () => ({
    product: { display_name: config.serverName, version: PRODUCT_VERSION },
  }));
}
