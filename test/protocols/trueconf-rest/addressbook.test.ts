import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, errorOf, http, tokenWithScopes, type TestServer } from '../../helpers/server.js';

let t: TestServer;
before(async () => {
  t = await startServer();
  for (const [login, name] of [['alice', 'Alice'], ['bob', 'Bob'], ['carol', 'Carol']]) {
    const r = await api(t, 'POST', '/users', { login_name: login, password: `${name}-pass1`, display_name: name, email: `${login}@parley.test` });
    assert.equal(r.status, 200, r.text);
  }
});
after(async () => { await t.close(); });

const BOB = {
  id: 'bob', uid: 'bob@parley.test', avatar: null, display_name: 'Bobby', login_name: 'bob', email: 'bob@parley.test',
  groups: [], first_name: '', last_name: '', company: '', status: 0, owner: 'alice@parley.test', owner_type: 2, type: 'user',
};

const invalidAt = (r: { status: number; body: any }, location: string, reason = 'invalidParameter') => {
  assert.equal(r.status, 400, JSON.stringify(r.body));
  assert.equal(r.body.error.errors[0].reason, reason);
  assert.equal(r.body.error.errors[0].location, location);
};

test('add a server user as a contact: the seed Contact object', async () => {
  const r = await api(t, 'POST', '/users/alice/addressbook', { contact_id: 'bob', display_name: 'Bobby' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, { contact: BOB });
  assert.deepEqual(Object.keys(r.body.contact), Object.keys(BOB));
  // Without a display name the contact shows the user's own.
  const carol = await api(t, 'POST', '/users/alice@parley.test/addressbook', { contact_id: 'carol@parley.test' });
  assert.equal(carol.status, 200, carol.text);
  assert.equal(carol.body.contact.id, 'carol');
  assert.equal(carol.body.contact.display_name, 'Carol');
});

test('an id that is not a user of this server is a custom contact', async () => {
  const r = await api(t, 'POST', '/users/alice/addressbook', { contact_id: 'Zed@Other.Example', display_name: 'Zed' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.contact, {
    id: 'zed@other.example', uid: 'zed@other.example', avatar: null, display_name: 'Zed', login_name: 'zed', email: '',
    groups: [], first_name: '', last_name: '', company: '', status: -127, owner: 'alice@parley.test', owner_type: 2, type: 'custom',
  });
});

test('a custom contact becomes a user contact once that user exists', async () => {
  const before = await api(t, 'POST', '/users/bob/addressbook', { contact_id: 'dave' });
  assert.equal(before.body.contact.type, 'custom');
  assert.equal(before.body.contact.uid, 'dave@parley.test');
  await api(t, 'POST', '/users', { login_name: 'dave', password: 'Dave-pass1', display_name: 'Dave' });
  const after = await api(t, 'GET', '/users/bob/addressbook/dave');
  assert.equal(after.body.contact.type, 'user');
  assert.equal(after.body.contact.display_name, 'Dave');
  assert.equal(after.body.contact.status, 0);
});

test('list contacts with paging; get one by login or TrueConf ID', async () => {
  const list = await api(t, 'GET', '/users/alice/addressbook');
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.contacts.map((c: { id: string }) => c.id), ['bob', 'carol', 'zed@other.example']);
  assert.equal(list.body.next_page_id, -1);
  const page = await api(t, 'GET', '/users/alice/addressbook?page_size=2');
  assert.equal(page.body.contacts.length, 2);
  assert.equal(page.body.next_page_id, 2);
  const page2 = await api(t, 'GET', '/users/alice/addressbook?page_size=2&page_id=2');
  assert.deepEqual(page2.body.contacts.map((c: { id: string }) => c.id), ['zed@other.example']);
  assert.equal(page2.body.next_page_id, -1);
  invalidAt(await api(t, 'GET', '/users/alice/addressbook?page_size=0'), 'page_size');
  invalidAt(await api(t, 'GET', '/users/alice/addressbook?page_id=-1'), 'page_id');
  const one = await api(t, 'GET', '/users/alice/addressbook/bob@parley.test');
  assert.deepEqual(one.body, { contact: BOB });
  const empty = await api(t, 'GET', '/users/carol/addressbook');
  assert.deepEqual(empty.body, { contacts: [], next_page_id: -1 });
});

test('edit a contact: rename, and point it at another id', async () => {
  const rename = await api(t, 'PUT', '/users/alice/addressbook/bob', { display_name: 'Robert' });
  assert.deepEqual(rename.body, { contact: { ...BOB, display_name: 'Robert' } });
  const same = await api(t, 'PUT', '/users/alice/addressbook/bob', { contact_id: 'bob@parley.test', display_name: 'Bobby' });
  assert.deepEqual(same.body, { contact: BOB });
  const moved = await api(t, 'PUT', '/users/alice/addressbook/zed@other.example', { contact_id: 'dave', display_name: '' });
  assert.equal(moved.status, 200, moved.text);
  assert.equal(moved.body.contact.id, 'dave');
  assert.equal(moved.body.contact.type, 'user');
  assert.equal(moved.body.contact.display_name, 'Dave');
  assert.equal((await api(t, 'GET', '/users/alice/addressbook/zed@other.example')).status, 404);
  const clash = await api(t, 'PUT', '/users/alice/addressbook/dave', { contact_id: 'bob' });
  invalidAt(clash, 'contact_id', 'alreadyExists');
});

test('delete a contact returns its id; then it is contactNotFound', async () => {
  const del = await api(t, 'DELETE', '/users/alice/addressbook/carol@parley.test');
  assert.deepEqual(del.body, { id: 'carol' });
  const gone = await api(t, 'GET', '/users/alice/addressbook/carol');
  assert.deepEqual(errorOf(gone), { code: 404, reason: 'contactNotFound', message: 'Contact carol is not found.' });
});

test('every endpoint: userNotFound for an unknown owner, contactNotFound for an unknown contact', async () => {
  const cases: Array<[string, string, unknown, string, string]> = [
    ['POST', '/users/ghost/addressbook', { contact_id: 'bob' }, 'userNotFound', 'User ghost is not found.'],
    ['GET', '/users/ghost/addressbook', undefined, 'userNotFound', 'User ghost is not found.'],
    ['GET', '/users/ghost/addressbook/bob', undefined, 'userNotFound', 'User ghost is not found.'],
    ['PUT', '/users/ghost/addressbook/bob', { display_name: 'x' }, 'userNotFound', 'User ghost is not found.'],
    ['DELETE', '/users/ghost/addressbook/bob', undefined, 'userNotFound', 'User ghost is not found.'],
    ['GET', '/users/alice/addressbook/nobody', undefined, 'contactNotFound', 'Contact nobody is not found.'],
    ['PUT', '/users/alice/addressbook/nobody', { display_name: 'x' }, 'contactNotFound', 'Contact nobody is not found.'],
    ['DELETE', '/users/alice/addressbook/nobody', undefined, 'contactNotFound', 'Contact nobody is not found.'],
  ];
  for (const [method, path, body, reason, message] of cases) {
    const r = await api(t, method, path, body);
    assert.equal(r.status, 404, `${method} ${path}: ${r.text}`);
    assert.deepEqual(errorOf(r), { code: 404, reason, message });
  }
});

test('bad input is 400 in the envelope, never 500', async () => {
  invalidAt(await api(t, 'POST', '/users/alice/addressbook', { display_name: 'x' }), 'contact_id', 'missingRequiredField');
  invalidAt(await api(t, 'POST', '/users/alice/addressbook', { contact_id: 12 }), 'contact_id');
  invalidAt(await api(t, 'POST', '/users/alice/addressbook', { contact_id: 'x', display_name: ['y'] }), 'display_name');
  invalidAt(await api(t, 'POST', '/users/alice/addressbook', { contact_id: 'has space' }), 'contact_id');
  invalidAt(await api(t, 'POST', '/users/alice/addressbook', { contact_id: 'alice@parley.test' }), 'contact_id');
  invalidAt(await api(t, 'POST', '/users/alice/addressbook', { contact_id: 'bob' }), 'contact_id', 'alreadyExists');
  invalidAt(await api(t, 'PUT', '/users/alice/addressbook/bob', { display_name: 'x'.repeat(65) }), 'display_name');
  const malformed = await http(t.base, 'POST', `/api/v3.10/users/alice/addressbook?access_token=${t.admin.token}`, '{"contact_id":', { 'content-type': 'application/json' });
  assert.equal(malformed.status, 400);
});

test('v3 shape: groups as ids, no owner_type', async () => {
  await api(t, 'POST', '/groups', { display_name: 'Crew' });
  await api(t, 'POST', '/groups/crew/users', { user_id: 'bob' });
  const v3 = await api(t, 'GET', '/users/alice/addressbook/bob', undefined, { version: '3' });
  assert.equal(v3.status, 200, v3.text);
  assert.equal(v3.body.contact.owner_type, undefined);
  assert.deepEqual(v3.body.contact.groups, ['crew']);
  assert.equal(v3.body.contact.uid, 'bob@parley.test');
  const v31 = await api(t, 'GET', '/users/alice/addressbook/bob', undefined, { version: '3.1' });
  assert.deepEqual(v31.body.contact.groups, [{ id: 'crew', display_name: 'Crew', rights: [] }]);
  assert.equal(v31.body.contact.owner_type, 2);
});

test('scopes, and a user token reaches only its own address book', async () => {
  const read = await tokenWithScopes(t, ['users.addressbook:read']);
  assert.equal((await api(t, 'GET', '/users/alice/addressbook', undefined, { token: read })).status, 200);
  const denied = await api(t, 'POST', '/users/alice/addressbook', { contact_id: 'carol' }, { token: read });
  assert.deepEqual(errorOf(denied), { code: 403, reason: 'forbidden', message: 'Forbidden' });
  // v3 knows only the bare scope.
  assert.equal((await api(t, 'GET', '/users/alice/addressbook', undefined, { version: '3', token: read })).status, 403);

  const tok = await http(t.base, 'POST', '/oauth2/v1/token', { grant_type: 'password', username: 'alice', password: 'Alice-pass1', client_id: 'trueconf_server_users' });
  assert.equal(tok.status, 200, tok.text);
  const mine = await api(t, 'GET', '/users/alice/addressbook', undefined, { token: tok.body.access_token });
  assert.equal(mine.status, 200);
  const added = await api(t, 'POST', '/users/alice/addressbook', { contact_id: 'carol' }, { token: tok.body.access_token });
  assert.equal(added.status, 200, added.text);
  const theirs = await api(t, 'GET', '/users/bob/addressbook', undefined, { token: tok.body.access_token });
  assert.equal(theirs.status, 403);
});
