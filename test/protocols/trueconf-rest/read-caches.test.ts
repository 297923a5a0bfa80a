import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, http, type TestServer } from '../../helpers/server.js';
import { createConference, createUsers, runConference, stopConference } from '../../helpers/fixtures.js';

// The hot reads are served from caches (users in the engine, rendered conference JSON in the REST face).
// Every write must show at once on every read path, and the cached bytes must be what a fresh rendering gives.

let t: TestServer;
before(async () => {
  t = await startServer();
  await createUsers(t, 'alice', 'bob');
});
after(async () => { await t.close(); });

const listed = async (path: string, key: string, id: string) => {
  const r = await api(t, 'GET', path);
  assert.equal(r.status, 200, r.text);
  return (r.body[key] as Array<{ id: string }>).find((x) => x.id === id) as Record<string, unknown> | undefined;
};

test('a user edit, delete and re-create show at once in GET /users/{id} and GET /users', async () => {
  assert.equal((await api(t, 'GET', '/users/bob')).body.user.display_name, 'Bob');
  assert.equal((await listed('/users?page_size=200', 'users', 'bob'))?.display_name, 'Bob');
  const put = await api(t, 'PUT', '/users/bob', { display_name: 'Robert', company: 'ACME' });
  assert.equal(put.body.user.display_name, 'Robert');
  const got = (await api(t, 'GET', '/users/bob')).body.user;
  assert.equal(got.display_name, 'Robert');
  assert.equal(got.company, 'ACME');
  assert.equal((await listed('/users?page_size=200', 'users', 'bob'))?.display_name, 'Robert');
  assert.equal((await api(t, 'DELETE', '/users/bob')).status, 200);
  assert.equal((await api(t, 'GET', '/users/bob')).status, 404);
  assert.equal(await listed('/users?page_size=200', 'users', 'bob'), undefined);
  await createUsers(t, 'bob');
  const again = (await api(t, 'GET', '/users/bob')).body.user;
  assert.equal(again.display_name, 'Bob');
  assert.equal(again.company, '');
});

test('a disabled user is shown disabled and cannot sign in (cached rows carry is_active)', async () => {
  await createUsers(t, 'dave');
  assert.equal((await api(t, 'GET', '/users/dave')).body.user.is_active, 1);
  await api(t, 'PUT', '/users/dave', { is_active: 0 });
  assert.equal((await api(t, 'GET', '/users/dave')).body.user.is_active, 0);
  const login = await http(t.base, 'POST', '/oauth2/v1/token', { grant_type: 'password', username: 'dave', password: 'Dave-pass1', client_id: 'trueconf_server_users' });
  assert.notEqual(login.status, 200);
});

test('engine user reads hand out copies: mutating one does not change the next read', async () => {
  const u = await t.parley.engine.users.get('alice');
  u.displayName = 'Mutated';
  assert.equal((await t.parley.engine.users.get('alice')).displayName, 'Alice');
  const many = await t.parley.engine.users.findMany(['alice']);
  many.get('alice')!.company = 'Mutated';
  assert.equal((await api(t, 'GET', '/users/alice')).body.user.company, '');
});

test('a conference edit shows at once in GET /conferences/{id} and the list, in every version', async () => {
  await createConference(t, 'cache1', { description: 'before' });
  for (const version of ['3', '3.4', '3.10']) {
    const r = await api(t, 'GET', '/conferences/cache1', undefined, { version });
    assert.equal(r.body.conference.description, 'before');
  }
  const put = await api(t, 'PUT', '/conferences/cache1', { topic: 'Renamed', description: 'after' });
  assert.equal(put.status, 200, put.text);
  for (const version of ['3', '3.4', '3.10']) {
    const r = await api(t, 'GET', '/conferences/cache1', undefined, { version });
    assert.equal(r.body.conference.topic, 'Renamed');
    assert.equal(r.body.conference.description, 'after');
    // A cached rendering is byte for byte what the PUT answered (same projection, same version).
    if (version === '3.10') assert.equal(r.text, JSON.stringify({ conference: put.body.conference }));
  }
  assert.equal((await listed('/conferences?page_size=200', 'conferences', 'cache1'))?.topic, 'Renamed');
  assert.equal((await api(t, 'DELETE', '/conferences/cache1')).status, 200);
  assert.equal((await api(t, 'GET', '/conferences/cache1')).status, 404);
  assert.equal(await listed('/conferences?page_size=200', 'conferences', 'cache1'), undefined);
});

