import Fastify, { type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import websocket from '@fastify/websocket';
import { installJsonParser } from '../../http/json.js';
import type { BotDeps } from './deps.js';
import { handleProtocols, trueconfBot } from './plugin.js';

/**
 * The chatbot face on a port of its own (TrueConf's Bridge listens on 4309, plain HTTP): the same routes and the
 * same hub as on the main port. JSON 404 bodies, since the Python client parses its fallback probe as JSON (§1.4).
 */
export async function createBotPortApp(deps: BotDeps, bodyLimit: number): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit }) as unknown as FastifyInstance;
  installJsonParser(app);
  app.setNotFoundHandler((req, reply) => reply.code(404).send({
    statusCode: 404, error: 'Not Found', message: `Route ${req.method}:${req.url.split('?')[0]} not found`,
  }));
  await app.register(formbody, { bodyLimit: Math.min(64 * 1024, bodyLimit) });
  await app.register(multipart, { limits: { files: 2, fields: 20 } });
  await app.register(websocket, { options: { handleProtocols } });
  await app.register(async (scope) => trueconfBot(scope, deps));
  return app;
}
