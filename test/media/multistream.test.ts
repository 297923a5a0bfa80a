import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, eventually } from '../helpers/server.js';
import { MediaClient } from '../helpers/media-client.js';
import { openSse } from '../helpers/sse.js';
import { join, pexipConference, px } from '../protocols/pexip/pexip.js';

// Parley's multistream extension (docs/pexip.md): a call with parley_multistream receives each participant's
// video on a slot of its own, and the parley_slots event says which participant each slot (mid) shows.
test('multistream: each other participant on its own slot, announced by parley_slots; plain clients never see it', { timeout: 60_000 }, async () => {
  const t = await startServer();
  const clients: MediaClient[] = [];
  try {
    await pexipConference(t, 'ms');
    const enter = async (name: string, extra: Record<string, unknown> = {}) => {
      const j = await join(t, 'ms', name);
      const c = new MediaClient({ base: t.base, alias: 'ms', token: j.token, uuid: j.uuid, tone: 0, tag: name, ...extra });
      clients.push(c);
      return { j, c };
    };
    const a = await enter('A');
    const b = await enter('B');
    const m = await enter('M', { slots: 3 });
    const plain = await openSse(`${t.base}/api/client/v2/conferences/ms/events?token=${a.j.token}`);
    const mine = await openSse(`${t.base}/api/client/v2/conferences/ms/events?token=${m.j.token}`);
    for (const x of [a, b]) assert.equal((await x.c.connect()).status, 200);
    assert.equal((await m.c.connect()).status, 200);

    // Both others get a slot; the third slot stays empty.
    await mine.until((ev) => ev.some((e) => e.event === 'parley_slots' && e.data.slots.filter((s: any) => s.participant_uuid).length === 2), 5000).catch((e) => { console.log(JSON.stringify(mine.events.filter((x) => x.event === 'parley_slots').map((x) => x.data))); throw e; });
    const ev = mine.events.filter((e) => e.event === 'parley_slots').at(-1)!;
    assert.equal(ev.data.call_uuid, m.c.callUuid);
    assert.equal(ev.data.slots.length, 3);
    const byMid = new Map<string, string>(ev.data.slots.filter((s: any) => s.participant_uuid).map((s: any) => [s.mid, s.participant_uuid]));
    const tagOf = new Map([[a.j.uuid, 'A'], [b.j.uuid, 'B']]);
    await eventually(() => [...byMid.keys()].every((mid) => m.c.seen.some((s) => s.mid === mid)), 5000, 'video on both slots');
    for (const s of m.c.seen) {
      if (byMid.has(s.mid)) assert.equal(s.tag, tagOf.get(byMid.get(s.mid)!), `slot ${s.mid} shows its announced participant`);
    }
    assert.ok(!m.c.seen.some((s) => s.tag === 'M'), 'never oneself');

    // A stops its video (video mute): its slot empties, B keeps its own slot.
    const host = a.j.role === 'HOST' ? a.j : b.j;
    assert.equal((await px(t, 'POST', 'ms', `participants/${a.j.uuid}/video_muted`, {}, { token: host.token })).status, 200);
    await mine.until((ev2) => {
      const last = ev2.filter((e) => e.event === 'parley_slots').at(-1)!;
      return !last.data.slots.some((s: any) => s.participant_uuid === a.j.uuid);
    }, 5000);
    const after = mine.events.filter((e) => e.event === 'parley_slots').at(-1)!;
    const bMid = [...byMid].find(([, uuid]) => uuid === b.j.uuid)![0];
    assert.equal(after.data.slots.find((s: any) => s.mid === bMid).participant_uuid, b.j.uuid, 'B stays on its slot');

    assert.equal(plain.events.some((e) => e.event === 'parley_slots'), false, 'other participants never get parley_slots');
    plain.close(); mine.close();
  } finally {
    for (const c of clients) c.close();
    await t.close();
  }
});

test('multistream: bad flag values and presentation calls are refused', { timeout: 30_000 }, async () => {
  const t = await startServer();
  try {
    await pexipConference(t, 'ms2');
    const j = await join(t, 'ms2', 'A');
    const sdp = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n';
    const r1 = await px(t, 'POST', 'ms2', `participants/${j.uuid}/calls`, { call_type: 'WEBRTC', sdp, parley_multistream: 'yes' }, { token: j.token });
    assert.equal(r1.status, 400);
    assert.equal(r1.body.status, 'failed');
    const r2 = await px(t, 'POST', 'ms2', `participants/${j.uuid}/calls`, { call_type: 'WEBRTC', sdp, present: 'send', parley_multistream: true }, { token: j.token });
    assert.equal(r2.status, 400);
    assert.match(r2.body.result, /main call only/);
  } finally {
    await t.close();
  }
});
