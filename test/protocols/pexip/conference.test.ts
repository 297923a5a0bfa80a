import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  conferenceStatus, lock, unlock, startConference, muteguests, unmuteguests, setGuestsCanUnmute, disconnect,
  messageConference, transformLayout, participants, clearAllBuzz, silentVideoDetection, dial, theme
} from '@pexip/infinity-api';
// utils is re-exported without an extension in index.d.ts, which NodeNext type resolution cannot follow.
import { withToken } from '@pexip/infinity-api/dist/utils.js';
import { startServer, type TestServer } from '../../helpers/server.js';
import { createUsers } from '../../helpers/fixtures.js';
import { signIn } from '../../helpers/endpoint.js';
import { px, pexipConference, join, ok, failed } from './pexip.js';

let t: TestServer;
before(async () => {
  t = await startServer();
  await createUsers(t, 'alice', 'bob', 'carol');
  await pexipConference(t, 'room', { aliases: ['meet.room'], host_pin: '1234', guest_pin: '5678' });
});
after(async () => { await t.close(); });

const live = (id = 'room') => t.parley.engine.sessions.byConferenceId(id)!;

test('conference functions through @pexip/infinity-api: every response passes its validators', async () => {
  const host = await join(t, 'meet.room', 'Host', '1234');
  const guest = await join(t, 'meet.room', 'Guest', '5678');
  const f = withToken(fetch, host.token);
  const base = { host: t.base, fetcher: f, params: { conferenceAlias: 'meet.room' } };
  const st = await conferenceStatus(base);
  assert.equal(st.status, 200);
  assert.deepEqual({ ...(st.data as any).result }, { locked: false, guests_muted: false, started: true, guests_can_unmute: false, direct_media: false, live_captions_available: false });
  const list = await participants(base);
  assert.equal(list.status, 200);
  const rows = (list.data as any).result as any[];
  assert.deepEqual(rows.map((r) => [r.uuid, r.display_name, r.role]).sort(), [[host.uuid, 'Host', 'chair'], [guest.uuid, 'Guest', 'guest']].sort());
  for (const fn of [lock, unlock, startConference, muteguests, unmuteguests, clearAllBuzz]) {
    const r = await fn(base);
    assert.equal(r.status, 200, fn.name);
    assert.equal((r.data as any).result, true, fn.name);
  }
  assert.equal((await setGuestsCanUnmute({ ...base, body: { setting: true } })).status, 200);
  assert.equal(live().guestsCanUnmute, true);
  assert.equal((await messageConference({ ...base, body: { type: 'text/plain', payload: 'Hello World' } })).status, 200);
  assert.equal((await transformLayout({ ...base, body: { transforms: { layout: '1:0', free_form_overlay_text: ['a', 'b', 'c', 'd'] } } })).status, 200);
  assert.equal((await silentVideoDetection({ ...base, body: { config: { enable: true, silent_after: 15, require_no_faces: true, reactivate_after: 2 } } })).status, 200);
  const th = await theme(base);
  assert.equal(th.status, 204);
  // dial a connected Parley user
  const off = signIn(t, 'bob');
  try {
    const d = await dial({ ...base, body: { role: 'GUEST', destination: 'bob@parley.test', protocol: 'auto' } });
    assert.equal(d.status, 200);
    const [uuid] = (d.data as any).result;
    const p = live().participants.get(uuid)!;
    assert.equal(p.state, 'ringing');
    assert.equal(p.role, 'guest');
    assert.equal(p.direction, 'out');
  } finally { off(); }
  assert.equal((await disconnect({ ...base })).status, 200);
  assert.equal(t.parley.engine.sessions.isRunning('room'), false);
  failed(await px(t, 'GET', 'meet.room', 'conference_status', undefined, { token: guest.token }), 403, 'Invalid token');
});

test('host-only functions refuse guests with 403; conference_status and message are open to guests', async () => {
  await join(t, 'meet.room', 'Host', '1234');
  const g = await join(t, 'meet.room', 'Guest', '5678');
  for (const fn of ['lock', 'unlock', 'start_conference', 'muteguests', 'unmuteguests', 'disconnect', 'clearallbuzz']) {
    failed(await px(t, 'POST', 'meet.room', fn, undefined, { token: g.token }), 403, 'Invalid role');
  }
  failed(await px(t, 'POST', 'meet.room', 'set_guests_can_unmute', { setting: true }, { token: g.token }), 403);
  failed(await px(t, 'POST', 'meet.room', 'transform_layout', { transforms: { layout: '1:7' } }, { token: g.token }), 403);
  failed(await px(t, 'POST', 'meet.room', 'silent_video_detection', { config: { enable: false } }, { token: g.token }), 403);
  failed(await px(t, 'POST', 'meet.room', 'dial', { role: 'GUEST', destination: 'bob', protocol: 'auto' }, { token: g.token }), 403);
  assert.equal(live().locked, false);
  const plain = await px(t, 'GET', 'meet.room', 'participants', undefined, { token: g.token });
  assert.equal(plain.status, 200, plain.text);
  assert.equal(plain.headers.get('content-type'), 'application/json');
  assert.equal(plain.body.result.length, 2);
  failed(await px(t, 'GET', 'meet.room', 'participants'), 403, 'Invalid token');
  ok(await px(t, 'GET', 'meet.room', 'conference_status', undefined, { token: g.token }), { locked: false, guests_muted: false, started: true, guests_can_unmute: false, direct_media: false, live_captions_available: false });
  const seen: any[] = [];
  const offMsg = t.parley.engine.bus.on('conference.message', (e) => seen.push(e));
  ok(await px(t, 'POST', 'meet.room', 'message', { type: 'text/plain', payload: 'Hello World' }, { token: g.token }));
  ok(await px(t, 'POST', 'meet.room', 'message', { type: 'application/json', payload: '{"a":1}' }, { token: g.token }));
  offMsg();
  assert.equal(seen.length, 2);
  assert.equal(seen[0].from.id, g.uuid);
  assert.equal(seen[0].payload, 'Hello World');
  await t.parley.engine.sessions.stop({ kind: 'system' }, 'room');
});