test('invitation changes show in the conference (definition objects are replaced, never edited in place)', async () => {
  await createConference(t, 'cache2');
  const before = (await api(t, 'GET', '/conferences/cache2')).body.conference.invitations.map((i: { id: string }) => i.id);
  assert.deepEqual(before, ['alice']);
  await createUsers(t, 'erin');
  const add = await api(t, 'POST', '/conferences/cache2/invitations', { id: 'erin@parley.test' });
  assert.ok(add.status === 200, add.text);
  const after = (await api(t, 'GET', '/conferences/cache2')).body.conference.invitations.map((i: { id: string }) => i.id);
  assert.deepEqual(after, ['alice', 'erin']);
  const inList = await listed('/conferences?page_size=200', 'conferences', 'cache2');
  assert.deepEqual((inList?.invitations as Array<{ id: string }>).map((i) => i.id), ['alice', 'erin']);
});

test('running state and stream_id follow the live session in both reads', async () => {
  await createConference(t, 'cache3');
  assert.equal((await api(t, 'GET', '/conferences/cache3')).body.conference.state, 'stopped');
  const streamId = await runConference(t, 'cache3');
  const item = await listed('/conferences?page_size=200', 'conferences', 'cache3');
  assert.equal(item?.state, 'running');
  assert.equal(item?.stream_id, streamId);
  await stopConference(t, 'cache3');
  const got = (await api(t, 'GET', '/conferences/cache3')).body.conference;
  assert.equal(got.state, 'stopped');
  assert.equal(got.stream_id, null);
  assert.equal((await listed('/conferences?page_size=200', 'conferences', 'cache3'))?.state, 'stopped');
});

test('the PIN is shown per caller even when the rendering is cached', async () => {
  await createConference(t, 'cache4', { pin: '1234' });
  assert.equal((await api(t, 'GET', '/conferences/cache4')).body.conference.pin, '1234');
  const login = await http(t.base, 'POST', '/oauth2/v1/token', { grant_type: 'password', username: 'alice', password: 'Alice-pass1', client_id: 'trueconf_server_users' });
  assert.equal(login.status, 200, login.text);
  // alice owns it: she sees the PIN; the same cached definition rendered for bob (not the owner) hides it.
  assert.equal((await api(t, 'GET', '/conferences/cache4', undefined, { token: login.body.access_token })).body.conference.pin, '1234');
  await createConference(t, 'cache5', { pin: '5678', owner: 'bob@parley.test' });
  const bobs = await api(t, 'GET', '/conferences/cache5', undefined, { token: login.body.access_token });
  assert.notEqual(bobs.status, 200); // a user-bound caller sees only their own conferences
  assert.equal((await api(t, 'GET', '/conferences/cache5')).body.conference.pin, '5678');
});

test('a user written by another process (the admin CLI) is re-read, not served stale from the cache', async () => {
  const { default: Database } = await import('better-sqlite3');
  await createUsers(t, 'frank');
  assert.equal((await api(t, 'GET', '/users/frank')).body.user.display_name, 'Frank');
  const other = new Database(t.parley.store.path);
  try {
    other.prepare('UPDATE users SET display_name = ? WHERE id = ?').run('Franklin', 'frank');
  } finally {
    other.close();
  }
  assert.equal((await api(t, 'GET', '/users/frank')).body.user.display_name, 'Franklin');
  assert.equal((await listed('/users?page_size=200', 'users', 'frank'))?.display_name, 'Franklin');
});

