import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, errorOf, http, tokenWithScopes, type TestServer } from '../../helpers/server.js';

let t: TestServer;
before(async () => {
  t = await startServer();
  for (const [login, name] of [['alice', 'Alice'], ['bob', 'Bob'], ['carol', 'Carol']]) {
    const r = await api(t, 'POST', '/users', { login_name: login, password: `${name}-pass1`, display_name: name });
    assert.equal(r.status, 200, r.text);
  }
});
after(async () => { await t.close(); });

const invalidAt = (r: { status: number; body: any }, location: string) => {
  assert.equal(r.status, 400, JSON.stringify(r.body));
  assert.equal(r.body.error.code, 400);
  assert.equal(r.body.error.message, 'Bad Request');
  assert.equal(r.body.error.errors[0].location, location);
};

test('create group returns the seed Group object; the id is a slug of the name', async () => {
  const events: string[] = [];
  const off = t.parley.engine.bus.on('group.changed', (e) => events.push(e.groupId));
  const r = await api(t, 'POST', '/groups', { display_name: 'Sales Team', rights: ['operator_rights', 'make_calls', 'make_calls'] });
  off();
  assert.equal(r.status, 200, r.text);
  // Rights come back deduplicated and in the seed's vocabulary order.
  assert.deepEqual(r.body, { group: { id: 'sales_team', display_name: 'Sales Team', rights: ['make_calls', 'operator_rights'] } });
  assert.deepEqual(events, ['sales_team']);
  const noRights = await api(t, 'POST', '/groups', { display_name: 'Empty' });
  assert.deepEqual(noRights.body, { group: { id: 'empty', display_name: 'Empty', rights: [] } });
});

test('group names are unique regardless of case; a clashing slug gets a suffix', async () => {
  const dup = await api(t, 'POST', '/groups', { display_name: 'SALES TEAM' });
  invalidAt(dup, 'display_name');
  assert.equal(errorOf(dup).reason, 'alreadyExists');
  const clash = await api(t, 'POST', '/groups', { display_name: 'Sales-Team' });
  assert.equal(clash.status, 200, clash.text);
  assert.match(clash.body.group.id, /^sales_team_[0-9a-f]{4}$/);
  const nonLatin = await api(t, 'POST', '/groups', { display_name: 'Отдел' });
  assert.match(nonLatin.body.group.id, /^[0-9a-f]{8}$/);
});

test('create group: missing and malformed fields are 400 in the envelope', async () => {
  const missing = await api(t, 'POST', '/groups', { rights: [] });
  invalidAt(missing, 'display_name');
  assert.deepEqual(errorOf(missing), { code: 400, reason: 'missingRequiredField', message: 'Missing required field.' });
  const wrongType = await api(t, 'POST', '/groups', { display_name: 42 });
  invalidAt(wrongType, 'display_name');
  assert.equal(errorOf(wrongType).reason, 'invalidParameter');
  const rightsNotArray = await api(t, 'POST', '/groups', { display_name: 'X1', rights: 'make_calls' });
  invalidAt(rightsNotArray, 'rights');
  const unknownRight = await api(t, 'POST', '/groups', { display_name: 'X2', rights: ['fly'] });
  invalidAt(unknownRight, 'rights');
  assert.equal(errorOf(unknownRight).reason, 'invalidParameter');
  const blank = await api(t, 'POST', '/groups', { display_name: '   ' });
  invalidAt(blank, 'display_name');
  const tooLong = await api(t, 'POST', '/groups', { display_name: 'x'.repeat(65) });
  invalidAt(tooLong, 'display_name');
});

