import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, errorOf, http, tokenWithScopes, type TestServer } from '../../helpers/server.js';

let t: TestServer;
before(async () => { t = await startServer(); });
after(async () => { await t.close(); });

test('create user returns the seed User object without password', async () => {
  const r = await api(t, 'POST', '/users', { login_name: 'alice', password: 'Alice-pass1', email: 'alice@parley.test', display_name: 'Alice' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, { user: {
    id: 'alice', uid: 'alice@parley.test', avatar: null, login_name: 'alice', email: 'alice@parley.test', display_name: 'Alice',
    first_name: '', last_name: '', company: '', groups: [], mobile_phone: '', work_phone: '', home_phone: '', is_active: 1, status: 0,
  } });
});

test('duplicate login and missing fields are 400 in the envelope', async () => {
  const dup = await api(t, 'POST', '/users', { login_name: 'alice', password: 'x' });
  assert.equal(dup.status, 400);
  const missing = await api(t, 'POST', '/users', { login_name: 'nopass' });
  assert.equal(missing.status, 400);
  assert.deepEqual(errorOf(missing), { code: 400, reason: 'missingRequiredField', message: 'Missing required field.' });
  assert.equal(missing.body.error.errors[0].location, 'password');
  const wrongType = await api(t, 'POST', '/users', { login_name: 'x1', password: 12345 });
  assert.equal(wrongType.status, 400);
  assert.equal(errorOf(wrongType).reason, 'invalidParameter');
});

test('list, filter, get by login or TrueConf ID, edit, delete', async () => {
  await api(t, 'POST', '/users', { login_name: 'bob', password: 'Bob-pass1', display_name: 'Bob Builder' });
  const list = await api(t, 'GET', '/users?display_name=builder&page_size=10');
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.users.map((u: { id: string }) => u.id), ['bob']);
  const byUid = await api(t, 'GET', '/users/bob@parley.test');
  assert.equal(byUid.body.user.id, 'bob');
  const edit = await api(t, 'PUT', '/users/bob', { company: 'ACME' });
  assert.equal(edit.body.user.company, 'ACME');
  const del = await api(t, 'DELETE', '/users/bob');
  assert.deepEqual(del.body, { id: 'bob' });
  const gone = await api(t, 'GET', '/users/bob');
  assert.equal(gone.status, 404);
  assert.deepEqual(errorOf(gone), { code: 404, reason: 'userNotFound', message: 'User bob is not found.' });
});

test('missing token is 401 forbidden; wrong scope is 403 forbidden', async () => {
  const none = await http(t.base, 'GET', '/api/v3.10/users');
  assert.equal(none.status, 401);
  assert.equal(errorOf(none).reason, 'forbidden');
  const tok = await tokenWithScopes(t, ['groups:read']);
  const wrong = await api(t, 'GET', '/users', undefined, { token: tok });
  assert.equal(wrong.status, 403);
  assert.deepEqual(errorOf(wrong), { code: 403, reason: 'forbidden', message: 'Forbidden' });
});

test('v3 shape: no uid, groups as ids', async () => {
  const r = await api(t, 'GET', '/users/alice', undefined, { version: '3' });
  assert.equal(r.status, 200);
  assert.equal(r.body.user.uid, undefined);
  assert.deepEqual(r.body.user.groups, ['@no_group']);
});

test('malformed JSON is 400, never 500', async () => {
  const r = await http(t.base, 'POST', `/api/v3.10/users?access_token=${t.admin.token}`, '{"login_name": ', { 'content-type': 'application/json' });
  assert.equal(r.status, 400);
  assert.equal(errorOf(r).reason, 'invalidRequest');
});
