import type { LiveParticipant, LiveSession } from '../../../engine/sessions/types.js';
import { instanceIdOf } from '../../../engine/sessions/sessions.js';
import { callIdOf } from '../../../engine/directory/ids.js';
import { seconds } from '../../../engine/context.js';
import { dataTime } from './common.js';

/** ConferenceSession `type`: Parley's conferences are group conferences over TCP (5). */
const GROUP_TCP = 5;

/** ConferenceSession (§4.11): a running conference; `stream_id` is the `{session_id}` of the session routes. */
export function sessionView(s: LiveSession, serverName: string): Record<string, unknown> {
  return {
    stream_id: s.streamId,
    conference_id: s.conferenceId,
    type: GROUP_TCP,
    mode: s.mode,
    topic: s.topic,
    owner: callIdOf(s.owner, serverName),
    start_time: seconds(s.startedAt),
  };
}

/**
 * ConferenceSessionParticipant `role`: 2 conference host; in all-on-screen mode everyone else is 0; in
 * role-based and video-lecture modes a podium speaker is 4 and a listener 1.
 */
export function roleOf(s: LiveSession, p: LiveParticipant): number {
  if (p.role === 'host') return 2;
  if (s.mode === 0) return 0;
  return p.podium ? 4 : 1;
}

/** ConferenceSessionParticipant (§4.11). `participant_id` is `login@server/instance`, as kick answers it. */
export function sessionParticipantView(s: LiveSession, p: LiveParticipant): Record<string, unknown> {
  return {
    participant_id: instanceIdOf(p),
    call_id: p.callId,
    display_name: p.displayName,
    join_time: dataTime(p.joinedAt),
    role: roleOf(s, p),
  };
}
