import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { RTCRtpCodecParameters, useOPUS, useVP8 } from 'werift';
import { dtmf } from '@pexip/infinity-api';
// utils is re-exported without an extension in index.d.ts, which NodeNext type resolution cannot follow.
import { withToken } from '@pexip/infinity-api/dist/utils.js';
import { api, startServer, type TestServer, eventually } from '../helpers/server.js';
import { MediaClient, offerWith, type MediaClientOptions } from '../helpers/media-client.js';
import { cutNetwork } from '../helpers/wire.js';
import { openSse } from '../helpers/sse.js';
import { sid } from '../helpers/fixtures.js';
import { failed, join, ok, pexipConference, px } from '../protocols/pexip/pexip.js';
import { CALL_END } from '../../src/engine/media/calls.js';

// Robustness of the media plane: clients that vanish, lossy networks. A short media timeout keeps the ghost
// tests fast; live clients send RTP every 20 ms, far inside it.
const MEDIA_TIMEOUT_MS = 3000;
let t: TestServer;
const clients: MediaClient[] = [];
const ended: Array<{ participantId: string; reason?: string }> = [];
before(async () => {
  t = await startServer({ mediaTimeoutMs: MEDIA_TIMEOUT_MS });
  t.parley.engine.bus.on('media.call', (e) => { if (e.state === 'ended') ended.push({ participantId: e.participantId, reason: e.reason }); });
});
after(async () => { for (const c of clients) c.close(); await t.close(); });