test('every conference function: no token, bad token, unknown alias, malformed or wrong-typed bodies', async () => {
  const h = await join(t, 'meet.room', 'Host', '1234');
  const fns = ['lock', 'unlock', 'start_conference', 'muteguests', 'unmuteguests', 'disconnect', 'clearallbuzz', 'message', 'transform_layout', 'silent_video_detection', 'set_guests_can_unmute', 'dial'];
  for (const fn of fns) {
    failed(await px(t, 'POST', 'meet.room', fn), 403, 'Invalid token');
    failed(await px(t, 'POST', 'meet.room', fn, undefined, { token: 'not-a-token' }), 403, 'Invalid token');
    failed(await px(t, 'POST', 'nowhere', fn, undefined, { token: h.token }), 404, 'Neither conference nor gateway found');
    failed(await px(t, 'POST', 'meet.room', fn, '{oops', { token: h.token, headers: { 'content-type': 'application/json' } }), 400);
  }
  failed(await px(t, 'GET', 'meet.room', 'conference_status'), 403, 'Invalid token');
  const bad: Array<[string, unknown]> = [
    ['message', { type: 'text/html', payload: 'x' }],
    ['message', { type: 'text/plain', payload: 5 }],
    ['message', { type: 'application/json', payload: '{not json' }],
    ['transform_layout', {}],
    ['transform_layout', { transforms: { layout: '3:3' } }],
    ['transform_layout', { transforms: { layout: 4 } }],
    ['transform_layout', { transforms: { enable_overlay_text: 'yes' } }],
    ['transform_layout', { transforms: { free_form_overlay_text: 'x' } }],
    ['silent_video_detection', { config: { silent_after: 0 } }],
    ['silent_video_detection', { config: { silent_after: 121 } }],
    ['silent_video_detection', { config: { reactivate_after: 6 } }],
    ['silent_video_detection', { config: { enable: 'true' } }],
    ['silent_video_detection', {}],
    ['set_guests_can_unmute', { setting: 'yes' }],
    ['dial', {}],
    ['dial', { destination: 'bob', role: 'KING' }],
    ['dial', { destination: 'bob', protocol: 'carrier-pigeon' }],
  ];
  for (const [fn, body] of bad) failed(await px(t, 'POST', 'meet.room', fn, body, { token: h.token }), 400, undefined);
  ok(await px(t, 'POST', 'meet.room', 'silent_video_detection', { config: { enable: true, silent_after: 120, require_no_faces: false, reactivate_after: 5 } }, { token: h.token }));
  assert.deepEqual(live().silentVideo, { enable: true, silent_after: 120, require_no_faces: false, reactivate_after: 5 });
  await t.parley.engine.sessions.stop({ kind: 'system' }, 'room');
});

test('lock holds newcomers (guests) in the waiting room; hosts pass; unlock admits them', async () => {
  const h = await join(t, 'meet.room', 'Host', '1234');
  ok(await px(t, 'POST', 'meet.room', 'lock', undefined, { token: h.token }));
  assert.equal((await px(t, 'GET', 'meet.room', 'conference_status', undefined, { token: h.token })).body.result.locked, true);
  const g = await join(t, 'meet.room', 'Waiter', '5678');
  assert.equal(g.body.result.current_service_type, 'waiting_room');
  assert.equal(live().participants.get(g.uuid)!.state, 'waiting');
  const h2 = await join(t, 'meet.room', 'Late host', '1234');
  assert.equal(h2.body.result.current_service_type, 'conference');
  ok(await px(t, 'POST', 'meet.room', 'unlock', undefined, { token: h.token }));
  assert.equal(live().participants.get(g.uuid)!.state, 'connected');
  await t.parley.engine.sessions.stop({ kind: 'system' }, 'room');
});

