import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, errorOf, http, type TestServer } from '../../helpers/server.js';
import { createUsers } from '../../helpers/fixtures.js';

// Parley's extension fields on the TrueConf Conference object: `aliases`, `host_pin`, `guest_pin` (the Pexip face's
// conference alias and PINs). Present only when set, so a conference without them is exactly the seed's object.

let t: TestServer;
before(async () => {
  t = await startServer();
  await createUsers(t, 'alice', 'bob');
});
after(async () => { await t.close(); });

const base = { topic: 'Ext', owner: 'alice@parley.test', type: 0, schedule: { type: -1 } };

async function userToken(login: string, password: string): Promise<string> {
  const r = await http(t.base, 'POST', '/oauth2/v1/token', { grant_type: 'password', username: login, password, client_id: 'trueconf_server_users' });
  assert.equal(r.status, 200, r.text);
  return r.body.access_token;
}

test('POST accepts aliases and PINs; POST, GET and the list return them', async () => {
  const r = await api(t, 'POST', '/conferences', { ...base, id: 'ext1', aliases: ['Meet_Alice', 'standup'], host_pin: '1234', guest_pin: '5678' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.conference.aliases, ['meet_alice', 'standup'], 'aliases are stored lower-case');
  assert.equal(r.body.conference.host_pin, '1234');
  assert.equal(r.body.conference.guest_pin, '5678');
  const got = (await api(t, 'GET', '/conferences/ext1')).body.conference;
  assert.deepEqual([got.aliases, got.host_pin, got.guest_pin], [['meet_alice', 'standup'], '1234', '5678']);
  const listed = (await api(t, 'GET', '/conferences')).body.conferences.find((c: { id: string }) => c.id === 'ext1');
  assert.deepEqual([listed.aliases, listed.host_pin, listed.guest_pin], [['meet_alice', 'standup'], '1234', '5678']);
  // The seed's own fields are untouched by the extension.
  assert.equal(got.pin, null);
  assert.equal(got.pin_enabled, false);
});

test('a conference without extension fields renders without them', async () => {
  const r = await api(t, 'POST', '/conferences', { ...base, id: 'plain1' });
  assert.equal(r.status, 200, r.text);
  for (const k of ['aliases', 'host_pin', 'guest_pin']) assert.ok(!(k in r.body.conference), k);
});

test('PUT sets, changes and clears them; the alias reaches the Pexip face at once', async () => {
  await api(t, 'POST', '/conferences', { ...base, id: 'ext2' });
  let r = await api(t, 'PUT', '/conferences/ext2', { aliases: ['weekly'], host_pin: '4321' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.conference.aliases, ['weekly']);
  assert.equal(r.body.conference.host_pin, '4321');
  assert.ok(!('guest_pin' in r.body.conference));
  const status = await http(t.base, 'POST', '/api/client/v2/conferences/weekly/request_token', { display_name: 'X' });
  assert.equal(status.status, 403, 'the new alias resolves and asks for the PIN');
  r = await api(t, 'PUT', '/conferences/ext2', { aliases: [], host_pin: null });
  assert.equal(r.status, 200, r.text);
  for (const k of ['aliases', 'host_pin', 'guest_pin']) assert.ok(!(k in r.body.conference), k);
  const gone = await http(t.base, 'POST', '/api/client/v2/conferences/weekly/request_token', { display_name: 'X' });
  assert.equal(gone.status, 404, gone.text);
});

test('a user-bound token of the owner sees the PINs (the seed pin rule: owner and applications)', async () => {
  await api(t, 'POST', '/conferences', { ...base, id: 'ext3', host_pin: '1111', guest_pin: '2222', invitations: ['alice', 'bob'] });
  const alice = await userToken('alice', 'Alice-pass1');
  const own = await api(t, 'GET', '/conferences/ext3', undefined, { token: alice });
  assert.equal(own.status, 200, own.text);
  assert.deepEqual([own.body.conference.host_pin, own.body.conference.guest_pin], ['1111', '2222']);
});

test('bad values: wrong types, short PINs, equal PINs, duplicate alias -> TrueConf 400s, never a 500', async () => {
  await api(t, 'POST', '/conferences', { ...base, id: 'ext4', aliases: ['taken'] });
  const cases: Array<[Record<string, unknown>, string, string, RegExp]> = [
    [{ aliases: 'not-a-list' }, 'aliases', 'invalidParameter', /aliases must be array/],
    [{ aliases: ['has space'] }, 'aliases', 'invalidParameter', /is not valid/],
    [{ host_pin: 1234 }, 'host_pin', 'invalidParameter', /must be string/],
    [{ host_pin: '12' }, 'host_pin', 'invalidParameter', /4-20 digits/],
    [{ guest_pin: 'abcd' }, 'guest_pin', 'invalidParameter', /4-20 digits/],
    [{ host_pin: '9999', guest_pin: '9999' }, 'guest_pin', 'invalidParameter', /must differ/],
    [{ aliases: ['taken'] }, 'aliases', 'alreadyExists', /Alias taken is used by conference ext4/],
    [{ aliases: ['ext4'] }, 'aliases', 'alreadyExists', /Alias ext4 is the id of another conference/],
  ];
  for (const [body, location, reason, message] of cases) {
    const r = await api(t, 'POST', '/conferences', { ...base, id: `bad_${Math.random().toString(36).slice(2, 8)}`, ...body });
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(errorOf(r).reason, reason, r.text);
    assert.match(errorOf(r).message, message);
    assert.equal(r.body.error.errors[0].location, location, r.text);
  }
  const put = await api(t, 'PUT', '/conferences/ext4', { host_pin: 'x' });
  assert.equal(put.status, 400, put.text);
});
