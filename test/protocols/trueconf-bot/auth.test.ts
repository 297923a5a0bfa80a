import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { http, startServer, type TestServer } from '../../helpers/server.js';
import { createUsers } from '../../helpers/fixtures.js';
import { BotClient } from './client.js';

const TOKEN = '/bridge/api/client/v1/oauth/token';
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

describe('chatbot: token endpoint, server probe, auth', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer();
    await createUsers(t, 'bot', 'alice');
  });
  after(() => t.close());

  it('issues a three-part JWT with exp, expires_in and expires_at (JSON body, login or TrueConf ID)', async () => {
    for (const username of ['bot', 'bot@parley.test']) {
      const r = await http(t.base, 'POST', TOKEN, { client_id: 'chat_bot', grant_type: 'password', username, password: 'Bot-pass1' });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.token_type, 'JWT');
      const parts = r.body.access_token.split('.');
      assert.equal(parts.length, 3);
      assert.equal(decode(parts[0]).alg, 'HS256');
      const claims = decode(parts[1]);
      assert.equal(typeof claims.exp, 'number');
      assert.equal(r.body.expires_at, claims.exp);
      assert.ok(r.body.expires_in > 0 && Math.abs(claims.exp - Math.floor(Date.now() / 1000) - r.body.expires_in) <= 2);
    }
  });

  it('accepts a form body (the Java client)', async () => {
    const r = await http(t.base, 'POST', TOKEN, 'client_id=chat_bot&grant_type=password&username=bot&password=Bot-pass1',
      { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.access_token.split('.').length, 3);
  });

  it('answers OAuth errors as documented', async () => {
    const bad = await http(t.base, 'POST', TOKEN, { client_id: 'chat_bot', grant_type: 'password', username: 'bot', password: 'wrong' });
    assert.equal(bad.status, 401);
    assert.deepEqual(bad.body, { error: 'invalid_grant', error_description: 'Invalid username or password' });
    const nobody = await http(t.base, 'POST', TOKEN, { client_id: 'chat_bot', grant_type: 'password', username: 'ghost', password: 'x' });
    assert.equal(nobody.status, 401);
    const grant = await http(t.base, 'POST', TOKEN, { client_id: 'chat_bot', grant_type: 'client_credentials' });
    assert.equal(grant.status, 400);
    assert.equal(grant.body.error, 'unsupported_grant_type');
    const client = await http(t.base, 'POST', TOKEN, { client_id: 'other', grant_type: 'password', username: 'bot', password: 'Bot-pass1' });
    assert.equal(client.status, 400);
    assert.equal(client.body.error, 'invalid_client');
    const missing = await http(t.base, 'POST', TOKEN, { client_id: 'chat_bot', grant_type: 'password', username: 'bot' });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error, 'invalid_request');
    const malformed = await http(t.base, 'POST', TOKEN, '{"grant_type":', { 'content-type': 'application/json' });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error, 'invalid_request');
  });

  it('GET /api/v4/server names the domain and a version ≥ 5.5.3', async () => {
    const r = await http(t.base, 'GET', '/api/v4/server');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { product: { display_name: 'parley.test', version: '5.5.6.0' } });
  });

  it('auth: userId with instance and connectionId; presence follows the socket', async () => {
    for (const path of ['/websocket/chat_bot', '/websocket/chat_bot/']) {
      const tok = await http(t.base, 'POST', TOKEN, { client_id: 'chat_bot', grant_type: 'password', username: 'bot', password: 'Bot-pass1' });
      const c = await BotClient.open(t.base, path, path.endsWith('/') ? ['json.v1'] : []);
      assert.equal(c.ws.protocol, path.endsWith('/') ? 'json.v1' : '');
      const r = await c.request('auth', { token: tok.body.access_token, tokenType: 'JWT', receiveUnread: false });
      assert.equal(r.type, 2);
      assert.equal(r.id, 1);
      assert.match(r.payload.userId, /^bot@parley\.test\/[0-9a-f]+$/);
      assert.equal(typeof r.payload.connectionId, 'string');
      assert.equal(r.payload.errorCode, undefined);
      assert.equal(t.parley.engine.presence.isOnline('bot'), true);
      await c.close();
      for (let i = 0; i < 50 && t.parley.engine.presence.isOnline('bot'); i++) await new Promise((r2) => setTimeout(r2, 10));
      assert.equal(t.parley.engine.presence.isOnline('bot'), false);
    }
  });

  it('auth failures: bad token 201, wrong tokenType 204, expired 203; the connection stays up', async () => {
    const c = await BotClient.open(t.base);
    assert.equal((await c.request('auth', { token: 'a.b.c', tokenType: 'JWT' })).payload.errorCode, 201);
    const tok = await http(t.base, 'POST', TOKEN, { client_id: 'chat_bot', grant_type: 'password', username: 'bot', password: 'Bot-pass1' });
    const [h, p, s] = tok.body.access_token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...decode(p), sub: 'alice' })).toString('base64url')}.${s}`;
    assert.equal((await c.request('auth', { token: forged, tokenType: 'JWT' })).payload.errorCode, 201);
    assert.equal((await c.request('auth', { token: tok.body.access_token, tokenType: 'Bearer' })).payload.errorCode, 204);
    const now = t.parley.engine.ctx.now;
    t.parley.engine.ctx.now = () => now() + 31 * 24 * 3600 * 1000;
    try {
      assert.equal((await c.request('auth', { token: tok.body.access_token, tokenType: 'JWT' })).payload.errorCode, 203);
    } finally {
      t.parley.engine.ctx.now = now;
    }
    const ok = await c.request('auth', { token: tok.body.access_token, tokenType: 'JWT' });
    assert.match(ok.payload.userId, /^bot@parley\.test\//);
    await c.close();
  });

  it('a request before auth gets 200 and the connection stays up', async () => {
    const c = await BotClient.open(t.base);
    const r = await c.request('getChats', { count: 10, page: 1 });
    assert.deepEqual({ type: r.type, id: r.id, code: r.payload.errorCode }, { type: 2, id: 1, code: 200 });
    assert.equal((await c.request('sendMessage', { chatId: 'x', content: { text: 'hi', parseMode: 'text' } })).payload.errorCode, 200);
    assert.equal(c.ws.readyState, c.ws.OPEN);
    await c.close();
  });

  it('unknown method → 104 (connection stays); malformed JSON closes with 1007', async () => {
    const c = await BotClient.signIn(t, 'bot', 'Bot-pass1');
    const r = await c.request('noSuchMethod', {});
    assert.equal(r.payload.errorCode, 104);
    // Acks of unknown ids are never answered; the socket stays usable.
    c.raw({ type: 2, id: 999999 });
    assert.equal((await c.request('toString', {})).payload.errorCode, 104);
    // A missing payload is an empty one (createFavoritesChat in the seed has none).
    assert.equal(typeof (await c.request('createFavoritesChat')).payload.chatId, 'string');
    const nonObject = await c.request('getChats', [1, 2]);
    assert.equal(nonObject.payload.errorCode, 300);
    c.raw({ type: 1, id: 77 });
    c.raw({ type: 5, id: 78, method: 'getChats' });
    assert.ok((await c.request('getChatByID', {})).payload.errorCode === 304);
    assert.deepEqual(c.unmatched.map((f) => [f.id, f.payload.errorCode]), [[77, 104], [78, 104]]);
    c.raw('{"type":1,"id":');
    const closed = await c.closed;
    assert.equal(closed.code, 1007);
  });

  it('serves the same face on PARLEY_BOT_PORT', async () => {
    const t2 = await startServer({ botPort: 0 });
    try {
      const port = t2.parley.botPort();
      assert.ok(port && port !== Number(new URL(t2.base).port));
      const base = `http://127.0.0.1:${port}`;
      assert.equal((await http(base, 'GET', '/api/v4/server')).body.product.display_name, 'parley.test');
      const missing = await http(base, 'GET', '/api/v4/endpoints/connects');
      assert.equal(missing.status, 404);
      assert.equal(typeof missing.body, 'object');
      await createUsers(t2, 'bot');
      const c = await BotClient.signIn({ ...t2, base }, 'bot', 'Bot-pass1');
      assert.equal((await c.request('nope')).payload.errorCode, 104);
      await c.close();
    } finally {
      await t2.close();
    }
  });
});
