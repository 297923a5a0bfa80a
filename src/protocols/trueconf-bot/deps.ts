import type { FastifyBaseLogger } from 'fastify';
import type { Engine } from '../../engine/engine.js';
import type { Config } from '../../config.js';
import type { BotJwt } from './jwt.js';
import type { BotHub } from './hub.js';

/** What the chatbot face's routes are built from (one set per server, shared by both ports). */
export interface BotDeps {
  engine: Engine;
  config: Config;
  jwt: BotJwt;
  hub: BotHub;
  log: FastifyBaseLogger;
}
