// The admin CLI, run as a child process exactly as an operator runs it: `node bin/parley.js ...`.
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

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'parley-cli-'));
}
const envFor = (dataDir: string) => ({ PARLEY_DATA_DIR: dataDir, PARLEY_SERVER_NAME: 'parley.test' });
const cli = (dataDir: string, ...args: string[]) => runCli(args, envFor(dataDir), cwd);
const json = (s: string) => JSON.parse(s.trim().split('\n').pop()!);

describe('help and bad arguments', () => {
  test('--help lists every command and exits 0', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const r = await runCli([flag], {}, cwd);
      assert.equal(r.code, 0, r.stderr);
      for (const s of ['Usage: parley', 'serve', 'oauth-client create', 'oauth-client list', 'oauth-client delete', 'user create', 'user list', 'user passwd', 'PARLEY_DATA_DIR']) {
        assert.ok(r.stdout.includes(s), `${flag}: ${s}`);
      }
    }
  });

  test('no command prints usage and fails', async () => {
    const r = await runCli([], {}, cwd);
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /Usage: parley/);
  });

  test('bad arguments: non-zero exit and a message that says what is wrong', async () => {
    const dir = tempDir();
    try {
      const cases: Array<[string[], RegExp]> = [
        [['frobnicate'], /Unknown command "frobnicate"/],
        [['oauth-client'], /Usage: parley oauth-client create\|list\|delete/],
        [['oauth-client', 'explode'], /Usage: parley oauth-client/],
        [['oauth-client', 'create'], /--name is required/],
        [['oauth-client', 'create', '--name', 'x', '--scopes', 'users:read bogus:scope'], /unknown scopes: bogus:scope/],
        [['oauth-client', 'create', '--name', 'x', '--redirect-uri', 'not a url'], /redirect_uri/],
        [['oauth-client', 'create', '--name'], /--name/],
        [['oauth-client', 'create', '--name', 'x', '--colour', 'red'], /Unknown option '--colour'/],
        [['oauth-client', 'delete'], /--id is required/],
        [['oauth-client', 'delete', '--id', 'nope'], /nope/],
        [['user'], /Usage: parley user create\|list\|passwd/],
        [['user', 'create', '--login', 'x'], /--login and --password are required/],
        [['user', 'passwd', '--login', 'ghost', '--password', 'Secret-123'], /ghost/],
        [['user', 'list', 'extra'], /Unexpected argument 'extra'/],
      ];
      for (const [args, msg] of cases) {
        const r = await cli(dir, ...args);
        assert.notEqual(r.code, 0, args.join(' '));
        assert.match(r.stderr, msg, `${args.join(' ')}: ${r.stderr}`);
        assert.doesNotMatch(r.stderr, /\n\s+at /, `${args.join(' ')}: a stack trace is not a message`);
      }
      const badEnv = await runCli(['user', 'list'], { ...envFor(dir), PARLEY_HTTP_PORT: 'eighty' }, cwd);
      assert.notEqual(badEnv.code, 0);
      assert.match(badEnv.stderr, /PARLEY_HTTP_PORT must be a number/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('oauth-client', () => {
  let dir: string;
  before(() => { dir = tempDir(); });
  after(() => { rmSync(dir, { recursive: true, force: true }); });

  test('create --json prints credentials that work against a server on the same data directory', async () => {
    const r = await cli(dir, 'oauth-client', 'create', '--name', 'Reporting', '--scopes', 'users:read groups:read', '--json');
    assert.equal(r.code, 0, r.stderr);
    const c = json(r.stdout);
    assert.deepEqual(Object.keys(c).sort(), ['client_id', 'client_secret', 'name', 'scopes']);
    assert.equal(c.name, 'Reporting');
    assert.deepEqual(c.scopes, ['users:read', 'groups:read']);

    const all = json((await cli(dir, 'oauth-client', 'create', '--name', 'Everything', '--scopes', 'all', '--json')).stdout);
    assert.equal(all.scopes.length, 42);

    const t = await startServer({ dataDir: dir });
    try {
      const tok = await http(t.base, 'POST', '/oauth2/v1/token', { grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret });
      assert.equal(tok.status, 200, tok.text);
      assert.equal(tok.body.scope, 'users:read groups:read');
      assert.equal((await api(t, 'GET', '/users', undefined, { token: tok.body.access_token })).status, 200);
      assert.equal((await api(t, 'POST', '/users', { login_name: 'x', password: 'y' }, { token: tok.body.access_token })).status, 403);
    } finally {
      await t.parley.close();
    }
  });

  test('text output shows the secret once; list never shows secrets', async () => {
    const r = await cli(dir, 'oauth-client', 'create', '--name', 'Texty', '--scopes', 'logs.calls:read', '--redirect-uri', 'https://app.example/cb');
    assert.equal(r.code, 0, r.stderr);
    const secret = /client_secret: (\S+)/.exec(r.stdout)![1];
    const id = /client_id: (\S+)/.exec(r.stdout)![1];
    const list = await cli(dir, 'oauth-client', 'list', '--json');
    assert.equal(list.code, 0, list.stderr);
    const clients = json(list.stdout) as Array<Record<string, unknown>>;
    assert.deepEqual(clients.map((x) => x.name), ['Reporting', 'Everything', 'acceptance', 'Texty']);
    const texty = clients.find((x) => x.client_id === id)!;
    assert.deepEqual(texty.redirect_uris, ['https://app.example/cb']);
    assert.deepEqual(texty.scopes, ['logs.calls:read']);
    assert.equal(typeof texty.created_at, 'number');
    assert.equal(list.stdout.includes(secret), false);
    const plain = await cli(dir, 'oauth-client', 'list');
    assert.match(plain.stdout, new RegExp(`${id}\\s+Texty`));
    assert.equal(plain.stdout.includes(secret), false);
  });

  test('delete removes the application; deleting again fails', async () => {
    const c = json((await cli(dir, 'oauth-client', 'create', '--name', 'Doomed', '--json')).stdout);
    const d = await cli(dir, 'oauth-client', 'delete', '--id', c.client_id, '--json');
    assert.equal(d.code, 0, d.stderr);
    assert.deepEqual(json(d.stdout), { deleted: c.client_id });
    const ids = (json((await cli(dir, 'oauth-client', 'list', '--json')).stdout) as Array<{ client_id: string }>).map((x) => x.client_id);
    assert.equal(ids.includes(c.client_id), false);
    const again = await cli(dir, 'oauth-client', 'delete', '--id', c.client_id);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, new RegExp(c.client_id));
  });
});

describe('user', () => {
  let dir: string;
  before(() => { dir = tempDir(); });
  after(() => { rmSync(dir, { recursive: true, force: true }); });

  test('create --json, list --json, passwd --json', async () => {
    const c = await cli(dir, 'user', 'create', '--login', 'alice', '--password', 'Alice-pass1', '--display-name', 'Alice A', '--email', 'alice@example.com', '--json');
    assert.equal(c.code, 0, c.stderr);
    assert.deepEqual(json(c.stdout), { id: 'alice', uid: 'alice@parley.test', login_name: 'alice', display_name: 'Alice A', email: 'alice@example.com' });
    const text = await cli(dir, 'user', 'create', '--login', 'bob', '--password', 'Bob-pass1');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /created user bob \(bob@parley\.test\)/);

    const dup = await cli(dir, 'user', 'create', '--login', 'alice', '--password', 'x');
    assert.notEqual(dup.code, 0);
    assert.match(dup.stderr, /alice/);

    const list = await cli(dir, 'user', 'list', '--json');
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(json(list.stdout), [
      { id: 'alice', login_name: 'alice', display_name: 'Alice A', email: 'alice@example.com', is_active: 1 },
      { id: 'bob', login_name: 'bob', display_name: 'bob', email: null, is_active: 1 },
    ]);
    const plain = await cli(dir, 'user', 'list');
    assert.match(plain.stdout, /alice\s+Alice A\s+<alice@example.com>/);

    const pw = await cli(dir, 'user', 'passwd', '--login', 'alice', '--password', 'Alice-pass2', '--json');
    assert.equal(pw.code, 0, pw.stderr);
    assert.deepEqual(json(pw.stdout), { id: 'alice', password_changed: true });
    // Passwords never echo back.
    for (const r of [c, text, list, pw]) assert.equal((r.stdout + r.stderr).includes('Alice-pass'), false);
  });
});

describe('commands while the server runs on the same data directory', () => {
  let t: TestServer;
  let dir: string;
  before(async () => {
    dir = tempDir();
    t = await startServer({ dataDir: dir });
  });
  after(async () => { await t.close(); });

  const login = (user: string, password: string) => http(t.base, 'POST', '/oauth2/v1/token',
    { grant_type: 'password', username: user, password, client_id: 'trueconf_server_users' });
  const probe = (tok: string) => api(t, 'GET', '/users?page_size=1', undefined, { token: tok });
  /** Cross-process revocation reaches the server's token cache within about a second. */
  async function eventually401(tok: string) {
    const until = Date.now() + 3000;
    let status = 0;
    while (Date.now() < until) {
      status = (await probe(tok)).status;
      if (status === 401) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(status, 401);
  }

  test('a user created by the CLI signs in at once; passwd revokes their tokens', async () => {
    const c = await cli(dir, 'user', 'create', '--login', 'carol', '--password', 'Carol-pass1', '--json');
    assert.equal(c.code, 0, c.stderr);
    const tok = await login('carol', 'Carol-pass1');
    assert.equal(tok.status, 200, tok.text);
    assert.equal((await probe(tok.body.access_token)).status, 200);
    const listed = await api(t, 'GET', '/users/carol');
    assert.equal(listed.status, 200);

    const pw = await cli(dir, 'user', 'passwd', '--login', 'carol', '--password', 'Carol-pass2');
    assert.equal(pw.code, 0, pw.stderr);
    assert.match(pw.stdout, /password changed for carol/);
    await eventually401(tok.body.access_token);
    const refresh = await http(t.base, 'POST', '/oauth2/v1/token', { grant_type: 'refresh_token', refresh_token: tok.body.refresh_token });
    assert.equal(errorOf(refresh).reason, 'invalidCredentials');
    assert.equal((await login('carol', 'Carol-pass1')).status, 401);
    assert.equal((await login('carol', 'Carol-pass2')).status, 200);
  });

  test('a user created through the API is listed by the CLI', async () => {
    assert.equal((await api(t, 'POST', '/users', { login_name: 'dan', password: 'Dan-pass1' })).status, 200);
    const list = json((await cli(dir, 'user', 'list', '--json')).stdout) as Array<{ id: string }>;
    assert.ok(list.some((u) => u.id === 'dan'));
  });

  test('an application created and deleted by the CLI: its tokens stop working', async () => {
    const c = json((await cli(dir, 'oauth-client', 'create', '--name', 'Live', '--scopes', 'users:read', '--json')).stdout);
    const tok = await http(t.base, 'POST', '/oauth2/v1/token', { grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret });
    assert.equal(tok.status, 200, tok.text);
    assert.equal((await probe(tok.body.access_token)).status, 200);
    const d = await cli(dir, 'oauth-client', 'delete', '--id', c.client_id);
    assert.equal(d.code, 0, d.stderr);
    await eventually401(tok.body.access_token);
    const again = await http(t.base, 'POST', '/oauth2/v1/token', { grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret });
    assert.equal(again.status, 401);
  });
});
