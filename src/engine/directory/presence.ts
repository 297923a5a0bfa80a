import type { EngineContext } from '../context.js';
import { randomHex } from '../security.js';

export type PresenceStatus = 'offline' | 'online' | 'busy' | 'multihost';

export interface Connection {
  id: string;
  userId: string;
  /** Which interface the user is connected through (chatbot, terminal, pexip, web...). */
  via: string;
  appName: string;
  since: number;
}

/**
 * Who is connected right now, in memory: presence is live state, not stored. A user is online while at least
 * one connection is open; in a conference they are busy (or multihost when they own it).
 */
export class Presence {
  private readonly byUser = new Map<string, Map<string, Connection>>();
  private readonly inConference = new Map<string, 'busy' | 'multihost'>();

  constructor(private readonly ctx: EngineContext) {}

  connect(userId: string, via: string, appName = via): Connection {
    const conn: Connection = { id: randomHex(16), userId, via, appName, since: this.ctx.now() };
    let m = this.byUser.get(userId);
    const before = this.status(userId);
    if (!m) this.byUser.set(userId, (m = new Map()));
    m.set(conn.id, conn);
    this.changed(userId, before);
    return conn;
  }

  disconnect(connectionId: string, userId: string): void {
    const m = this.byUser.get(userId);
    if (!m || !m.delete(connectionId)) return;
    const before = this.status(userId);
    if (m.size === 0) this.byUser.delete(userId);
    this.changed(userId, before === 'offline' ? 'online' : before);
  }

  /** Drops every connection of a user (admin disconnect, user deleted). Returns how many there were. */
  dropAll(userId: string): number {
    const m = this.byUser.get(userId);
    if (!m) return 0;
    const before = this.status(userId);
    this.byUser.delete(userId);
    this.changed(userId, before);
    this.ctx.bus.emit('user.disconnect', { userId });
    return m.size;
  }

  connections(userId: string): Connection[] {
    return [...(this.byUser.get(userId)?.values() ?? [])];
  }

  isOnline(userId: string): boolean {
    return (this.byUser.get(userId)?.size ?? 0) > 0;
  }

  /** Sessions report conference membership here so status can say busy / multihost. */
  setInConference(userId: string, state: 'busy' | 'multihost' | null): void {
    const before = this.status(userId);
    if (state) this.inConference.set(userId, state); else this.inConference.delete(userId);
    this.changed(userId, before);
  }

  status(userId: string): PresenceStatus {
    const conf = this.inConference.get(userId);
    if (conf) return conf;
    return this.isOnline(userId) ? 'online' : 'offline';
  }

  private changed(userId: string, before: PresenceStatus): void {
    const after = this.status(userId);
    if (after !== before) this.ctx.bus.emit('presence.changed', { userId, status: after });
  }
}
