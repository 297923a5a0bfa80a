import type { EngineContext } from '../context.js';
import type { Actor } from '../actor.js';
import { actorIp, actorName } from '../actor.js';

export type Severity = 'low' | 'middle' | 'high';

/**
 * The server's event log (logins, status changes, administrative actions) and the settings-change audit log.
 * Both are append-only tables read by the TrueConf `/logs/events` and `/logs/settings` endpoints.
 */
export class AuditLog {
  constructor(private readonly ctx: EngineContext) {}

  async event(actor: Actor | null, eventType: string, objectType: string, objectName: string,
    payload: Record<string, unknown>, severity: Severity = 'low'): Promise<void> {
    await this.ctx.db.insertInto('event_log').values({
      event_type: eventType,
      object_type: objectType,
      object_name: objectName,
      payload: JSON.stringify(payload),
      severity,
      invoker_ip: actor ? actorIp(actor) : null,
      created_at: this.ctx.now(),
    }).execute();
  }

  async setting(actor: Actor, objectType: string, objectId: number, action: 'new' | 'edit' | 'delete',
    comment: string, oldValue: unknown, newValue: unknown): Promise<void> {
    await this.ctx.db.insertInto('settings_log').values({
      user_name: actorName(actor),
      object_type: objectType,
      object_id: objectId,
      action_type: action,
      comment,
      old_value: oldValue === undefined ? null : JSON.stringify(oldValue),
      new_value: newValue === undefined ? null : JSON.stringify(newValue),
      created_at: this.ctx.now(),
    }).execute();
  }
}
