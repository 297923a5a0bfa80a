// The alternative OAuth2 flow of TrueConf 5.5.3+ (digest §1.3): application password grant → authorization code
// → bot JWT, then a real WebSocket `auth` with that JWT. Each step's errors, over HTTP against a real server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { http, startServer, type TestServer } from '../../helpers/server.js';
import { createUsers } from '../../helpers/fixtures.js';
import { SYSTEM } from '../../../src/engine/actor.js';
import { BotClient } from './client.js';

const STEP1 = '/api/v4/oauth2/token';
const STEP2 = '/bridge/api/client/v1/auth/web_rest_api_token';
const STEP3 = '/bridge/api/client/v1/auth/token';

describe('chatbot: alternative OAuth2 flow (5.5.3+)', () => {
  let t: TestServer;
  let app: string, bare: string;
  const pw = 'Robo-pass1';

  before(async () => {
    t = await startServer();
    await createUsers(t, 'robo', 'other');
    app = (await t.parley.engine.oauth.createClient(SYSTEM, 'bots', ['users:read', 'logs.settings:read'])).client.id;
    bare = (await t.parley.engine.oauth.createClient(SYSTEM, 'no scope', [])).client.id;
  });
  after(() => t.close());

  const step1 = (body: Record<string, unknown>) => http(t.base, 'POST', STEP1, { client_id: app, grant_type: 'password', username: 'robo', password: pw, ...body });
  async function codeFor(): Promise<string> {
    const r1 = await step1({});
    const r2 = await http(t.base, 'POST', STEP2, { client_id: 'robo', token: r1.body.access_token });
    assert.equal(r2.status, 200, r2.text);
    return r2.body.authorization_code;
  }

  it('three steps give a bot JWT that signs in on the WebSocket', async () => {
    const r1 = await step1({});
    assert.equal(r1.status, 200, r1.text);
    assert.equal(typeof r1.body.access_token, 'string');
    // No client secret was shown, so the token holds no more than the user's own login would.
    assert.equal(r1.body.scope, 'users:read');

    const r2 = await http(t.base, 'POST', STEP2, { client_id: 'robo', token: r1.body.access_token });
    assert.equal(r2.status, 200, r2.text);
    assert.deepEqual(Object.keys(r2.body), ['authorization_code']);

    const r3 = await http(t.base, 'POST', STEP3, { client_id: 'user', grant_type: 'authorization_code', code: r2.body.authorization_code });
    assert.equal(r3.status, 201, r3.text);
    assert.equal(r3.body.token_type, 'JWT');
    assert.equal(r3.body.access_token.split('.').length, 3);
    const claims = JSON.parse(Buffer.from(r3.body.access_token.split('.')[1], 'base64url').toString());
    assert.equal(claims.sub, 'robo');
    assert.equal(r3.body.expires_at, claims.exp);

    const bot = await BotClient.open(t.base);
    const auth = await bot.call('auth', { token: r3.body.access_token, tokenType: 'JWT', receiveUnread: false });
    assert.match(auth.userId, /^robo@parley\.test\//);
    await bot.close();
  });

  it('accepts the TrueConf ID as client_id, and form bodies', async () => {
    const r1 = await http(t.base, 'POST', STEP1, `client_id=${app}&grant_type=password&username=robo%40parley.test&password=${pw}`,
      { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(r1.status, 200, r1.text);
    const r2 = await http(t.base, 'POST', STEP2, { client_id: 'robo@parley.test', token: r1.body.access_token });
    assert.equal(r2.status, 200, r2.text);
    const r3 = await http(t.base, 'POST', STEP3, { client_id: 'robo@parley.test', grant_type: 'authorization_code', code: r2.body.authorization_code });
    assert.equal(r3.status, 201, r3.text);
  });

  it('step 1: 401 for a bad password, user or client_id; 400 invalidScope for an application without scopes', async () => {
    for (const body of [{ password: 'wrong' }, { username: 'nobody' }, { client_id: 'no-such-app' }]) {
      const r = await step1(body);
      assert.equal(r.status, 401, JSON.stringify(body));
      assert.equal(r.body.error, 'invalid_grant');
    }
    const r = await step1({ client_id: bare });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.errors[0].reason, 'invalidScope');
    assert.equal((await step1({ grant_type: 'client_credentials' })).body.error, 'unsupported_grant_type');
    assert.equal((await step1({ username: undefined })).status, 400);
    assert.equal((await http(t.base, 'POST', STEP1, 'not json', { 'content-type': 'application/json' })).status, 400);
  });

  it('step 2: 401 for an unknown token or another user\'s client_id', async () => {
    const r1 = await step1({});
    for (const body of [{ client_id: 'robo', token: 'forged' }, { client_id: 'other', token: r1.body.access_token }]) {
      const r = await http(t.base, 'POST', STEP2, body);
      assert.equal(r.status, 401, JSON.stringify(body));
      assert.equal(r.body.error, 'invalid_grant');
    }
    // An application token without a user (client_credentials) names nobody.
    const { client, secret } = await t.parley.engine.oauth.createClient(SYSTEM, 'app', ['users:read']);
    const cc = await t.parley.engine.oauth.clientCredentials(client.id, secret);
    assert.equal((await http(t.base, 'POST', STEP2, { client_id: 'robo', token: cc.accessToken })).status, 401);
    assert.equal((await http(t.base, 'POST', STEP2, { client_id: 'robo' })).status, 400);
  });

  it('step 3: a code works once, for its own user, until it expires', async () => {
    const bad = async (body: Record<string, unknown>) => {
      const r = await http(t.base, 'POST', STEP3, { client_id: 'user', grant_type: 'authorization_code', ...body });
      assert.equal(r.status, 401, JSON.stringify(body));
      assert.equal(r.body.error, 'invalid_grant');
    };
    await bad({ code: 'made-up' });
    const code = await codeFor();
    assert.equal((await http(t.base, 'POST', STEP3, { client_id: 'user', grant_type: 'authorization_code', code })).status, 201);
    await bad({ code });
    // Somebody else's client_id: refused (and the code is spent).
    const c2 = await codeFor();
    await bad({ code: c2, client_id: 'other' });
    await bad({ code: c2 });
    assert.equal((await http(t.base, 'POST', STEP3, { grant_type: 'password', code: 'x' })).body.error, 'unsupported_grant_type');
    assert.equal((await http(t.base, 'POST', STEP3, { grant_type: 'authorization_code' })).status, 400);

    const c3 = await codeFor();
    const ctx = t.parley.engine.ctx;
    const realNow = ctx.now;
    ctx.now = () => realNow() + (t.parley.engine.oauth.lifetimes.code + 1) * 1000;
    try { await bad({ code: c3 }); } finally { ctx.now = realNow; }
  });

  it('a disabled user gets 401 at every step', async () => {
    const r1 = await step1({});
    const code = await codeFor();
    await t.parley.engine.users.update(SYSTEM, 'robo', { isActive: false });
    try {
      assert.equal((await step1({})).status, 401);
      assert.equal((await http(t.base, 'POST', STEP2, { client_id: 'robo', token: r1.body.access_token })).status, 401);
      assert.equal((await http(t.base, 'POST', STEP3, { client_id: 'user', grant_type: 'authorization_code', code })).status, 401);
    } finally {
      await t.parley.engine.users.update(SYSTEM, 'robo', { isActive: true });
    }
  });
});