test('list groups has next_page_id (page number, -1 on the last page) before groups', async () => {
  const all = await api(t, 'GET', '/groups');
  assert.equal(all.status, 200);
  assert.deepEqual(Object.keys(all.body), ['next_page_id', 'groups']);
  assert.equal(all.body.next_page_id, -1);
  const n = all.body.groups.length;
  assert.ok(n >= 4);
  const first = await api(t, 'GET', '/groups?page_size=1');
  assert.equal(first.body.groups.length, 1);
  assert.equal(first.body.next_page_id, 2);
  const last = await api(t, 'GET', `/groups?page_size=1&page_id=${n}`);
  assert.equal(last.body.next_page_id, -1);
  const beyond = await api(t, 'GET', `/groups?page_size=1&page_id=${n + 5}`);
  assert.deepEqual(beyond.body, { next_page_id: -1, groups: [] });
  invalidAt(await api(t, 'GET', '/groups?page_size=0'), 'page_size');
  invalidAt(await api(t, 'GET', '/groups?page_size=1001'), 'page_size');
  invalidAt(await api(t, 'GET', '/groups?page_id=abc'), 'page_id');
});

test('get, edit and delete a group; unknown ids are groupNotFound', async () => {
  const get = await api(t, 'GET', '/groups/sales_team');
  assert.deepEqual(get.body, { group: { id: 'sales_team', display_name: 'Sales Team', rights: ['make_calls', 'operator_rights'] } });
  const edit = await api(t, 'PUT', '/groups/sales_team', { display_name: 'Sales', rights: ['address_book_editing'] });
  assert.deepEqual(edit.body, { group: { id: 'sales_team', display_name: 'Sales', rights: ['address_book_editing'] } });
  const partial = await api(t, 'PUT', '/groups/sales_team', { rights: ['make_calls', 'operator_rights'] });
  assert.equal(partial.body.group.display_name, 'Sales');
  invalidAt(await api(t, 'PUT', '/groups/sales_team', { display_name: 'Empty' }), 'display_name');
  invalidAt(await api(t, 'PUT', '/groups/sales_team', { rights: [1] }), 'rights.0');
  invalidAt(await api(t, 'PUT', '/groups/sales_team', { rights: ['nope'] }), 'rights');

  for (const [method, body] of [['GET', undefined], ['PUT', { display_name: 'Z' }], ['DELETE', undefined]] as const) {
    const r = await api(t, method, '/groups/nope', body);
    assert.equal(r.status, 404, `${method} ${r.text}`);
    assert.deepEqual(errorOf(r), { code: 404, reason: 'groupNotFound', message: 'Group nope is not found.' });
  }

  const created = await api(t, 'POST', '/groups', { display_name: 'Temp', rights: ['make_calls'] });
  const del = await api(t, 'DELETE', `/groups/${created.body.group.id}`);
  // The seed returns the deleted group itself, not an id.
  assert.deepEqual(del.body, { group: { id: 'temp', display_name: 'Temp', rights: ['make_calls'] } });
  assert.equal((await api(t, 'GET', '/groups/temp')).status, 404);
});

test('rights: v3.4/v3.5 speak the fine vocabulary, every other version the five-value one', async () => {
  const fine = await api(t, 'POST', '/groups', { display_name: 'Presenters', rights: ['screen_sharing', 'make_calls'] }, { version: '3.4' });
  assert.equal(fine.status, 200, fine.text);
  assert.deepEqual(fine.body.group.rights, ['make_calls', 'screen_sharing']);
  const now = await api(t, 'GET', `/groups/${fine.body.group.id}`);
  assert.deepEqual(now.body.group.rights, ['make_calls', 'collaboration_tools']);
  const coarse = await api(t, 'POST', '/groups', { display_name: 'Collab', rights: ['collaboration_tools'] });
  const old = await api(t, 'GET', `/groups/${coarse.body.group.id}`, undefined, { version: '3.5' });
  assert.deepEqual(old.body.group.rights, ['screen_sharing', 'remote_desktop_control', 'slideshow', 'file_sharing', 'conference_recording']);
  const v3 = await api(t, 'GET', `/groups/${coarse.body.group.id}`, undefined, { version: '3' });
  assert.deepEqual(v3.body.group.rights, ['collaboration_tools']);
});

