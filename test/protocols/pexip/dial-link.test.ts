import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, type TestServer } from '../../helpers/server.js';
import { openSse } from '../../helpers/sse.js';
import { px, pexipConference, join, failed, type Joined } from './pexip.js';

// Conference links (issue #4): a host of A dials conference B of this server by alias or id.
let t: TestServer;
before(async () => {
  t = await startServer();
  await pexipConference(t, 'linka', { aliases: ['meet.a'] });
  await pexipConference(t, 'linkb', { aliases: ['meet.b'], host_pin: '1111', guest_pin: '2222' });
});
after(async () => { await t.close(); });

const sessions = () => t.parley.engine.sessions;
const stopAll = async () => { for (const id of ['linka', 'linkb']) if (sessions().isRunning(id)) await sessions().stop({ kind: 'system' }, id); };
const dial = (j: Joined, alias: string, body: Record<string, unknown>) => px(t, 'POST', alias, 'dial', { protocol: 'auto', ...body }, { token: j.token });
/** Pexip GET participants, as the given participant sees them. */
const pexipList = async (j: Joined, alias: string): Promise<any[]> => {
  const r = await px(t, 'GET', alias, 'participants', undefined, { token: j.token });
  assert.equal(r.status, 200, r.text);
  return r.body.result;
};
/** TrueConf REST GET /conferences/{id}/participants. */
const restList = async (id: string): Promise<any[]> => {
  const r = await api(t, 'GET', `/conferences/${id}/participants`);
  assert.equal(r.status, 200, r.text);
  return r.body.participants;
};
const names = (rows: any[]) => rows.map((r) => r.display_name).sort();

test('dial by alias links A to B (starting B): both Pexip and TrueConf REST lists show the link; kicking one side removes both', async () => {
  const a = await join(t, 'meet.a', 'Host A');
  assert.equal(sessions().isRunning('linkb'), false);
  const d = await dial(a, 'meet.a', { role: 'GUEST', destination: 'sip:meet.b' });
  assert.equal(d.status, 200, d.text);
  assert.equal(d.body.result.length, 1);
  const [uuid] = d.body.result as string[];
  assert.equal(sessions().isRunning('linkb'), true, 'B starts like on a first join');

  const inA = (await pexipList(a, 'meet.a')).find((r) => r.uuid === uuid);
  assert.ok(inA, 'the new participant is in A');
  assert.deepEqual([inA.display_name, inA.call_direction, inA.role, inA.service_type, inA.has_media], ['Topic linkb', 'out', 'guest', 'conference', false]);

  const b = await join(t, 'meet.b', 'Host B', '1111');
  const listB = await pexipList(b, 'meet.b');
  const inB = listB.find((r) => r.display_name === 'Topic linka');
  assert.ok(inB, JSON.stringify(listB));
  assert.deepEqual([inB.call_direction, inB.role, inB.service_type, inB.has_media], ['in', 'guest', 'conference', false]);

  assert.deepEqual(names(await restList('linka')), ['Host A', 'Topic linkb']);
  assert.deepEqual(names(await restList('linkb')), ['Host B', 'Topic linka']);

  // B's host kicks the link: A's participant for B goes too.
  const k = await px(t, 'POST', 'meet.b', `participants/${inB.uuid}/disconnect`, undefined, { token: b.token });
  assert.equal(k.status, 200, k.text);
  assert.deepEqual(names(await pexipList(b, 'meet.b')), ['Host B']);
  assert.deepEqual(names(await pexipList(a, 'meet.a')), ['Host A']);
  assert.deepEqual(names(await restList('linka')), ['Host A']);

  // Dial again and kick from A's side: B's participant for A goes too.
  const d2 = await dial(a, 'meet.a', { role: 'GUEST', destination: 'meet.b' });
  assert.equal(d2.status, 200, d2.text);
  assert.deepEqual(names(await restList('linkb')), ['Host B', 'Topic linka']);
  const k2 = await px(t, 'POST', 'meet.a', `participants/${d2.body.result[0]}/disconnect`, undefined, { token: a.token });
  assert.equal(k2.status, 200, k2.text);
  assert.deepEqual(names(await restList('linkb')), ['Host B']);
  assert.deepEqual(names(await restList('linka')), ['Host A']);
  await stopAll();
});

test('dial by id with HOST and display names: a locked B lets the link in; stopping B removes A\'s link (events)', async () => {
  const a = await join(t, 'meet.a', 'Host A');
  const b = await join(t, 'meet.b', 'Host B', '1111');
  assert.equal((await px(t, 'POST', 'meet.b', 'lock', undefined, { token: b.token })).status, 200);
  const sa = await openSse(`${t.base}/api/client/v2/conferences/meet.a/events?token=${encodeURIComponent(a.token)}`);
  try {
    await sa.next('participant_sync_end');
    sa.skip();
    const d = await dial(a, 'meet.a', { role: 'HOST', destination: 'linkb', source_display_name: 'From A', remote_display_name: 'To B' });
    assert.equal(d.status, 200, d.text);
    const [uuid] = d.body.result as string[];
    let created = await sa.next('participant_create');
    while (created.data.uuid !== uuid) created = await sa.next('participant_create');
    assert.deepEqual([created.data.display_name, created.data.role, created.data.call_direction], ['To B', 'chair', 'out']);

    const inB = (await pexipList(b, 'meet.b')).find((r) => r.display_name === 'From A');
    assert.ok(inB);
    assert.deepEqual([inB.role, inB.service_type, inB.call_direction], ['chair', 'conference', 'in'], 'a host\'s link is not held by the lock');
    assert.deepEqual(names(await restList('linkb')), ['From A', 'Host B']);

    // B ends (its host disconnects everyone): A's participant for B is deleted.
    assert.equal((await px(t, 'POST', 'meet.b', 'disconnect', undefined, { token: b.token })).status, 200);
    assert.equal(sessions().isRunning('linkb'), false);
    let del = await sa.next('participant_delete');
    while (del.data.uuid !== uuid) del = await sa.next('participant_delete');
    assert.deepEqual(names(await pexipList(a, 'meet.a')), ['Host A']);
    assert.deepEqual(names(await restList('linka')), ['Host A']);
  } finally { sa.close(); }

  // A ending removes B's participant for A.
  await join(t, 'meet.b', 'Host B2', '1111');
  assert.equal((await dial(a, 'meet.a', { role: 'GUEST', destination: 'meet.b' })).status, 200);
  assert.deepEqual(names(await restList('linkb')), ['Host B2', 'Topic linka']);
  await sessions().stop({ kind: 'system' }, 'linka');
  assert.deepEqual(names(await restList('linkb')), ['Host B2']);
  await stopAll();
});

test('self-dial is 400, a guest dialling is 403 Invalid role, an unknown destination stays 400', async () => {
  const a = await join(t, 'meet.a', 'Host A');
  for (const destination of ['meet.a', 'linka', 'sip:meet.a']) {
    failed(await dial(a, 'meet.a', { role: 'GUEST', destination }), 400, 'A conference cannot dial itself');
  }
  failed(await dial(a, 'meet.a', { role: 'GUEST', destination: 'no.such.room' }), 400);
  assert.deepEqual(names(await restList('linka')), ['Host A']);
  const g = await join(t, 'meet.b', 'Guest B', '2222');
  failed(await dial(g, 'meet.b', { role: 'GUEST', destination: 'meet.a' }), 403, 'Invalid role');
  assert.deepEqual(names(await restList('linka')), ['Host A']);
  await stopAll();
});
