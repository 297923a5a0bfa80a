import type { FastifyInstance, FastifyReply } from 'fastify';
import { DomainError } from '../../engine/errors.js';
import { loginOf } from '../../engine/directory/ids.js';
import { RateLimiter } from '../../http/rate-limit.js';
import type { BotDeps } from './deps.js';
import { botTokenBody, oauthError as sendOAuthError, oauthErrorHandler, str } from './http.js';

/** The purpose an exchange code is stored under (engine/auth/oauth.ts createExchangeCode). */
const CODE_PURPOSE = 'chat_bot';

/** The flow's errors always carry a description and are never cached. */
const oauthError = (reply: FastifyReply, status: number, error: string, description?: string) =>
  sendOAuthError(reply.header('cache-control', 'no-store'), status, error, description);

const BODY = { type: 'object', additionalProperties: true } as const;

/**
 * The alternative OAuth2 flow of TrueConf 5.5.3+ (digest §1.3, Python `Bot.from_oauth`), for bots on servers
 * where their password grant is off: an OAuth application's password grant (`/api/v4/oauth2/token`), that access
 * token traded for a single-use authorization code, the code traded for a bot JWT. Any bad username, password,
 * client_id, token or code is a 401. Codes are the engine's (hashed, single use, lifetimes.code seconds).
 */
export async function botOAuthFlowRoutes(app: FastifyInstance, deps: BotDeps): Promise<void> {
  const { engine, config } = deps;
  const limiter = new RateLimiter(config.tokenRateLimit);

  await app.register(async (scope) => {
    scope.setErrorHandler(oauthErrorHandler('chatbot OAuth flow failed', oauthError, 'Internal error'));
    scope.addHook('preHandler', async (req, reply) => {
      if (!limiter.take(req.ip)) return oauthError(reply, 429, 'too_many_requests', 'Too many token requests; try again later.');
      if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body)) return oauthError(reply, 400, 'invalid_request', 'A JSON object body is required');
    });

    // Step 1: an application's password grant. No client secret: the client id only picks the scopes (§1.3).
    scope.post('/api/v4/oauth2/token', {
      schema: { summary: 'Chatbot API: OAuth application password grant (5.5.3+ flow, step 1)', tags: ['TrueConf Chatbot'], body: BODY },
    }, async (req, reply) => {
      const b = req.body as Record<string, unknown>;
      const clientId = str(b.client_id), username = str(b.username), password = str(b.password);
      const grant = str(b.grant_type);
      if (grant !== 'password') return oauthError(reply, 400, grant ? 'unsupported_grant_type' : 'invalid_request', 'grant_type must be password');
      if (!clientId || !username || !password) return oauthError(reply, 400, 'invalid_request', 'client_id, username and password are required');
      try {
        const t = await engine.oauth.publicPassword(clientId, username, password);
        return reply.header('cache-control', 'no-store')
          .send({ access_token: t.accessToken, token_type: 'bearer', expires_in: t.expiresIn, scope: t.scopes.join(' ') });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        if (err.code === 'invalid' && err.params.field === 'scope') {
          // The TrueConf REST error envelope, as the digest gives it for an application without a scope.
          return reply.code(400).send({ error: { code: 400, message: err.message, errors: [{ reason: 'invalidScope', message: err.message }] } });
        }
        return oauthError(reply, 401, 'invalid_grant', err.code === 'user_disabled' ? 'User is disabled' : 'Invalid username, password or client_id');
      }
    });

    // Step 2: the access token of step 1 → an authorization code, for the user the token belongs to.
    scope.post('/bridge/api/client/v1/auth/web_rest_api_token', {
      schema: { summary: 'Chatbot API: trade a REST access token for an authorization code (5.5.3+ flow, step 2)', tags: ['TrueConf Chatbot'], body: BODY },
    }, async (req, reply) => {
      const b = req.body as Record<string, unknown>;
      const username = str(b.client_id), token = str(b.token);
      if (!username || !token) return oauthError(reply, 400, 'invalid_request', 'client_id and token are required');
      const grant = await engine.oauth.verify(token);
      // client_id is the bot's username (login or TrueConf ID) and must be the token's user.
      if (!grant?.userId || loginOf(username, config.serverName) !== grant.userId) {
        return oauthError(reply, 401, 'invalid_grant', 'Invalid token or client_id');
      }
      const user = await engine.users.find(grant.userId);
      if (!user?.isActive) return oauthError(reply, 401, 'invalid_grant', 'User is disabled');
      return reply.header('cache-control', 'no-store')
        .send({ authorization_code: await engine.oauth.createExchangeCode(CODE_PURPOSE, user.id) });
    });

    // Step 3: the code → a bot JWT, the same token the password grant of §1.2 gives.
    scope.post('/bridge/api/client/v1/auth/token', {
      schema: { summary: 'Chatbot API: trade an authorization code for a bot token (5.5.3+ flow, step 3)', tags: ['TrueConf Chatbot'], body: BODY },
    }, async (req, reply) => {
      const b = req.body as Record<string, unknown>;
      const grant = str(b.grant_type), code = str(b.code), clientId = str(b.client_id);
      if (grant !== 'authorization_code') return oauthError(reply, 400, grant ? 'unsupported_grant_type' : 'invalid_request', 'grant_type must be authorization_code');
      if (!code) return oauthError(reply, 400, 'invalid_request', 'code is required');
      const userId = await engine.oauth.takeExchangeCode(CODE_PURPOSE, code);
      const user = userId ? await engine.users.find(userId) : undefined;
      if (!user) return oauthError(reply, 401, 'invalid_grant', 'Invalid or expired code');
      if (!user.isActive) return oauthError(reply, 401, 'invalid_grant', 'User is disabled');
      // The library sends client_id "user"; the bot's own username is accepted too, anybody else's is not.
      if (clientId !== undefined && clientId !== 'user' && loginOf(clientId, config.serverName) !== user.id) {
        return oauthError(reply, 401, 'invalid_grant', 'Invalid client_id');
      }
      return reply.code(201).header('cache-control', 'no-store').send(botTokenBody(deps, user.id));
    });
  });
}