test('unfiltered user and conference pages follow creates, deletes and another process\'s writes, in store order', async () => {
  const { default: Database } = await import('better-sqlite3');
  const ids = async () => {
    const out: string[] = [];
    for (let page = 1; ; page++) {
      const r = await api(t, 'GET', `/users?page_size=2&page_id=${page}`);
      assert.equal(r.status, 200, r.text);
      out.push(...(r.body.users as Array<{ id: string }>).map((u) => u.id));
      if (r.body.next_page_id === -1) return out;
      assert.equal(r.body.next_page_id, page + 1);
      assert.ok(page < 100, 'pages end');
    }
  };
  const sorted = (a: string[]) => [...a].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  await ids(); // loads the index
  await createUsers(t, 'zed', 'amy', 'mike');
  let got = await ids();
  assert.deepEqual(got, sorted(got));
  for (const u of ['zed', 'amy', 'mike']) assert.ok(got.includes(u), u);
  assert.equal((await api(t, 'DELETE', '/users/amy')).status, 200);
  got = await ids();
  assert.ok(!got.includes('amy'));
  assert.deepEqual(got, sorted(got));
  // Another connection inserts and deletes rows: the next page read sees both.
  const other = new Database(t.parley.store.path);
  try {
    other.prepare("INSERT INTO users (id, login_name, password_hash, email, display_name, first_name, last_name, company, mobile_phone, work_phone, home_phone, is_active, created_at, updated_at) VALUES ('bea', 'bea', 'x', NULL, 'Bea', '', '', '', '', '', '', 1, 0, 0)").run();
    other.prepare("DELETE FROM users WHERE id = 'zed'").run();
  } finally {
    other.close();
  }
  got = await ids();
  assert.ok(got.includes('bea') && !got.includes('zed'), got.join());
  assert.deepEqual(got, sorted(got));

  // Conferences list in creation order, ties by id; a deleted one leaves the pages and the total.
  const before = (await api(t, 'GET', '/conferences?page_size=200')).body.cnt as number;
  await createConference(t, 'order_b');
  await createConference(t, 'order_a');
  const confs = async () => (await api(t, 'GET', '/conferences?page_size=200')).body as { cnt: number; conferences: Array<{ id: string; created_at: number }> };
  let c = await confs();
  assert.equal(c.cnt, before + 2);
  assert.equal(c.conferences.length, c.cnt);
  const key = (x: { id: string; created_at: number }) => [x.created_at, x.id] as const;
  for (let i = 1; i < c.conferences.length; i++) {
    const [a, b] = [key(c.conferences[i - 1]), key(c.conferences[i])];
    assert.ok(a[0] < b[0] || (a[0] === b[0] && Buffer.compare(Buffer.from(a[1]), Buffer.from(b[1])) < 0), `${a} before ${b}`);
  }
  assert.equal((await api(t, 'DELETE', '/conferences/order_b')).status, 200);
  c = await confs();
  assert.equal(c.cnt, before + 1);
  assert.ok(!c.conferences.some((x) => x.id === 'order_b'));
});

test('embedded groups and avatar flags follow membership, group renames, deletes and another process\'s writes', async () => {
  const { default: Database } = await import('better-sqlite3');
  await createUsers(t, 'gina');
  const groupsOf = async () => {
    const one = (await api(t, 'GET', '/users/gina')).body.user as { groups: Array<{ id: string; display_name: string }>; avatar: string | null };
    const listed = (await api(t, 'GET', '/users?page_size=200')).body.users.find((u: { id: string }) => u.id === 'gina');
    assert.deepEqual(listed.groups, one.groups, 'list and single read agree');
    return one;
  };
  assert.deepEqual((await groupsOf()).groups, []); // cached: no groups
  const g = (await api(t, 'POST', '/groups', { display_name: 'Ops' })).body.group as { id: string };
  assert.equal((await api(t, 'POST', `/groups/${g.id}/users`, { user_id: 'gina' })).status, 200);
  assert.deepEqual((await groupsOf()).groups.map((x) => x.display_name), ['Ops']);
  assert.equal((await api(t, 'PUT', `/groups/${g.id}`, { display_name: 'Operations' })).status, 200);
  assert.deepEqual((await groupsOf()).groups.map((x) => x.display_name), ['Operations']);
  assert.equal((await api(t, 'DELETE', `/groups/${g.id}/users/gina`)).status, 200);
  assert.deepEqual((await groupsOf()).groups, []);
  const other = new Database(t.parley.store.path);
  try {
    other.prepare('INSERT INTO group_members (group_id, user_id, added_at) VALUES (?, ?, 0)').run(g.id, 'gina');
  } finally {
    other.close();
  }
  assert.deepEqual((await groupsOf()).groups.map((x) => x.display_name), ['Operations']);
  assert.equal((await api(t, 'DELETE', `/groups/${g.id}`)).status, 200);
  assert.deepEqual((await groupsOf()).groups, []);
});
