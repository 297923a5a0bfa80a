import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, errorOf, http, tokenWithScopes, eventually, type TestServer } from '../../helpers/server.js';
import { createConference, createUsers, runConference, stopConference } from '../../helpers/fixtures.js';
import { signIn } from '../../helpers/endpoint.js';

let t: TestServer;
const signOuts: Array<() => void> = [];
before(async () => {
  t = await startServer();
  await createUsers(t, 'alice', 'bob', 'carol', 'dave');
  await createConference(t, 'acc_demo', {
    topic: 'Acceptance demo', max_participants: 10,
    invitations: [{ id: 'alice', display_name: 'Alice' }, { id: 'bob', display_name: 'Bob' }],
  });
});
after(async () => {
  for (const off of signOuts) off();
  await t.close();
});

test('before the run: the list is empty and calling someone in is conferenceIsNotRunning', async () => {
  const list = await api(t, 'GET', '/conferences/acc_demo/participants');
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.body, { participants: [] });
  const add = await api(t, 'POST', '/conferences/acc_demo/participants', { participant_id: 'bob' });
  assert.equal(add.status, 400);
  assert.deepEqual(errorOf(add), { code: 400, reason: 'conferenceIsNotRunning', message: 'Conference acc_demo is not running.' });
  const one = await api(t, 'GET', '/conferences/acc_demo/participants/bob');
  assert.equal(one.status, 404);
  assert.equal(errorOf(one).reason, 'participantNotFound');
});

test('step 9: an online user with auto-answer is called in and joins', async () => {
  await runConference(t, 'acc_demo');
  signOuts.push(signIn(t, 'bob', { autoAnswer: true }));
  const r = await api(t, 'POST', '/conferences/acc_demo/participants', { participant_id: 'bob' });
  assert.equal(r.status, 200, r.text);
  const p = r.body.participant;
  assert.equal(typeof p.invite_time, 'number');
  // The endpoint answers asynchronously (as a real terminal does): joined already, or not yet.
  assert.ok(p.join_time === null || p.join_time >= p.invite_time, String(p.join_time));
  assert.deepEqual(p, {
    id: 'bob@parley.test', uid: 'bob@parley.test', avatar: null, login_name: 'bob', email: 'bob@parley.test', display_name: 'Bob',
    first_name: '', last_name: '', company: '', groups: [], mobile_phone: '', work_phone: '', home_phone: '', is_active: 1,
    status: p.status, invite_time: p.invite_time, join_time: p.join_time, is_owner: false,
  });
  let joined: Record<string, unknown> = {};
  await eventually(async () => {
    joined = (await api(t, 'GET', '/conferences/acc_demo/participants/bob')).body.participant;
    return typeof joined?.join_time === 'number';
  }, 5000, 'bob to join');
  assert.ok((joined.join_time as number) >= p.invite_time);
  assert.equal(joined.status, 2, 'in a conference');
});

test('step 9b: an offline or unknown user is participantIsUnavailable', async () => {
  const r = await api(t, 'POST', '/conferences/acc_demo/participants', { participant_id: 'carol' });
  assert.equal(r.status, 400);
  assert.deepEqual(errorOf(r), { code: 400, reason: 'participantIsUnavailable', message: 'Participant carol is unavailable.' });
  const unknown = await api(t, 'POST', '/conferences/acc_demo/participants', { participant_id: 'nobody@parley.test' });
  assert.equal(unknown.status, 400);
  assert.deepEqual(errorOf(unknown), { code: 400, reason: 'participantIsUnavailable', message: 'Participant nobody@parley.test is unavailable.' });
});

test('step 9c: calling someone already in is participantAlreadyInConference (login or TrueConf ID)', async () => {
  for (const id of ['bob', 'bob@parley.test']) {
    const r = await api(t, 'POST', '/conferences/acc_demo/participants', { participant_id: id });
    assert.equal(r.status, 400);
    assert.deepEqual(errorOf(r), { code: 400, reason: 'participantAlreadyInConference', message: `Participant ${id} already in conference.` });
  }
});

test('step 10: Conference Invite with the v3.5+ body answers {"invite": true}', async () => {
  const r = await api(t, 'POST', '/conferences/acc_demo/invite', { invitations: [{ id: 'carol', display_name: 'Carol' }] });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, { invite: true });
});

test('step 11: the participant list shows who is in, with join_time', async () => {
  const r = await api(t, 'GET', '/conferences/acc_demo/participants');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.participants.length, 1, r.text);
  const [bob] = r.body.participants;
  assert.equal(bob.id, 'bob@parley.test');
  assert.equal(bob.is_owner, false);
  assert.equal(typeof bob.join_time, 'number');
});

