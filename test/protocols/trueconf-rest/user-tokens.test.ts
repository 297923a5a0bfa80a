import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, http, errorOf, type TestServer } from '../../helpers/server.js';
import { createUsers } from '../../helpers/fixtures.js';

// A password-grant token carries the 29 user scopes of the seed's example; what it may do is still bounded by
// the user's own rights: their own objects, reads of the directory, and administration only as an operator.
let t: TestServer;
let bobToken: string;
let opToken: string;

async function userToken(login: string, password: string): Promise<string> {
  const r = await http(t.base, 'POST', '/oauth2/v1/token', { grant_type: 'password', username: login, password, client_id: 'trueconf_server_users' });
  assert.equal(r.status, 200, r.text);
  return r.body.access_token;
}

before(async () => {
  t = await startServer();
  await createUsers(t, 'alice', 'bob', 'olga');
  const g = await api(t, 'POST', '/groups', { display_name: 'Operators', rights: ['operator_rights'] });
  assert.equal(g.status, 200, g.text);
  assert.equal((await api(t, 'POST', `/groups/${g.body.group.id}/users`, { user_id: 'olga' })).status, 200);
  bobToken = await userToken('bob', 'Bob-pass1');
  opToken = await userToken('olga', 'Olga-pass1');
});
after(async () => { await t.close(); });

test('a plain user reads the directory but cannot administer it', async () => {
  assert.equal((await api(t, 'GET', '/users', undefined, { token: bobToken })).status, 200);
  const create = await api(t, 'POST', '/users', { login_name: 'mallory', password: 'Mallory-1' }, { token: bobToken });
  assert.equal(create.status, 403, create.text);
  assert.equal(errorOf(create).reason, 'forbidden');
  const del = await api(t, 'DELETE', '/users/alice', undefined, { token: bobToken });
  assert.equal(del.status, 403);
  const edit = await api(t, 'PUT', '/users/alice', { display_name: 'Hacked' }, { token: bobToken });
  assert.equal(edit.status, 403);
  const preset = await api(t, 'POST', '/broadcast/presets', { name: 'p', type: 'manualPull', payload: { audio_codec: 'MP3', video_codec: 'H264' } }, { token: bobToken });
  assert.equal(preset.status, 403, preset.text);
});

test('a plain user edits themself and creates conferences they own, not for others', async () => {
  const self = await api(t, 'PUT', '/users/bob', { company: 'ACME' }, { token: bobToken });
  assert.equal(self.status, 200, self.text);
  const own = await api(t, 'POST', '/conferences', { id: 'bobs', topic: 'Bob', owner: 'bob' }, { token: bobToken });
  assert.equal(own.status, 200, own.text);
  const other = await api(t, 'POST', '/conferences', { id: 'alices', topic: 'Alice', owner: 'alice' }, { token: bobToken });
  assert.equal(other.status, 403, other.text);
});

test('an operator administers with a user token', async () => {
  const create = await api(t, 'POST', '/users', { login_name: 'carol', password: 'Carol-pass1' }, { token: opToken });
  assert.equal(create.status, 200, create.text);
  const del = await api(t, 'DELETE', '/users/carol', undefined, { token: opToken });
  assert.equal(del.status, 200, del.text);
});
