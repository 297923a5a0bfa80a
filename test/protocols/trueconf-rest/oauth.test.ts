import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { startServer, api, errorOf, http, type TestServer, type HttpResult } from '../../helpers/server.js';
import { SYSTEM } from '../../../src/engine/actor.js';
import { ALL_SCOPES } from '../../../src/engine/auth/oauth.js';

// The 29 scopes of the seed's token example, in the seed's order.
const SEED_USER_SCOPE = 'conferences conferences:read conferences:write conferences.invitations conferences.participants conferences.participants:read conferences.participants:write groups groups:read groups:write users users:read users:write users.avatar:read users.avatar:write users.addressbook users.addressbook:read users.addressbook:write templates.conferences:read templates.conferences:write logs.calls:read logs.calls.participants:read logs.calls.invites:read conferences.records conferences.records:read conferences.sessions:read conferences.sessions.participants:read conferences.sessions.podiums.participants:read conferences.sessions.podiums.participants:write';
const HEX40 = /^[0-9a-f]{40}$/;
const USERS_CLIENT = 'trueconf_server_users';

const token = (t: TestServer, body: unknown, headers: Record<string, string> = {}) =>
  http(t.base, 'POST', '/oauth2/v1/token', body, headers);
const form = (t: TestServer, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  http(t.base, 'POST', '/oauth2/v1/token', new URLSearchParams(fields).toString(),
    { 'content-type': 'application/x-www-form-urlencoded', ...headers });
const basic = (id: string, secret: string) =>
  ({ authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}` });
const password = (t: TestServer, username: string, pw: string) =>
  token(t, { grant_type: 'password', username, password: pw, client_id: USERS_CLIENT });
/** GET /api/v3.10/users/<id> with a token: 200 while the token is valid. */
const probe = (t: TestServer, tok: string) => api(t, 'GET', '/users?page_size=1', undefined, { token: tok });

function assertEnvelope(r: HttpResult, status: number, reason: string, message: string) {
  assert.equal(r.status, status, r.text);
  assert.equal(r.body.error.code, status);
  assert.equal(typeof r.body.error.message, 'string');
  assert.deepEqual(errorOf(r), { code: status, reason, message });
}
const invalidRequest = (r: HttpResult) => assertEnvelope(r, 400, 'invalidRequest', 'Invalid request.');
const invalidCredentials = (r: HttpResult) => {
  assertEnvelope(r, 401, 'invalidCredentials', 'Invalid credentials.');
  assert.deepEqual(r.body, { error: { code: 401, message: 'Unauthorized', errors: [{ reason: 'invalidCredentials', message: 'Invalid credentials.' }] } });
};

let t: TestServer;
before(async () => {
  t = await startServer();
  for (const login of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']) {
    const r = await api(t, 'POST', '/users', { login_name: login, password: `${login}-Pass1` });
    assert.equal(r.status, 200, r.text);
  }
});
after(async () => { await t.close(); });

describe('password grant', () => {
  test('JSON body gives the seed example shape', async () => {
    const r = await password(t, 'alice', 'alice-Pass1');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.body).sort(), ['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type']);
    assert.match(r.body.access_token, HEX40);
    assert.match(r.body.refresh_token, HEX40);
    assert.notEqual(r.body.access_token, r.body.refresh_token);
    assert.equal(r.body.expires_in, 604800);
    assert.equal(r.body.token_type, 'Bearer');
    assert.equal(r.body.scope, SEED_USER_SCOPE);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.equal((await probe(t, r.body.access_token)).status, 200);
  });

  test('form-encoded body works the same', async () => {
    const r = await form(t, { grant_type: 'password', username: 'alice', password: 'alice-Pass1', client_id: USERS_CLIENT });
    assert.equal(r.status, 200, r.text);
    assert.match(r.body.access_token, HEX40);
    assert.match(r.body.refresh_token, HEX40);
    assert.equal(r.body.scope, SEED_USER_SCOPE);
  });

  test('login by TrueConf ID works', async () => {
    const r = await password(t, 'alice@parley.test', 'alice-Pass1');
    assert.equal(r.status, 200, r.text);
  });

  test('requested scope narrows the grant; a scope outside it is invalidRequest', async () => {
    const r = await token(t, { grant_type: 'password', username: 'alice', password: 'alice-Pass1', client_id: USERS_CLIENT, scope: 'users:read' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.scope, 'users:read');
    assert.equal((await probe(t, r.body.access_token)).status, 200);
    const write = await api(t, 'POST', '/users', { login_name: 'zz', password: 'x' }, { token: r.body.access_token });
    assert.equal(write.status, 403);
    const bad = await token(t, { grant_type: 'password', username: 'alice', password: 'alice-Pass1', client_id: USERS_CLIENT, scope: 'logs.settings:read' });
    invalidRequest(bad);
  });

  test('wrong password, unknown user, unknown client → 401 invalidCredentials', async () => {
    invalidCredentials(await password(t, 'alice', 'wrong'));
    invalidCredentials(await password(t, 'nobody', 'whatever'));
    invalidCredentials(await token(t, { grant_type: 'password', username: 'alice', password: 'alice-Pass1', client_id: 'no-such-client' }));
  });

  test('a registered client must authenticate with its secret for the password grant', async () => {
    const { client, secret } = await t.parley.engine.oauth.createClient(SYSTEM, 'pw-app', ['users:read']);
    invalidCredentials(await token(t, { grant_type: 'password', username: 'alice', password: 'alice-Pass1', client_id: client.id }));
    invalidCredentials(await token(t, { grant_type: 'password', username: 'alice', password: 'alice-Pass1', client_id: client.id, client_secret: 'nope' }));
    const ok = await token(t, { grant_type: 'password', username: 'alice', password: 'alice-Pass1', client_id: client.id, client_secret: secret });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.scope, 'users:read');
    // Refreshing such a token needs the secret too; a failed attempt does not spend it.
    invalidCredentials(await token(t, { grant_type: 'refresh_token', refresh_token: ok.body.refresh_token }));
    invalidCredentials(await token(t, { grant_type: 'refresh_token', refresh_token: ok.body.refresh_token, client_id: client.id, client_secret: 'nope' }));
    const again = await form(t, { grant_type: 'refresh_token', refresh_token: ok.body.refresh_token }, basic(client.id, secret));
    assert.equal(again.status, 200, again.text);
  });

  test('a disabled user (is_active 0) → 403 userIsBanned', async () => {
    const ok = await password(t, 'bob', 'bob-Pass1');
    assert.equal(ok.status, 200);
    const off = await api(t, 'PUT', '/users/bob', { is_active: 0 });
    assert.equal(off.status, 200, off.text);
    const r = await password(t, 'bob', 'bob-Pass1');
    assertEnvelope(r, 403, 'userIsBanned', 'User is banned.');
    assert.deepEqual(r.body, { error: { code: 403, message: 'Forbidden', errors: [{ reason: 'userIsBanned', message: 'User is banned.' }] } });
    // Disabling also ends the sessions the user already had.
    assert.equal((await probe(t, ok.body.access_token)).status, 401);
    assert.equal((await token(t, { grant_type: 'refresh_token', refresh_token: ok.body.refresh_token })).status, 401);
    // A wrong password for a banned user does not reveal the ban.
    invalidCredentials(await password(t, 'bob', 'wrong'));
  });
});

describe('client_credentials grant', () => {
  test('JSON body: all registered scopes, no refresh token', async () => {
    const r = await token(t, { grant_type: 'client_credentials', client_id: t.admin.clientId, client_secret: t.admin.clientSecret });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.body).sort(), ['access_token', 'expires_in', 'scope', 'token_type']);
    assert.match(r.body.access_token, HEX40);
    assert.equal(r.body.token_type, 'Bearer');
    assert.equal(r.body.expires_in, 604800);
    assert.equal(r.body.scope, ALL_SCOPES.join(' '));
  });

  test('form-encoded body, and HTTP Basic client authentication', async () => {
    const f = await form(t, { grant_type: 'client_credentials', client_id: t.admin.clientId, client_secret: t.admin.clientSecret });
    assert.equal(f.status, 200, f.text);
    const b = await form(t, { grant_type: 'client_credentials' }, basic(t.admin.clientId, t.admin.clientSecret));
    assert.equal(b.status, 200, b.text);
    assert.equal((await probe(t, b.body.access_token)).status, 200);
    const bj = await token(t, { grant_type: 'client_credentials', scope: 'groups:read' }, basic(t.admin.clientId, t.admin.clientSecret));
    assert.equal(bj.status, 200, bj.text);
    assert.equal(bj.body.scope, 'groups:read');
  });

  test('wrong or missing credentials', async () => {
    invalidCredentials(await token(t, { grant_type: 'client_credentials', client_id: t.admin.clientId, client_secret: 'wrong' }));
    invalidCredentials(await token(t, { grant_type: 'client_credentials', client_id: 'nope', client_secret: 'wrong' }));
    invalidCredentials(await form(t, { grant_type: 'client_credentials' }, basic(t.admin.clientId, 'wrong')));
    invalidRequest(await token(t, { grant_type: 'client_credentials', client_id: t.admin.clientId }));
    invalidRequest(await token(t, { grant_type: 'client_credentials' }));
  });

  test('garbage in the Basic header is a 4xx, never a 500', async () => {
    for (const h of ['Basic %%%', 'Basic ' + Buffer.from('%E0%A4%A:%').toString('base64'), 'Basic ', 'Basic ' + Buffer.from('onlyid').toString('base64')]) {
      const r = await form(t, { grant_type: 'client_credentials' }, { authorization: h });
      assert.ok(r.status === 400 || r.status === 401, `${h}: ${r.status} ${r.text}`);
      assert.ok(r.body.error.errors[0].reason === 'invalidRequest' || r.body.error.errors[0].reason === 'invalidCredentials');
    }
  });
});

describe('bad requests → 400 invalidRequest', () => {
  test('missing or unknown grant_type, missing fields, wrong types, malformed bodies', async () => {
    invalidRequest(await token(t, { username: 'alice', password: 'alice-Pass1', client_id: USERS_CLIENT }));
    invalidRequest(await token(t, { grant_type: 'implicit' }));
    invalidRequest(await token(t, { grant_type: 'password', password: 'x', client_id: USERS_CLIENT }));
    invalidRequest(await token(t, { grant_type: 'password', username: 'alice', client_id: USERS_CLIENT }));
    invalidRequest(await token(t, { grant_type: 'password', username: 'alice', password: 'alice-Pass1' }));
    invalidRequest(await token(t, { grant_type: 'password', username: 'alice', password: 12345, client_id: USERS_CLIENT }));
    invalidRequest(await token(t, { grant_type: 'refresh_token' }));
    invalidRequest(await token(t, { grant_type: 'authorization_code' }));
    invalidRequest(await token(t, [1, 2]));
    invalidRequest(await http(t.base, 'POST', '/oauth2/v1/token', '{"grant_type":', { 'content-type': 'application/json' }));
    invalidRequest(await http(t.base, 'POST', '/oauth2/v1/token'));
    invalidRequest(await form(t, { grant_type: 'nope' }));
    // A repeated form field arrives as an array.
    invalidRequest(await http(t.base, 'POST', '/oauth2/v1/token', 'grant_type=password&grant_type=password',
      { 'content-type': 'application/x-www-form-urlencoded' }));
  });

  test('GET on the token endpoint is not a token request', async () => {
    const r = await http(t.base, 'GET', '/oauth2/v1/token?grant_type=password&username=alice&password=alice-Pass1&client_id=trueconf_server_users');
    assert.ok(r.status === 404 || r.status === 405, String(r.status));
    assert.equal(r.body?.access_token, undefined);
  });
});

describe('refresh_token grant', () => {
  test('rotation: new pair issued, old refresh token rejected, reuse revokes the family', async () => {
    const first = await password(t, 'carol', 'carol-Pass1');
    assert.equal(first.status, 200);
    const second = await token(t, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
    assert.equal(second.status, 200, second.text);
    assert.match(second.body.access_token, HEX40);
    assert.match(second.body.refresh_token, HEX40);
    assert.notEqual(second.body.refresh_token, first.body.refresh_token);
    assert.equal(second.body.token_type, 'Bearer');
    assert.equal(second.body.scope, SEED_USER_SCOPE);
    assert.equal((await probe(t, second.body.access_token)).status, 200);

    // The old refresh token is spent; presenting it again means it leaked: the whole family goes.
    invalidCredentials(await token(t, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token }));
    invalidCredentials(await token(t, { grant_type: 'refresh_token', refresh_token: second.body.refresh_token }));
    assert.equal((await probe(t, second.body.access_token)).status, 401);
    // Other sign-ins of the same user are separate families and keep working.
    const other = await password(t, 'carol', 'carol-Pass1');
    assert.equal((await probe(t, other.body.access_token)).status, 200);
  });

  test('form-encoded; client_id must match; unknown token', async () => {
    const first = await password(t, 'carol', 'carol-Pass1');
    invalidCredentials(await form(t, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token, client_id: t.admin.clientId, client_secret: t.admin.clientSecret }));
    // A failed attempt with the wrong client does not spend the token.
    const ok = await form(t, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token, client_id: USERS_CLIENT });
    assert.equal(ok.status, 200, ok.text);
    invalidCredentials(await token(t, { grant_type: 'refresh_token', refresh_token: 'f'.repeat(40) }));
    // An access token is not a refresh token.
    invalidCredentials(await token(t, { grant_type: 'refresh_token', refresh_token: ok.body.access_token }));
  });
});

describe('using tokens', () => {
  test('query access_token and Authorization: Bearer are both accepted; query wins', async () => {
    const good = t.admin.token;
    assert.equal((await http(t.base, 'GET', `/api/v3.10/users?access_token=${good}`)).status, 200);
    assert.equal((await http(t.base, 'GET', '/api/v3.10/users', undefined, { authorization: `Bearer ${good}` })).status, 200);
    assert.equal((await http(t.base, 'GET', '/api/v3.10/users', undefined, { authorization: `bearer ${good}` })).status, 200);
    assert.equal((await http(t.base, 'POST', '/api/v3.10/users', { login_name: 'viaheader', password: 'Pw-12345' }, { authorization: `Bearer ${good}` })).status, 200);
    assert.equal((await http(t.base, 'GET', `/api/v3.10/users?access_token=${good}`, undefined, { authorization: 'Bearer ' + 'a'.repeat(40) })).status, 200);
    const r = await http(t.base, 'GET', `/api/v3.10/users?access_token=${'a'.repeat(40)}`, undefined, { authorization: `Bearer ${good}` });
    assertEnvelope(r, 401, 'forbidden', 'Forbidden');
  });

  test('missing, unknown and malformed tokens → 401 forbidden', async () => {
    assertEnvelope(await http(t.base, 'GET', '/api/v3.10/users'), 401, 'forbidden', 'Forbidden');
    assertEnvelope(await http(t.base, 'GET', '/api/v3.10/users?access_token='), 401, 'forbidden', 'Forbidden');
    assertEnvelope(await http(t.base, 'GET', '/api/v3.10/users?access_token=nothex%00'), 401, 'forbidden', 'Forbidden');
    assertEnvelope(await http(t.base, 'GET', '/api/v3.10/users', undefined, { authorization: 'Bearer' }), 401, 'forbidden', 'Forbidden');
    assertEnvelope(await http(t.base, 'GET', '/api/v3.10/users', undefined, { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }), 401, 'forbidden', 'Forbidden');
  });

  test('a refresh token or an authorization code is not an access token', async () => {
    const r = await password(t, 'dave', 'dave-Pass1');
    assert.equal((await probe(t, r.body.refresh_token)).status, 401);
  });

  test('password change revokes access and refresh tokens', async () => {
    const r = await password(t, 'dave', 'dave-Pass1');
    assert.equal((await probe(t, r.body.access_token)).status, 200);
    const ch = await api(t, 'PUT', '/users/dave', { password: 'dave-Pass2' });
    assert.equal(ch.status, 200, ch.text);
    assert.equal((await probe(t, r.body.access_token)).status, 401);
    invalidCredentials(await token(t, { grant_type: 'refresh_token', refresh_token: r.body.refresh_token }));
    invalidCredentials(await password(t, 'dave', 'dave-Pass1'));
    assert.equal((await password(t, 'dave', 'dave-Pass2')).status, 200);
  });

  test('user deletion revokes tokens', async () => {
    const r = await password(t, 'erin', 'erin-Pass1');
    assert.equal((await probe(t, r.body.access_token)).status, 200);
    assert.equal((await api(t, 'DELETE', '/users/erin')).status, 200);
    assert.equal((await probe(t, r.body.access_token)).status, 401);
    invalidCredentials(await token(t, { grant_type: 'refresh_token', refresh_token: r.body.refresh_token }));
    invalidCredentials(await password(t, 'erin', 'erin-Pass1'));
  });

  test('deleting an OAuth application revokes its tokens', async () => {
    const { client, secret } = await t.parley.engine.oauth.createClient(SYSTEM, 'doomed', ['users:read']);
    const r = await token(t, { grant_type: 'client_credentials', client_id: client.id, client_secret: secret });
    assert.equal((await probe(t, r.body.access_token)).status, 200);
    await t.parley.engine.oauth.deleteClient(SYSTEM, client.id);
    assert.equal((await probe(t, r.body.access_token)).status, 401);
    invalidCredentials(await token(t, { grant_type: 'client_credentials', client_id: client.id, client_secret: secret }));
  });
});

describe('authorization_code grant', () => {
  const cb = 'http://127.0.0.1:9/callback';
  const authorizeUrl = (q: Record<string, string>) => `/oauth2/v1/authorize?${new URLSearchParams(q)}`;
  const signIn = (fields: Record<string, string>) => fetch(`${t.base}/oauth2/v1/authorize`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

  test('end to end with the built-in client: page → sign in → 302 with code and state → token', async () => {
    const page = await http(t.base, 'GET', authorizeUrl({ response_type: 'code', client_id: USERS_CLIENT, redirect_uri: cb, state: 'st<1>' }));
    assert.equal(page.status, 200, page.text);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.match(page.text, /<form method="post" action="\/oauth2\/v1\/authorize">/);
    assert.match(page.text, /name="password"/);
    // The state is echoed into the form, escaped.
    assert.match(page.text, /value="st&lt;1&gt;"/);

    const res = await signIn({ response_type: 'code', client_id: USERS_CLIENT, redirect_uri: cb, state: 'st<1>', username: 'frank', password: 'frank-Pass1' });
    assert.equal(res.status, 302);
    const loc = new URL(res.headers.get('location')!);
    assert.equal(`${loc.origin}${loc.pathname}`, cb);
    assert.equal(loc.searchParams.get('state'), 'st<1>');
    const code = loc.searchParams.get('code')!;
    assert.match(code, HEX40);

    const tok = await form(t, { grant_type: 'authorization_code', code, redirect_uri: cb, client_id: USERS_CLIENT });
    assert.equal(tok.status, 200, tok.text);
    assert.match(tok.body.access_token, HEX40);
    assert.match(tok.body.refresh_token, HEX40);
    assert.equal(tok.body.token_type, 'Bearer');
    assert.equal(tok.body.scope, SEED_USER_SCOPE);
    assert.equal((await probe(t, tok.body.access_token)).status, 200);
    // Single use.
    invalidCredentials(await form(t, { grant_type: 'authorization_code', code, redirect_uri: cb, client_id: USERS_CLIENT }));
  });

  test('the code is bound to its redirect_uri and its client', async () => {
    const get = async () => {
      const res = await signIn({ client_id: USERS_CLIENT, redirect_uri: cb, username: 'frank', password: 'frank-Pass1' });
      assert.equal(res.status, 302);
      return new URL(res.headers.get('location')!).searchParams.get('code')!;
    };
    invalidCredentials(await token(t, { grant_type: 'authorization_code', code: await get(), redirect_uri: 'http://127.0.0.1:9/other' }));
    invalidCredentials(await token(t, { grant_type: 'authorization_code', code: await get() }));
    invalidCredentials(await token(t, { grant_type: 'authorization_code', code: await get(), redirect_uri: cb, client_id: t.admin.clientId, client_secret: t.admin.clientSecret }));
    invalidCredentials(await token(t, { grant_type: 'authorization_code', code: 'f'.repeat(40), redirect_uri: cb }));
    const ok = await token(t, { grant_type: 'authorization_code', code: await get(), redirect_uri: cb });
    assert.equal(ok.status, 200, ok.text);
  });

  test('sign-in errors: wrong password, banned user, no state echoes nothing', async () => {
    const wrong = await signIn({ client_id: USERS_CLIENT, redirect_uri: cb, username: 'frank', password: 'nope' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get('location'), null);
    assert.match(await wrong.text(), /Invalid credentials/);
    const banned = await signIn({ client_id: USERS_CLIENT, redirect_uri: cb, username: 'bob', password: 'bob-Pass1' });
    assert.notEqual(banned.status, 302);
    assert.match(await banned.text(), /User is banned/);
    const noState = await signIn({ client_id: USERS_CLIENT, redirect_uri: cb, username: 'frank', password: 'frank-Pass1' });
    assert.equal(noState.status, 302);
    assert.equal(new URL(noState.headers.get('location')!).searchParams.has('state'), false);
  });

  test('redirect_uri checks for the built-in client', async () => {
    for (const redirect_uri of ['https://evil.example/cb', 'not a url', 'javascript:alert(1)', 'http://127.0.0.1.evil.example/cb']) {
      const page = await http(t.base, 'GET', authorizeUrl({ response_type: 'code', client_id: USERS_CLIENT, redirect_uri }));
      assert.equal(page.status, 400, redirect_uri);
      const res = await signIn({ client_id: USERS_CLIENT, redirect_uri, username: 'frank', password: 'frank-Pass1' });
      assert.equal(res.status, 400, redirect_uri);
      assert.equal(res.headers.get('location'), null);
    }
    assert.equal((await http(t.base, 'GET', authorizeUrl({ client_id: USERS_CLIENT }))).status, 400);
    assert.equal((await http(t.base, 'GET', authorizeUrl({ client_id: USERS_CLIENT, redirect_uri: cb, response_type: 'token' }))).status, 400);
    assert.equal((await http(t.base, 'GET', authorizeUrl({ redirect_uri: cb }))).status, 400);
    // This server's own public URL is allowed (its web client).
    assert.equal((await http(t.base, 'GET', authorizeUrl({ client_id: USERS_CLIENT, redirect_uri: 'https://parley.test/app/cb' }))).status, 200);
    assert.equal((await http(t.base, 'GET', authorizeUrl({ client_id: USERS_CLIENT, redirect_uri: 'http://localhost:53123/cb' }))).status, 200);
  });

  test('a registered client: only its registered redirect_uri, and it must authenticate to exchange', async () => {
    const uri = 'https://app.example/oauth/cb';
    await assert.rejects(() => t.parley.engine.oauth.createClient(SYSTEM, 'bad-uri', ['users:read'], ['not a url']));
    const { client, secret } = await t.parley.engine.oauth.createClient(SYSTEM, 'web-app', ['users:read', 'groups:read'], [uri]);
    assert.equal((await http(t.base, 'GET', authorizeUrl({ client_id: client.id, redirect_uri: 'https://evil.example/cb' }))).status, 400);
    assert.equal((await http(t.base, 'GET', authorizeUrl({ client_id: client.id }))).status, 400);
    assert.equal((await http(t.base, 'GET', authorizeUrl({ client_id: 'unknown-client', redirect_uri: uri }))).status, 400);
    assert.equal((await http(t.base, 'GET', authorizeUrl({ client_id: client.id, redirect_uri: uri, state: 's' }))).status, 200);
    const evil = await signIn({ client_id: client.id, redirect_uri: 'https://evil.example/cb', username: 'frank', password: 'frank-Pass1' });
    assert.equal(evil.status, 400);

    const res = await signIn({ client_id: client.id, redirect_uri: uri, state: 's', scope: 'users:read', username: 'frank', password: 'frank-Pass1' });
    assert.equal(res.status, 302);
    const loc = new URL(res.headers.get('location')!);
    assert.equal(`${loc.origin}${loc.pathname}`, uri);
    const code = loc.searchParams.get('code')!;
    invalidCredentials(await token(t, { grant_type: 'authorization_code', code, redirect_uri: uri, client_id: client.id }));

    const res2 = await signIn({ client_id: client.id, redirect_uri: uri, scope: 'users:read', username: 'frank', password: 'frank-Pass1' });
    const code2 = new URL(res2.headers.get('location')!).searchParams.get('code')!;
    const ok = await form(t, { grant_type: 'authorization_code', code: code2, redirect_uri: uri }, basic(client.id, secret));
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.scope, 'users:read');
    assert.equal((await probe(t, ok.body.access_token)).status, 200);
  });
});

test('tokens and secrets are stored hashed: the raw values appear nowhere in the data directory', async () => {
  const pw = await password(t, 'alice', 'alice-Pass1');
  const refreshed = await token(t, { grant_type: 'refresh_token', refresh_token: pw.body.refresh_token });
  const raw = [pw.body.access_token, pw.body.refresh_token, refreshed.body.access_token, refreshed.body.refresh_token, t.admin.token, t.admin.clientSecret];

  const db = new BetterSqlite3(join(t.dataDir, 'parley.sqlite'), { readonly: true });
  try {
    const rows = db.prepare('SELECT * FROM oauth_tokens').all() as Array<Record<string, unknown>>;
    const hashes = new Set(rows.map((r) => r.token_hash));
    for (const tok of raw.slice(0, 5)) assert.ok(hashes.has(createHash('sha256').update(tok).digest('hex')), 'token stored as its SHA-256');
    const dump = JSON.stringify(rows) + JSON.stringify(db.prepare('SELECT * FROM oauth_clients').all());
    for (const v of raw) assert.equal(dump.includes(v), false);
  } finally {
    db.close();
  }
  for (const f of readdirSync(t.dataDir)) {
    if (!f.startsWith('parley.sqlite')) continue;
    const bytes = readFileSync(join(t.dataDir, f)).toString('latin1');
    for (const v of raw) assert.equal(bytes.includes(v), false, `${v.slice(0, 6)}… found in ${f}`);
  }
});

test('access tokens expire (accessTokenTtl: 1)', async () => {
  const s = await startServer({ accessTokenTtl: 1 });
  try {
    const r = await token(s, { grant_type: 'client_credentials', client_id: s.admin.clientId, client_secret: s.admin.clientSecret });
    assert.equal(r.body.expires_in, 1);
    assert.equal((await probe(s, r.body.access_token)).status, 200);
    await new Promise((res) => setTimeout(res, 2100));
    assertEnvelope(await probe(s, r.body.access_token), 401, 'forbidden', 'Forbidden');
  } finally {
    await s.close();
  }
});

test('the token endpoint is rate limited per client (tokenRateLimit: 3) → 429', async () => {
  const s = await startServer({ tokenRateLimit: 3 });
  try {
    // startServer spent one attempt on the admin token.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      // A spoofed X-Forwarded-For must not buy a fresh budget.
      const r = await token(s, { grant_type: 'password', username: 'x', password: 'y', client_id: USERS_CLIENT }, { 'x-forwarded-for': `10.0.0.${i}` });
      statuses.push(r.status);
      if (r.status === 429) assertEnvelope(r, 429, 'tooManyRequests', 'Too many token requests; try again later.');
    }
    assert.deepEqual(statuses, [401, 401, 429, 429]);
    // The API itself is not throttled by it.
    assert.equal((await probe(s, s.admin.token)).status, 200);
  } finally {
    await s.close();
  }
});