test('get one participant by TrueConf ID or login; unknown is participantNotFound', async () => {
  const a = await api(t, 'GET', '/conferences/acc_demo/participants/bob@parley.test');
  assert.equal(a.status, 200, a.text);
  assert.equal(a.body.participant.login_name, 'bob');
  const b = await api(t, 'GET', '/conferences/acc_demo/participants/bob');
  assert.equal(b.body.participant.id, 'bob@parley.test');
  const none = await api(t, 'GET', '/conferences/acc_demo/participants/carol');
  assert.equal(none.status, 404);
  assert.deepEqual(errorOf(none), { code: 404, reason: 'participantNotFound', message: 'Participant carol is not found.' });
});

test('a user who does not answer yet is listed as called: invite_time set, join_time null', async () => {
  signOuts.push(signIn(t, 'dave'));
  const r = await api(t, 'POST', '/conferences/acc_demo/participants', { participant_id: 'dave' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.participant.join_time, null);
  assert.equal(typeof r.body.participant.invite_time, 'number');
  const list = await api(t, 'GET', '/conferences/acc_demo/participants');
  assert.deepEqual(list.body.participants.map((p: { id: string; join_time: number | null }) => [p.id, p.join_time === null]),
    [['bob@parley.test', false], ['dave@parley.test', true]]);
  // dave answers: now joined.
  await t.parley.engine.sessions.answer('dave', 'acc_demo', true, 'test');
  const after = await api(t, 'GET', '/conferences/acc_demo/participants/dave');
  assert.equal(typeof after.body.participant.join_time, 'number');
});

test('step 20: v3.4 invite body {"participants": [...]}; the documented field is named when missing', async () => {
  const r = await api(t, 'POST', '/conferences/acc_demo/invite', { participants: ['carol'] }, { version: '3.4' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, { invite: true });
  const none4 = await api(t, 'POST', '/conferences/acc_demo/invite', {}, { version: '3.4' });
  assert.equal(none4.status, 400);
  assert.deepEqual(errorOf(none4), { code: 400, reason: 'missingRequiredField', message: 'Missing required field.' });
  assert.equal(none4.body.error.errors[0].location, 'participants');
  const none10 = await api(t, 'POST', '/conferences/acc_demo/invite', {});
  assert.equal(none10.body.error.errors[0].location, 'invitations');
  const v3 = await api(t, 'POST', '/conferences/acc_demo/invite', { participants: ['carol'] }, { version: '3' });
  assert.equal(v3.status, 404, 'Conference Invite appears in v3.1');
});

test('invite: wrong body types are 400; unknown conference 404; unknown ids are skipped', async () => {
  const str = await api(t, 'POST', '/conferences/acc_demo/invite', { participants: 'carol' });
  assert.equal(str.status, 400);
  assert.equal(errorOf(str).reason, 'invalidParameter');
  const noId = await api(t, 'POST', '/conferences/acc_demo/invite', { invitations: [{ display_name: 'x' }] });
  assert.equal(noId.status, 400);
  assert.equal(errorOf(noId).reason, 'missingRequiredField');
  const ghost = await api(t, 'POST', '/conferences/acc_demo/invite', { invitations: [{ id: 'ghost' }] });
  assert.deepEqual(ghost.body, { invite: true });
  const nf = await api(t, 'POST', '/conferences/nope/invite', { invitations: [{ id: 'bob' }] });
  assert.equal(nf.status, 404);
  assert.deepEqual(errorOf(nf), { code: 404, reason: 'conferenceNotFound', message: 'Conference nope is not found.' });
});

test('invite starts a stopped conference and rings the online invitees', async () => {
  await createConference(t, 'auto_start', { invitations: [{ id: 'alice' }] });
  signOuts.push(signIn(t, 'carol', { autoAnswer: true }));
  const r = await api(t, 'POST', '/conferences/auto_start/invite', { invitations: [{ id: 'carol' }] });
  assert.deepEqual(r.body, { invite: true });
  const conf = await api(t, 'GET', '/conferences/auto_start');
  assert.equal(conf.body.conference.state, 'running');
  const list = await api(t, 'GET', '/conferences/auto_start/participants');
  assert.deepEqual(list.body.participants.map((p: { id: string }) => p.id), ['carol@parley.test']);
  await stopConference(t, 'auto_start');
  const after = await api(t, 'GET', '/conferences/auto_start/participants');
  assert.deepEqual(after.body, { participants: [] });
});

test('invite into a stopped conference past the ongoing-conferences limit is ongoingConferencesLimit', async () => {
  await createConference(t, 'over_limit', { invitations: [{ id: 'alice' }] });
  // The licence limit is an operator setting of the engine (0 = unlimited); acc_demo is the one running.
  t.parley.engine.sessions.maxOngoing = 1;
  try {
    const r = await api(t, 'POST', '/conferences/over_limit/invite', { invitations: [{ id: 'carol' }] });
    assert.equal(r.status, 400);
    assert.deepEqual(errorOf(r), { code: 400, reason: 'ongoingConferencesLimit', message: "Maximum number of ongoing conferences ('1') has been reached" });
    assert.equal((await api(t, 'GET', '/conferences/over_limit')).body.conference.state, 'stopped');
  } finally {
    t.parley.engine.sessions.maxOngoing = 0;
  }
});

test('POST participants: missing or mistyped participant_id is 400; unknown conference 404', async () => {
  const missing = await api(t, 'POST', '/conferences/acc_demo/participants', {});
  assert.equal(missing.status, 400);
  assert.equal(errorOf(missing).reason, 'missingRequiredField');
  assert.equal(missing.body.error.errors[0].location, 'participant_id');
  const num = await api(t, 'POST', '/conferences/acc_demo/participants', { participant_id: 5 });
  assert.equal(num.status, 400);
  assert.equal(errorOf(num).reason, 'invalidParameter');
  for (const [m, p, b] of [['GET', '/conferences/nope/participants'], ['GET', '/conferences/nope/participants/bob'],
    ['POST', '/conferences/nope/participants', { participant_id: 'bob' }]] as Array<[string, string, unknown?]>) {
    const r = await api(t, m, p, b);
    assert.equal(r.status, 404, `${m} ${p}`);
    assert.deepEqual(errorOf(r), { code: 404, reason: 'conferenceNotFound', message: 'Conference nope is not found.' });
  }
});

test('older prefixes: v3 participant shape; Get Participant appears in v3.1', async () => {
  const v3 = await api(t, 'GET', '/conferences/acc_demo/participants', undefined, { version: '3' });
  assert.equal(v3.status, 200, v3.text);
  const bob = v3.body.participants[0];
  assert.equal(bob.id, 'bob@parley.test');
  assert.equal(bob.uid, undefined);
  assert.deepEqual(bob.groups, ['@no_group']);
  assert.equal((await api(t, 'GET', '/conferences/acc_demo/participants/bob', undefined, { version: '3' })).status, 404);
  assert.equal((await api(t, 'GET', '/conferences/acc_demo/participants/bob', undefined, { version: '3.1' })).status, 200);
});

test('a guest participant has the seed guest shape', async () => {
  await t.parley.engine.sessions.join({ conferenceId: 'acc_demo', displayName: 'guest123', via: 'test' });
  const list = await api(t, 'GET', '/conferences/acc_demo/participants');
  const guest = list.body.participants.find((p: { display_name: string }) => p.display_name === 'guest123');
  assert.match(guest.id, /^#guest:[0-9a-f]{8}@parley\.test$/);
  assert.deepEqual(guest, {
    id: guest.id, display_name: 'guest123', login_name: guest.id.replace('@parley.test', ''), status: 0,
    invite_time: null, join_time: guest.join_time, is_owner: false,
  });
  assert.equal(typeof guest.join_time, 'number');
});

test('scopes: participants:read may list but not call in; a user token sees only its own conferences', async () => {
  const read = await tokenWithScopes(t, ['conferences.participants:read']);
  assert.equal((await api(t, 'GET', '/conferences/acc_demo/participants', undefined, { token: read })).status, 200);
  const w = await api(t, 'POST', '/conferences/acc_demo/participants', { participant_id: 'carol' }, { token: read });
  assert.equal(w.status, 403);
  assert.deepEqual(errorOf(w), { code: 403, reason: 'forbidden', message: 'Forbidden' });
  const login = await http(t.base, 'POST', '/oauth2/v1/token',
    { grant_type: 'password', username: 'bob', password: 'Bob-pass1', client_id: 'trueconf_server_users' });
  const bobToken = login.body.access_token as string;
  const notHis = await api(t, 'GET', '/conferences/acc_demo/participants', undefined, { token: bobToken });
  assert.equal(notHis.status, 403);
  assert.equal(errorOf(notHis).reason, 'forbidden');
});
