import { sql } from 'kysely';
import type { EngineContext } from '../context.js';
import { notFound } from '../errors.js';
import { pageOf, type Page } from '../paging.js';
import { callIdOf, loginOf } from '../directory/ids.js';
import { recordingOf, type Recording } from '../recordings/recordings.js';
import type { CallsTable } from '../../store/schema.js';
import { col, constant, plan, pageWindow, type ListQuery, type SortKey } from './list-query.js';

/** One call session of the history (times in ms; `durationS` runs on while the session is live). */
export interface CallEntry {
  id: string;
  namedConfId: string | null;
  topic: string | null;
  class: number;
  type: number;
  subtype: number;
  owner: string;
  participantCount: number;
  startTime: number;
  endTime: number | null;
  durationS: number;
  termReason: number;
}

export interface CallFilter {
  namedConfId?: string;
  /** Login or TrueConf ID. */
  owner?: string;
  class?: number;
}

export interface ParticipantEntry {
  sessionId: string;
  callId: string;
  displayName: string;
  appId: string;
  joinTime: number;
  leaveTime: number | null;
  leaveReason: number | null;
  durationS: number;
}

export interface InviteEntry {
  sessionId: string;
  inviter: string;
  invited: string;
  inviteTime: number;
  isAccepted: boolean;
}

/** A recorded session: the call plus its (first) recording file. */
export interface CallRecordEntry extends CallEntry {
  recording: Recording;
}

const CALL_KEYS = (now: number): Record<string, SortKey> => ({
  conference_id: col('calls.id'),
  named_conf_id: col('calls.named_conf_id', true),
  topic: col('calls.topic', true),
  class: col('calls.class'),
  type: col('calls.type'),
  subtype: col('calls.subtype'),
  owner: col('calls.owner'),
  participant_count: col('calls.participant_count'),
  start_time: col('calls.start_time'),
  end_time: col('calls.end_time', true),
  duration: { expr: sql`(coalesce(${sql.ref('calls.end_time')}, ${now}) - ${sql.ref('calls.start_time')})` },
  term_reason: col('calls.term_reason'),
});

const RECORD_KEYS = (now: number): Record<string, SortKey> => ({
  ...CALL_KEYS(now),
  name: col('recordings.name'),
  file_size: col('recordings.size'),
  is_public: constant,
  download_url: col('calls.id'),
  is_deleted: col('recordings.deleted_at', true),
});

const PARTICIPANT_KEYS = (now: number): Record<string, SortKey> => ({
  call_id: col('participant_call_id'),
  display_name: col('display_name'),
  app_id: col('app_id'),
  join_time: col('join_time'),
  leave_time: col('leave_time', true),
  leave_reason: col('leave_reason', true),
  duration: { expr: sql`(coalesce(${sql.ref('leave_time')}, ${now}) - ${sql.ref('join_time')})` },
  // Media statistics are not measured yet: accepted, they leave the default order.
  avg_cpu_load: constant, avg_sent_fps: constant, bitrate_in: constant, bitrate_out: constant, video_h: constant, video_w: constant,
});

const INVITE_KEYS: Record<string, SortKey> = {
  call_id: col('inviter_call_id'),
  invited_call_id: col('invited_call_id'),
  invite_time: col('invite_time'),
  is_accepted: col('is_accepted'),
};

type RecordRow = CallsTable & {
  rec_id: number; rec_topic: string; rec_owner: string; name: string; stream_id: string; conference_id: string;
  started_at: number; stopped_at: number | null; deleted_at: number | null; size: number; path: string;
};

const secondsBetween = (from: number, to: number | null, now: number) => Math.max(0, Math.floor(((to ?? now) - from) / 1000));

/** Read side of the call history written by CallHistory (calls.ts). */
export class CallQueries {
  constructor(private readonly ctx: EngineContext) {}

  /** A participant or owner named by login or TrueConf ID, as the history stores it (`login@server`). */
  callId(id: string): string {
    return callIdOf(loginOf(id, this.ctx.serverName), this.ctx.serverName);
  }

  private toCall(r: CallsTable, now: number): CallEntry {
    return {
      id: r.id, namedConfId: r.named_conf_id, topic: r.topic, class: r.class, type: r.type, subtype: r.subtype,
      owner: r.owner, participantCount: r.participant_count, startTime: r.start_time, endTime: r.end_time,
      durationS: secondsBetween(r.start_time, r.end_time, now), termReason: r.term_reason,
    };
  }

  private filtered(filter: CallFilter, q: ListQuery) {
    let b = this.ctx.db.selectFrom('calls');
    if (filter.namedConfId !== undefined) b = b.where('calls.named_conf_id', '=', filter.namedConfId);
    if (filter.owner !== undefined) b = b.where('calls.owner', '=', this.callId(filter.owner));
    if (filter.class !== undefined) b = b.where('calls.class', '=', filter.class);
    if (q.from !== undefined) b = b.where('calls.start_time', '>=', q.from);
    if (q.to !== undefined) b = b.where('calls.start_time', '<=', q.to);
    return b;
  }

  async calls(filter: CallFilter, q: ListQuery): Promise<Page<CallEntry>> {
    const now = this.ctx.now();
    const p = plan(q, CALL_KEYS(now), 'start_time');
    const base = this.filtered(filter, q);
    const [{ n }] = await base.select((eb) => eb.fn.countAll<number>().as('n')).execute();
    const rows = await pageWindow(base.selectAll('calls'), p, 'calls.id').execute();
    return pageOf(rows.map((r) => this.toCall(r, now)), Number(n), p.page);
  }

