import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer, eventually } from '../helpers/server.js';
import { MediaClient } from '../helpers/media-client.js';
import { openSse } from '../helpers/sse.js';
import { join, pexipConference, px } from '../protocols/pexip/pexip.js';

let t: TestServer;
const clients: MediaClient[] = [];
before(async () => { t = await startServer(); });
after(async () => { for (const c of clients) c.close(); await t.close(); });

async function enter(alias: string, name: string, tone: number, extra: Partial<ConstructorParameters<typeof MediaClient>[0]> = {}) {
  const j = await join(t, alias, name);
  const c = new MediaClient({ base: t.base, alias, token: j.token, uuid: j.uuid, tone, tag: name, ...extra });
  clients.push(c);
  const r = await c.connect();
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return { c, j };
}

test('voice-switched video: everyone sees the speaker, the speaker sees the previous one; RTP stays continuous', { timeout: 60_000 }, async () => {
  await pexipConference(t, 'vs');
  const a = await enter('vs', 'A', 0);
  const b = await enter('vs', 'B', 0);
  const sse = await openSse(`${t.base}/api/client/v2/conferences/vs/events?token=${a.j.token}`);
  const c = await enter('vs', 'C', 0);
  // Nobody speaks: the stage is joining order, so A sees B, and B and C see A.
  await eventually(() => a.c.lastSeen() === 'B' && b.c.lastSeen() === 'A' && c.c.lastSeen() === 'A', 5000, 'initial video');
  // C starts talking: A and B switch to C, C keeps seeing A (the previous stage head).
  c.c.opts.tone = 700;
  await eventually(() => a.c.lastSeen() === 'C' && b.c.lastSeen() === 'C', 5000, 'switch to C');
  assert.equal(c.c.lastSeen(), 'A');
  const stage = await sse.next('stage', 5000);
  assert.ok(Array.isArray(stage.data));
  await sse.until((ev) => ev.some((e) => e.event === 'stage' && e.data[0]?.participant_uuid === c.j.uuid && e.data[0]?.vad === 100), 5000);
  // One stream for A: one SSRC, sequence numbers without a gap across the switch, timestamps moving forward.
  const seen = a.c.seen;
  assert.equal(new Set(seen.map((s) => s.ssrc)).size, 1);
  for (let i = 1; i < seen.length; i++) {
    assert.equal((seen[i].seq - seen[i - 1].seq + 65536) % 65536, 1, `sequence gap at ${i}`);
    assert.ok(((seen[i].ts - seen[i - 1].ts) >>> 0) < 0x80000000, `timestamp went back at ${i}`);
  }
  sse.close();
});

test('server-side mute: a muted participant is not heard, a video-muted one is not seen', { timeout: 60_000 }, async () => {
  await pexipConference(t, 'mute');
  const a = await enter('mute', 'A', 440);
  const b = await enter('mute', 'B', 1000);
  const host = a.j.role === 'HOST' ? a.j : b.j;
  await eventually(() => a.c.toneAmplitude(1000) > 2000 && b.c.toneAmplitude(440) > 2000, 5000, 'both heard');
  const r = await px(t, 'POST', 'mute', `participants/${b.j.uuid}/mute`, {}, { token: host.token });
  assert.equal(r.status, 200, r.text);
  await new Promise((res) => setTimeout(res, 600));
  assert.ok(a.c.toneAmplitude(1000, 300) < 100, `B muted must be silent: ${a.c.toneAmplitude(1000, 300)}`);
  assert.ok(b.c.toneAmplitude(440) > 2000, 'A is still heard');
  await px(t, 'POST', 'mute', `participants/${b.j.uuid}/unmute`, {}, { token: host.token });
  await eventually(() => a.c.toneAmplitude(1000, 200) > 2000, 5000, 'B heard again');
  // Video mute: B's video stops reaching A.
  await px(t, 'POST', 'mute', `participants/${b.j.uuid}/video_muted`, {}, { token: host.token });
  await new Promise((res) => setTimeout(res, 300));
  const n = a.c.seen.length;
  await new Promise((res) => setTimeout(res, 500));
  assert.equal(a.c.seen.length, n, 'no video from a video-muted participant');
});

test('presentation: the presenter sends on a present=send call, others receive it on present=receive', { timeout: 60_000 }, async () => {
  await pexipConference(t, 'pres');
  const a = await enter('pres', 'A', 0);
  const b = await enter('pres', 'B', 0);
  const sse = await openSse(`${t.base}/api/client/v2/conferences/pres/events?token=${b.j.token}`);
  const share = new MediaClient({ base: t.base, alias: 'pres', token: a.j.token, uuid: a.j.uuid, tone: 0, tag: 'SCREEN', present: 'send', audio: false });
  clients.push(share);
  assert.equal((await share.connect()).status, 200);
  const start = await sse.next('presentation_start', 5000);
  assert.equal(start.data.presenter_name, 'A');
  assert.equal(start.data.presenter_uuid, a.j.uuid);
  const view = new MediaClient({ base: t.base, alias: 'pres', token: b.j.token, uuid: b.j.uuid, tone: 0, tag: 'VIEW', present: 'receive', audio: false });
  clients.push(view);
  assert.equal((await view.connect()).status, 200);
  await eventually(() => view.lastSeen() === 'SCREEN', 5000, 'presentation received');
  assert.equal((await share.hangUp()).status, 200);
  await sse.next('presentation_stop', 5000);
  sse.close();
});

test('call_disconnected: a presenter whose presentation is taken over is told on its event stream, with the reason', { timeout: 60_000 }, async () => {
  await pexipConference(t, 'steal');
  const a = await enter('steal', 'A', 0);
  const b = await enter('steal', 'B', 0);
  const sseA = await openSse(`${t.base}/api/client/v2/conferences/steal/events?token=${a.j.token}`);
  const sseB = await openSse(`${t.base}/api/client/v2/conferences/steal/events?token=${b.j.token}`);
  const shareA = new MediaClient({ base: t.base, alias: 'steal', token: a.j.token, uuid: a.j.uuid, tone: 0, tag: 'SCREEN-A', present: 'send', audio: false });
  clients.push(shareA);
  assert.equal((await shareA.connect()).status, 200);
  assert.equal((await sseB.next('presentation_start', 5000)).data.presenter_uuid, a.j.uuid);
  const shareB = new MediaClient({ base: t.base, alias: 'steal', token: b.j.token, uuid: b.j.uuid, tone: 0, tag: 'SCREEN-B', present: 'send', audio: false });
  clients.push(shareB);
  assert.equal((await shareB.connect()).status, 200);
  const ev = await sseA.next('call_disconnected', 5000);
  assert.deepEqual(ev.data, { call_uuid: shareA.callUuid, reason: 'Presentation stolen by another participant' });
  assert.equal((await sseA.next('presentation_start', 5000)).data.presenter_uuid, b.j.uuid);
  // Only the call's own participant hears of it; nobody got a snapshot of synthetic (undecodable) video.
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(sseB.events.filter((e) => e.event === 'call_disconnected').length, 0);
  assert.equal([...sseA.events, ...sseB.events].filter((e) => e.event === 'presentation_frame').length, 0);
  sseA.close();
  sseB.close();
});
