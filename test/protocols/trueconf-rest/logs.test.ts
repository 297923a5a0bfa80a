import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, api, errorOf, tokenWithScopes, eventually, type TestServer } from '../../helpers/server.js';
import { signIn } from '../../helpers/endpoint.js';

// Call history, call records and recordings, generated through the wire as §6 runs it (steps 15-19): a
// conference with a participant who answers, an offline invitee, one recorded stretch, an administrator's stop.

let t: TestServer;
let SID = '';
let OTHER_SID = '';
let hangUpBob: () => void = () => undefined;
const DATA_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/;
const enc = (sid: string) => encodeURIComponent(sid); // '@' → %40, '#' → %23

async function ok(method: string, path: string, body?: unknown) {
  const r = await api(t, method, path, body);
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
  return r;
}

before(async () => {
  t = await startServer();
  for (const [login, name] of [['alice', 'Alice'], ['bob', 'Bob'], ['carol', 'Carol']]) {
    await ok('POST', '/users', { login_name: login, password: `${name}-pass1`, email: `${login}@parley.test`, display_name: name });
  }
  await ok('POST', '/conferences', {
    id: 'acc_demo', topic: 'Acceptance demo', owner: 'alice@parley.test', type: 0, max_participants: 10, schedule: { type: -1 },
    invitations: [{ id: 'alice', display_name: 'Alice' }, { id: 'bob', display_name: 'Bob' }],
  });
  hangUpBob = signIn(t, 'bob', { autoAnswer: true });
  await ok('POST', '/conferences/acc_demo/run');
  SID = (await ok('GET', '/conferences/acc_demo')).body.conference.stream_id;
  assert.match(SID, /^[0-9a-f]{8}@parley\.test#vcs$/);
  await ok('POST', '/conferences/acc_demo/participants', { participant_id: 'bob' });
  await eventually(async () => (await api(t, 'GET', `/logs/calls/${enc(SID)}/participants`)).body?.cnt === 1, 5000, 'bob to join');
  await ok('POST', '/conferences/acc_demo/invite', { invitations: [{ id: 'carol', display_name: 'Carol' }] });
  await ok('POST', '/conferences/acc_demo/start-record');
  await new Promise((r) => setTimeout(r, 30));
  await ok('POST', '/conferences/acc_demo/stop-record');
  await ok('POST', '/conferences/acc_demo/stop');

  // A second, unrecorded session owned by bob, for the filters.
  await ok('POST', '/conferences', { id: 'bob_room', topic: 'Bob room', owner: 'bob@parley.test', type: 0, schedule: { type: -1 } });
  await ok('POST', '/conferences/bob_room/run');
  OTHER_SID = (await ok('GET', '/conferences/bob_room')).body.conference.stream_id;
  await ok('POST', '/conferences/bob_room/stop');
});
after(async () => { hangUpBob(); await t.close(); });

function assertCall(c: Record<string, any>) {
  assert.deepEqual(Object.keys(c).sort(), ['class', 'conference_id', 'duration', 'end_time', 'named_conf_id', 'owner',
    'participant_count', 'start_time', 'subtype', 'term_reason', 'topic', 'type']);
  assert.equal(c.conference_id, SID);
  assert.equal(c.named_conf_id, 'acc_demo');
  assert.equal(c.topic, 'Acceptance demo');
  assert.equal(c.class, 10);
  assert.equal(c.type, 5);
  assert.equal(c.subtype, 0);
  assert.equal(c.owner, 'alice@parley.test');
  assert.equal(c.participant_count, 1);
  assert.match(c.start_time.date, DATA_TIME);
  assert.equal(c.start_time.timezone_type, 3);
  assert.match(c.end_time.date, DATA_TIME);
  assert.ok(Number.isInteger(c.duration) && c.duration >= 0);
  assert.equal(c.term_reason, 15, 'stopped by an administrator application');
}

test('step 15: call history of a conference', async () => {
  const r = await api(t, 'GET', '/logs/calls?named_conf_id=acc_demo');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.cnt, 1);
  assertCall(r.body.list[0]);
});

test('step 16: one call by session id (%23-encoded), fields at top level plus the "call" wrapper', async () => {
  const r = await api(t, 'GET', `/logs/calls/${enc(SID)}`);
  assert.equal(r.status, 200, r.text);
  const { call, ...top } = r.body;
  assertCall(top);
  assert.deepEqual(call, top);
  // '@' may come raw; only '#' must be encoded.
  const raw = await api(t, 'GET', `/logs/calls/${SID.replace('#', '%23')}`);
  assert.equal(raw.status, 200);
  assert.equal(raw.body.conference_id, SID);
});

