// Operations: health, metrics, API description, persistence across restarts, limits, unknown routes, and the
// `parley serve` process as an operator starts it.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, http, api, errorOf, type TestServer } from './helpers/server.js';
import { BIN, cleanEnv, ensureBuilt, runCli } from './helpers/cli.js';
import { SYSTEM } from '../src/engine/actor.js';

describe('in-process server', () => {
  let t: TestServer;
  before(async () => { t = await startServer(); });
  after(async () => { await t.close(); });

  test('/health', async () => {
    const r = await http(t.base, 'GET', '/health');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { status: 'ok', server_name: 'parley.test', running_conferences: 0 });
  });

  test('/metrics is Prometheus text with parley_ metrics', async () => {
    await api(t, 'GET', '/users');
    const r = await http(t.base, 'GET', '/metrics');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    for (const name of ['parley_http_request_duration_seconds', 'parley_running_conferences', 'parley_participants', 'parley_process_cpu_seconds_total']) {
      assert.match(r.text, new RegExp(`^# TYPE ${name} `, 'm'), name);
    }
    assert.match(r.text, /^parley_http_request_duration_seconds_count\{method="GET",route="\/api\/v3\.10\/users",status="200"\} [1-9]/m);
    assert.match(r.text, /^parley_running_conferences 0$/m);
    // Every sample line is `name{labels} value`: nothing else leaks into the exposition.
    for (const line of r.text.split('\n')) if (line && !line.startsWith('#')) assert.match(line, /^parley_\w+(\{[^}]*\})? \S+$/);
  });

  test('/api/openapi.json describes the API and the token endpoint', async () => {
    const r = await http(t.base, 'GET', '/api/openapi.json');
    assert.equal(r.status, 200);
    assert.match(r.body.openapi, /^3\./);
    const paths = Object.keys(r.body.paths);
    for (const p of ['/api/v3.10/users', '/api/v3.10/users/{user_id}', '/api/v3/users', '/oauth2/v1/token']) assert.ok(paths.includes(p), p);
    assert.ok(r.body.paths['/oauth2/v1/token'].post);
    assert.ok(r.body.paths['/api/v3.10/users'].post);
    // Internal endpoints stay out of the public description.
    for (const p of ['/health', '/metrics', '/oauth2/v1/authorize', '/api/openapi.json']) assert.equal(paths.includes(p), false, p);
  });

  test('/api/docs serves the HTML documentation', async () => {
    const r = await fetch(`${t.base}/api/docs`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await r.text(), /swagger/i);
  });

  test('unknown API route → 404 envelope, with or without a token', async () => {
    for (const path of ['/api/v3.10/nope', `/api/v3.10/nope?access_token=${t.admin.token}`, '/api/v3.10/users/alice/nope']) {
      const r = await http(t.base, 'GET', path);
      assert.equal(r.status, 404, path);
      assert.equal(r.body.error.code, 404);
      assert.equal(r.body.error.message, 'Not Found');
      assert.equal(errorOf(r).reason, 'notFound');
      assert.equal(r.text.includes(t.admin.token), false);
    }
    // Outside the API too, the 404 does not echo the query string (tokens live there).
    const plain = await http(t.base, 'GET', `/nope?access_token=${t.admin.token}`);
    assert.equal(plain.status, 404);
    assert.equal(plain.text.includes(t.admin.token), false);
    const wrongMethod = await http(t.base, 'PATCH', `/api/v3.10/users?access_token=${t.admin.token}`);
    assert.equal(wrongMethod.status, 404);
    assert.equal(errorOf(wrongMethod).reason, 'notFound');
  });

  test('a route absent from an old version is 404 there and present in newer ones', async () => {
    const old = await api(t, 'GET', '/conference-sessions/x', undefined, { version: '3.2' });
    assert.equal(old.status, 404);
    assert.equal(errorOf(old).reason, 'notFound');
    assert.match(errorOf(old).message, /does not exist in API v3\.2/);
    const v3disconnect = await api(t, 'POST', '/users/x/disconnect', undefined, { version: '3' });
    assert.equal(errorOf(v3disconnect).reason, 'notFound');
    const newer = await api(t, 'GET', '/conference-sessions/x', undefined, { version: '3.3' });
    assert.notEqual(errorOf(newer).reason, 'notFound');
  });
});

