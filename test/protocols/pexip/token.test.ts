import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { requestToken, refreshToken, releaseToken } from '@pexip/infinity-api';
// utils is re-exported without an extension in index.d.ts, which NodeNext type resolution cannot follow.
import { withPin, withToken } from '@pexip/infinity-api/dist/utils.js';
import { startServer, api, http, type TestServer } from '../../helpers/server.js';
import { px, pexipConference, join, ok, failed, sleep } from './pexip.js';

let t: TestServer;
before(async () => {
  t = await startServer();
  await pexipConference(t, 'open');
  await pexipConference(t, 'pinned', { aliases: ['meet.pinned'], host_pin: '1234', guest_pin: '5678' });
  await pexipConference(t, 'hostonly', { aliases: ['meet.hostonly'], host_pin: '1111', allow_guests: true });
  await pexipConference(t, 'closed', { host_pin: '2222', allow_guests: false });
  await pexipConference(t, 'legacy', { pin: '4242' });
});
after(async () => { await t.close(); });

test('status: 200 {"status":"success","result":"OK"} with exact Content-Type', async () => {
  const r = await http(t.base, 'GET', '/api/client/v2/status');
  ok(r, 'OK');
});

test('request_token (seed example): token object, expires a string, role HOST in a PIN-less conference', async () => {
  const r = await px(t, 'POST', 'open', 'request_token', { display_name: 'Alice', call_tag: 'def456' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('content-type'), 'application/json');
  const res = r.body.result;
  assert.equal(r.body.status, 'success');
  assert.match(res.token, /^[A-Za-z0-9_-]{40,}$/);
  assert.equal(res.expires, '120');
  assert.match(res.participant_uuid, /^[0-9a-f-]{36}$/);
  assert.equal(res.display_name, 'Alice');
  assert.equal(res.role, 'HOST');
  assert.equal(res.service_type, 'conference');
  assert.equal(res.current_service_type, 'conference');
  assert.equal(typeof res.version.version_id, 'string');
  assert.equal(res.chat_enabled, true);
  assert.equal(res.stun, undefined, 'no empty stun list');
  const p = t.parley.engine.sessions.byConferenceId('open')!.participants.get(res.participant_uuid)!;
  assert.equal(p.callTag, 'def456');
  assert.equal(p.state, 'connected');
  assert.equal(p.protocol, 'api');
});

test('request_token through @pexip/infinity-api validates (open conference, host PIN, guest PIN, challenge)', async () => {
  const base = { host: t.base };
  const r1 = await requestToken({ ...base, fetcher: fetch, params: { conferenceAlias: 'open' }, body: { display_name: 'Api' } });
  assert.equal(r1.status, 200);
  const r2 = await requestToken({ ...base, fetcher: withPin(fetch, '1234'), params: { conferenceAlias: 'meet.pinned' }, body: { display_name: 'Host' } });
  assert.equal(r2.status, 200);
  assert.equal((r2.data as any).result.role, 'HOST');
  const r3 = await requestToken({ ...base, fetcher: withPin(fetch, '5678'), params: { conferenceAlias: 'meet.pinned' }, body: { display_name: 'Guest' } });
  assert.equal((r3.data as any).result.role, 'GUEST');
  const r4 = await requestToken({ ...base, fetcher: fetch, params: { conferenceAlias: 'meet.pinned' }, body: { display_name: 'NoPin' } });
  assert.equal(r4.status, 403);
  assert.deepEqual((r4.data as any).result.pin, 'required');
  const r5 = await requestToken({ ...base, fetcher: fetch, params: { conferenceAlias: 'nowhere' }, body: { display_name: 'X' } });
  assert.equal(r5.status, 404);
  assert.deepEqual(r5.data, { status: 'failed', result: 'Neither conference nor gateway found' });
  // What @pexip/infinity really sends: "none" placeholders and extra fields.
  const r6 = await requestToken({ ...base, fetcher: withPin(fetch, 'none'), params: { conferenceAlias: 'meet.hostonly' },
    body: { display_name: 'Infinity', chosen_idp: 'none', direct_media: true, sso_token: 'none', node: '127.0.0.1', supports_direct_chat: false } });
  assert.equal(r6.status, 200);
  assert.equal((r6.data as any).result.role, 'GUEST');
  const token = (r6.data as any).result.token;
  const rf = await refreshToken({ ...base, fetcher: withToken(fetch, token), params: { conferenceAlias: 'meet.hostonly' } });
  assert.equal(rf.status, 200);
  const rl = await releaseToken({ ...base, fetcher: withToken(fetch, (rf.data as any).result.token), params: { conferenceAlias: 'meet.hostonly' }, body: { reason: 'User initiated disconnect' } });
  assert.equal(rl.status, 200);
});

test('PIN rules: host PIN, guest PIN, none, wrong, missing; the TrueConf pin is the host PIN', async () => {
  assert.equal((await join(t, 'meet.pinned', 'H', '1234')).role, 'HOST');
  assert.equal((await join(t, 'meet.pinned', 'G', '5678')).role, 'GUEST');
  const missing = await px(t, 'POST', 'meet.pinned', 'request_token', { display_name: 'X' });
  assert.equal(missing.status, 403);
  assert.deepEqual(missing.body, { status: 'success', result: { pin: 'required', guest_pin: 'required', version: missing.body.result.version } });
  assert.equal(typeof missing.body.result.version.pseudo_version, 'string');
  const wrong = await px(t, 'POST', 'meet.pinned', 'request_token', { display_name: 'X' }, { pin: '9999' });
  assert.equal(wrong.status, 403);
  assert.equal(wrong.body.result.pin, 'required');
  const noneOnPinned = await px(t, 'POST', 'meet.pinned', 'request_token', { display_name: 'X' }, { pin: 'none' });
  assert.equal(noneOnPinned.status, 403);
  // Host PIN only, guests allowed: guest_pin "none" and PIN-less guests.
  const ch = await px(t, 'POST', 'meet.hostonly', 'request_token', { display_name: 'X' }, { pin: '0000' });
  assert.equal(ch.status, 403);
  assert.equal(ch.body.result.pin, 'required');
  assert.equal(ch.body.result.guest_pin, 'none');
  assert.equal((await join(t, 'meet.hostonly', 'G', 'none')).role, 'GUEST');
  assert.equal((await join(t, 'meet.hostonly', 'G2')).role, 'GUEST');
  assert.equal((await join(t, 'meet.hostonly', 'H', '1111')).role, 'HOST');
  // Host PIN only, guests not allowed: no way in without the PIN.
  const closed = await px(t, 'POST', 'closed', 'request_token', { display_name: 'X' }, { pin: 'none' });
  assert.equal(closed.status, 403);
  assert.deepEqual([closed.body.result.pin, closed.body.result.guest_pin], ['required', 'required']);
  assert.equal((await join(t, 'closed', 'H', '2222')).role, 'HOST');
  assert.equal((await join(t, 'legacy', 'H', '4242')).role, 'HOST');
  assert.equal((await px(t, 'POST', 'legacy', 'request_token', { display_name: 'X' })).status, 403);
});

test('request_token bad input: malformed JSON, missing or wrong-typed display_name, unknown alias', async () => {
  failed(await px(t, 'POST', 'open', 'request_token', '{"display_name":', { headers: { 'content-type': 'application/json' } }), 400);
  failed(await px(t, 'POST', 'open', 'request_token', {}), 400);
  failed(await px(t, 'POST', 'open', 'request_token', { display_name: 42 }), 400);
  failed(await px(t, 'POST', 'open', 'request_token', { display_name: 'A', call_tag: 7 }), 400);
  failed(await px(t, 'POST', 'open', 'request_token', [1, 2]), 400);
  failed(await px(t, 'POST', 'open', 'request_token'), 400);
  failed(await px(t, 'POST', 'no-such-alias', 'request_token', { display_name: 'A' }), 404, 'Neither conference nor gateway found');
  failed(await px(t, 'POST', 'open', 'request_token', 'x', { headers: { 'content-type': 'application/xml' } }), 415);
  failed(await px(t, 'POST', 'open', 'request_token', { display_name: 'A', token: 'bogus-one-time' }), 403, 'Invalid token');
});

test('the first join starts the conference; it shows in TrueConf REST lists', async () => {
  await pexipConference(t, 'crossjoin', { aliases: ['meet.cross'] });
  assert.equal(t.parley.engine.sessions.isRunning('crossjoin'), false);
  const a = await join(t, 'meet.cross', 'Pexip Alice', undefined, { call_tag: 'x' });
  const conf = await api(t, 'GET', '/conferences/crossjoin');
  assert.equal(conf.body.conference.state, 'running');
  const sid = conf.body.conference.stream_id.replace(/#/g, '%23');
  const parts = await api(t, 'GET', '/conferences/crossjoin/participants');
  assert.equal(parts.status, 200, parts.text);
  assert.ok(JSON.stringify(parts.body).includes('Pexip Alice'), parts.text);
  const sp = await api(t, 'GET', `/conference-sessions/${sid}/participants`);
  assert.equal(sp.status, 200, sp.text);
  const mine = sp.body.participants.find((p: any) => String(p.display_name) === 'Pexip Alice');
  assert.ok(mine, sp.text);
  // A TrueConf REST kick makes the Pexip participant leave: its token is dead.
  const del = await api(t, 'DELETE', `/conference-sessions/${sid}/participants/${encodeURIComponent(mine.participant_id ?? mine.id)}`);
  assert.equal(del.status, 200, del.text);
  failed(await px(t, 'GET', 'meet.cross', 'conference_status', undefined, { token: a.token }), 403, 'Invalid token');
  assert.equal(t.parley.engine.sessions.byConferenceId('crossjoin')?.participants.has(a.uuid), false);
});

test('refresh_token: a new token, the old one dead; release_token (header or query) makes the participant leave', async () => {
  const a = await join(t, 'open', 'Refresher');
  const r = await px(t, 'POST', 'open', 'refresh_token', undefined, { token: a.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('content-type'), 'application/json');
  assert.equal(r.body.result.expires, '120');
  assert.notEqual(r.body.result.token, a.token);
  failed(await px(t, 'POST', 'open', 'refresh_token', undefined, { token: a.token }), 403, 'Invalid token');
  failed(await px(t, 'GET', 'open', 'conference_status', undefined, { token: a.token }), 403, 'Invalid token');
  ok(await px(t, 'GET', 'open', 'conference_status', undefined, { token: r.body.result.token }), { locked: false, guests_muted: false, started: true, guests_can_unmute: false, direct_media: false, live_captions_available: false });
  // sendBeacon: token in the query, text/plain body.
  const rel = await http(t.base, 'POST', `/api/client/v2/conferences/open/release_token?token=${encodeURIComponent(r.body.result.token)}`, 'bye', { 'content-type': 'text/plain;charset=UTF-8' });
  ok(rel, true);
  assert.equal(t.parley.engine.sessions.byConferenceId('open')!.participants.has(a.uuid), false);
  failed(await px(t, 'POST', 'open', 'release_token', undefined, { token: r.body.result.token }), 403, 'Invalid token');
  failed(await px(t, 'POST', 'open', 'refresh_token'), 403, 'Invalid token');
  const b = await join(t, 'open', 'Releaser');
  ok(await px(t, 'POST', 'open', 'release_token', { reason: 'User initiated disconnect' }, { token: b.token }), true);
});

test('a token of one conference does not open another', async () => {
  const a = await join(t, 'open', 'Elsewhere');
  failed(await px(t, 'GET', 'meet.pinned', 'conference_status', undefined, { token: a.token }), 403, 'Invalid token');
});

test('a token that is not refreshed expires: 403 and the participant leaves', async () => {
  const short = await startServer({ pexipTokenTtl: 1 });
  try {
    await pexipConference(short, 'quick');
    const a = await join(short, 'quick', 'Sleepy');
    assert.equal(a.body.result.expires, '1');
    await sleep(1300);
    failed(await px(short, 'GET', 'quick', 'conference_status', undefined, { token: a.token }), 403, 'Invalid token');
    assert.equal(short.parley.engine.sessions.byConferenceId('quick')?.participants.has(a.uuid) ?? false, false);
  } finally {
    await short.close();
  }
});