test('one call: unknown session is conferenceNotFound; term_reason appears from v3.9', async () => {
  const gone = await api(t, 'GET', `/logs/calls/${enc('ffffffff@parley.test#vcs')}`);
  assert.equal(gone.status, 404);
  assert.deepEqual(errorOf(gone), { code: 404, reason: 'conferenceNotFound', message: 'Conference ffffffff@parley.test#vcs is not found.' });
  const v38 = await api(t, 'GET', `/logs/calls/${enc(SID)}`, undefined, { version: '3.8' });
  assert.equal(v38.status, 200);
  assert.equal('term_reason' in v38.body, false);
  assert.equal((await api(t, 'GET', `/logs/calls/${enc(SID)}`, undefined, { version: '3' })).status, 404);
});

test('calls: owner, class, sort and date filters; cnt counts all matches', async () => {
  const all = await api(t, 'GET', '/logs/calls');
  assert.equal(all.body.cnt, 2);
  // Newest first by default.
  assert.deepEqual(all.body.list.map((c: { conference_id: string }) => c.conference_id), [OTHER_SID, SID]);
  const asc = await api(t, 'GET', '/logs/calls?sort_field=topic&sort_order=0');
  assert.deepEqual(asc.body.list.map((c: { topic: string }) => c.topic), ['Acceptance demo', 'Bob room']);
  const byParticipants = await api(t, 'GET', '/logs/calls?sort_field=participant_count&sort_order=1');
  assert.equal(byParticipants.body.list[0].conference_id, SID);
  const page2 = await api(t, 'GET', '/logs/calls?page_size=1&page_id=2');
  assert.equal(page2.body.cnt, 2);
  assert.deepEqual(page2.body.list.map((c: { conference_id: string }) => c.conference_id), [SID]);
  assert.deepEqual((await api(t, 'GET', '/logs/calls?owner=bob')).body.list.map((c: { conference_id: string }) => c.conference_id), [OTHER_SID]);
  assert.equal((await api(t, 'GET', '/logs/calls?owner=bob@parley.test')).body.cnt, 1);
  assert.equal((await api(t, 'GET', '/logs/calls?owner=nobody')).body.cnt, 0);
  assert.equal((await api(t, 'GET', '/logs/calls?class=10')).body.cnt, 2);
  assert.equal((await api(t, 'GET', '/logs/calls?class=1')).body.cnt, 0);
  assert.equal((await api(t, 'GET', '/logs/calls?date_from=2000-01-01+00:00:00&date_to=2999-01-01+00:00:00')).body.cnt, 2);
  assert.equal((await api(t, 'GET', '/logs/calls?date_to=2000-01-01+00:00:00')).body.cnt, 0);
  const tz = await api(t, 'GET', '/logs/calls?named_conf_id=acc_demo&timezone=-300');
  assert.equal(tz.body.list[0].start_time.timezone, '-05:00');
});

test('step 17: participants of the call', async () => {
  const r = await api(t, 'GET', `/logs/calls/${enc(SID)}/participants`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.cnt, 1);
  const bob = r.body.list[0];
  assert.deepEqual(Object.keys(bob).sort(), ['app_id', 'avg_cpu_load', 'avg_sent_fps', 'bitrate_in', 'bitrate_out', 'call_id',
    'display_name', 'duration', 'join_time', 'leave_reason', 'leave_time', 'video_h', 'video_w']);
  assert.equal(bob.call_id, 'bob@parley.test');
  assert.equal(bob.display_name, 'Bob');
  assert.match(bob.join_time.date, DATA_TIME);
  assert.match(bob.leave_time.date, DATA_TIME);
  assert.ok(Number.isInteger(bob.duration) && bob.duration >= 0);
  assert.equal(bob.leave_reason, 1);
  assert.equal((await api(t, 'GET', `/logs/calls/${enc(SID)}/participants?call_id=bob`)).body.cnt, 1);
  assert.equal((await api(t, 'GET', `/logs/calls/${enc(SID)}/participants?call_id=carol@parley.test`)).body.cnt, 0);
  assert.equal((await api(t, 'GET', `/logs/calls/${enc(SID)}/participants?sort_field=display_name&sort_order=0`)).status, 200);
  const badSort = await api(t, 'GET', `/logs/calls/${enc(SID)}/participants?sort_field=topic`);
  assert.equal(badSort.status, 400);
  assert.equal(badSort.body.error.errors[0].location, 'sort_field');
  const unknown = await api(t, 'GET', `/logs/calls/${enc('00000999@parley.test#vcs')}/participants`);
  assert.equal(unknown.status, 404);
  assert.equal(errorOf(unknown).reason, 'conferenceNotFound');
  assert.deepEqual((await api(t, 'GET', `/logs/calls/${enc(OTHER_SID)}/participants`)).body, { cnt: 0, list: [] });
});

