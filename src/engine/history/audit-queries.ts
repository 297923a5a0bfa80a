import type { EngineContext } from '../context.js';
import { invalid } from '../errors.js';
import { pageOf, type Page } from '../paging.js';
import type { Severity } from './audit.js';
import { col, contains, plan, pageWindow, type ListQuery, type SortKey } from './list-query.js';

export interface EventEntry {
  id: number;
  eventType: string;
  objectType: string;
  objectName: string;
  payload: unknown;
  severity: Severity;
  invokerIp: string | null;
  createdAt: number;
}

export interface EventFilter {
  objectType?: string;
  objectName?: string;
  eventType?: string;
  invokerIp?: string;
  severity?: string;
}

export interface SettingEntry {
  id: number;
  userName: string;
  objectType: string;
  objectId: number;
  actionType: string;
  comment: string;
  /** The JSON text as stored: the log shows old and new values as JSON-encoded strings. */
  oldValue: string | null;
  newValue: string | null;
  createdAt: number;
}

export interface SettingFilter {
  objectType?: string;
  objectId?: number;
  comment?: string;
  oldValue?: string;
  newValue?: string;
}

const SEVERITIES: readonly string[] = ['low', 'middle', 'high'];

const EVENT_KEYS: Record<string, SortKey> = {
  id: col('id'), event_type: col('event_type'), object_type: col('object_type'), object_name: col('object_name'),
  payload: col('payload'), created_at: col('created_at'), severity: col('severity'),
};

const SETTING_KEYS: Record<string, SortKey> = {
  id: col('id'), user_name: col('user_name'), created_at: col('created_at'), object_type: col('object_type'),
  object_id: col('object_id'), action_type: col('action_type'), comment: col('comment'),
  old_value: col('old_value', true), new_value: col('new_value', true),
};

function parsePayload(text: string): unknown {
  try { return JSON.parse(text); } catch { return text; }
}

/** Read side of the event log and the settings audit written by AuditLog (audit.ts). */
export class AuditQueries {
  constructor(private readonly ctx: EngineContext) {}

  /** Identifiers and enumerations match exactly. */
  async events(filter: EventFilter, q: ListQuery): Promise<Page<EventEntry>> {
    const p = plan(q, EVENT_KEYS, 'created_at');
    if (filter.severity !== undefined && !SEVERITIES.includes(filter.severity)) {
      throw invalid('severity', 'severity must be one of: low, middle, high');
    }
    let b = this.ctx.db.selectFrom('event_log');
    if (filter.objectType !== undefined) b = b.where('object_type', '=', filter.objectType);
    if (filter.objectName !== undefined) b = b.where('object_name', '=', filter.objectName);
    if (filter.eventType !== undefined) b = b.where('event_type', '=', filter.eventType);
    if (filter.invokerIp !== undefined) b = b.where('invoker_ip', '=', filter.invokerIp);
    if (filter.severity !== undefined) b = b.where('severity', '=', filter.severity);
    if (q.from !== undefined) b = b.where('created_at', '>=', q.from);
    if (q.to !== undefined) b = b.where('created_at', '<=', q.to);
    const [{ n }] = await b.select((eb) => eb.fn.countAll<number>().as('n')).execute();
    const rows = await pageWindow(b.selectAll(), p, 'id').execute();
    return pageOf(rows.map((r) => ({
      id: r.id, eventType: r.event_type, objectType: r.object_type, objectName: r.object_name,
      payload: parsePayload(r.payload), severity: r.severity as Severity, invokerIp: r.invoker_ip, createdAt: r.created_at,
    })), Number(n), p.page);
  }

  /** `object_type` and `object_id` match exactly; comment and values match as substrings (they are free text/JSON). */
  async settings(filter: SettingFilter, q: ListQuery): Promise<Page<SettingEntry>> {
    const p = plan(q, SETTING_KEYS, 'created_at');
    let b = this.ctx.db.selectFrom('settings_log');
    if (filter.objectType !== undefined) b = b.where('object_type', '=', filter.objectType);
    if (filter.objectId !== undefined) b = b.where('object_id', '=', filter.objectId);
    if (filter.comment !== undefined) b = b.where(contains('comment', filter.comment));
    if (filter.oldValue !== undefined) b = b.where(contains('old_value', filter.oldValue));
    if (filter.newValue !== undefined) b = b.where(contains('new_value', filter.newValue));
    if (q.from !== undefined) b = b.where('created_at', '>=', q.from);
    if (q.to !== undefined) b = b.where('created_at', '<=', q.to);
    const [{ n }] = await b.select((eb) => eb.fn.countAll<number>().as('n')).execute();
    const rows = await pageWindow(b.selectAll(), p, 'id').execute();
    return pageOf(rows.map((r) => ({
      id: r.id, userName: r.user_name, objectType: r.object_type, objectId: r.object_id, actionType: r.action_type,
      comment: r.comment, oldValue: r.old_value, newValue: r.new_value, createdAt: r.created_at,
    })), Number(n), p.page);
  }
}
