import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, errorOf, http, tokenWithScopes, eventually, type TestServer } from '../../helpers/server.js';
import { createConference, createUsers, runConference, sid, stopConference } from '../../helpers/fixtures.js';
import { signIn } from '../../helpers/endpoint.js';

let t: TestServer;
let SID = '';
const signOuts: Array<() => void> = [];
const DATA_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/;

before(async () => {
  t = await startServer();
  await createUsers(t, 'alice', 'bob', 'carol', 'dave');
  await createConference(t, 'acc_demo', {
    topic: 'Acceptance demo', max_participants: 10,
    invitations: [{ id: 'alice', display_name: 'Alice' }, { id: 'bob', display_name: 'Bob' }],
  });
  SID = await runConference(t, 'acc_demo');
  for (const u of ['bob', 'carol', 'alice']) signOuts.push(signIn(t, u, { autoAnswer: true }));
  const add = await api(t, 'POST', '/conferences/acc_demo/participants', { participant_id: 'bob' });
  assert.equal(add.status, 200, add.text);
});
after(async () => {
  for (const off of signOuts) off();
  await t.close();
});

const userToken = async (login: string, password: string) => (await http(t.base, 'POST', '/oauth2/v1/token',
  { grant_type: 'password', username: login, password, client_id: 'trueconf_server_users' })).body.access_token as string;

