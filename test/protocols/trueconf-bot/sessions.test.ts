import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../../helpers/server.js';
import { createUsers } from '../../helpers/fixtures.js';
import { BotClient } from './client.js';

describe('chatbot: several sessions, system envelopes, keepalive', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer();
    await createUsers(t, 'alpha', 'beta');
  });
  after(() => t.close());

  it("a user's other connection gets its own message; the sending one does not", async () => {
    const a1 = await BotClient.signIn(t, 'alpha', 'Alpha-pass1');
    const a2 = await BotClient.signIn(t, 'alpha', 'Alpha-pass1');
    try {
      const { chatId } = await a1.call('createP2PChat', { userId: 'beta' });
      const sent = await a1.call('sendMessage', { chatId, content: { text: 'from a1', parseMode: 'text' } });
      const echo = await a2.next('sendMessage');
      assert.equal(echo.payload.messageId, sent.messageId);
      assert.deepEqual(echo.payload.author, { id: 'alpha@parley.test', type: 1 });
      await assert.rejects(a1.next('sendMessage', 150));
    } finally {
      await a1.close();
      await a2.close();
    }
  });

  it('system envelopes only with receiveSystemMessageEnvelopes', async () => {
    const a = await BotClient.signIn(t, 'alpha', 'Alpha-pass1');
    const plain = await BotClient.signIn(t, 'beta', 'Beta-pass1');
    const tok = await fetch(`${t.base}/bridge/api/client/v1/oauth/token`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'chat_bot', grant_type: 'password', username: 'beta', password: 'Beta-pass1' }),
    }).then((r) => r.json()) as any;
    const sys = await BotClient.open(t.base);
    await sys.call('auth', { token: tok.access_token, tokenType: 'JWT', receiveUnread: false, receiveSystemMessageEnvelopes: true });
    try {
      const { chatId } = await a.call('createGroupChat', { title: 'Sys' });
      await a.call('addChatParticipant', { chatId, userId: 'beta@parley.test', displayHistory: true });
      const env = await sys.next('sendMessage');
      assert.equal(env.payload.type, 1);
      assert.deepEqual(env.payload.author, { id: 'alpha@parley.test', type: 1 }); // the engine records who acted
      assert.deepEqual(env.payload.content, { userId: 'beta@parley.test', role: 'user' });
      const added = await plain.next('addChatParticipant');
      assert.equal(added.payload.userId, 'beta@parley.test');
      assert.equal(added.payload.userRole, 'user');
      assert.deepEqual(added.payload.addedBy, { id: 'alpha@parley.test', type: 1 });
      assert.ok(Number.isInteger(added.payload.timestamp) && String(added.payload.timestamp).length === 13);
      await assert.rejects(plain.next('sendMessage', 150));
    } finally {
      await a.close();
      await plain.close();
      await sys.close();
    }
  });

  it('answers WebSocket pings', async () => {
    const c = await BotClient.open(t.base);
    const pong = new Promise<Buffer>((resolve) => c.ws.once('pong', resolve));
    c.ws.ping(Buffer.from('hi'));
    assert.equal((await pong).toString(), 'hi');
    await c.close();
  });
});
