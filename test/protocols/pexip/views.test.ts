import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateParticipants200 } from '@pexip/infinity-api/dist/conference/validation.js';
import type { LiveParticipant, LiveSession } from '../../../src/engine/sessions/types.js';
import { participantView } from '../../../src/protocols/pexip/views/participant.js';
import {
  callDisconnectedView, disconnectView, layoutView, presentationStartView, stageView,
} from '../../../src/protocols/pexip/views/events.js';

// Shapes of the events only media will trigger (stage from voice activity, presentation, child calls), on a
// session built in memory: the wire tests cover every event the engine emits today.

const person = (id: string, extra: Partial<LiveParticipant> = {}): LiveParticipant => ({
  id, conferenceId: 'room', streamId: 's', callId: `${id}@parley.test`, userId: id, displayName: id.toUpperCase(),
  role: 'host', state: 'connected', joinIndex: 1, invitedAt: null, joinedAt: 1_700_000_000_500, podium: true,
  audioMuted: false, videoMuted: false, handRaisedAt: null, spotlightAt: null, via: 'pexip', isOwner: false, ...extra,
});

const session = (ps: LiveParticipant[], layout?: LiveSession['layout']): LiveSession => ({
  conferenceId: 'room', streamId: 's', topic: 't', owner: 'alice', mode: 0, startedAt: 0,
  participants: new Map(ps.map((p) => [p.id, p])), recording: 'stopped', locked: false, guestsMuted: false,
  nextJoinIndex: ps.length + 1, layout,
});

test('stage: spotlight first, then the most recent speaker, then joining order; vad 0/100', () => {
  const s = session([person('a', { joinIndex: 1 }), person('b', { joinIndex: 2, spotlightAt: 5 }), person('c', { joinIndex: 3 }),
    person('w', { joinIndex: 0, state: 'waiting' })]);
  s.speaking = new Set(['c']);
  s.spokeAt = new Map([['c', 10]]);
  assert.deepEqual(stageView(s), [
    { participant_uuid: 'b', stage_index: 0, vad: 0 },
    { participant_uuid: 'c', stage_index: 1, vad: 100 },
    { participant_uuid: 'a', stage_index: 2, vad: 0 },
  ]);
});

test('layout: media participants get the uuids in stage order, API-only ones an empty list; ac is reported as 5:7', () => {
  const s = session([person('a', { hasMedia: true }), person('b', { joinIndex: 2, hasMedia: false })],
    { requested: { host_layout: '9:0', guest_layout: '1:7' }, view: 'ac' });
  assert.deepEqual(layoutView(s, true), {
    view: '5:7', participants: ['a'],
    requested_layout: { primary_screen: { chair_layout: '9:0', guest_layout: '1:7' } }, overlay_text_enabled: true,
  });
  assert.deepEqual(layoutView(s, false).participants, []);
});

test('presentation_start, call_disconnected, disconnect payloads', () => {
  assert.deepEqual(presentationStartView(person('a')), { presenter_name: 'A', presenter_uri: 'a@parley.test', presenter_uuid: 'a' });
  assert.deepEqual(presentationStartView(person('g', { role: 'guest' })).presenter_uri, '', 'guests have no uri');
  assert.deepEqual(presentationStartView(null), { presenter_name: '', presenter_uri: '', presenter_uuid: '' }, 'revoked');
  assert.deepEqual(callDisconnectedView('c1', 'API initiated participant disconnect'), { call_uuid: 'c1', reason: 'API initiated participant disconnect' });
  assert.deepEqual(disconnectView('x'), { reason: 'x' });
});

test('participant view: presenter flag, seconds, media flags, and Pexip validation of every state', () => {
  const a = person('a', { hasMedia: true, audioOnly: true, handRaisedAt: 1_700_000_001_999 });
  const s = session([a]);
  const v = participantView(a, s, { presenterId: 'a', localAlias: 'meet.room' });
  assert.deepEqual([v.is_presenting, v.presentation_supported, v.is_audio_only_call, v.is_video_call], ['YES', 'YES', 'YES', 'NO']);
  assert.deepEqual([v.start_time, v.buzz_time, v.spotlight], [1_700_000_000, 1_700_000_001, 0]);
  for (const state of ['ringing', 'waiting', 'connected'] as const) {
    const p = participantView(person('x', { state, role: 'guest' }), s);
    assert.equal(p.service_type, { ringing: 'connecting', waiting: 'waiting_room', connected: 'conference' }[state]);
    assert.ok(validateParticipants200({ status: 'success', result: [structuredClone(p)] }), JSON.stringify((validateParticipants200 as any).errors));
  }
});
