import type { Db } from '../store/db.js';
import type { EventBus } from './events.js';

/** What every engine service is built from. */
export interface EngineContext {
  db: Db;
  bus: EventBus;
  serverName: string;
  dataDir: string;
  /** Clock in milliseconds; replaceable so schedule and expiry logic can be tested. */
  now(): number;
}

export const seconds = (ms: number): number => Math.floor(ms / 1000);
