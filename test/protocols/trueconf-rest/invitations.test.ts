import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, errorOf, http, tokenWithScopes, type TestServer } from '../../helpers/server.js';
import { createConference, createUsers, runConference, stopConference } from '../../helpers/fixtures.js';

let t: TestServer;
before(async () => {
  t = await startServer();
  await createUsers(t, 'alice', 'bob', 'carol');
  await createConference(t, 'acc_demo', {
    topic: 'Acceptance demo', max_participants: 10,
    invitations: [{ id: 'alice', display_name: 'Alice' }, { id: 'bob', display_name: 'Bob' }],
  });
});
after(async () => { await t.close(); });

const userFields = (login: string, name: string) => ({
  id: login, uid: `${login}@parley.test`, avatar: null, login_name: login, email: `${login}@parley.test`, display_name: name,
  first_name: '', last_name: '', company: '', groups: [], mobile_phone: '', work_phone: '', home_phone: '', is_active: 1, status: 0,
});

test('step 5: add an invitation returns the Invitation object (User fields + is_owner, type, translator)', async () => {
  const r = await api(t, 'POST', '/conferences/acc_demo/invitations', { id: 'carol', display_name: 'Carol' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, { invitation: { ...userFields('carol', 'Carol'), is_owner: false, type: 'user', translator: null } });
});

test('step 6: the invitation list has the three, the owner marked', async () => {
  const r = await api(t, 'GET', '/conferences/acc_demo/invitations');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.invitations.map((i: { id: string; is_owner: boolean }) => [i.id, i.is_owner]),
    [['alice', true], ['bob', false], ['carol', false]]);
});

test('get one invitation by login or by TrueConf ID; unknown is participantNotFound', async () => {
  const a = await api(t, 'GET', '/conferences/acc_demo/invitations/bob');
  assert.equal(a.status, 200, a.text);
  assert.deepEqual(a.body.invitation, { ...userFields('bob', 'Bob'), is_owner: false, type: 'user', translator: null });
  const b = await api(t, 'GET', '/conferences/acc_demo/invitations/bob@parley.test');
  assert.equal(b.body.invitation.id, 'bob');
  const none = await api(t, 'GET', '/conferences/acc_demo/invitations/zed');
  assert.equal(none.status, 404);
  assert.deepEqual(errorOf(none), { code: 404, reason: 'participantNotFound', message: 'Participant zed is not found.' });
});

