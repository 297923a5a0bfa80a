import type { CallEntry, CallRecordEntry, InviteEntry, ParticipantEntry } from '../../../engine/history/call-queries.js';
import type { EventEntry, SettingEntry } from '../../../engine/history/audit-queries.js';
import type { LoggedMessage } from '../../../engine/history/messages.js';
import type { Recording } from '../../../engine/recordings/recordings.js';
import type { Page } from '../../../engine/paging.js';
import { minor, type Version } from '../versions.js';
import { dataTime } from './common.js';

/**
 * Log objects (§4.16, §4.19) as each API version shows them. `tz` is the `timezone` query parameter (minutes
 * east of UTC) that shifts every DataTime. Numbers are JSON numbers and times DataTime objects, as the seed's
 * examples show them (§5 #10), even where its type column says String.
 */

type Obj = Record<string, unknown>;

/** The `{cnt, list}` envelope of log lists; `cnt` counts every match, not just this page. */
export function logList<T>(page: Page<T>, view: (item: T) => Obj): { cnt: number; list: Obj[] } {
  return { cnt: page.total, list: page.items.map(view) };
}

/** Single-item log reads: the object's fields at top level plus the documented wrapper key (§5 #5). */
export function wrapped(key: string, v: Obj): Obj {
  return { ...v, [key]: v };
}

export function callView(c: CallEntry, tz: number, version: Version): Obj {
  const v: Obj = {
    conference_id: c.id,
    named_conf_id: c.namedConfId,
    topic: c.topic,
    class: c.class,
    type: c.type,
    subtype: c.subtype,
    owner: c.owner,
    participant_count: c.participantCount,
    start_time: dataTime(c.startTime, tz),
    duration: c.durationS,
    end_time: dataTime(c.endTime, tz),
  };
  if (minor(version) >= 9) v.term_reason = c.termReason;
  return v;
}

/** Media statistics are not measured yet (no media plane): they read 0 rather than being invented. */
export function callParticipantView(p: ParticipantEntry, tz: number): Obj {
  return {
    app_id: p.appId,
    avg_cpu_load: 0,
    avg_sent_fps: 0,
    bitrate_in: 0,
    bitrate_out: 0,
    call_id: p.callId,
    display_name: p.displayName,
    duration: p.durationS,
    join_time: dataTime(p.joinTime, tz),
    leave_reason: p.leaveReason,
    leave_time: dataTime(p.leaveTime, tz),
    video_h: 0,
    video_w: 0,
  };
}

export function callInviteView(i: InviteEntry, tz: number): Obj {
  return { call_id: i.inviter, invited_call_id: i.invited, invite_time: dataTime(i.inviteTime, tz), is_accepted: i.isAccepted };
}

/** Where a recorded session's file is served (the seed's `/logs/records/:conference_id/download`). */
export function callRecordDownloadUrl(baseUrl: string, version: Version, sessionId: string): string {
  return `${baseUrl}/api/v${version}/logs/records/${encodeURIComponent(sessionId)}/download`;
}

export function recordingDownloadUrl(baseUrl: string, version: Version, id: number): string {
  return `${baseUrl}/api/v${version}/logs/recordings/${id}/download`;
}

export function callRecordView(r: CallRecordEntry, tz: number, version: Version, baseUrl: string): Obj {
  return {
    conference_id: r.id,
    name: r.recording.name,
    named_conf_id: r.namedConfId,
    topic: r.topic,
    owner: r.owner,
    class: r.class,
    type: r.type,
    subtype: r.subtype,
    duration: r.durationS,
    file_size: String(r.recording.size),
    start_time: dataTime(r.startTime, tz),
    end_time: dataTime(r.endTime, tz),
    // Parley has no public recordings gallery.
    is_public: false,
    download_url: callRecordDownloadUrl(baseUrl, version, r.id),
    is_deleted: r.recording.deletedAt !== null,
  };
}

/** Recording (§4.16): `created_at` per the field table and `started_at` per the example, same value (§5 #11). */
export function recordingView(r: Recording, version: Version, baseUrl: string): Obj {
  const v: Obj = { id: String(r.id), name: r.name, stream_id: r.streamId, conference_id: r.conferenceId };
  if (minor(version) >= 7) v.topic = r.topic;
  if (minor(version) >= 4) v.owner = r.owner;
  Object.assign(v, {
    created_at: r.startedAt,
    started_at: r.startedAt,
    stopped_at: r.stoppedAt,
    deleted_at: r.deletedAt,
    size: String(r.size),
    download_url: recordingDownloadUrl(baseUrl, version, r.id),
  });
  return v;
}

export function eventView(e: EventEntry, tz: number, version: Version): Obj {
  const v: Obj = {
    id: String(e.id),
    event_type: e.eventType,
    object_type: e.objectType,
    object_name: e.objectName,
    payload: e.payload,
    created_at: dataTime(e.createdAt, tz),
  };
  if (minor(version) >= 7) v.severity = e.severity;
  return v;
}

export function settingView(s: SettingEntry, tz: number): Obj {
  return {
    id: String(s.id),
    user_name: s.userName,
    created_at: dataTime(s.createdAt, tz),
    object_type: s.objectType,
    object_id: s.objectId,
    action_type: s.actionType,
    comment: s.comment,
    old_value: s.oldValue,
    new_value: s.newValue,
  };
}

export function messageView(m: LoggedMessage, tz: number): Obj {
  return {
    id: m.id,
    time_stamp: dataTime(m.timeStamp, tz),
    conference_id: m.conferenceId,
    from_call_id: m.fromCallId,
    from_display_name: m.fromDisplayName,
    to_call_id: m.toCallId,
    is_offline: m.isOffline,
    message: m.message,
  };
}
