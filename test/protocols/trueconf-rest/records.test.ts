import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, api, errorOf, tokenWithScopes, type TestServer } from '../../helpers/server.js';
import { createConference, createUsers, runConference, stopConference } from '../../helpers/fixtures.js';

let t: TestServer;
let SID = '';
const NAME = /^[0-9a-f]{8}_\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}(-\d+)?\.mkv$/;

before(async () => {
  t = await startServer();
  await createUsers(t, 'alice', 'bob');
  await createConference(t, 'acc_demo', { topic: 'Acceptance demo' });
});
after(async () => { await t.close(); });

const recordingState = async () => (await api(t, 'GET', '/conferences/acc_demo')).body.conference.stream_recording_state;

test('record control before the run is conferenceIsNotRunning; unknown conference is conferenceNotFound', async () => {
  for (const op of ['start-record', 'pause-record', 'stop-record']) {
    const r = await api(t, 'POST', `/conferences/acc_demo/${op}`);
    assert.equal(r.status, 400, `${op}: ${r.text}`);
    assert.deepEqual(errorOf(r), { code: 400, reason: 'conferenceIsNotRunning', message: 'Conference acc_demo is not running.' });
    const nf = await api(t, 'POST', `/conferences/nope/${op}`);
    assert.equal(nf.status, 404);
    assert.deepEqual(errorOf(nf), { code: 404, reason: 'conferenceNotFound', message: 'Conference nope is not found.' });
  }
});

test('step 13: start-record is 202 with an empty body and the conference shows stream_recording_state 1', async () => {
  SID = await runConference(t, 'acc_demo');
  const start = await api(t, 'POST', '/conferences/acc_demo/start-record');
  assert.equal(start.status, 202);
  assert.equal(start.text, '');
  assert.equal(await recordingState(), 1);
  const again = await api(t, 'POST', '/conferences/acc_demo/start-record');
  assert.equal(again.status, 202, 'starting twice is harmless');
  const pause = await api(t, 'POST', '/conferences/acc_demo/pause-record');
  assert.equal(pause.status, 202);
  assert.equal(pause.text, '');
  assert.equal(await recordingState(), 0);
  const cont = await api(t, 'POST', '/conferences/acc_demo/start-record');
  assert.equal(cont.status, 202);
  assert.equal(await recordingState(), 1);
  const stop = await api(t, 'POST', '/conferences/acc_demo/stop-record');
  assert.equal(stop.status, 202);
  assert.equal(stop.text, '');
  assert.equal(await recordingState(), 0);
});

test('step 19 (records): two files, one per recorded stretch; size is a string of digits', async () => {
  const r = await api(t, 'GET', '/conferences/acc_demo/records');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.records.length, 2);
  const names = new Set<string>();
  for (const rec of r.body.records) {
    assert.match(rec.name, NAME);
    assert.ok(rec.name.startsWith(SID.split('@')[0]));
    assert.match(rec.size, /^\d+$/);
    assert.equal(typeof rec.created, 'number');
    assert.deepEqual(Object.keys(rec), ['name', 'size', 'created', 'download_url']);
    assert.equal(rec.download_url, `https://parley.test/api/v3.10/conferences/acc_demo/records/${rec.name}/download`);
    names.add(rec.name);
  }
  assert.equal(names.size, 2, 'a pause and continue within a second still makes two distinct files');
});

test('get one record; unknown name is recordNotFound; unknown conference is conferenceNotFound', async () => {
  const list = await api(t, 'GET', '/conferences/acc_demo/records');
  const name = list.body.records[0].name as string;
  const one = await api(t, 'GET', `/conferences/acc_demo/records/${name}`);
  assert.equal(one.status, 200, one.text);
  assert.deepEqual(one.body, { record: list.body.records[0] });
  const none = await api(t, 'GET', '/conferences/acc_demo/records/00000000_2000-01-01_00-00-00.mkv');
  assert.equal(none.status, 404);
  assert.deepEqual(errorOf(none), { code: 404, reason: 'recordNotFound', message: 'Record 00000000_2000-01-01_00-00-00.mkv is not found.' });
  for (const p of ['/conferences/nope/records', `/conferences/nope/records/${name}`, `/conferences/nope/records/${name}/download`]) {
    const r = await api(t, 'GET', p);
    assert.equal(r.status, 404, p);
    assert.deepEqual(errorOf(r), { code: 404, reason: 'conferenceNotFound', message: 'Conference nope is not found.' });
  }
  await createConference(t, 'other');
  const wrongConf = await api(t, 'GET', `/conferences/other/records/${name}`);
  assert.equal(wrongConf.status, 404, 'a record is found only under its own conference');
  assert.equal(errorOf(wrongConf).reason, 'recordNotFound');
});

