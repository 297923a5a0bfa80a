import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { BotDeps } from './deps.js';
import { botHttpRoutes } from './http.js';
import { BotConnection } from './connection.js';
import { botFileRoutes } from './files-http.js';
import { botOAuthFlowRoutes } from './oauth-flow.js';

/** `Sec-WebSocket-Protocol`: echo `json.v1` when offered (the TS client's `ws` aborts otherwise, §1.1). */
export function handleProtocols(protocols: Set<string>): string | false {
  if (protocols.has('json.v1')) return 'json.v1';
  const first = protocols.values().next();
  return first.done ? false : first.value;
}

/**
 * The TrueConf Chatbot API face: the token endpoint, `/api/v4/server` and the bot WebSocket at
 * `/websocket/chat_bot` (with or without the trailing slash). Registered on the main port and, when configured,
 * on a port of its own; both share one hub, so bots on either port see each other.
 * Needs @fastify/websocket registered on the app with `handleProtocols` above.
 */
export async function trueconfBot(app: FastifyInstance, deps: BotDeps): Promise<void> {
  await botHttpRoutes(app, deps);
  await botFileRoutes(app, deps);
  await botOAuthFlowRoutes(app, deps);
  // Download links point back at the host and port the bot connected to (§7.2).
  const handler = (socket: WebSocket, req: FastifyRequest) => { new BotConnection(socket, deps, `${req.protocol}://${req.host}`); };
  app.get('/websocket/chat_bot', { websocket: true, schema: { hide: true } }, handler);
  app.get('/websocket/chat_bot/', { websocket: true, schema: { hide: true } }, handler);
}