test('step 18: invitations of the call', async () => {
  const r = await api(t, 'GET', `/logs/calls/${enc(SID)}/invites`);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.body.cnt >= 2);
  assert.equal(r.body.list.length, r.body.cnt);
  for (const i of r.body.list) {
    assert.deepEqual(Object.keys(i).sort(), ['call_id', 'invite_time', 'invited_call_id', 'is_accepted']);
    assert.equal(i.call_id, 'alice@parley.test');
    assert.match(i.invite_time.date, DATA_TIME);
  }
  const bob = r.body.list.find((i: { invited_call_id: string }) => i.invited_call_id === 'bob@parley.test');
  const carol = r.body.list.find((i: { invited_call_id: string }) => i.invited_call_id === 'carol@parley.test');
  assert.equal(bob.is_accepted, true);
  assert.equal(carol.is_accepted, false);
  const onlyCarol = await api(t, 'GET', `/logs/calls/${enc(SID)}/invites?call_id=carol`);
  assert.deepEqual(onlyCarol.body.list.map((i: { invited_call_id: string }) => i.invited_call_id), ['carol@parley.test']);
  assert.equal((await api(t, 'GET', `/logs/calls/${enc(SID)}/invites?class=10`)).body.cnt, r.body.cnt);
  assert.deepEqual((await api(t, 'GET', `/logs/calls/${enc(SID)}/invites?class=1`)).body, { cnt: 0, list: [] });
  const sorted = await api(t, 'GET', `/logs/calls/${enc(SID)}/invites?sort_field=invited_call_id&sort_order=0`);
  const ids = sorted.body.list.map((i: { invited_call_id: string }) => i.invited_call_id);
  assert.deepEqual(ids, [...ids].sort());
  assert.equal((await api(t, 'GET', `/logs/calls/${enc(SID)}/invites?date_from=2999-01-01`)).body.cnt, 0);
  assert.equal((await api(t, 'GET', `/logs/calls/${enc('nope@parley.test#vcs')}/invites`)).status, 404);
});

let recordingId = '';

test('step 19: the recording in the recordings log and in the conference records', async () => {
  const r = await api(t, 'GET', '/logs/recordings?named_conf_id=acc_demo');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.cnt, 1);
  const rec = r.body.list[0];
  assert.deepEqual(Object.keys(rec).sort(), ['conference_id', 'created_at', 'deleted_at', 'download_url', 'id', 'name', 'owner',
    'size', 'started_at', 'stopped_at', 'stream_id', 'topic']);
  recordingId = rec.id;
  assert.match(rec.id, /^\d+$/);
  assert.equal(rec.conference_id, 'acc_demo');
  assert.equal(rec.stream_id, SID);
  assert.match(rec.name, /^[0-9a-f]{8}_\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}\.mkv$/);
  assert.equal(rec.name.slice(0, 8), SID.slice(0, 8));
  assert.equal(rec.topic, 'Acceptance demo');
  assert.equal(rec.owner, 'alice@parley.test');
  assert.equal(rec.deleted_at, null);
  assert.ok(Number.isInteger(rec.started_at));
  assert.equal(rec.created_at, rec.started_at);
  assert.ok(rec.stopped_at >= rec.started_at);
  assert.match(rec.size, /^\d+$/);
  assert.equal(rec.download_url, `https://parley.test/api/v3.10/logs/recordings/${rec.id}/download`);
  const records = await api(t, 'GET', '/conferences/acc_demo/records');
  assert.equal(records.status, 200, records.text);
  assert.equal(records.body.records[0].name, rec.name);
  assert.equal(records.body.records[0].size, rec.size);
});