  /** One session; `not_found` (call → conferenceNotFound) when it never existed. */
  async call(sessionId: string): Promise<CallEntry> {
    const r = await this.ctx.db.selectFrom('calls').selectAll().where('id', '=', sessionId).executeTakeFirst();
    if (!r) throw notFound('call', sessionId);
    return this.toCall(r, this.ctx.now());
  }

  async participants(sessionId: string, filter: { callId?: string }, q: ListQuery): Promise<Page<ParticipantEntry>> {
    await this.call(sessionId);
    const now = this.ctx.now();
    const p = plan(q, PARTICIPANT_KEYS(now), 'join_time');
    let base = this.ctx.db.selectFrom('call_participants').where('call_id', '=', sessionId);
    if (filter.callId !== undefined) base = base.where('participant_call_id', '=', this.callId(filter.callId));
    const [{ n }] = await base.select((eb) => eb.fn.countAll<number>().as('n')).execute();
    const rows = await pageWindow(base.selectAll(), p, 'id').execute();
    return pageOf(rows.map((r) => ({
      sessionId: r.call_id, callId: r.participant_call_id, displayName: r.display_name, appId: r.app_id,
      joinTime: r.join_time, leaveTime: r.leave_time, leaveReason: r.leave_reason,
      durationS: secondsBetween(r.join_time, r.leave_time, now),
    })), Number(n), p.page);
  }

  /** Invitations of a session; `callId` matches either side of an invitation, `class` the session's class. */
  async invites(sessionId: string, filter: { callId?: string; class?: number }, q: ListQuery): Promise<Page<InviteEntry>> {
    const call = await this.call(sessionId);
    const p = plan(q, INVITE_KEYS, 'invite_time');
    if (filter.class !== undefined && filter.class !== call.class) return pageOf([], 0, p.page);
    let base = this.ctx.db.selectFrom('call_invites').where('call_id', '=', sessionId);
    if (filter.callId !== undefined) {
      const id = this.callId(filter.callId);
      base = base.where((eb) => eb.or([eb('inviter_call_id', '=', id), eb('invited_call_id', '=', id)]));
    }
    if (q.from !== undefined) base = base.where('invite_time', '>=', q.from);
    if (q.to !== undefined) base = base.where('invite_time', '<=', q.to);
    const [{ n }] = await base.select((eb) => eb.fn.countAll<number>().as('n')).execute();
    const rows = await pageWindow(base.selectAll(), p, 'id').execute();
    return pageOf(rows.map((r) => ({
      sessionId: r.call_id, inviter: r.inviter_call_id, invited: r.invited_call_id, inviteTime: r.invite_time,
      isAccepted: r.is_accepted === 1,
    })), Number(n), p.page);
  }

  /** Recorded sessions: one entry per session that has a recording, carrying its first file. */
  private recorded() {
    return this.ctx.db.selectFrom('calls')
      .innerJoin('recordings', 'recordings.stream_id', 'calls.id')
      .where('recordings.id', '=', (eb) => eb.selectFrom('recordings as first')
        .select((e) => e.fn.min('first.id').as('m')).whereRef('first.stream_id', '=', 'calls.id'));
  }

  private toRecord(r: RecordRow, now: number): CallRecordEntry {
    return {
      ...this.toCall(r, now),
      recording: recordingOf({
        id: r.rec_id, name: r.name, stream_id: r.stream_id, conference_id: r.conference_id, topic: r.rec_topic,
        owner: r.rec_owner, started_at: r.started_at, stopped_at: r.stopped_at, deleted_at: r.deleted_at, size: r.size, path: r.path,
      }),
    };
  }

  private recordColumns() {
    return [
      'calls.id', 'calls.named_conf_id', 'calls.topic', 'calls.class', 'calls.type', 'calls.subtype', 'calls.owner',
      'calls.participant_count', 'calls.start_time', 'calls.end_time', 'calls.term_reason', 'recordings.id as rec_id',
      'recordings.name', 'recordings.stream_id', 'recordings.conference_id', 'recordings.topic as rec_topic',
      'recordings.owner as rec_owner', 'recordings.started_at', 'recordings.stopped_at', 'recordings.deleted_at',
      'recordings.size', 'recordings.path',
    ] as const;
  }

  async records(filter: CallFilter, q: ListQuery): Promise<Page<CallRecordEntry>> {
    const now = this.ctx.now();
    const p = plan(q, RECORD_KEYS(now), 'start_time');
    let base = this.recorded();
    if (filter.namedConfId !== undefined) base = base.where('calls.named_conf_id', '=', filter.namedConfId);
    if (filter.owner !== undefined) base = base.where('calls.owner', '=', this.callId(filter.owner));
    if (filter.class !== undefined) base = base.where('calls.class', '=', filter.class);
    if (q.from !== undefined) base = base.where('calls.start_time', '>=', q.from);
    if (q.to !== undefined) base = base.where('calls.start_time', '<=', q.to);
    const [{ n }] = await base.select((eb) => eb.fn.countAll<number>().as('n')).execute();
    const rows = await pageWindow(base.select(this.recordColumns()), p, 'calls.id').execute();
    return pageOf(rows.map((r) => this.toRecord(r, now)), Number(n), p.page);
  }

  /** The recorded session; `not_found` (call) when the session does not exist or was never recorded. */
  async record(sessionId: string): Promise<CallRecordEntry> {
    const r = await this.recorded().select(this.recordColumns()).where('calls.id', '=', sessionId).executeTakeFirst();
    if (!r) throw notFound('call', sessionId);
    return this.toRecord(r, this.ctx.now());
  }
}
