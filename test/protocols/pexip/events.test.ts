import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { participants } from '@pexip/infinity-api';
import { withToken } from '@pexip/infinity-api/dist/utils.js';
import { validateParticipants200, validateConferenceStatus200 } from '@pexip/infinity-api/dist/conference/validation.js';
import { startServer, api, type TestServer } from '../../helpers/server.js';
import { openSse, type SseStream } from '../../helpers/sse.js';
import { createUsers, sid } from '../../helpers/fixtures.js';
import { px, pexipConference, join, ok, failed, sleep, type Joined } from './pexip.js';

let t: TestServer;
before(async () => {
  t = await startServer();
  await pexipConference(t, 'room', { aliases: ['meet.room'], host_pin: '1234', guest_pin: '5678' });
  await pexipConference(t, 'other', { aliases: ['meet.other'] });
});
after(async () => { await t.close(); });

const eventsUrl = (s: TestServer, alias: string, token?: string) =>
  `${s.base}/api/client/v2/conferences/${encodeURIComponent(alias)}/events${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`;
const listen = (j: Joined, alias = 'meet.room', s = t, headers: Record<string, string> = {}) => openSse(eventsUrl(s, alias, j.token), headers);
const stop = async (id = 'room', s = t) => { if (s.parley.engine.sessions.byConferenceId(id)) await s.parley.engine.sessions.stop({ kind: 'system' }, id); };
const pcall = (j: Joined, fn: string, body?: unknown, alias = 'meet.room') => px(t, 'POST', alias, fn, body, { token: j.token });
const onP = (j: Joined, uuid: string, fn: string, body?: unknown) => pcall(j, `participants/${uuid}/${fn}`, body);
/** Waits for the initial sync (and the conference_update after it); later next() calls see live events only. */
const synced = async (...ss: SseStream[]) => {
  for (const x of ss) { await x.next('participant_sync_end'); await x.next('conference_update'); x.skip(); }
};
/** The participant objects of Pexip's GET participants schema must validate (ajv strips extras: use a copy). */
const validParticipant = (p: unknown) => {
  const ok = validateParticipants200({ status: 'success', result: [structuredClone(p)] });
  assert.ok(ok, JSON.stringify((validateParticipants200 as any).errors));
};

test('bad token → 403 Invalid token as JSON, unknown alias → 404, a token of another conference → 403', async () => {
  const h = await join(t, 'meet.room', 'Host', '1234');
  const none = await openSse(eventsUrl(t, 'meet.room'));
  assert.equal(none.status, 403);
  assert.equal(none.headers.get('content-type'), 'application/json');
  assert.deepEqual(none.body, { status: 'failed', result: 'Invalid token' });
  const bad = await openSse(eventsUrl(t, 'meet.room', 'nope'));
  assert.deepEqual([bad.status, bad.body], [403, { status: 'failed', result: 'Invalid token' }]);
  const unknown = await openSse(eventsUrl(t, 'no.such.room', h.token));
  assert.deepEqual([unknown.status, unknown.body], [404, { status: 'failed', result: 'Neither conference nor gateway found' }]);
  const o = await join(t, 'meet.other', 'Other');
  const cross = await openSse(eventsUrl(t, 'meet.room', o.token));
  assert.deepEqual([cross.status, cross.body], [403, { status: 'failed', result: 'Invalid token' }]);
  await stop(); await stop('other');
});