test('step 8: the session of a running conference, with # sent as %23 and @ raw or %40', async () => {
  for (const encodeAt of [false, true]) {
    const r = await api(t, 'GET', `/conference-sessions/${sid(SID, encodeAt)}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(typeof r.body.session.start_time, 'number');
    assert.deepEqual(r.body, { session: {
      stream_id: SID, conference_id: 'acc_demo', type: 5, mode: 0, topic: 'Acceptance demo', owner: 'alice@parley.test',
      start_time: r.body.session.start_time,
    } });
  }
});

test('step 12: session participants with count, DataTime join_time and role 0 in all-on-screen', async () => {
  const r = await api(t, 'GET', `/conference-sessions/${sid(SID)}/participants`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.count, 1);
  const [bob] = r.body.participants;
  assert.match(bob.participant_id, /^bob@parley\.test\/[0-9a-f]{8}$/);
  assert.match(bob.join_time.date, DATA_TIME);
  assert.deepEqual(bob, {
    participant_id: bob.participant_id, call_id: 'bob@parley.test', display_name: 'Bob',
    join_time: { date: bob.join_time.date, timezone_type: 3, timezone: 'UTC' }, role: 0,
  });
});

test('the owner is the host (role 2); paging with page_id/page_size keeps the total count', async () => {
  const add = await api(t, 'POST', '/conferences/acc_demo/participants', { participant_id: 'alice' });
  assert.equal(add.status, 200, add.text);
  assert.equal(add.body.participant.is_owner, true);
  // The endpoint answers asynchronously, as a real terminal does.
  await eventually(async () => (await api(t, 'GET', '/conferences/acc_demo/participants/alice')).body.participant?.status === 5,
    5000, 'the owner in the conference to be MULTIHOST');
  const all = await api(t, 'GET', `/conference-sessions/${sid(SID)}/participants`);
  assert.deepEqual(all.body.participants.map((p: { call_id: string; role: number }) => [p.call_id, p.role]),
    [['bob@parley.test', 0], ['alice@parley.test', 2]]);
  const p2 = await api(t, 'GET', `/conference-sessions/${sid(SID)}/participants?page_id=2&page_size=1`);
  assert.equal(p2.status, 200);
  assert.equal(p2.body.count, 2);
  assert.deepEqual(p2.body.participants.map((p: { call_id: string }) => p.call_id), ['alice@parley.test']);
  const p3 = await api(t, 'GET', `/conference-sessions/${sid(SID)}/participants?page_id=3&page_size=1`);
  assert.deepEqual(p3.body.participants, []);
});

test('session participants: bad paging is 400 in the envelope', async () => {
  for (const q of ['page_size=0', 'page_size=1001', 'page_id=0', 'page_size=abc', 'page_id=1.5']) {
    const r = await api(t, 'GET', `/conference-sessions/${sid(SID)}/participants?${q}`);
    assert.equal(r.status, 400, `${q}: ${r.text}`);
    assert.equal(errorOf(r).code, 400);
    assert.equal(errorOf(r).reason, 'invalidParameter');
  }
});

test('podium in a role-based conference: invite (with force), role 4, remove, role 1', async () => {
  await createConference(t, 'roles', { type: 3, invitations: [{ id: 'alice' }] });
  const rsid = await runConference(t, 'roles');
  try {
    const add = await api(t, 'POST', '/conferences/roles/participants', { participant_id: 'carol' });
    assert.equal(add.status, 200, add.text);
    const roleOfCarol = async () => (await api(t, 'GET', `/conference-sessions/${sid(rsid)}/participants`))
      .body.participants.find((p: { call_id: string }) => p.call_id === 'carol@parley.test');
    const before = await roleOfCarol();
    assert.equal(before.role, 1, 'a role-based participant starts as a listener');
    const offer = await api(t, 'POST', `/conference-sessions/${sid(rsid)}/podiums/participants`, { participant_id: 'carol' });
    assert.deepEqual(offer.body, { invite: true });
    assert.equal((await roleOfCarol()).role, 1, 'without force the participant must confirm');
    const forced = await api(t, 'POST', `/conference-sessions/${sid(rsid)}/podiums/participants`, { participant_id: before.participant_id, force: true });
    assert.equal(forced.status, 200, forced.text);
    assert.deepEqual(forced.body, { invite: true });
    assert.equal((await roleOfCarol()).role, 4);
    const off = await api(t, 'DELETE', `/conference-sessions/${sid(rsid)}/podiums/participants/carol@parley.test`);
    assert.equal(off.status, 200, off.text);
    assert.deepEqual(off.body, { participant_id: before.participant_id });
    assert.equal((await roleOfCarol()).role, 1);
  } finally {
    await stopConference(t, 'roles');
  }
});

test('podium errors: unknown participant, unknown session, bad body', async () => {
  const base = `/conference-sessions/${sid(SID)}/podiums/participants`;
  const none = await api(t, 'POST', base, { participant_id: 'dave' });
  assert.equal(none.status, 404);
  assert.deepEqual(errorOf(none), { code: 404, reason: 'participantNotFound', message: 'Participant dave is not found.' });
  const delNone = await api(t, 'DELETE', `${base}/dave`);
  assert.equal(delNone.status, 404);
  assert.equal(errorOf(delNone).reason, 'participantNotFound');
  const noSession = await api(t, 'POST', `/conference-sessions/${sid('ffffffff@parley.test#vcs')}/podiums/participants`, { participant_id: 'bob' });
  assert.equal(noSession.status, 404);
  assert.deepEqual(errorOf(noSession), { code: 404, reason: 'conferenceSessionNotFound', message: 'Conference session ffffffff@parley.test#vcs not found.' });
  const delNoSession = await api(t, 'DELETE', `/conference-sessions/${sid('ffffffff@parley.test#vcs')}/podiums/participants/bob`);
  assert.equal(errorOf(delNoSession).reason, 'conferenceSessionNotFound');
  const missing = await api(t, 'POST', base, { force: true });
  assert.equal(missing.status, 400);
  assert.equal(errorOf(missing).reason, 'missingRequiredField');
  assert.equal(missing.body.error.errors[0].location, 'participant_id');
  const badForce = await api(t, 'POST', base, { participant_id: 'bob', force: 'yes' });
  assert.equal(badForce.status, 400);
  assert.equal(errorOf(badForce).reason, 'invalidParameter');
});

test('kick (v3.9+): only the owner or an application; closes the stay in call history with leave_reason 2', async () => {
  const carol = await api(t, 'POST', '/conferences/acc_demo/participants', { participant_id: 'carol' });
  assert.equal(carol.status, 200, carol.text);
  const list = await api(t, 'GET', `/conference-sessions/${sid(SID)}/participants`);
  const pid = list.body.participants.find((p: { call_id: string }) => p.call_id === 'carol@parley.test').participant_id as string;

  // bob's user token holds conferences.sessions.participants:read, but acc_demo is alice's: the engine refuses.
  const bobs = await api(t, 'DELETE', `/conference-sessions/${sid(SID)}/participants/${encodeURIComponent(pid)}`, undefined,
    { token: await userToken('bob', 'Bob-pass1') });
  assert.equal(bobs.status, 403);
  assert.deepEqual(errorOf(bobs), { code: 403, reason: 'forbidden', message: 'Forbidden' });

  const old = await api(t, 'DELETE', `/conference-sessions/${sid(SID)}/participants/${encodeURIComponent(pid)}`, undefined, { version: '3.8' });
  assert.equal(old.status, 404, 'Kick appears in v3.9');

  const kick = await api(t, 'DELETE', `/conference-sessions/${sid(SID)}/participants/${encodeURIComponent(pid)}`, undefined,
    { token: await userToken('alice', 'Alice-pass1') });
  assert.equal(kick.status, 200, kick.text);
  assert.deepEqual(kick.body, { participant_id: pid });
  const after = await api(t, 'GET', `/conference-sessions/${sid(SID)}/participants`);
  assert.equal(after.body.participants.some((p: { call_id: string }) => p.call_id === 'carol@parley.test'), false);
  const again = await api(t, 'DELETE', `/conference-sessions/${sid(SID)}/participants/${encodeURIComponent(pid)}`);
  assert.equal(again.status, 404);
  assert.deepEqual(errorOf(again), { code: 404, reason: 'participantNotFound', message: `Participant ${pid} is not found.` });

  const row = await t.parley.store.db.selectFrom('call_participants').selectAll()
    .where('call_id', '=', SID).where('participant_call_id', '=', 'carol@parley.test').executeTakeFirstOrThrow();
  assert.equal(row.leave_reason, 2);
  assert.notEqual(row.leave_time, null);
});

test('kick: an instance id that does not match names nobody; unknown session 404', async () => {
  const wrong = await api(t, 'DELETE', `/conference-sessions/${sid(SID)}/participants/${encodeURIComponent('bob@parley.test/00000000')}`);
  assert.equal(wrong.status, 404);
  assert.equal(errorOf(wrong).reason, 'participantNotFound');
  const ns = await api(t, 'DELETE', `/conference-sessions/${sid('ffffffff@parley.test#vcs')}/participants/bob`);
  assert.equal(ns.status, 404);
  assert.equal(errorOf(ns).reason, 'conferenceSessionNotFound');
});

test('scopes: sessions:read reads the session only; participants:read is needed for its participants', async () => {
  const tok = await tokenWithScopes(t, ['conferences.sessions:read']);
  assert.equal((await api(t, 'GET', `/conference-sessions/${sid(SID)}`, undefined, { token: tok })).status, 200);
  const parts = await api(t, 'GET', `/conference-sessions/${sid(SID)}/participants`, undefined, { token: tok });
  assert.equal(parts.status, 403);
  assert.equal(errorOf(parts).reason, 'forbidden');
  const podium = await api(t, 'POST', `/conference-sessions/${sid(SID)}/podiums/participants`, { participant_id: 'bob' }, { token: tok });
  assert.equal(podium.status, 403);
});

test('step 20: conference-sessions do not exist before v3.3', async () => {
  const old = await api(t, 'GET', `/conference-sessions/${sid(SID)}`, undefined, { version: '3.2' });
  assert.equal(old.status, 404);
  assert.equal(old.body.error.code, 404);
  const v33 = await api(t, 'GET', `/conference-sessions/${sid(SID)}`, undefined, { version: '3.3' });
  assert.equal(v33.status, 200);
});

test('step 14b: after stop the session is conferenceSessionNotFound', async () => {
  await stopConference(t, 'acc_demo');
  for (const path of ['', '/participants']) {
    const r = await api(t, 'GET', `/conference-sessions/${sid(SID)}${path}`);
    assert.equal(r.status, 404, r.text);
    assert.deepEqual(errorOf(r), { code: 404, reason: 'conferenceSessionNotFound', message: `Conference session ${SID} not found.` });
  }
});