test('an id that is not a user is a "custom" invitation; translator on v3.9+', async () => {
  const r = await api(t, 'POST', '/conferences/acc_demo/invitations',
    { id: 'guest@other.example', display_name: 'Guest', translator: { languages: ['en', 'ru'] } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.invitation, { id: 'guest@other.example', display_name: 'Guest', is_owner: false, type: 'custom', translator: { languages: ['en', 'ru'] } });
  const del = await api(t, 'DELETE', '/conferences/acc_demo/invitations/guest@other.example');
  assert.deepEqual(del.body, { id: 'guest@other.example' });
});

test('edit an invitation; PUT of unknown id is 404; wrong types are 400', async () => {
  const r = await api(t, 'PUT', '/conferences/acc_demo/invitations/carol', { display_name: 'Caroline' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.invitation.display_name, 'Caroline');
  assert.equal(r.body.invitation.type, 'user');
  const list = await api(t, 'GET', '/conferences/acc_demo/invitations');
  assert.equal(list.body.invitations.find((i: { id: string }) => i.id === 'carol').display_name, 'Caroline');
  const none = await api(t, 'PUT', '/conferences/acc_demo/invitations/zed', { display_name: 'Z' });
  assert.equal(none.status, 404);
  assert.equal(errorOf(none).reason, 'participantNotFound');
  const wrong = await api(t, 'PUT', '/conferences/acc_demo/invitations/carol', { display_name: 42 });
  assert.equal(wrong.status, 400);
  assert.equal(errorOf(wrong).reason, 'invalidParameter');
  const empty = await api(t, 'PUT', '/conferences/acc_demo/invitations/carol', { display_name: '' });
  assert.equal(empty.status, 400);
  const badTranslator = await api(t, 'PUT', '/conferences/acc_demo/invitations/carol', { translator: { languages: 'en' } });
  assert.equal(badTranslator.status, 400);
});

test('add: missing id, wrong types and too long ids are 400 in the envelope', async () => {
  const missing = await api(t, 'POST', '/conferences/acc_demo/invitations', { display_name: 'No id' });
  assert.equal(missing.status, 400);
  assert.deepEqual(errorOf(missing), { code: 400, reason: 'missingRequiredField', message: 'Missing required field.' });
  assert.equal(missing.body.error.errors[0].location, 'id');
  assert.equal(missing.body.error.errors[0].locationType, 'parameter');
  const num = await api(t, 'POST', '/conferences/acc_demo/invitations', { id: 7 });
  assert.equal(num.status, 400);
  assert.equal(errorOf(num).reason, 'invalidParameter');
  const long = await api(t, 'POST', '/conferences/acc_demo/invitations', { id: 'x'.repeat(65) });
  assert.equal(long.status, 400);
  const notJson = await http(t.base, 'POST', `/api/v3.10/conferences/acc_demo/invitations?access_token=${t.admin.token}`, '{"id": ',
    { 'content-type': 'application/json' });
  assert.equal(notJson.status, 400);
  assert.equal(errorOf(notJson).reason, 'invalidRequest');
  const notObject = await api(t, 'POST', '/conferences/acc_demo/invitations', ['bob']);
  assert.equal(notObject.status, 400);
});

test('every invitation endpoint answers conferenceNotFound for an unknown conference', async () => {
  const calls: Array<[string, string, unknown?]> = [
    ['POST', '/conferences/nope/invitations', { id: 'bob' }],
    ['GET', '/conferences/nope/invitations'],
    ['GET', '/conferences/nope/invitations/bob'],
    ['PUT', '/conferences/nope/invitations/bob', { display_name: 'B' }],
    ['DELETE', '/conferences/nope/invitations/bob'],
  ];
  for (const [m, p, b] of calls) {
    const r = await api(t, m, p, b);
    assert.equal(r.status, 404, `${m} ${p}: ${r.text}`);
    assert.deepEqual(errorOf(r), { code: 404, reason: 'conferenceNotFound', message: 'Conference nope is not found.' });
  }
});

test('the owner cannot be removed from the list', async () => {
  const r = await api(t, 'DELETE', '/conferences/acc_demo/invitations/alice');
  assert.equal(r.status, 400);
  assert.deepEqual(errorOf(r), { code: 400, reason: 'conferenceOwnerNotInInvitationsList', message: 'The conference owner must be included in the invitation list.' });
});

test('the invitation list is bounded by max_participants', async () => {
  await createConference(t, 'small', { max_participants: 2, invitations: [{ id: 'alice' }, { id: 'bob' }] });
  const r = await api(t, 'POST', '/conferences/small/invitations', { id: 'carol' });
  assert.equal(r.status, 400);
  assert.deepEqual(errorOf(r), { code: 400, reason: 'conferenceMaxInvitationsLimit', message: 'Conference small invitations maximum (2) reached.' });
});

test('while running: add works, edit and delete are conferenceUnavailableForChange', async () => {
  await createConference(t, 'live_inv');
  await runConference(t, 'live_inv');
  try {
    const add = await api(t, 'POST', '/conferences/live_inv/invitations', { id: 'bob' });
    assert.equal(add.status, 200, add.text);
    const put = await api(t, 'PUT', '/conferences/live_inv/invitations/bob', { display_name: 'B' });
    assert.equal(put.status, 400);
    assert.deepEqual(errorOf(put), { code: 400, reason: 'conferenceUnavailableForChange', message: 'A running conference live_inv unavailable for editing.' });
    const del = await api(t, 'DELETE', '/conferences/live_inv/invitations/bob');
    assert.equal(del.status, 400);
    assert.equal(errorOf(del).reason, 'conferenceUnavailableForChange');
  } finally {
    await stopConference(t, 'live_inv');
  }
  const del = await api(t, 'DELETE', '/conferences/live_inv/invitations/bob');
  assert.deepEqual(del.body, { id: 'bob' });
  const gone = await api(t, 'GET', '/conferences/live_inv/invitations/bob');
  assert.equal(gone.status, 404);
});

test('older prefixes: v3 groups as ids and no uid; no translator before v3.9', async () => {
  const v3 = await api(t, 'GET', '/conferences/acc_demo/invitations/bob', undefined, { version: '3' });
  assert.equal(v3.status, 200, v3.text);
  assert.equal(v3.body.invitation.uid, undefined);
  assert.deepEqual(v3.body.invitation.groups, ['@no_group']);
  assert.equal('translator' in v3.body.invitation, false);
  const v38 = await api(t, 'GET', '/conferences/acc_demo/invitations', undefined, { version: '3.8' });
  assert.equal(v38.status, 200);
  assert.equal('translator' in v38.body.invitations[0], false);
  assert.equal(v38.body.invitations[0].uid, 'alice@parley.test');
});

test('scopes: :read reads but does not write; delete needs the bare scope or :write', async () => {
  const read = await tokenWithScopes(t, ['conferences.invitations:read']);
  assert.equal((await api(t, 'GET', '/conferences/acc_demo/invitations', undefined, { token: read })).status, 200);
  const w = await api(t, 'POST', '/conferences/acc_demo/invitations', { id: 'carol' }, { token: read });
  assert.equal(w.status, 403);
  assert.deepEqual(errorOf(w), { code: 403, reason: 'forbidden', message: 'Forbidden' });
  assert.equal((await api(t, 'DELETE', '/conferences/acc_demo/invitations/carol', undefined, { token: read })).status, 403);
  const bare = await tokenWithScopes(t, ['conferences.invitations']);
  const v3 = await api(t, 'GET', '/conferences/acc_demo/invitations', undefined, { token: bare, version: '3' });
  assert.equal(v3.status, 200);
  const v3read = await api(t, 'GET', '/conferences/acc_demo/invitations', undefined, { token: read, version: '3' });
  assert.equal(v3read.status, 403);
});