test('connect: participant_sync_begin, participant_create for everyone (valid for @pexip/infinity-api), sync_end', async () => {
  const h = await join(t, 'meet.room', 'Host', '1234', { call_tag: 'tag-h' });
  const g = await join(t, 'meet.room', 'Guest', '5678');
  // Token in the `token` header instead of the query.
  const s = await openSse(eventsUrl(t, 'meet.room'), { token: g.token });
  assert.equal(s.status, 200);
  assert.match(s.headers.get('content-type') ?? '', /^text\/event-stream/);
  assert.equal(s.headers.get('cache-control'), 'no-cache, no-transform');
  await s.next('participant_sync_end');
  const names = s.events.map((e) => e.event);
  assert.deepEqual(names.slice(0, 4), ['participant_sync_begin', 'participant_create', 'participant_create', 'participant_sync_end']);
  assert.equal(s.events[0].raw, 'null', 'payload-less events carry data: null');
  assert.equal(s.events[3].raw, 'null');
  for (const e of s.events) assert.ok(e.id, `${e.event} has an id`);
  const [ch, cg] = [s.events[1].data, s.events[2].data];
  assert.equal(ch.uuid, h.uuid);
  assert.equal(ch.role, 'chair');
  assert.equal(ch.call_tag, 'tag-h');
  assert.equal(ch.protocol, 'api');
  assert.equal(ch.service_type, 'conference');
  assert.equal(ch.local_alias, 'meet.room');
  assert.equal(typeof ch.start_time, 'number');
  assert.ok(Math.abs(ch.start_time - Date.now() / 1000) < 60, 'Unix seconds');
  assert.equal(ch.buzz_time, 0);
  assert.equal(ch.spotlight, 0);
  assert.equal(cg.role, 'guest');
  assert.deepEqual([cg.protocol, cg.vendor, cg.uri], ['', '', ''], 'empty for guests (seed v25)');
  for (const k of ['is_muted', 'is_presenting', 'is_video_call', 'is_audio_only_call', 'mute_supported', 'disconnect_supported', 'transfer_supported', 'fecc_supported']) {
    assert.match(cg[k], /^(YES|NO)$/, k);
  }
  for (const k of ['has_media', 'is_external', 'is_streaming_conference', 'is_video_muted', 'is_video_silent', 'supports_direct_chat', 'can_receive_personal_mix']) {
    assert.equal(typeof cg[k], 'boolean', k);
  }
  assert.deepEqual(cg.receive_from_video_mix, { mix_name: 'main', timestamp: 0 });
  validParticipant(ch); validParticipant(cg);
  // conference_update follows the sync, in the conference_status shape.
  const cu = await s.next('conference_update');
  assert.ok(validateConferenceStatus200({ status: 'success', result: structuredClone(cu.data) }));

  // The same objects through Pexip's own request function and its response validation.
  const list = await participants({ host: t.base, fetcher: withToken(fetch, h.token), params: { conferenceAlias: 'meet.room' } });
  assert.equal(list.status, 200);
  assert.deepEqual(list.data.result.map((p: any) => p.uuid), [h.uuid, g.uuid]);
  assert.deepEqual({ ...list.data.result[1] }, { ...cg, local_alias: cg.local_alias, needs_presentation_in_mix: cg.needs_presentation_in_mix });
  s.close();
  await stop();
});

test('live events after Pexip REST actions: create, mute, buzz, role, spotlight, lock, message, layout, delete', async () => {
  const h = await join(t, 'meet.room', 'Host', '1234');
  const g = await join(t, 'meet.room', 'Guest', '5678');
  const hs = await listen(h);
  const gs = await listen(g);
  await synced(hs, gs);

  const g2 = await join(t, 'meet.room', 'Second', '5678');
  const created = await hs.next('participant_create');
  assert.equal(created.data.uuid, g2.uuid);
  validParticipant(created.data);

  ok(await onP(h, g.uuid, 'mute'));
  let u = await gs.next('participant_update');
  assert.deepEqual([u.data.uuid, u.data.is_muted], [g.uuid, 'YES']);
  validParticipant(u.data);

  ok(await onP(h, g.uuid, 'video_muted'));
  u = await hs.next('participant_update'); // g2's create came first on hs; updates: mute
  u = await hs.next('participant_update');
  assert.equal(u.data.is_video_muted, true);

  ok(await onP(g, g.uuid, 'buzz'));
  u = await hs.next('participant_update');
  assert.ok(u.data.buzz_time > 1_600_000_000 && u.data.buzz_time < 4_000_000_000, 'buzz_time in Unix seconds');

  ok(await onP(h, g.uuid, 'role', { role: 'chair' }));
  u = await hs.next('participant_update');
  assert.equal(u.data.role, 'chair');

  ok(await onP(h, g2.uuid, 'spotlighton'));
  u = await hs.next('participant_update');
  assert.ok(u.data.spotlight > 1_600_000_000);

  ok(await pcall(h, 'lock'));
  const cu = await gs.next('conference_update');
  assert.deepEqual([cu.data.locked, cu.data.guests_muted, cu.data.started], [true, false, true]);
  ok(await pcall(h, 'unlock'));

  ok(await pcall(g, 'message', { type: 'text/plain', payload: 'Hello World' }));
  const m = await hs.next('message_received');
  assert.deepEqual(m.data, { origin: 'Guest', uuid: g.uuid, type: 'text/plain', payload: 'Hello World', direct: false });
  await sleep(50);
  assert.equal(gs.events.some((e) => e.event === 'message_received'), false, 'not echoed to its sender');

  gs.skip();
  ok(await pcall(h, 'transform_layout', { transforms: { layout: '1:0', enable_overlay_text: false } }));
  const l = await gs.next('layout');
  assert.deepEqual(l.data, {
    view: '1:0', participants: [],
    requested_layout: { primary_screen: { chair_layout: '1:0', guest_layout: '1:0' } }, overlay_text_enabled: false,
  }, 'voice-switched 1:0; an API-only participant gets an empty list (seed)');

  ok(await px(t, 'POST', 'meet.room', 'release_token', undefined, { token: g2.token }));
  const d = await hs.next('participant_delete');
  assert.deepEqual(d.data, { uuid: g2.uuid });
  hs.close(); gs.close();
  await stop();
});