test('group members: add, list with filters, get, remove; User objects show GroupMini', async () => {
  const events: string[] = [];
  const off = t.parley.engine.bus.on('user.updated', (e) => events.push(e.userId));
  const add = await api(t, 'POST', '/groups/sales_team/users', { user_id: 'alice' });
  off();
  assert.equal(add.status, 200, add.text);
  assert.equal(add.body.user.id, 'alice');
  assert.deepEqual(add.body.user.groups, [{ id: 'sales_team', display_name: 'Sales', rights: ['operator_rights'] }]);
  assert.deepEqual(events, ['alice']);
  // By TrueConf ID, and adding twice changes nothing.
  assert.equal((await api(t, 'POST', '/groups/sales_team/users', { user_id: 'bob@parley.test' })).status, 200);
  assert.equal((await api(t, 'POST', '/groups/sales_team/users', { user_id: 'bob' })).status, 200);

  const list = await api(t, 'GET', '/groups/sales_team/users');
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.users.map((u: { id: string }) => u.id), ['alice', 'bob']);
  assert.equal(list.body.next_page_id, -1);
  const filtered = await api(t, 'GET', '/groups/sales_team/users?display_name=BO');
  assert.deepEqual(filtered.body.users.map((u: { id: string }) => u.id), ['bob']);
  const paged = await api(t, 'GET', '/groups/sales_team/users?page_size=1');
  assert.equal(paged.body.next_page_id, 2);
  invalidAt(await api(t, 'GET', '/groups/sales_team/users?page_size=x'), 'page_size');

  const one = await api(t, 'GET', '/groups/sales_team/users/alice@parley.test');
  assert.equal(one.body.user.uid, 'alice@parley.test');
  const user = await api(t, 'GET', '/users/alice');
  assert.deepEqual(user.body.user.groups, [{ id: 'sales_team', display_name: 'Sales', rights: ['operator_rights'] }]);
  // v3: groups as ids, no uid.
  const v3 = await api(t, 'GET', '/groups/sales_team/users/alice', undefined, { version: '3' });
  assert.equal(v3.body.user.uid, undefined);
  assert.deepEqual(v3.body.user.groups, ['sales_team']);

  const del = await api(t, 'DELETE', '/groups/sales_team/users/bob');
  assert.deepEqual(del.body, { id: 'bob' });
  const again = await api(t, 'DELETE', '/groups/sales_team/users/bob');
  assert.deepEqual(errorOf(again), { code: 404, reason: 'userNotFound', message: 'User bob is not found.' });
});

test('group members: groupNotFound, userNotFound and bad input', async () => {
  const cases: Array<[string, string, unknown, string, string]> = [
    ['POST', '/groups/nope/users', { user_id: 'alice' }, 'groupNotFound', 'Group nope is not found.'],
    ['POST', '/groups/sales_team/users', { user_id: 'ghost' }, 'userNotFound', 'User ghost is not found.'],
    ['GET', '/groups/nope/users', undefined, 'groupNotFound', 'Group nope is not found.'],
    ['GET', '/groups/nope/users/alice', undefined, 'groupNotFound', 'Group nope is not found.'],
    ['GET', '/groups/sales_team/users/ghost', undefined, 'userNotFound', 'User ghost is not found.'],
    // carol exists but is not a member.
    ['GET', '/groups/sales_team/users/carol', undefined, 'userNotFound', 'User carol is not found.'],
    ['DELETE', '/groups/nope/users/alice', undefined, 'groupNotFound', 'Group nope is not found.'],
    ['DELETE', '/groups/sales_team/users/ghost', undefined, 'userNotFound', 'User ghost is not found.'],
  ];
  for (const [method, path, body, reason, message] of cases) {
    const r = await api(t, method, path, body);
    assert.equal(r.status, 404, `${method} ${path}: ${r.text}`);
    assert.deepEqual(errorOf(r), { code: 404, reason, message });
  }
  const missing = await api(t, 'POST', '/groups/sales_team/users', {});
  invalidAt(missing, 'user_id');
  assert.equal(errorOf(missing).reason, 'missingRequiredField');
  invalidAt(await api(t, 'POST', '/groups/sales_team/users', { user_id: 7 }), 'user_id');
});