test('recordings: filters, single read with the "recording" wrapper, recordingNotFound', async () => {
  assert.equal((await api(t, 'GET', '/logs/recordings?named_conf_id=bob_room')).body.cnt, 0);
  assert.equal((await api(t, 'GET', '/logs/recordings?owner=alice')).body.cnt, 1);
  assert.equal((await api(t, 'GET', '/logs/recordings?owner=bob')).body.cnt, 0);
  assert.equal((await api(t, 'GET', '/logs/recordings?topic=acceptance')).body.cnt, 1);
  assert.equal((await api(t, 'GET', '/logs/recordings?topic=zzz')).body.cnt, 0);
  assert.equal((await api(t, 'GET', `/logs/recordings?stream_id=${enc(SID)}`)).body.cnt, 1);
  assert.equal((await api(t, 'GET', '/logs/recordings?class=10')).body.cnt, 1);
  assert.equal((await api(t, 'GET', '/logs/recordings?class=1')).body.cnt, 0);
  assert.equal((await api(t, 'GET', '/logs/recordings?date_from=2000-01-01&date_to=2999-01-01')).body.cnt, 1);
  assert.equal((await api(t, 'GET', '/logs/recordings?sort_field=size&sort_order=0')).status, 200);

  const one = await api(t, 'GET', `/logs/recordings/${recordingId}`);
  assert.equal(one.status, 200, one.text);
  const { recording, ...top } = one.body;
  assert.deepEqual(recording, top);
  assert.equal(top.id, recordingId);
  assert.equal(top.stream_id, SID);
  for (const id of ['999', 'abc', '0', '1.5']) {
    const nf = await api(t, 'GET', `/logs/recordings/${id}`);
    assert.equal(nf.status, 404, id);
    assert.deepEqual(errorOf(nf), { code: 404, reason: 'recordingNotFound', message: `Recording ${id} is not found` });
  }
  // v3.2 has the endpoint without topic (v3.7+) and owner (v3.4+); v3.1 has none.
  const v32 = await api(t, 'GET', `/logs/recordings/${recordingId}`, undefined, { version: '3.2' });
  assert.equal(v32.status, 200);
  assert.equal('topic' in v32.body, false);
  assert.equal('owner' in v32.body, false);
  assert.equal(v32.body.download_url, `https://parley.test/api/v3.2/logs/recordings/${recordingId}/download`);
  assert.equal((await api(t, 'GET', '/logs/recordings', undefined, { version: '3.1' })).status, 404);
});

test('records (deprecated): recorded sessions as CallRecord, with the "call" wrapper', async () => {
  const r = await api(t, 'GET', '/logs/records');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.cnt, 1, 'only the recorded session');
  const rec = r.body.list[0];
  assert.deepEqual(Object.keys(rec).sort(), ['class', 'conference_id', 'download_url', 'duration', 'end_time', 'file_size',
    'is_deleted', 'is_public', 'name', 'named_conf_id', 'owner', 'start_time', 'subtype', 'topic', 'type']);
  assert.equal(rec.conference_id, SID);
  assert.equal(rec.named_conf_id, 'acc_demo');
  assert.equal(rec.class, 10);
  assert.match(rec.name, /\.mkv$/);
  assert.match(rec.file_size, /^\d+$/);
  assert.equal(rec.is_public, false);
  assert.equal(rec.is_deleted, false);
  assert.equal(rec.download_url, `https://parley.test/api/v3.10/logs/records/${enc(SID)}/download`);
  assert.match(rec.start_time.date, DATA_TIME);
  assert.equal((await api(t, 'GET', '/logs/records?named_conf_id=bob_room')).body.cnt, 0);
  assert.equal((await api(t, 'GET', '/logs/records?owner=alice@parley.test&class=10')).body.cnt, 1);
  assert.equal((await api(t, 'GET', '/logs/records?sort_field=name&sort_order=0')).status, 200);

  const one = await api(t, 'GET', `/logs/records/${enc(SID)}`);
  assert.equal(one.status, 200, one.text);
  const { call, ...top } = one.body;
  assert.deepEqual(call, top);
  assert.deepEqual(top, rec);
  const unrecorded = await api(t, 'GET', `/logs/records/${enc(OTHER_SID)}`);
  assert.equal(unrecorded.status, 404);
  assert.deepEqual(errorOf(unrecorded), { code: 404, reason: 'conferenceNotFound', message: `Conference ${OTHER_SID} is not found.` });
});

