import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';

/**
 * The browser client at /meet/: a start page, the app at /meet/<alias>, and its bundle (dist/web, built by
 * scripts/build-web.mjs) under /meet/assets/. The app is a plain client of the Pexip Client API; nothing here
 * talks to the engine. Everything is served by Parley itself: no CDN, so it works on a closed network.
 */
// Two levels up from src/web (tsx) and from dist/web (compiled) alike is the package root.
const DEFAULT_BUNDLE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'web');

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>body{font:16px system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1d2330}
input,button{font:inherit;padding:.5rem .7rem}code{background:#eef;padding:0 .2rem}</style></head><body>${body}</body></html>`;
}

// Shown instead of the app when the bundle was never built (running from a checkout without `npm run build`).
const MISSING = page('Parley: web client not built', `<h1>Web client not built</h1>
<p>This server has no browser client bundle (<code>dist/web/app.js</code>). Build it with <code>npm run build</code>
(or <code>node scripts/build-web.mjs</code>) and reload.</p>`);

const START = page('Parley: join a meeting', `<h1>Join a meeting</h1>
<p>Enter the conference alias (its id, an alias or its number) you were given, or open
<code>/meet/&lt;alias&gt;</code> directly. You will be asked for your name and, if the meeting has one, its PIN.</p>
<form data-testid="start-form" onsubmit="location.href='/meet/'+encodeURIComponent(this.alias.value.trim());return false">
<input name="alias" data-testid="start-alias" placeholder="conference alias" required autofocus> <button>Join</button></form>`);

/** `bundleDir` is for tests (a missing bundle); the server uses dist/web. */
export async function webClient(app: FastifyInstance, opts: { bundleDir?: string } = {}): Promise<void> {
  const BUNDLE = opts.bundleDir ?? DEFAULT_BUNDLE;
  const built = () => existsSync(join(BUNDLE, 'app.js')) && existsSync(join(BUNDLE, 'index.html'));
  const unavailable = (reply: FastifyReply) => reply.code(503).type('text/html; charset=utf-8').header('retry-after', '60').send(MISSING);

  app.get('/meet', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/meet/'));
  app.get('/meet/', { schema: { hide: true } }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(START));
  app.get('/meet/:alias', { schema: { hide: true } }, async (_req, reply) => {
    if (!built()) return unavailable(reply);
    // Read per request: a rebuild while the server runs is picked up, and the file is small.
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(readFileSync(join(BUNDLE, 'index.html')));
  });
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (_req, reply) => { if (!built()) return unavailable(reply); });
    // The plugin only warns when the directory is missing, so the server starts without a bundle.
    await scope.register(fastifyStatic, { root: BUNDLE, prefix: '/meet/assets/', decorateReply: false, cacheControl: true, maxAge: 0 });
  });
}
