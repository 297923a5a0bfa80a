// `parley conference ...`, run as a child process exactly as an operator runs it, with and without a server on the
// same data directory. The server caches conference definitions: CLI edits must show in its answers at once.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, runCli } from './helpers/cli.js';
import { startServer, http, api, errorOf, type TestServer } from './helpers/server.js';

let cwd: string;
before(async () => {
  await ensureBuilt();
  cwd = mkdtempSync(join(tmpdir(), 'parley-cli-cwd-'));
});
after(() => { rmSync(cwd, { recursive: true, force: true }); });

const tempDir = () => mkdtempSync(join(tmpdir(), 'parley-cli-conf-'));
const envFor = (dataDir: string) => ({ PARLEY_DATA_DIR: dataDir, PARLEY_SERVER_NAME: 'parley.test' });
const cli = (dataDir: string, ...args: string[]) => runCli(args, envFor(dataDir), cwd);
const json = (s: string) => JSON.parse(s.trim().split('\n').pop()!);

async function ok(dir: string, ...args: string[]) {
  const r = await cli(dir, ...args);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r;
}

test('--help lists the conference commands', async () => {
  const r = await runCli(['--help'], {}, cwd);
  for (const s of ['conference create', 'conference list', 'conference update', 'conference delete', '--host-pin', '--no-guest-pin', '--alias']) {
    assert.ok(r.stdout.includes(s), s);
  }
});