test('download returns the Matroska bytes with a content type and a file name', async () => {
  const list = await api(t, 'GET', '/conferences/acc_demo/records');
  const rec = list.body.records[0];
  const res = await fetch(`${t.base}/api/v3.10/conferences/acc_demo/records/${rec.name}/download?access_token=${t.admin.token}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'video/x-matroska');
  assert.equal(res.headers.get('content-disposition'), `attachment; filename="${rec.name}"`);
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 4)], [0x1a, 0x45, 0xdf, 0xa3]);
  assert.equal(String(bytes.length), rec.size);
  const none = await api(t, 'GET', '/conferences/acc_demo/records/nope.mkv/download');
  assert.equal(none.status, 404);
  assert.deepEqual(errorOf(none), { code: 404, reason: 'recordNotFound', message: 'Record nope.mkv is not found.' });
});

test('step 14b: after stop, start-record is conferenceIsNotRunning and the records remain', async () => {
  await stopConference(t, 'acc_demo');
  const r = await api(t, 'POST', '/conferences/acc_demo/start-record');
  assert.equal(r.status, 400);
  assert.deepEqual(errorOf(r), { code: 400, reason: 'conferenceIsNotRunning', message: 'Conference acc_demo is not running.' });
  const list = await api(t, 'GET', '/conferences/acc_demo/records');
  assert.equal(list.body.records.length, 2);
});

test('stopping a conference while recording closes the file; a file removed from disk is no longer listed', async () => {
  await createConference(t, 'rec2');
  await runConference(t, 'rec2');
  assert.equal((await api(t, 'POST', '/conferences/rec2/start-record')).status, 202);
  await stopConference(t, 'rec2');
  const list = await api(t, 'GET', '/conferences/rec2/records');
  assert.equal(list.body.records.length, 1);
  const name = list.body.records[0].name as string;
  rmSync(join(t.dataDir, 'recordings', name));
  const after = await api(t, 'GET', '/conferences/rec2/records');
  assert.deepEqual(after.body, { records: [] });
  const gone = await api(t, 'GET', `/conferences/rec2/records/${name}/download`);
  assert.equal(gone.status, 404);
  assert.equal(errorOf(gone).reason, 'recordNotFound');
});

test('older prefixes: records since v3 (bare scope there), record control since v3.1', async () => {
  const v3 = await api(t, 'GET', '/conferences/acc_demo/records', undefined, { version: '3' });
  assert.equal(v3.status, 200, v3.text);
  assert.match(v3.body.records[0].download_url, /^https:\/\/parley\.test\/api\/v3\/conferences\/acc_demo\/records\/.+\/download$/);
  assert.equal((await api(t, 'POST', '/conferences/acc_demo/start-record', undefined, { version: '3' })).status, 404);
  const readOnly = await tokenWithScopes(t, ['conferences.records:read']);
  assert.equal((await api(t, 'GET', '/conferences/acc_demo/records', undefined, { token: readOnly })).status, 200);
  assert.equal((await api(t, 'GET', '/conferences/acc_demo/records', undefined, { token: readOnly, version: '3' })).status, 403);
});

test('scopes: records:read cannot control recording; conferences:read cannot read records', async () => {
  const readOnly = await tokenWithScopes(t, ['conferences.records:read']);
  const ctl = await api(t, 'POST', '/conferences/acc_demo/start-record', undefined, { token: readOnly });
  assert.equal(ctl.status, 403);
  assert.deepEqual(errorOf(ctl), { code: 403, reason: 'forbidden', message: 'Forbidden' });
  const confRead = await tokenWithScopes(t, ['conferences:read']);
  const rec = await api(t, 'GET', '/conferences/acc_demo/records', undefined, { token: confRead });
  assert.equal(rec.status, 403);
});

test('a recorder that cannot write its file is serviceUnavailable (503), and nothing is left half-open', async () => {
  await createConference(t, 'rec_fail');
  await runConference(t, 'rec_fail');
  const dir = join(t.dataDir, 'recordings');
  rmSync(dir, { recursive: true, force: true });
  writeFileSync(dir, 'not a directory');
  try {
    const r = await api(t, 'POST', '/conferences/rec_fail/start-record');
    assert.equal(r.status, 503, r.text);
    assert.deepEqual(errorOf(r), { code: 503, reason: 'serviceUnavailable', message: 'Service Unavailable' });
    assert.equal((await api(t, 'GET', '/conferences/rec_fail')).body.conference.stream_recording_state, 0);
  } finally {
    rmSync(dir, { force: true });
    await stopConference(t, 'rec_fail');
  }
});
