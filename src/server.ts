import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import Ajv from 'ajv';
import { trustProxyOption, type Config } from './config.js';
import { openStore, type Store } from './store/db.js';
import { Engine } from './engine/engine.js';
import { MediaPlane } from './media/plane.js';
import { installJsonParser } from './http/json.js';
import { installMetrics } from './http/metrics.js';
import { trueconfRest } from './protocols/trueconf-rest/plugin.js';
import { trueconfOAuth } from './protocols/trueconf-rest/oauth.js';
import { pexipClientApi } from './protocols/pexip/plugin.js';
import { smtpMailer } from './mail/smtp.js';
import { handleProtocols, trueconfBot } from './protocols/trueconf-bot/plugin.js';
import { createBotPortApp } from './protocols/trueconf-bot/port.js';
import { BotJwt } from './protocols/trueconf-bot/jwt.js';
import { BotHub } from './protocols/trueconf-bot/hub.js';
import { webClient } from './web/plugin.js';

export interface Parley {
  app: FastifyInstance;
  engine: Engine;
  store: Store;
  config: Config;
  /** Starts listening; resolves to the bound port. */
  listen(): Promise<number>;
  /** The chatbot face's own port once listening (config botPort), else undefined. */
  botPort(): number | undefined;
  close(): Promise<void>;
}

/** Secrets never reach the log: access tokens in query strings are masked. */
function redactUrl(url: string): string {
  return url.replace(/([?&](?:access_token|refresh_token|token|client_secret|password|code)=)[^&]*/gi, '$1[redacted]');
}

// Bodies are validated strictly (a string is not a number); query strings and paths are coerced, since
// everything in a URL is text.
const strictAjv = new Ajv.default({ coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: false, strict: false });
const coercingAjv = new Ajv.default({ coerceTypes: 'array', useDefaults: true, removeAdditional: false, allErrors: false, strict: false });

/** Composition root: config → store → engine → media → protocols. */
export async function createServer(config: Config, opts: { logger?: boolean } = {}): Promise<Parley> {
  const store = await openStore(config.dataDir, { backgroundCheckpoints: true });
  const mailer = config.smtpUrl ? smtpMailer(config.smtpUrl, config.smtpFrom || `parley@${config.serverName}`) : undefined;
  const engine = new Engine({ db: store.db, serverName: config.serverName, dataDir: config.dataDir, mailer, publicUrl: config.publicUrl,
    chatFiles: { maxSize: config.chatMaxFileSize > 0 ? config.chatMaxFileSize : null } });
  engine.oauth.lifetimes.access = config.accessTokenTtl;
  engine.oauth.lifetimes.refresh = config.refreshTokenTtl;
  await engine.start();
  // Loopback is a host candidate too, so clients on the same machine (tests, a local browser) connect.
  const media = new MediaPlane({
    hostAddresses: ['127.0.0.1'], announcedAddress: config.rtcAddress,
    portRange: [config.rtcPortMin, config.rtcPortMax], silenceTimeoutMs: config.mediaTimeoutMs,
  }, config.mediaWorkers || undefined);
  engine.media.attach(media);

  const https = config.tlsCert && config.tlsKey
    ? { key: readFileSync(config.tlsKey), cert: readFileSync(config.tlsCert) }
    : null;
  const app = Fastify({
    ...(https ? { https } : {}),
    bodyLimit: config.bodyLimit,
    trustProxy: trustProxyOption(config.trustProxy),
    logger: opts.logger === false ? false : {
      level: config.logLevel,
      serializers: {
        req: (req) => ({ method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }),
      },
    },
    ajv: { customOptions: { strict: false } },
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? strictAjv : coercingAjv).compile(schema as object));

  installJsonParser(app);
  // Fastify's default 404 echoes and logs the whole URL, a token in the query string included.
  app.setNotFoundHandler((req, reply) => reply.code(404).send({
    statusCode: 404, error: 'Not Found', message: `Route ${req.method}:${req.url.split('?')[0]} not found`,
  }));
  // Forms are small (token requests, the sign-in page); never more than the operator's overall limit.
  await app.register(formbody, { bodyLimit: Math.min(64 * 1024, config.bodyLimit) });
  await app.register(multipart, { limits: { fileSize: config.bodyLimit, files: 1, fields: 20 } });
  await app.register(websocket, { options: { handleProtocols } });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Parley', description: 'TrueConf Server REST API v3.10 and more, served by Parley', version: '0.1.0' },
      components: { securitySchemes: { access_token: { type: 'apiKey', in: 'query', name: 'access_token' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/health', { schema: { hide: true } }, async () => ({
    status: 'ok',
    server_name: config.serverName,
    running_conferences: engine.sessions.all().length,
  }));
  installMetrics(app, engine);

  await app.register(trueconfOAuth, { engine, config });
  await app.register(trueconfRest, { engine, config });
  await app.register(pexipClientApi, { engine, config });
  // The browser client (/meet/): static files only, it talks to the Pexip API above like any client.
  await app.register(webClient);
  const botHub = new BotHub(engine, config.serverName, (err) => app.log.error({ err }, 'chatbot notification failed'));
  const botDeps = { engine, config, jwt: new BotJwt(config.dataDir), hub: botHub, log: app.log };
  await app.register(async (scope) => trueconfBot(scope, botDeps));
  const botApp = config.botPort !== undefined ? await createBotPortApp(botDeps, config.bodyLimit) : undefined;
  let botPort: number | undefined;

  let closed = false;
  return {
    app, engine, store, config,
    async listen() {
      await app.listen({ port: config.httpPort, host: config.host });
      if (botApp) {
        await botApp.listen({ port: config.botPort, host: config.host });
        const a = botApp.server.address();
        botPort = typeof a === 'object' && a ? a.port : config.botPort;
      }
      const addr = app.server.address();
      return typeof addr === 'object' && addr ? addr.port : config.httpPort;
    },
    botPort: () => botPort,
    async close() {
      if (closed) return;
      closed = true;
      botHub.close();
      await botApp?.close();
      await app.close();
      await engine.stop();
      await media.shutdown();
      await store.close();
    },
  };
}