test('data survives a restart: users, OAuth applications, access and refresh tokens', async () => {
  const t = await startServer();
  try {
    assert.equal((await api(t, 'POST', '/users', { login_name: 'keeper', password: 'Keeper-pass1', display_name: 'Keeper' })).status, 200);
    const { client, secret } = await t.parley.engine.oauth.createClient(SYSTEM, 'persisted', ['users:read']);
    const app = await http(t.base, 'POST', '/oauth2/v1/token', { grant_type: 'client_credentials', client_id: client.id, client_secret: secret });
    const user = await http(t.base, 'POST', '/oauth2/v1/token', { grant_type: 'password', username: 'keeper', password: 'Keeper-pass1', client_id: 'trueconf_server_users' });
    assert.equal(user.status, 200);

    await t.restart();

    const got = await api(t, 'GET', '/users/keeper');
    assert.equal(got.status, 200, got.text);
    assert.equal(got.body.user.display_name, 'Keeper');
    assert.equal((await api(t, 'GET', '/users', undefined, { token: app.body.access_token })).status, 200);
    assert.equal((await api(t, 'GET', '/users', undefined, { token: user.body.access_token })).status, 200);
    const again = await http(t.base, 'POST', '/oauth2/v1/token', { grant_type: 'client_credentials', client_id: client.id, client_secret: secret });
    assert.equal(again.status, 200, again.text);
    const refreshed = await http(t.base, 'POST', '/oauth2/v1/token', { grant_type: 'refresh_token', refresh_token: user.body.refresh_token });
    assert.equal(refreshed.status, 200, refreshed.text);
    assert.equal((await http(t.base, 'POST', '/oauth2/v1/token', { grant_type: 'password', username: 'keeper', password: 'Keeper-pass1', client_id: 'trueconf_server_users' })).status, 200);
  } finally {
    await t.close();
  }
});

