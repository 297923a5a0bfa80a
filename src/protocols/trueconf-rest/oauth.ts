import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Engine } from '../../engine/engine.js';
import { DomainError } from '../../engine/errors.js';
import type { Config } from '../../config.js';
import { RateLimiter } from '../../http/rate-limit.js';
import { RestError, envelope } from './errors.js';
import { toRestError } from './plugin.js';
import { redirectUriProblem, type IssuedTokens } from '../../engine/auth/oauth.js';

const invalidRequest = (detail?: string) =>
  new RestError(400, { reason: 'invalidRequest', message: 'Invalid request.', ...(detail ? { locationType: 'parameter' as const, location: detail } : {}) });

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function tokenBody(t: IssuedTokens) {
  return {
    access_token: t.accessToken,
    expires_in: t.expiresIn,
    token_type: 'Bearer',
    scope: t.scopes.join(' '),
    ...(t.refreshToken ? { refresh_token: t.refreshToken } : {}),
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));
}

function signInPage(q: Record<string, string>, error?: string): string {
  const hidden = ['client_id', 'redirect_uri', 'state', 'scope', 'response_type']
    .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(q[k] ?? '')}">`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sign in to Parley</title><style>body{font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem}
label{display:block;margin:.8rem 0 .2rem}input[type=text],input[type=password]{width:100%;padding:.5rem;box-sizing:border-box}
button{margin-top:1rem;padding:.5rem 1.2rem}.err{color:#b00020}</style></head><body>
<h1>Sign in</h1><p>An application asks to act on your behalf on this Parley server.</p>
${error ? `<p class="err">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/oauth2/v1/authorize">${hidden}
<label for="u">Login</label><input id="u" type="text" name="username" autocomplete="username" required>
<label for="p">Password</label><input id="p" type="password" name="password" autocomplete="current-password" required>
<button type="submit">Allow</button></form></body></html>`;
}

/** `POST /oauth2/v1/token` (four grant types) and the authorization-code sign-in page. */
export async function trueconfOAuth(app: FastifyInstance, opts: { engine: Engine; config: Config }): Promise<void> {
  const { engine } = opts;
  const limiter = new RateLimiter(opts.config.tokenRateLimit);

  await app.register(async (scope) => {
    scope.setErrorHandler((err, req, reply) => {
      // The seed's token endpoint knows three reasons; a bad field (such as a scope outside the grant) is invalidRequest.
      const re = err instanceof DomainError && err.code === 'invalid' ? invalidRequest(String(err.params.field ?? '') || undefined) : toRestError(err);
      if (re.status >= 500) req.log.error({ err }, 'token endpoint failed');
      return reply.code(re.status).send(re.body());
    });

    scope.post('/oauth2/v1/token', {
      schema: {
        summary: 'Issue or refresh an access token (OAuth 2)',
        tags: ['OAuth'],
        body: {
          type: 'object',
          properties: {
            grant_type: { type: 'string', enum: ['password', 'refresh_token', 'client_credentials', 'authorization_code'] },
            client_id: { type: 'string' }, client_secret: { type: 'string' }, username: { type: 'string' },
            password: { type: 'string' }, refresh_token: { type: 'string' }, code: { type: 'string' },
            redirect_uri: { type: 'string' }, scope: { type: 'string' },
          },
        },
      },
      // Validation failures here are the token endpoint's invalidRequest, not a generic parameter error.
      attachValidation: true,
    }, async (req, reply) => {
      if (!limiter.take(req.ip)) {
        return reply.code(429).send(envelope(429, [{ reason: 'tooManyRequests', message: 'Too many token requests; try again later.' }]));
      }
      if (req.validationError) throw invalidRequest();
      const b = (req.body ?? {}) as Record<string, unknown>;
      // Confidential clients may authenticate with HTTP Basic instead of body fields (RFC 6749 §2.3.1).
      let clientId = str(b.client_id), clientSecret = str(b.client_secret);
      const auth = req.headers.authorization;
      if (auth && /^basic\s+/i.test(auth)) {
        const basic = parseBasic(auth);
        if (!basic) throw invalidRequest('authorization');
        clientId ??= basic.id;
        clientSecret ??= basic.secret;
      }
      const scopes = str(b.scope)?.split(/\s+/).filter(Boolean);
      let issued: IssuedTokens;
      switch (b.grant_type) {
        case 'password': {
          const username = str(b.username), password = str(b.password);
          if (!clientId) throw invalidRequest('client_id');
          if (!username) throw invalidRequest('username');
          if (!password) throw invalidRequest('password');
          issued = await engine.oauth.password(clientId, username, password, scopes, clientSecret);
          break;
        }
        case 'client_credentials':
          if (!clientId) throw invalidRequest('client_id');
          if (!clientSecret) throw invalidRequest('client_secret');
          issued = await engine.oauth.clientCredentials(clientId, clientSecret, scopes);
          break;
        case 'refresh_token': {
          const rt = str(b.refresh_token);
          if (!rt) throw invalidRequest('refresh_token');
          issued = await engine.oauth.refresh(rt, clientId, clientSecret);
          break;
        }
        case 'authorization_code': {
          const code = str(b.code);
          if (!code) throw invalidRequest('code');
          issued = await engine.oauth.authorizationCode(clientId, code, str(b.redirect_uri), clientSecret);
          break;
        }
        default:
          throw invalidRequest('grant_type');
      }
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      return tokenBody(issued);
    });

    // Authorization step of the authorization_code grant: a minimal sign-in page.
    scope.get('/oauth2/v1/authorize', { schema: { hide: true } }, async (req, reply) => {
      const q = fields(req.query);
      const problem = await checkAuthorizeRequest(engine, opts.config, q);
      if (problem) return page(reply, 400, signInPage(q, problem));
      return page(reply, 200, signInPage(q));
    });

    scope.post('/oauth2/v1/authorize', { schema: { hide: true } }, async (req, reply) => {
      const q = fields(req.body);
      if (!limiter.take(req.ip)) return page(reply, 429, signInPage(q, 'Too many attempts; try again later.'));
      const problem = await checkAuthorizeRequest(engine, opts.config, q);
      if (problem) return page(reply, 400, signInPage(q, problem));
      const user = await engine.users.authenticate(q.username ?? '', q.password ?? '');
      if (!user) return page(reply, 401, signInPage(q, 'Invalid credentials.'));
      try {
        const code = await engine.oauth.createCode(q.client_id, user, q.redirect_uri || null, q.scope?.split(/\s+/).filter(Boolean));
        return redirectWithCode(reply, q, code);
      } catch (e) {
        const msg = e instanceof DomainError ? toRestError(e).detail.message : 'Invalid request.';
        return page(reply, 400, signInPage(q, msg));
      }
    });
  });
}

/** Every sign-in page answer: never framed (clickjacking) and never cached (it may echo a login). */
function page(reply: FastifyReply, status: number, html: string) {
  return reply.code(status).type('text/html; charset=utf-8').header('x-frame-options', 'DENY')
    .header('content-security-policy', "frame-ancestors 'none'").header('cache-control', 'no-store').send(html);
}

/** The string fields of a query or form; repeated or non-string values are dropped, never trusted. */
function fields(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw && typeof raw === 'object') {
    for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** `Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1); undefined when malformed. */
function parseBasic(header: string): { id: string; secret: string } | undefined {
  const decoded = Buffer.from(header.replace(/^basic\s+/i, ''), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

async function checkAuthorizeRequest(engine: Engine, config: Config, q: Record<string, string>): Promise<string | undefined> {
  if (q.response_type !== undefined && q.response_type !== 'code') return 'Only response_type=code is supported.';
  if (!q.client_id) return 'client_id is required.';
  if (q.client_id === 'trueconf_server_users') {
    // The built-in client has no secret, so its codes may only go back to this server or to a native app on
    // the user's own machine (RFC 8252 loopback redirect); anything else would hand codes to strangers.
    if (!q.redirect_uri) return 'redirect_uri is required.';
    let u: URL;
    try { u = new URL(q.redirect_uri); } catch { return 'redirect_uri is not a valid URL.'; }
    const loopback = u.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(u.hostname);
    if (!loopback && u.origin !== new URL(config.publicUrl).origin) return 'redirect_uri must be on this server or a loopback address.';
    return undefined;
  }
  const client = await engine.oauth.findClient(q.client_id);
  if (!client) return 'Unknown client_id.';
  if (!q.redirect_uri) return 'redirect_uri is required.';
  const problem = redirectUriProblem(q.redirect_uri);
  if (problem) return problem;
  // Registered applications may only send the code to an address they registered (open-redirect guard).
  if (client.redirectUris.length && !client.redirectUris.includes(q.redirect_uri)) return 'redirect_uri is not registered for this client.';
  return undefined;
}

function redirectWithCode(reply: FastifyReply, q: Record<string, string>, code: string) {
  const url = new URL(q.redirect_uri);
  url.searchParams.set('code', code);
  if (q.state) url.searchParams.set('state', q.state);
  return reply.redirect(url.toString(), 302);
}
