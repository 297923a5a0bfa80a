import type { ReadStream } from 'node:fs';
import type { EngineContext } from '../context.js';
import type { Actor } from '../actor.js';
import { authorize } from '../access.js';
import { notFound } from '../errors.js';
import type { Page } from '../paging.js';
import type { Recording, Recordings } from '../recordings/recordings.js';
import { CallQueries, type CallEntry, type CallFilter, type CallRecordEntry, type InviteEntry, type ParticipantEntry } from './call-queries.js';
import { AuditQueries, type EventEntry, type EventFilter, type SettingEntry, type SettingFilter } from './audit-queries.js';
import { RecordingQueries, type RecordingFilter } from './recording-queries.js';
import { MessageLog, type LoggedMessage, type MessageFilter } from './messages.js';
import type { ListQuery } from './list-query.js';

export type { ListQuery } from './list-query.js';

/** A recording file to send: its metadata and its bytes. */
export interface RecordingFile {
  recording: Recording;
  stream: ReadStream;
}

/**
 * Read side of every log (call history, recordings, events, settings audit, chat messages): filters, sort,
 * paging with the total count. Each read needs its log right; the write side stays in calls.ts and audit.ts.
 */
export class Logs {
  private readonly callQ: CallQueries;
  private readonly auditQ: AuditQueries;
  private readonly recordingQ: RecordingQueries;
  /** The chat message log; the chat store plugs in with `messages.use(source)`. */
  readonly messages = new MessageLog();

  constructor(ctx: EngineContext, private readonly recordingStore: Recordings) {
    this.callQ = new CallQueries(ctx);
    this.auditQ = new AuditQueries(ctx);
    this.recordingQ = new RecordingQueries(ctx, recordingStore);
  }

  async calls(actor: Actor, filter: CallFilter, q: ListQuery): Promise<Page<CallEntry>> {
    authorize(actor, 'logs.calls:read');
    return this.callQ.calls(filter, q);
  }

  async call(actor: Actor, sessionId: string): Promise<CallEntry> {
    authorize(actor, 'logs.calls:read');
    return this.callQ.call(sessionId);
  }

  async callParticipants(actor: Actor, sessionId: string, filter: { callId?: string }, q: ListQuery): Promise<Page<ParticipantEntry>> {
    authorize(actor, 'logs.calls.participants:read');
    return this.callQ.participants(sessionId, filter, q);
  }

  async callInvites(actor: Actor, sessionId: string, filter: { callId?: string; class?: number }, q: ListQuery): Promise<Page<InviteEntry>> {
    authorize(actor, 'logs.calls.invites:read');
    return this.callQ.invites(sessionId, filter, q);
  }

  async records(actor: Actor, filter: CallFilter, q: ListQuery): Promise<Page<CallRecordEntry>> {
    authorize(actor, 'logs.records:read');
    return this.callQ.records(filter, q);
  }

  async record(actor: Actor, sessionId: string): Promise<CallRecordEntry> {
    authorize(actor, 'logs.records:read');
    return this.callQ.record(sessionId);
  }

  /** The file of a recorded session; `not_found` (record) when it was deleted from disk. */
  async recordFile(actor: Actor, sessionId: string): Promise<RecordingFile> {
    const r = await this.record(actor, sessionId);
    return this.open(r.recording, () => notFound('record', r.recording.name));
  }

  async recordings(actor: Actor, filter: RecordingFilter, q: ListQuery): Promise<Page<Recording>> {
    authorize(actor, 'logs.recordings:read');
    const owner = filter.owner === undefined ? undefined : this.callQ.callId(filter.owner);
    return this.recordingQ.list({ ...filter, owner }, q);
  }

  /** `id` as it came on the wire: anything that is not a stored recording's number is simply not found. */
  async recording(actor: Actor, id: string): Promise<Recording> {
    authorize(actor, 'logs.recordings:read');
    if (!/^[1-9][0-9]{0,14}$/.test(id)) throw notFound('recording', id);
    return this.recordingStore.get(Number(id));
  }

  async recordingFile(actor: Actor, id: string): Promise<RecordingFile> {
    const rec = await this.recording(actor, id);
    return this.open(rec, () => notFound('recording', id));
  }

  async events(actor: Actor, filter: EventFilter, q: ListQuery): Promise<Page<EventEntry>> {
    authorize(actor, 'logs.events:read');
    return this.auditQ.events(filter, q);
  }

  async settings(actor: Actor, filter: SettingFilter, q: ListQuery): Promise<Page<SettingEntry>> {
    authorize(actor, 'logs.settings:read');
    return this.auditQ.settings(filter, q);
  }

  async messageLog(actor: Actor, filter: MessageFilter, q: ListQuery): Promise<Page<LoggedMessage>> {
    authorize(actor, 'logs.messages:read');
    const norm = (id?: string) => (id === undefined ? undefined : this.callQ.callId(id));
    return this.messages.list({ ...filter, fromCallId: norm(filter.fromCallId), toCallId: norm(filter.toCallId) }, q);
  }

  private open(rec: Recording, missing: () => Error): RecordingFile {
    const stream = rec.deletedAt === null ? this.recordingStore.openFile(rec) : undefined;
    if (!stream) throw missing();
    return { recording: rec, stream };
  }
}