describe('without a server', () => {
  let dir: string;
  before(() => { dir = tempDir(); });
  after(() => { rmSync(dir, { recursive: true, force: true }); });

  test('create needs an owner: none without users, the sole user by default, --owner among several', async () => {
    const none = await cli(dir, 'conference', 'create', '--id', 'c0', '--name', 'Nobody');
    assert.equal(none.code, 2);
    assert.match(none.stderr, /create a user first \(parley user create\)/);

    await ok(dir, 'user', 'create', '--login', 'alice', '--password', 'Alice-pass1', '--display-name', 'Alice');
    const c = await ok(dir, 'conference', 'create', '--id', 'standup', '--name', 'Daily standup', '--alias', 'Standup-Room',
      '--alias', 'daily', '--host-pin', '1234', '--guest-pin', '5678', '--allow-guests', '--json');
    assert.deepEqual(json(c.stdout), {
      id: 'standup', topic: 'Daily standup', owner: 'alice', aliases: ['standup-room', 'daily'], host_pin: '1234',
      guest_pin: '5678', allow_guests: true,
    });
    const text = await ok(dir, 'conference', 'create', '--id', 'plain', '--name', 'Plain');
    assert.match(text.stdout, /^created conference plain {2}Plain {2}\(owner alice\)$/m);

    await ok(dir, 'user', 'create', '--login', 'bob', '--password', 'Bob-pass1');
    const ambiguous = await cli(dir, 'conference', 'create', '--id', 'c1', '--name', 'Whose');
    assert.equal(ambiguous.code, 2);
    assert.match(ambiguous.stderr, /--owner LOGIN is required when more than one user exists/);
    const bobs = await ok(dir, 'conference', 'create', '--name', 'Random id', '--owner', 'bob', '--json');
    assert.match(json(bobs.stdout).id, /^\d{10}$/, 'no --id: the engine picks a 10-digit id');
    assert.equal(json(bobs.stdout).owner, 'bob');
  });

  test('list --json and text', async () => {
    const list = json((await ok(dir, 'conference', 'list', '--json')).stdout) as Array<Record<string, unknown>>;
    // Listed by creation time in whole seconds, so two conferences made in the same second may come in either
    // order: look them up by id.
    assert.equal(list.length, 3);
    assert.ok(list.some((c) => c.id === 'standup'));
    assert.deepEqual(list.find((c) => c.id === 'plain'), { id: 'plain', topic: 'Plain', owner: 'alice', aliases: [], host_pin: null, guest_pin: null, allow_guests: false });
    const text = (await ok(dir, 'conference', 'list')).stdout;
    assert.match(text, /standup {2}Daily standup {2}\(owner alice\) {2}aliases: standup-room, daily {2}host PIN 1234, guest PIN 5678/);
  });

  test('update: topic, alias list, PINs set and cleared, guests', async () => {
    let r = json((await ok(dir, 'conference', 'update', '--id', 'standup', '--name', 'Standup', '--alias', 'morning', '--no-guest-pin', '--json')).stdout);
    assert.deepEqual(r, { id: 'standup', topic: 'Standup', owner: 'alice', aliases: ['morning'], host_pin: '1234', guest_pin: null, allow_guests: true });
    r = json((await ok(dir, 'conference', 'update', '--id', 'standup', '--no-alias', '--no-host-pin', '--guest-pin', '2468', '--no-allow-guests', '--json')).stdout);
    assert.deepEqual(r, { id: 'standup', topic: 'Standup', owner: 'alice', aliases: [], host_pin: null, guest_pin: '2468', allow_guests: false });
    const text = await ok(dir, 'conference', 'update', '--id', 'standup', '--owner', 'bob');
    assert.match(text.stdout, /^updated conference standup {2}Standup {2}\(owner bob\)/m);
  });

  test('delete, then again', async () => {
    const d = await ok(dir, 'conference', 'delete', '--id', 'plain', '--json');
    assert.deepEqual(json(d.stdout), { deleted: 'plain' });
    const again = await cli(dir, 'conference', 'delete', '--id', 'plain');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /plain/);
    const list = json((await ok(dir, 'conference', 'list', '--json')).stdout) as Array<{ id: string }>;
    assert.equal(list.some((c) => c.id === 'plain'), false);
  });

  test('bad arguments: non-zero exit and a message that says what is wrong, never a stack trace', async () => {
    await ok(dir, 'conference', 'create', '--id', 'taken', '--name', 'Taken', '--alias', 'busy', '--owner', 'alice');
    const cases: Array<[string[], RegExp]> = [
      [['conference'], /Usage: parley conference create\|list\|update\|delete/],
      [['conference', 'explode'], /Usage: parley conference/],
      [['conference', 'create', '--id', 'x'], /--name is required/],
      [['conference', 'create', '--name', 'X', '--owner', 'ghost'], /User ghost is not found/],
      [['conference', 'create', '--name', 'X', '--owner', 'alice', '--host-pin', '12'], /host_pin must be 4-20 digits/],
      [['conference', 'create', '--name', 'X', '--owner', 'alice', '--host-pin', '1111', '--guest-pin', '1111'], /guest_pin must differ from host_pin/],
      [['conference', 'create', '--name', 'X', '--owner', 'alice', '--alias', 'a b'], /alias "a b" is not valid/],
      [['conference', 'create', '--name', 'X', '--owner', 'alice', '--alias', 'busy'], /Alias busy is used by conference taken/],
      [['conference', 'create', '--name', 'X', '--owner', 'alice', '--alias', 'standup'], /Alias standup is the id of another conference/],
      [['conference', 'create', '--id', 'taken', '--name', 'X', '--owner', 'alice'], /Conference taken already exists/],
      [['conference', 'create', '--name', 'X', '--no-host-pin'], /--no-host-pin is for conference update/],
      [['conference', 'create', '--name', 'X', '--colour', 'red'], /Unknown option '--colour'/],
      [['conference', 'update'], /--id is required/],
      [['conference', 'update', '--id', 'taken'], /nothing to change/],
      [['conference', 'update', '--id', 'nope', '--name', 'N'], /conference nope not found/],
      [['conference', 'update', '--id', 'taken', '--host-pin', '1234', '--no-host-pin'], /--host-pin and --no-host-pin contradict/],
      [['conference', 'update', '--id', 'taken', '--alias', 'x', '--no-alias'], /--alias and --no-alias contradict/],
      [['conference', 'delete'], /--id is required/],
      [['conference', 'list', 'extra'], /Unexpected argument 'extra'/],
    ];
    for (const [args, msg] of cases) {
      const r = await cli(dir, ...args);
      assert.notEqual(r.code, 0, args.join(' '));
      assert.match(r.stderr, msg, `${args.join(' ')}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /\n\s+at /, `${args.join(' ')}: a stack trace is not a message`);
    }
  });
});

describe('while the server runs on the same data directory', () => {
  let t: TestServer;
  let dir: string;
  before(async () => {
    dir = tempDir();
    t = await startServer({ dataDir: dir });
    assert.equal((await api(t, 'POST', '/users', { login_name: 'alice', password: 'Alice-pass1' })).status, 200);
  });
  after(async () => { await t.close(); });

  const get = (id: string) => api(t, 'GET', `/conferences/${id}`);
  const requestToken = (alias: string, pin?: string) => http(t.base, 'POST', `/api/client/v2/conferences/${alias}/request_token`,
    { display_name: 'Probe' }, pin ? { pin } : {});

  test('a conference created by the CLI is served at once through TrueConf REST and Pexip', async () => {
    await ok(dir, 'conference', 'create', '--id', 'live', '--name', 'Live one', '--alias', 'live-room', '--host-pin', '1234');
    const r = await get('live');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.conference.topic, 'Live one');
    assert.deepEqual(r.body.conference.aliases, ['live-room']);
    assert.equal(r.body.conference.host_pin, '1234');
    const challenge = await requestToken('live-room');
    assert.equal(challenge.status, 403, challenge.text);
    const host = await requestToken('live-room', '1234');
    assert.equal(host.status, 200, host.text);
    assert.equal(host.body.result.role, 'HOST');
    // Leave the conference idle again so that the CLI may edit every field.
    assert.equal((await api(t, 'POST', '/conferences/live/stop')).status, 200);
  });

  test('CLI edits of a cached conference show at once in GET, the list and the Pexip alias routes', async () => {
    // Reads first, so the server holds the definition in its cache.
    for (let i = 0; i < 3; i++) assert.equal((await get('live')).body.conference.topic, 'Live one');
    await ok(dir, 'conference', 'update', '--id', 'live', '--name', 'Renamed', '--alias', 'new-room', '--no-host-pin', '--guest-pin', '8642');
    const r = await get('live');
    assert.equal(r.body.conference.topic, 'Renamed');
    assert.deepEqual(r.body.conference.aliases, ['new-room']);
    assert.equal('host_pin' in r.body.conference, false);
    assert.equal(r.body.conference.guest_pin, '8642');
    const listed = (await api(t, 'GET', '/conferences')).body.conferences.find((c: { id: string }) => c.id === 'live');
    assert.equal(listed.topic, 'Renamed');
    assert.equal((await requestToken('live-room')).status, 404, 'the old alias is gone');
    const guest = await requestToken('new-room', '8642');
    assert.equal(guest.status, 200, guest.text);
    assert.equal(guest.body.result.role, 'GUEST');
    assert.equal((await api(t, 'POST', '/conferences/live/stop')).status, 200);
  });

  test('an edit through the server is listed by the CLI; a CLI delete makes the server answer 404', async () => {
    assert.equal((await api(t, 'PUT', '/conferences/live', { topic: 'From REST' })).status, 200);
    const list = json((await ok(dir, 'conference', 'list', '--json')).stdout) as Array<{ id: string; topic: string }>;
    assert.equal(list.find((c) => c.id === 'live')?.topic, 'From REST');
    await ok(dir, 'conference', 'delete', '--id', 'live');
    const gone = await get('live');
    assert.equal(gone.status, 404, gone.text);
    assert.equal(errorOf(gone).reason, 'conferenceNotFound');
    assert.equal((await requestToken('new-room')).status, 404);
  });
});