test('waiting room: a guest joining a locked conference is created as waiting_room, admitted as conference', async () => {
  const h = await join(t, 'meet.room', 'Host', '1234');
  const hs = await listen(h);
  await synced(hs);
  ok(await pcall(h, 'lock'));
  const w = await join(t, 'meet.room', 'Waiter', '5678');
  const c = await hs.next('participant_create');
  assert.deepEqual([c.data.uuid, c.data.service_type], [w.uuid, 'waiting_room']);
  validParticipant(c.data);
  // The waiting guest has a stream too and sees itself admitted.
  const ws = await listen(w);
  await synced(ws);
  ok(await onP(h, w.uuid, 'unlock'));
  const a = await hs.next('participant_update');
  assert.deepEqual([a.data.uuid, a.data.service_type], [w.uuid, 'conference']);
  const mine = await ws.next('participant_update');
  assert.equal(mine.data.service_type, 'conference');
  hs.close(); ws.close();
  await stop();
});

test('TrueConf REST kick: participant_delete for the others, disconnect + close for the kicked one', async () => {
  const h = await join(t, 'meet.room', 'Host', '1234');
  const g = await join(t, 'meet.room', 'Kicked', '5678');
  const hs = await listen(h);
  const gs = await listen(g);
  await synced(hs, gs);
  const streamId = t.parley.engine.sessions.byConferenceId('room')!.streamId;
  const list = await api(t, 'GET', `/conference-sessions/${sid(streamId)}/participants`);
  assert.equal(list.status, 200, list.text);
  assert.ok(Array.isArray(list.body.participants), list.text);
  const pid = list.body.participants.find((p: { display_name: string }) => p.display_name === 'Kicked').participant_id as string;
  const kick = await api(t, 'DELETE', `/conference-sessions/${sid(streamId)}/participants/${encodeURIComponent(pid)}`);
  assert.equal(kick.status, 200, kick.text);
  const del = await hs.next('participant_delete');
  assert.deepEqual(del.data, { uuid: g.uuid });
  const bye = await gs.next('disconnect');
  assert.deepEqual(bye.data, { reason: 'API initiated participant disconnect' });
  await gs.ended;
  assert.equal(gs.events.some((e) => e.event === 'participant_delete'), false);
  // Its token is dead: reconnecting is refused.
  const again = await listen(g);
  assert.equal(again.status, 403);
  hs.close();
  await stop();
});

test('TrueConf REST stop conference: every stream gets disconnect and closes; Pexip conference disconnect too', async () => {
  const h = await join(t, 'meet.room', 'Host', '1234');
  const g = await join(t, 'meet.room', 'Guest', '5678');
  const hs = await listen(h);
  const gs = await listen(g);
  await synced(hs, gs);
  const r = await api(t, 'POST', '/conferences/room/stop');
  assert.equal(r.status, 200, r.text);
  for (const s of [hs, gs]) {
    const d = await s.next('disconnect');
    assert.deepEqual(d.data, { reason: 'API initiated conference termination' });
    await s.ended;
  }

  const h2 = await join(t, 'meet.room', 'Host', '1234');
  const s2 = await listen(h2);
  await synced(s2);
  ok(await pcall(h2, 'disconnect'));
  assert.ok((await s2.next('disconnect')).data.reason);
  await s2.ended;
});

