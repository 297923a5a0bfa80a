import type { Db } from '../store/db.js';
import { EventBus } from './events.js';
import type { EngineContext } from './context.js';
import { AuditLog } from './history/audit.js';
import { CallHistory } from './history/calls.js';
import { Users } from './directory/users.js';
import { Presence } from './directory/presence.js';
import { OAuth } from './auth/oauth.js';
import { Conferences } from './conferences/conferences.js';
import { Sessions } from './sessions/sessions.js';
import { Recordings } from './recordings/recordings.js';

export interface EngineOptions {
  db: Db;
  serverName: string;
  dataDir: string;
  now?: () => number;
}

/**
 * The engine: all state and every rule, behind commands that take an actor, with typed domain events.
 * It never imports a protocol adapter.
 */
export class Engine {
  readonly bus = new EventBus();
  readonly ctx: EngineContext;
  readonly audit: AuditLog;
  readonly history: CallHistory;
  readonly users: Users;
  readonly presence: Presence;
  readonly oauth: OAuth;
  readonly conferences: Conferences;
  readonly recordings: Recordings;
  readonly sessions: Sessions;

  constructor(opts: EngineOptions) {
    this.ctx = { db: opts.db, bus: this.bus, serverName: opts.serverName, dataDir: opts.dataDir, now: opts.now ?? Date.now };
    this.audit = new AuditLog(this.ctx);
    this.history = new CallHistory(this.ctx);
    this.presence = new Presence(this.ctx);
    this.users = new Users(this.ctx, this.audit, this.presence);
    this.oauth = new OAuth(this.ctx, this.users);
    this.conferences = new Conferences(this.ctx, this.users, this.audit);
    this.recordings = new Recordings(this.ctx);
    this.sessions = new Sessions(this.ctx, this.conferences, this.users, this.presence, this.history, this.recordings);
    // A deleted or disabled user, or one whose password changed, loses live connections and issued tokens.
    this.bus.on('user.deleted', ({ userId }) => { this.presence.dropAll(userId); });
    this.bus.on('user.updated', ({ userId, credentialsChanged }) => {
      if (credentialsChanged) this.oauth.revokeUser(userId).catch(() => undefined);
    });
  }

  /** Start-up housekeeping: close history left open by an unclean stop. */
  async start(): Promise<void> {
    await this.history.closeDangling(this.ctx.now());
    await this.oauth.purgeExpired();
  }

  async stop(): Promise<void> {
    await this.sessions.shutdown();
  }
}