test('a body over the configured limit → 413 envelope', async () => {
  const t = await startServer({ bodyLimit: 1024 });
  try {
    const big = { login_name: 'big', password: 'Big-pass1', company: 'x'.repeat(4000) };
    const r = await api(t, 'POST', '/users', big);
    assert.equal(r.status, 413);
    assert.deepEqual(r.body, { error: { code: 413, message: 'Payload Too Large', errors: [{ reason: 'requestTooLarge', message: 'Request body is too large.' }] } });
    const tok = await http(t.base, 'POST', '/oauth2/v1/token', { grant_type: 'password', username: 'x'.repeat(4000), password: 'y', client_id: 'trueconf_server_users' });
    assert.equal(tok.status, 413);
    assert.equal(errorOf(tok).reason, 'requestTooLarge');
    const form = await http(t.base, 'POST', '/oauth2/v1/token', `grant_type=password&username=${'x'.repeat(4000)}&password=y&client_id=trueconf_server_users`,
      { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(form.status, 413);
    // Under the limit is fine.
    assert.equal((await api(t, 'POST', '/users', { login_name: 'small', password: 'Small-pass1' })).status, 200);
  } finally {
    await t.close();
  }
});

describe('`parley serve` as an operator runs it', () => {
  let dir: string;
  let child: ChildProcess;
  let stdout = '';
  let base = '';
  let creds: { client_id: string; client_secret: string };

  before(async () => {
    await ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'parley-serve-'));
    const env = { PARLEY_DATA_DIR: dir, PARLEY_SERVER_NAME: 'parley.test' };
    const made = await runCli(['oauth-client', 'create', '--name', 'ops', '--scopes', 'all', '--json'], env, dir);
    assert.equal(made.code, 0, made.stderr);
    creds = JSON.parse(made.stdout);
    const user = await runCli(['user', 'create', '--login', 'olga', '--password', 'Olga-secret-77'], env, dir);
    assert.equal(user.code, 0, user.stderr);

    child = spawn(process.execPath, [BIN, 'serve'], {
      cwd: dir,
      env: cleanEnv({ ...env, PARLEY_HTTP_PORT: '0', PARLEY_HOST: '127.0.0.1', PARLEY_LOG_LEVEL: 'info', PARLEY_BODY_LIMIT: '2048' }),
    });
    child.stdout!.on('data', (d) => { stdout += d; });
    child.stderr!.on('data', (d) => { stdout += d; });
    base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start:\n${stdout}`)), 60_000);
      const check = () => {
        // The three start-up lines may arrive in separate chunks: wait for the last one.
        const m = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(stdout);
        if (m && /API docs: .*\n/.test(stdout)) { clearTimeout(timer); child.stdout!.off('data', check); resolve(m[1]); }
      };
      child.stdout!.on('data', check);
      child.on('exit', (code) => reject(new Error(`serve exited ${code}:\n${stdout}`)));
    });
  });

  after(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test('prints where it listens and where the data is', () => {
    assert.match(stdout, /Parley parley\.test listening on http:\/\/127\.0\.0\.1:\d+/);
    assert.ok(stdout.includes(`Data directory: ${dir}`), stdout);
    assert.ok(stdout.includes(join(dir, 'parley.sqlite')));
    assert.match(stdout, /API docs: http:\/\/127\.0\.0\.1:\d+\/api\/docs/);
  });

  test('serves the API; the body limit comes from PARLEY_BODY_LIMIT', async () => {
    assert.equal((await http(base, 'GET', '/health')).body.server_name, 'parley.test');
    const tok = await http(base, 'POST', '/oauth2/v1/token', { grant_type: 'client_credentials', client_id: creds.client_id, client_secret: creds.client_secret });
    assert.equal(tok.status, 200, tok.text);
    const big = await http(base, 'POST', `/api/v3.10/users?access_token=${tok.body.access_token}`, { login_name: 'big', password: 'p'.repeat(4000) });
    assert.equal(big.status, 413);
    assert.equal(errorOf(big).reason, 'requestTooLarge');
  });

  test('tokens, secrets and passwords never appear in the log', async () => {
    const secrets: string[] = [creds.client_secret, 'Olga-secret-77'];
    const app = await http(base, 'POST', '/oauth2/v1/token', { grant_type: 'client_credentials', client_id: creds.client_id, client_secret: creds.client_secret });
    const form = await http(base, 'POST', '/oauth2/v1/token',
      new URLSearchParams({ grant_type: 'password', username: 'olga', password: 'Olga-secret-77', client_id: 'trueconf_server_users' }).toString(),
      { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(form.status, 200, form.text);
    const access = app.body.access_token as string;
    secrets.push(access, form.body.access_token, form.body.refresh_token);

    const calls = [
      http(base, 'GET', `/api/v3.10/users?access_token=${access}`),
      http(base, 'GET', `/api/v3.10/users/olga?page_size=1&access_token=${access}`),
      http(base, 'GET', `/api/v3.10/nope?access_token=${access}`),
      http(base, 'GET', `/nope?access_token=${access}`),
      http(base, 'DELETE', `/api/v3.10/users?access_token=${access}`),
      http(base, 'GET', `/api/v3.10/users?access_token=${form.body.refresh_token}`),
      http(base, 'GET', '/api/v3.10/users', undefined, { authorization: `Bearer ${form.body.access_token}` }),
      http(base, 'POST', `/api/v3.10/users?access_token=${access}`, '{"broken": ', { 'content-type': 'application/json' }),
      http(base, 'POST', `/oauth2/v1/token?client_secret=${creds.client_secret}&refresh_token=${form.body.refresh_token}`, { grant_type: 'client_credentials' }),
      http(base, 'POST', '/oauth2/v1/token', { grant_type: 'password', username: 'olga', password: 'Olga-secret-77', client_id: 'nope' }),
      http(base, 'GET', `/oauth2/v1/authorize?client_id=trueconf_server_users&redirect_uri=http://127.0.0.1:9/cb&password=Olga-secret-77`),
    ];
    const results = await Promise.all(calls);
    assert.equal(results[0].status, 200);
    assert.equal(results[6].status, 200);
    await new Promise((r) => setTimeout(r, 300));
    // The requests were logged (so the check below means something) ...
    assert.match(stdout, /"url":"\/api\/v3\.10\/users\?access_token=\[redacted\]"/);
    assert.match(stdout, /"statusCode":404/);
    // ... without a single secret.
    for (const s of secrets) {
      const at = stdout.indexOf(s);
      assert.equal(at, -1, `secret #${secrets.indexOf(s)} appears in the log: ${stdout.slice(Math.max(0, at - 300), at)}`);
    }
  });

  test('SIGTERM shuts down cleanly with exit code 0', async () => {
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(stdout, /Shutting down/);
  });
});