test('Last-Event-ID: a reconnect within the buffer replays what was missed; an unknown id gets a full sync', async () => {
  const h = await join(t, 'meet.room', 'Host', '1234');
  const g = await join(t, 'meet.room', 'Guest', '5678');
  const hs = await listen(h);
  const gs = await listen(g);
  await synced(hs, gs);
  ok(await onP(h, h.uuid, 'mute'));
  await gs.next('participant_update');
  const last = gs.lastId()!;
  assert.ok(last);
  gs.close();
  await sleep(30);
  ok(await onP(h, g.uuid, 'mute'));
  ok(await pcall(h, 'lock'));
  const back = await listen(g, 'meet.room', t, { 'last-event-id': last });
  await back.until((ev) => ev.some((e) => e.event === 'conference_update'));
  assert.deepEqual(back.events.map((e) => e.event), ['participant_update', 'conference_update'], 'only what was missed, no sync');
  assert.equal(back.events[0].data.uuid, g.uuid);
  const ids = back.events.map((e) => Number(e.id!.split('.')[1]));
  assert.deepEqual(ids, [ids[0], ids[0] + 1], 'sequential ids');
  assert.equal(ids[0], Number(last.split('.')[1]) + 1);

  const fresh = await listen(g, 'meet.room', t, { 'last-event-id': 'feedbeef.3' });
  await fresh.next('participant_sync_end');
  assert.equal(fresh.events[0].event, 'participant_sync_begin');
  hs.close(); back.close(); fresh.close();
  await stop();
});

test('streams unsubscribe: bus listeners go back to their count after streams close and the conference ends', async () => {
  const bus = t.parley.engine.bus;
  const base = bus.listenerCount();
  const h = await join(t, 'meet.room', 'Host', '1234');
  const g = await join(t, 'meet.room', 'Guest', '5678');
  const joined = bus.listenerCount();
  const streams: SseStream[] = [];
  for (let i = 0; i < 5; i++) streams.push(await listen(i % 2 ? g : h));
  for (const s of streams) await s.next('participant_sync_end');
  const open = bus.listenerCount();
  assert.ok(open > joined, 'the conference feed subscribes');
  assert.ok(open - joined < 20, 'one feed per conference, not one subscription per stream');
  for (const s of streams) s.close();
  await sleep(50);
  await stop();
  await sleep(20);
  assert.equal(bus.listenerCount(), base);
});

test('transfer: refer with a one-time token, then the stream closes; the token joins the target', async () => {
  const h = await join(t, 'meet.room', 'Host', '1234');
  const g = await join(t, 'meet.room', 'Mover', '5678');
  const gs = await listen(g);
  await gs.next('participant_sync_end');
  ok(await onP(h, g.uuid, 'transfer', { conference_alias: 'meet.other', role: 'guest' }));
  const refer = await gs.next('refer');
  assert.equal(refer.data.alias, 'meet.other');
  assert.equal(typeof refer.data.token, 'string');
  await gs.ended;
  assert.equal(gs.events.some((e) => e.event === 'disconnect'), false, 'a transferred client follows refer');
  const there = await px(t, 'POST', 'meet.other', 'request_token', { display_name: 'Mover', token: refer.data.token });
  assert.equal(there.status, 200, there.text);
  await stop(); await stop('other');
});

test('heartbeats, release and expiry end the stream with disconnect; a refresh keeps it open; replay buffer bounds', async () => {
  const s = await startServer({ pexipHeartbeatMs: 40, pexipTokenTtl: 2, pexipReplayEvents: 2 });
  try {
    await pexipConference(s, 'hb', { aliases: ['meet.hb'], host_pin: '1234' });
    const pj = async (name: string, pin = '1234') => {
      const r = await px(s, 'POST', 'meet.hb', 'request_token', { display_name: name }, { pin });
      assert.equal(r.status, 200, r.text);
      return { token: r.body.result.token, uuid: r.body.result.participant_uuid, role: r.body.result.role, body: r.body } as Joined;
    };
    const a = await pj('A');
    const as = await listen(a, 'meet.hb', s);
    await as.until(() => as.comments.length >= 2, 1000);
    assert.equal(as.comments[0], 'heartbeat');

    // Release: disconnect, then the stream ends.
    const b = await pj('B');
    const bs = await listen(b, 'meet.hb', s);
    await bs.next('participant_sync_end');
    const rel = await px(s, 'POST', 'meet.hb', 'release_token', undefined, { token: b.token });
    assert.equal(rel.status, 200);
    assert.ok((await bs.next('disconnect')).data.reason);
    await bs.ended;

    // Refresh: the stream stays open across the new token.
    const r = await px(s, 'POST', 'meet.hb', 'refresh_token', undefined, { token: a.token });
    assert.equal(r.status, 200, r.text);
    a.token = r.body.result.token;
    await sleep(100);
    assert.equal(as.isEnded(), false);

    // Bounded buffer: an id older than the last 2 events gets a full sync.
    const c = await pj('C');
    const cs = await listen(c, 'meet.hb', s);
    await cs.next('participant_sync_end');
    const old = cs.lastId()!;
    cs.close();
    for (const fn of ['mute', 'unmute', 'mute', 'unmute']) {
      const m = await px(s, 'POST', 'meet.hb', `participants/${a.uuid}/${fn}`, undefined, { token: a.token });
      assert.equal(m.status, 200, m.text);
    }
    const cs2 = await listen(c, 'meet.hb', s, { 'last-event-id': old });
    await cs2.next('participant_sync_end');
    assert.equal(cs2.events[0].event, 'participant_sync_begin');
    cs2.close();

    // Expiry: no refresh within `expires` → disconnect, and the stream ends.
    const d = await as.next('disconnect', 4000);
    assert.equal(typeof d.data.reason, 'string');
    await as.ended;
    failed(await px(s, 'GET', 'meet.hb', 'conference_status', undefined, { token: a.token }), 403, 'Invalid token');
  } finally {
    await s.close();
  }
});