async function download(path: string) {
  const res = await fetch(`${t.base}/api/v3.10${path}?access_token=${t.admin.token}`);
  return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), bytes: Buffer.from(await res.arrayBuffer()) };
}

test('downloads: both undocumented download URLs serve the file bytes', async () => {
  const rec = (await api(t, 'GET', `/logs/recordings/${recordingId}`)).body;
  const onDisk = readFileSync(join(t.dataDir, 'recordings', rec.name));
  const a = await download(`/logs/recordings/${recordingId}/download`);
  assert.equal(a.status, 200);
  assert.equal(a.type, 'video/x-matroska');
  assert.equal(a.disposition, `attachment; filename="${rec.name}"`);
  assert.deepEqual(a.bytes, onDisk);
  assert.equal(a.bytes.subarray(0, 4).toString('hex'), '1a45dfa3', 'an EBML (Matroska) file');
  assert.equal(String(a.bytes.length), rec.size);
  // The download_url as emitted, on this server.
  const b = await download(new URL((await api(t, 'GET', `/logs/records/${enc(SID)}`)).body.download_url).pathname.replace('/api/v3.10', ''));
  assert.equal(b.status, 200);
  assert.deepEqual(b.bytes, onDisk);
  const nf = await api(t, 'GET', '/logs/recordings/999/download');
  assert.equal(nf.status, 404);
  assert.equal(errorOf(nf).reason, 'recordingNotFound');
  const nr = await api(t, 'GET', `/logs/records/${enc(OTHER_SID)}/download`);
  assert.equal(nr.status, 404);
  assert.equal(errorOf(nr).reason, 'conferenceNotFound');
});

test('permissions: participants and invites have their own scopes', async () => {
  const calls = await tokenWithScopes(t, ['logs.calls:read']);
  assert.equal((await api(t, 'GET', `/logs/calls/${enc(SID)}`, undefined, { token: calls })).status, 200);
  assert.equal((await api(t, 'GET', `/logs/calls/${enc(SID)}/participants`, undefined, { token: calls })).status, 403);
  assert.equal((await api(t, 'GET', `/logs/calls/${enc(SID)}/invites`, undefined, { token: calls })).status, 403);
  const sub = await tokenWithScopes(t, ['logs.calls.participants:read', 'logs.calls.invites:read']);
  assert.equal((await api(t, 'GET', `/logs/calls/${enc(SID)}/participants`, undefined, { token: sub })).status, 200);
  assert.equal((await api(t, 'GET', `/logs/calls/${enc(SID)}/invites`, undefined, { token: sub })).status, 200);
  assert.equal((await api(t, 'GET', '/logs/calls', undefined, { token: sub })).status, 403);
  const recs = await tokenWithScopes(t, ['logs.recordings:read']);
  assert.equal((await api(t, 'GET', `/logs/recordings/${recordingId}/download`, undefined, { token: recs })).status, 200);
  assert.equal((await api(t, 'GET', `/logs/records/${enc(SID)}/download`, undefined, { token: recs })).status, 403);
});

test('a file removed from disk: hidden unless show_deleted, marked deleted, no longer downloadable', async () => {
  const rec = (await api(t, 'GET', `/logs/recordings/${recordingId}`)).body;
  rmSync(join(t.dataDir, 'recordings', rec.name));
  assert.deepEqual((await api(t, 'GET', '/logs/recordings')).body, { cnt: 0, list: [] });
  for (const flag of ['1', 'true']) {
    const shown = await api(t, 'GET', `/logs/recordings?show_deleted=${flag}`);
    assert.equal(shown.body.cnt, 1);
    assert.equal(shown.body.list[0].deleted_at, rec.stopped_at);
  }
  assert.equal((await api(t, 'GET', '/logs/recordings?show_deleted=false')).body.cnt, 0);
  assert.equal((await api(t, 'GET', '/logs/records')).body.list[0].is_deleted, true);
  const a = await api(t, 'GET', `/logs/recordings/${recordingId}/download`);
  assert.equal(a.status, 404);
  assert.equal(errorOf(a).reason, 'recordingNotFound');
  const b = await api(t, 'GET', `/logs/records/${enc(SID)}/download`);
  assert.equal(b.status, 404);
  assert.deepEqual(errorOf(b), { code: 404, reason: 'recordNotFound', message: `Record ${rec.name} is not found.` });
});