test('deleting a group removes its memberships', async () => {
  const g = await api(t, 'POST', '/groups', { display_name: 'Short lived' });
  await api(t, 'POST', `/groups/${g.body.group.id}/users`, { user_id: 'carol' });
  assert.equal((await api(t, 'GET', '/users/carol')).body.user.groups.length, 1);
  await api(t, 'DELETE', `/groups/${g.body.group.id}`);
  assert.deepEqual((await api(t, 'GET', '/users/carol')).body.user.groups, []);
});

test('permissions follow the seed lines, including Edit Group accepting groups:read (sic)', async () => {
  const readOnly = await tokenWithScopes(t, ['groups:read']);
  assert.equal((await api(t, 'GET', '/groups', undefined, { token: readOnly })).status, 200);
  const post = await api(t, 'POST', '/groups', { display_name: 'Nope' }, { token: readOnly });
  assert.deepEqual(errorOf(post), { code: 403, reason: 'forbidden', message: 'Forbidden' });
  assert.equal((await api(t, 'DELETE', '/groups/empty', undefined, { token: readOnly })).status, 403);
  const put = await api(t, 'PUT', '/groups/empty', { rights: ['make_calls'] }, { token: readOnly });
  assert.equal(put.status, 200, put.text);

  const membersRead = await tokenWithScopes(t, ['groups.users:read']);
  assert.equal((await api(t, 'GET', '/groups/sales_team/users', undefined, { token: membersRead })).status, 200);
  assert.equal((await api(t, 'POST', '/groups/sales_team/users', { user_id: 'carol' }, { token: membersRead })).status, 403);
  assert.equal((await api(t, 'GET', '/groups', undefined, { token: membersRead })).status, 403);
  // v3: the bare scope only.
  const bare = await tokenWithScopes(t, ['groups.users']);
  assert.equal((await api(t, 'POST', '/groups/sales_team/users', { user_id: 'carol' }, { version: '3', token: bare })).status, 200);
  assert.equal((await api(t, 'GET', '/groups', undefined, { version: '3', token: readOnly })).status, 403);
});

test('a user token may read groups but not change them, unless the user is an operator', async () => {
  await api(t, 'POST', '/users', { login_name: 'erin', password: 'Erin-pass1' });
  const tok = await http(t.base, 'POST', '/oauth2/v1/token', { grant_type: 'password', username: 'erin', password: 'Erin-pass1', client_id: 'trueconf_server_users' });
  assert.equal(tok.status, 200, tok.text);
  const token = tok.body.access_token as string;
  assert.equal((await api(t, 'GET', '/groups', undefined, { token })).status, 200);
  const create = await api(t, 'POST', '/groups', { display_name: 'Mine' }, { token });
  assert.deepEqual(errorOf(create), { code: 403, reason: 'forbidden', message: 'Forbidden' });
  // Joining a group with operator rights would be an escalation.
  assert.equal((await api(t, 'POST', '/groups/sales_team/users', { user_id: 'erin' }, { token })).status, 403);
  assert.equal((await api(t, 'PUT', '/groups/empty', { rights: ['operator_rights'] }, { token })).status, 403);
  assert.equal((await api(t, 'DELETE', '/groups/empty', undefined, { token })).status, 403);
  const ops = await api(t, 'POST', '/groups', { display_name: 'Operators', rights: ['operator_rights'] });
  await api(t, 'POST', `/groups/${ops.body.group.id}/users`, { user_id: 'erin' });
  assert.equal((await api(t, 'POST', '/groups', { display_name: 'Mine' }, { token })).status, 200);
});

test('groups survive a restart', async () => {
  await t.restart();
  const r = await api(t, 'GET', '/groups/sales_team/users/alice');
  assert.equal(r.status, 200);
  assert.equal(r.body.user.groups[0].id, 'sales_team');
});