test('dial: the called user shows as participant_create "connecting" (call_direction out) with the dialled role', async () => {
  await createUsers(t, 'bob');
  // Bob has a client connected (what the TrueConf client or bot sockets register), so he can be rung.
  const conn = t.parley.engine.presence.connect('bob', 'test');
  const h = await join(t, 'meet.room', 'Host', '1234');
  const hs = await listen(h);
  await synced(hs);
  const r = await pcall(h, 'dial', { role: 'GUEST', destination: 'bob', protocol: 'auto' });
  assert.equal(r.status, 200, r.text);
  const c = await hs.next('participant_create');
  assert.deepEqual([c.data.uuid, c.data.service_type, c.data.call_direction], [r.body.result[0], 'connecting', 'out']);
  assert.ok(c.data.start_time > 1_600_000_000, 'rung at: Unix seconds');
  validParticipant(c.data);
  const u = await hs.next('participant_update');
  assert.deepEqual([u.data.uuid, u.data.role, u.data.service_type], [c.data.uuid, 'guest', 'connecting']);
  t.parley.engine.presence.disconnect(conn.id, 'bob');
  hs.close();
  await stop();
});

test('a muteguests burst reaches every stream once, in order, ids rising, conference_update last; a reconnect mid-burst gets no duplicates', async () => {
  const h = await join(t, 'meet.room', 'Host', '1234');
  const guests: Joined[] = [];
  for (let i = 0; i < 6; i++) guests.push(await join(t, 'meet.room', `G${i}`, '5678'));
  const streams = await Promise.all([h, ...guests].map((j) => listen(j)));
  await synced(...streams);
  const mark = streams.map((s) => s.events.length);
  ok(await pcall(h, 'muteguests'));
  for (const s of streams) await s.until((ev) => ev.some((e) => e.event === 'conference_update' && (e.data as any)?.guests_muted === true));
  streams.forEach((s, i) => {
    const got = s.events.slice(mark[i]).filter((e) => e.event === 'participant_update' || e.event === 'conference_update');
    assert.deepEqual(got.filter((e) => e.event === 'participant_update').map((e) => (e.data as any).display_name).sort(), guests.map((_, k) => `G${k}`));
    assert.equal(got.at(-1)!.event, 'conference_update', 'the state change comes after the participant updates');
    const ids = got.map((e) => Number(String(e.id).split('.')[1]));
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'ids rise');
    assert.equal(new Set(ids).size, ids.length, 'no frame twice');
  });
  // A stream that reconnects with Last-Event-ID in the same turn as a burst is published: replay only, no repeats.
  const last = streams[1].events.at(-1)!.id!;
  streams[1].close();
  const unmute = pcall(h, 'unmuteguests');
  const again = await listen(guests[0], 'meet.room', t, { 'last-event-id': String(last) });
  ok(await unmute);
  await again.until((ev) => ev.some((e) => e.event === 'conference_update' && (e.data as any)?.guests_muted === false));
  await sleep(100);
  const ids = again.events.filter((e) => e.id).map((e) => String(e.id));
  assert.equal(new Set(ids).size, ids.length, `no frame twice: ${ids.join(' ')}`);
  for (const s of [...streams, again]) s.close();
  await stop();
});