test('muteguests mutes every guest, and guests joining later; unmuteguests lifts it', async () => {
  const h = await join(t, 'meet.room', 'Host', '1234');
  const g1 = await join(t, 'meet.room', 'G1', '5678');
  ok(await px(t, 'POST', 'meet.room', 'muteguests', undefined, { token: h.token }));
  const g2 = await join(t, 'meet.room', 'G2', '5678');
  assert.equal(live().participants.get(g1.uuid)!.audioMuted, true);
  assert.equal(live().participants.get(g2.uuid)!.audioMuted, true);
  assert.equal(live().participants.get(h.uuid)!.audioMuted, false);
  // A muted guest may not unmute itself unless guests_can_unmute.
  failed(await px(t, 'POST', 'meet.room', `participants/${g1.uuid}/unmute`, undefined, { token: g1.token }), 403);
  ok(await px(t, 'POST', 'meet.room', 'set_guests_can_unmute', { setting: true }, { token: h.token }));
  ok(await px(t, 'POST', 'meet.room', `participants/${g1.uuid}/unmute`, undefined, { token: g1.token }));
  ok(await px(t, 'POST', 'meet.room', 'unmuteguests', undefined, { token: h.token }));
  assert.equal(live().participants.get(g2.uuid)!.audioMuted, false);
  assert.equal((await px(t, 'GET', 'meet.room', 'conference_status', undefined, { token: h.token })).body.result.guests_muted, false);
  await t.parley.engine.sessions.stop({ kind: 'system' }, 'room');
});

test('transform_layout records the request; layouts that need composition are refused; clearallbuzz lowers hands', async () => {
  const h = await join(t, 'meet.room', 'Host', '1234');
  const g = await join(t, 'meet.room', 'G', '5678');
  for (const transforms of [{ layout: '1:0' }, { guest_layout: '1:0', host_layout: '1:0' }, { streaming_indicator: true, recording_indicator: true },
    { enable_overlay_text: false, enable_active_speaker_indication: true }, { layout: '1:0', streaming: { layout: '1:0' } }, { streaming: { waiting_screen_enabled: true } }]) {
    ok(await px(t, 'POST', 'meet.room', 'transform_layout', { transforms }, { token: h.token }));
  }
  for (const transforms of [{ layout: '2:21' }, { guest_layout: '2:21', host_layout: '1:0' }, { host_layout: '4:0' }, { layout: 'ac' }, { layout: '1:7' }]) {
    const r = await px(t, 'POST', 'meet.room', 'transform_layout', { transforms }, { token: h.token });
    failed(r, 400);
    assert.match(r.body.result, /needs a composed picture/);
  }
  assert.equal(live().layout!.view, '1:0');
  assert.equal(live().layout!.requested.host_layout, '1:0');
  assert.equal(live().layout!.requested.enable_overlay_text, false);
  ok(await px(t, 'POST', 'meet.room', `participants/${g.uuid}/buzz`, undefined, { token: g.token }));
  assert.ok(live().participants.get(g.uuid)!.handRaisedAt);
  ok(await px(t, 'POST', 'meet.room', 'clearallbuzz', undefined, { token: h.token }));
  assert.equal(live().participants.get(g.uuid)!.handRaisedAt, null);
  await t.parley.engine.sessions.stop({ kind: 'system' }, 'room');
});

test('dial: offline user, unknown destination, conference alias, rtmp: clear errors, never a fake success', async () => {
  const h = await join(t, 'meet.room', 'Host', '1234');
  const r1 = await px(t, 'POST', 'meet.room', 'dial', { role: 'GUEST', destination: 'carol', protocol: 'auto' }, { token: h.token });
  failed(r1, 400);
  assert.match(r1.body.result, /Call rejected/);
  failed(await px(t, 'POST', 'meet.room', 'dial', { role: 'GUEST', destination: 'sip:nobody@example.com', protocol: 'sip' }, { token: h.token }), 400);
  const r3 = await px(t, 'POST', 'meet.room', 'dial', { role: 'GUEST', destination: 'room', protocol: 'auto' }, { token: h.token });
  failed(r3, 400);
  assert.match(r3.body.result, /conference/i);
  failed(await px(t, 'POST', 'meet.room', 'dial', { role: 'GUEST', destination: 'rtmp://x/y', protocol: 'rtmp' }, { token: h.token }), 400);
  const off = signIn(t, 'carol', { autoAnswer: true });
  try {
    const r = await px(t, 'POST', 'meet.room', 'dial', { role: 'HOST', destination: 'carol@parley.test', protocol: 'auto' }, { token: h.token });
    assert.equal(r.status, 200, r.text);
    await new Promise((res) => setTimeout(res, 100));
    const p = live().participants.get(r.body.result[0])!;
    assert.equal(p.state, 'connected');
    assert.equal(p.role, 'host');
    failed(await px(t, 'POST', 'meet.room', 'dial', { role: 'HOST', destination: 'carol', protocol: 'auto' }, { token: h.token }), 400);
  } finally { off(); }
  await t.parley.engine.sessions.stop({ kind: 'system' }, 'room');
});