async function enter(alias: string, name: string, tone: number, extra: Partial<MediaClientOptions> = {}) {
  const j = await join(t, alias, name);
  const c = new MediaClient({ base: t.base, alias, token: j.token, uuid: j.uuid, tone, tag: name, ...extra });
  clients.push(c);
  const r = await c.connect().catch((err: Error) => {
    // Why the server dropped the call, when it did (a connect under heavy load is what usually fails).
    const why = ended.filter((e) => e.participantId === j.uuid).map((e) => e.reason ?? 'no reason');
    throw new Error(`${name}: ${err.message}; server ended its calls: ${JSON.stringify(why)}`);
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return { c, j };
}

const restParticipants = async (alias: string) => {
  const s = t.parley.engine.sessions.byConferenceId(alias)!;
  const r = await api(t, 'GET', `/conference-sessions/${sid(s.streamId)}/participants`);
  assert.equal(r.status, 200, r.text);
  return r.body.count as number;
};

for (const how of ['network cut', 'peer closed'] as const) {
  test(`a client that vanishes without BYE (${how}) is removed; the room goes on for the others`, { timeout: 45_000 }, async () => {
    const alias = how === 'network cut' ? 'ghost_cut' : 'ghost_close';
    await pexipConference(t, alias);
    const a = await enter(alias, 'A', 440);
    const b = await enter(alias, 'B', 1000);
    const g = await enter(alias, 'G', 2500);
    const sse = await openSse(`${t.base}/api/client/v2/conferences/${alias}/events?token=${a.j.token}`);
    await eventually(() => a.c.toneAmplitude(2500) > 1500 && a.c.toneAmplitude(1000) > 1500, 10_000, 'A hears B and G');
    assert.equal(await restParticipants(alias), 3);
    sse.skip();
    const reasons: string[] = [];
    const off = t.parley.engine.bus.on('media.call', (e) => { if (e.participantId === g.j.uuid && e.state === 'ended' && e.reason) reasons.push(e.reason); });
    const t0 = performance.now();
    if (how === 'network cut') cutNetwork(g.c.pc); else g.c.stop();
    const del = await sse.next('participant_delete', MEDIA_TIMEOUT_MS + 3000);
    const took = performance.now() - t0;
    console.log(`# ghost (${how}) removed after ${Math.round(took)} ms (media timeout ${MEDIA_TIMEOUT_MS} ms)`);
    assert.deepEqual(del.data, { uuid: g.j.uuid });
    // The bound: the silence watchdog (timeout + its 1 s period, + slack for a loaded machine), well before
    // werift's ICE consent expiry (30 s without a consent response, checks every 5 s).
    assert.ok(took < MEDIA_TIMEOUT_MS + 2000, `removed after ${took} ms`);
    assert.equal(await restParticipants(alias), 2);
    assert.deepEqual(t.parley.engine.media.of(g.j.uuid), []);
    off();
    assert.deepEqual(reasons, [CALL_END.timeout], 'the call ended for silence, and says so');
    // The others still hear each other, and no longer the ghost.
    await eventually(() => a.c.toneAmplitude(1000) > 1500 && b.c.toneAmplitude(440) > 1500, 10_000, 'A and B hear each other');
    assert.ok(a.c.toneAmplitude(2500) < 100, 'the ghost is gone from the mix');
    sse.close();
  });
}

test('10% loss and reordering on a publisher: its tone and video still arrive; NACK repairs video, PLI asks keyframes', { timeout: 60_000 }, async () => {
  await pexipConference(t, 'lossy');
  const a = await enter('lossy', 'A', 0);
  const l = await enter('lossy', 'L', 1000, { loss: 0.1, reorder: true });
  // Conditions, not fixed sleeps: on a loaded machine the publisher's clock runs late, and that is not loss.
  await eventually(() => l.c.wire.dropped > 10 && l.c.wire.swapped > 10, 15_000, 'loss and reordering on the wire');
  await eventually(() => l.c.nackStats().retransmitted > 0, 10_000, 'the server NACKs lost video, L retransmits');
  await eventually(() => a.c.toneAmplitude(1000, 1000) > 1500, 10_000, 'A hears the lossy publisher');
  const heard = a.c.toneAmplitude(1000, 1000);
  const n = a.c.seen.length;
  await eventually(() => a.c.seen.length > n + 10, 10_000, 'L\'s video keeps reaching A');
  const video = a.c.seen.slice(n);
  const nack = l.c.nackStats();
  console.log(`# lossy publisher: wire dropped ${l.c.wire.dropped}, swapped ${l.c.wire.swapped}; server NACKs ${nack.nacks}, retransmitted ${nack.retransmitted}; tone amplitude at A over 1 s ${heard.toFixed(0)} (alone, lossless: ~6000)`);
  assert.ok(video.every((v) => v.tag === 'L'), 'A sees L');
  // PLI: A lost a picture; the server passes the request on to the source it shows A.
  const before = l.c.keyframeRequests;
  const vr = a.c.pc.getTransceivers().find((x) => x.kind === 'video')!.receiver;
  await vr.sendRtcpPLI(a.c.seen.at(-1)!.ssrc);
  await eventually(() => l.c.keyframeRequests > before, 5000, 'PLI from A reaches L');
  // The server is still fine: a newcomer gets both.
  const c = await enter('lossy', 'C', 0);
  await eventually(() => c.c.toneAmplitude(1000) > 1500 && c.c.seen.length > 0, 10_000, 'a newcomer hears and sees L');
});


const PCMA = () => new RTCRtpCodecParameters({ mimeType: 'audio/PCMA', clockRate: 8000, payloadType: 8 });
const VP9 = () => new RTCRtpCodecParameters({ mimeType: 'video/VP9', clockRate: 90000, payloadType: 98 });

test('bad calls get the Pexip error and leave nothing behind', { timeout: 60_000 }, async () => {
  await pexipConference(t, 'errs', { host_pin: '1234', guest_pin: '5678' });
  const a = await join(t, 'errs', 'A', '1234');
  const b = await join(t, 'errs', 'B', '1234');
  const call = (j: { token: string; uuid: string }, body: Record<string, unknown>, uuid = j.uuid) =>
    px(t, 'POST', 'errs', `participants/${uuid}/calls`, { call_type: 'WEBRTC', ...body }, { token: j.token });
  const nothingFor = (...uuids: string[]) => { for (const u of uuids) assert.deepEqual(t.parley.engine.media.of(u), [], `no call left for ${u}`); };
  const good = await offerWith([useOPUS()], [useVP8()]);

  // Garbage and unusable offers: 400 with a message, no call.
  const garbage = ['hello', 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n', 'v=0\r\nthis is not sdp\r\nm=video x y z\r\n', good.slice(0, Math.floor(good.length / 2))];
  for (const sdp of garbage) {
    const r = await call(a, { sdp });
    failed(r, 400);
    assert.equal(typeof r.body.result, 'string');
    nothingFor(a.uuid);
  }
  for (const [what, sdp] of [['only PCMA', await offerWith([PCMA()], [])], ['only VP9', await offerWith([], [VP9()])], ['PCMA and VP9', await offerWith([PCMA()], [VP9()])]] as const) {
    const r = await call(a, { sdp });
    failed(r, 400);
    assert.match(r.body.result, /codec/i, what);
    nothingFor(a.uuid);
  }
  // Not one's own participant: 403, for calls and for every call function.
  failed(await call(a, { sdp: good }, b.uuid), 403, 'Invalid role');
  nothingFor(a.uuid, b.uuid);

  // A real call, then a second main call for the same participant: 400, the first one stays.
  const c = new MediaClient({ base: t.base, alias: 'errs', token: a.token, uuid: a.uuid, tone: 0, tag: 'A' });
  clients.push(c);
  assert.equal((await c.connect()).status, 200);
  failed(await call(a, { sdp: good }), 400, 'The participant already has a media call');
  assert.deepEqual(t.parley.engine.media.of(a.uuid).map((x) => x.id), [c.callUuid]);
  for (const fn of ['ack', 'update', 'new_candidate', 'disconnect', 'dtmf']) {
    const body = { sdp: good, candidate: 'candidate:1 1 udp 2130706431 127.0.0.1 9 typ host', mid: '0', digits: '1' };
    failed(await px(t, 'POST', 'errs', `participants/${b.uuid}/calls/${c.callUuid}/${fn}`, body, { token: a.token }), 403, 'Invalid role');
    // Unknown call uuid on one's own participant: 403 Call not found.
    failed(await px(t, 'POST', 'errs', `participants/${a.uuid}/calls/00000000-0000-4000-8000-000000000000/${fn}`, body, { token: a.token }), 403, 'Call not found');
    // Another participant's call on one's own uuid is unknown too.
    failed(await px(t, 'POST', 'errs', `participants/${b.uuid}/calls/${c.callUuid}/${fn}`, body, { token: b.token }), 403, 'Call not found');
  }
  // update with garbage: 400, and the call still carries media.
  failed(await px(t, 'POST', 'errs', `participants/${a.uuid}/calls/${c.callUuid}/update`, { sdp: 'nonsense' }, { token: a.token }), 400);
  assert.equal(t.parley.engine.media.of(a.uuid).length, 1);

  // A guest in the waiting room has no media yet: 403.
  ok(await px(t, 'POST', 'errs', 'lock', undefined, { token: a.token }));
  const w = await join(t, 'errs', 'W', '5678');
  assert.equal(w.body.result.current_service_type, 'waiting_room');
  failed(await call(w, { sdp: good }), 403, 'Invalid role');
  nothingFor(w.uuid);
  // A released token: 403 Invalid token.
  ok(await px(t, 'POST', 'errs', 'release_token', undefined, { token: b.token }));
  failed(await call(b, { sdp: good }), 403, 'Invalid token');
  nothingFor(b.uuid);
});

test('an offer with Opus and only VP9 video is answered audio-only: the video m-line rejected, the call goes ahead', { timeout: 60_000 }, async () => {
  await pexipConference(t, 'vp9');
  const a = await enter('vp9', 'A', 440);
  const n = await enter('vp9', 'N', 1000, { videoCodec: 'vp9' });
  // The answer keeps the m-line order: audio live, video rejected (port 0) and out of the BUNDLE group.
  const mlines = n.c.answer.match(/^m=.*$/gm)!;
  assert.equal(mlines.length, 2);
  assert.match(mlines[0], /^m=audio [1-9]/);
  assert.match(mlines[1], /^m=video 0 /);
  const videoMid = /^a=mid:(\S+)/m.exec(n.c.answer.slice(n.c.answer.search(/^m=video/m)))![1];
  assert.ok(!/^a=group:BUNDLE(.*)$/m.exec(n.c.answer)![1].split(' ').includes(videoMid), 'the rejected m-line is not bundled');
  // Media state: an audio-only call, on the engine and in what Pexip clients read.
  assert.deepEqual(t.parley.engine.media.of(n.j.uuid).map((c) => c.media), [{ audio: true, video: false }]);
  const list = await px(t, 'GET', 'vp9', 'participants', undefined, { token: a.j.token });
  const me = list.body.result.find((p: any) => p.uuid === n.j.uuid);
  assert.deepEqual([me.is_audio_only_call, me.is_video_call], ['YES', 'NO']);
  // Audio flows both ways; no video goes either way.
  await eventually(() => n.c.toneAmplitude(440) > 1500 && a.c.toneAmplitude(1000) > 1500, 10_000, 'A and N hear each other');
  assert.deepEqual(a.c.seen.filter((s) => s.tag === 'N'), []);
  assert.deepEqual(n.c.seen, []);
});

test('an expired token cannot add a call: 403 Invalid token', { timeout: 20_000 }, async () => {
  const short = await startServer({ pexipTokenTtl: 1 });
  try {
    await pexipConference(short, 'quick');
    const a = await join(short, 'quick', 'Sleepy');
    const sdp = await offerWith([useOPUS()], [useVP8()]);
    await new Promise((r) => setTimeout(r, 1300));
    failed(await px(short, 'POST', 'quick', `participants/${a.uuid}/calls`, { call_type: 'WEBRTC', sdp }, { token: a.token }), 403, 'Invalid token');
    assert.deepEqual(short.parley.engine.media.of(a.uuid), []);
  } finally {
    await short.close();
  }
});

test('through @pexip/infinity-api: trickle ICE connects; update adds video (media flows) and answers an ICE restart', { timeout: 60_000 }, async () => {
  await pexipConference(t, 'pkg');
  // T sends its offer without candidates and trickles them on new_candidate (result null, validated).
  const tr = await enter('pkg', 'T', 440, { infinity: true, trickle: true, video: false });
  assert.doesNotMatch(tr.c.answer, /^m=video/m);
  const v = await enter('pkg', 'V', 1000, { infinity: true });
  await eventually(() => tr.c.toneAmplitude(1000) > 1500 && v.c.toneAmplitude(440) > 1500, 10_000, 'T and V hear each other');
  assert.equal(tr.c.seen.length, 0);
  // Renegotiation: T adds video; the answer (an SDP string) sends and receives it.
  const up = await tr.c.renegotiate({ video: true });
  assert.equal(up.status, 200, JSON.stringify(up.body));
  assert.match(tr.c.answer, /^m=video [1-9]/m);
  assert.match(tr.c.answer.slice(tr.c.answer.search(/^m=video/m)), /^a=sendrecv/m);
  await eventually(() => tr.c.lastSeen() === 'V' && v.c.lastSeen() === 'T', 10_000, 'T and V see each other after update');
  assert.equal(t.parley.engine.sessions.byConferenceId('pkg')!.participants.get(tr.j.uuid)!.audioOnly, false);
  // ICE restart on V: the server answers with new ICE credentials (media after a restart: the next test).
  const ufrag = /^a=ice-ufrag:(.*)$/m.exec(v.c.answer)![1];
  const restart = await v.c.renegotiate({ iceRestart: true });
  assert.equal(restart.status, 200, JSON.stringify(restart.body));
  assert.notEqual(/^a=ice-ufrag:(.*)$/m.exec(v.c.answer)![1], ufrag, 'new ICE credentials');
  // Call-level dtmf and disconnect, validated by the package.
  const base = { host: t.base, fetcher: withToken(fetch, tr.j.token), params: { conferenceAlias: 'pkg', participantUuid: tr.j.uuid, callUuid: tr.c.callUuid } };
  const d = await dtmf({ ...base, body: { digits: '12#' } });
  assert.deepEqual([d.status, (d.data as any).result], [200, true]);
  const bye = await tr.c.hangUp();
  assert.deepEqual([bye.status, bye.body], [200, { status: 'success', result: null }]);
  assert.deepEqual(t.parley.engine.media.of(tr.j.uuid), []);
});

// B's restart offer carries no candidates, as Chromium's can (see MediaClient.renegotiate): the server learns B's
// new address only from B's checks, the case in which the server never resumed sending before.
test('ICE restart through update: media resumes both ways on the same call', { timeout: 60_000 }, async () => {
  await pexipConference(t, 'restart');
  const a = await enter('restart', 'A', 440);
  const b = await enter('restart', 'B', 1000);
  // What arrived after a mark (the restart), not what was buffered before it: tone and video packets.
  const mark = (c: MediaClient) => ({ heard: c.heard.length, seen: c.seen.length });
  const flows = (c: MediaClient, from: ReturnType<typeof mark>, tone: number, tag: string) => {
    const frames = c.heard.length - from.heard;
    return frames >= 20 && c.toneAmplitude(tone, Math.min(400, frames * 20)) > 1500 && c.seen.slice(from.seen).filter((s) => s.tag === tag).length >= 10;
  };
  const start = { a: mark(a.c), b: mark(b.c) };
  await eventually(() => flows(a.c, start.a, 1000, 'B') && flows(b.c, start.b, 440, 'A'), 10_000, 'A and B hear and see each other');
  const ufrag = /^a=ice-ufrag:(.*)$/m.exec(b.c.answer)![1];
  const restart = await b.c.renegotiate({ iceRestart: true, noCandidates: true });
  assert.equal(restart.status, 200, JSON.stringify(restart.body));
  assert.notEqual(/^a=ice-ufrag:(.*)$/m.exec(b.c.answer)![1], ufrag, 'new ICE credentials');
  const after = { a: mark(a.c), b: mark(b.c) };
  const t0 = performance.now();
  // Server -> client: B gets the mix (A's tone) and A's video again; client -> server: A hears and sees B.
  await eventually(() => flows(b.c, after.b, 440, 'A'), 10_000, 'B hears and sees A after its ICE restart');
  await eventually(() => flows(a.c, after.a, 1000, 'B'), 10_000, 'A hears and sees B after B\'s ICE restart');
  console.log(`# ICE restart: media both ways again after ${Math.round(performance.now() - t0)} ms`);
  assert.deepEqual(t.parley.engine.media.of(b.j.uuid).map((x) => x.id), [b.c.callUuid], 'the same call, not a new one');
  // And it lasts (consent freshness runs on the new pair).
  await new Promise((r) => setTimeout(r, 2000));
  const later = { a: mark(a.c), b: mark(b.c) };
  await eventually(() => flows(b.c, later.b, 440, 'A') && flows(a.c, later.a, 1000, 'B'), 10_000, 'media keeps flowing');
});

test('H.264: clients offering only H.264 get it and see each other; a VP8 viewer gets no H.264 (no transcoding)', { timeout: 60_000 }, async () => {
  await pexipConference(t, 'h264');
  const h1 = await enter('h264', 'H1', 0, { videoCodec: 'h264' });
  const h2 = await enter('h264', 'H2', 0, { videoCodec: 'h264' });
  const v = await enter('h264', 'V', 0);
  const videoOf = (sdp: string) => sdp.slice(sdp.search(/^m=video/m));
  for (const c of [h1.c, h2.c]) {
    assert.match(videoOf(c.answer), /^a=rtpmap:\d+ H264\/90000/im);
    assert.doesNotMatch(videoOf(c.answer), /VP8/i);
  }
  assert.match(videoOf(v.c.answer), /^a=rtpmap:\d+ VP8\/90000/im);
  await eventually(() => h1.c.lastSeen() === 'H2' && h2.c.lastSeen() === 'H1', 10_000, 'H.264 clients see each other');
  await new Promise((r) => setTimeout(r, 1000));
  assert.deepEqual(v.c.seen.filter((s) => s.tag.startsWith('H')), [], 'no H.264 packets to a VP8 viewer');
  // And the VP8 publisher is not forwarded to the H.264 clients either.
  assert.ok(!h1.c.seen.some((s) => s.tag === 'V') && !h2.c.seen.some((s) => s.tag === 'V'));
});
