import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { api, http, startServer, type TestServer } from '../../helpers/server.js';
import { createUsers } from '../../helpers/fixtures.js';
import { BotClient } from './client.js';

/** A user deleted through the TrueConf REST API leaves their chats; the chatbot wire shows it to the others. */
describe('chatbot: a user deleted through the REST API', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer();
    await createUsers(t, 'alice', 'bot', 'carol');
  });
  after(() => t.close());

  it('leaves groups (removeChatParticipant by the server), loses favorites and sockets; P2P history stays', async () => {
    const a = await BotClient.signIn(t, 'alice', 'Alice-pass1');
    const tok = await http(t.base, 'POST', '/bridge/api/client/v1/oauth/token', { grant_type: 'password', username: 'carol', password: 'Carol-pass1' });
    const c = await BotClient.open(t.base);
    await c.call('auth', { token: tok.body.access_token, tokenType: 'JWT' });
    const b = await BotClient.open(t.base);
    const bTok = await http(t.base, 'POST', '/bridge/api/client/v1/oauth/token', { grant_type: 'password', username: 'bot', password: 'Bot-pass1' });
    await b.call('auth', { token: bTok.body.access_token, tokenType: 'JWT', receiveSystemMessageEnvelopes: true });

    const { chatId: group } = await a.call('createGroupChat', { title: 'Team' });
    await a.call('addChatParticipant', { chatId: group, userId: 'bot' });
    await a.call('addChatParticipant', { chatId: group, userId: 'carol' });
    const { chatId: solo } = await c.call('createChannel', { title: 'Only Carol' });
    const { chatId: fav } = await c.call('createFavoritesChat', {});
    const { chatId: p2p } = await c.call('createP2PChat', { userId: 'bot' });
    await c.call('sendMessage', { chatId: p2p, content: { text: 'bye', parseMode: 'text' } });
    await b.next('sendMessage'); // bot's own addition to Team
    await b.next('sendMessage'); // carol's addition to Team
    await b.next('sendMessage'); // carol's text in the P2P chat
    b.notifications.length = 0;
    a.notifications.length = 0;

    const del = await api(t, 'DELETE', '/users/carol');
    assert.equal(del.status, 200, del.text);

    // Carol's bot socket is closed by the server, and her token no longer signs in.
    assert.equal((await c.closed).code, 1008);
    const again = await BotClient.open(t.base);
    assert.equal((await again.request('auth', { token: tok.body.access_token, tokenType: 'JWT' })).payload.errorCode, 201);
    await again.close();

    // Every remaining member is told, with the server as the remover and an integer ms timestamp.
    for (const who of [a, b]) {
      const n = (await who.next('removeChatParticipant')).payload;
      assert.deepEqual({ ...n, timestamp: 0 }, { chatId: group, userId: 'carol@parley.test', removedBy: { id: 'parley.test', type: 0 }, timestamp: 0 });
      assert.ok(Number.isInteger(n.timestamp) && String(n.timestamp).length === 13);
    }
    // With system envelopes: the REMOVE_PARTICIPANT envelope (type 2) by the server.
    const sys = (await b.next('sendMessage')).payload;
    assert.equal(sys.chatId, group);
    assert.equal(sys.type, 2);
    assert.deepEqual(sys.author, { id: 'parley.test', type: 0 });
    assert.deepEqual(sys.content, { userId: 'carol@parley.test' });
    // alice did not ask for system envelopes.
    await assert.rejects(a.next('sendMessage', 100));

    const members = await a.call('getChatParticipants', { chatId: group, pageSize: 10, pageNumber: 1 });
    assert.deepEqual(members.participants.map((p: any) => p.userId), ['alice@parley.test', 'bot@parley.test']);
    assert.equal((await a.request('getChatParticipant', { chatId: group, userId: 'carol' })).payload.errorCode, 305);

    // Chats left without members are gone (her channel, her favorites).
    const rows = await t.parley.engine.chats.store.chat(solo);
    assert.equal(rows, undefined);
    assert.equal(await t.parley.engine.chats.store.chat(fav), undefined);

    // The P2P conversation stays the bot's, with its history and the departed user's TrueConf ID as title.
    const view = await b.call('getChatByID', { chatId: p2p });
    assert.equal(view.title, 'carol@parley.test');
    assert.equal(view.lastMessage.content.text, 'bye');
    assert.equal((await b.call('getChatHistory', { chatId: p2p, count: 10, fromMessageId: null })).messages.length, 1);
    // A new P2P chat with the deleted user cannot be opened.
    assert.ok((await b.request('createP2PChat', { userId: 'carol' })).payload.errorCode);
    await Promise.all([a.close(), b.close()]);
  });

  it('a user disabled through the REST API loses its bot sockets (1008) and cannot auth again (202)', async () => {
    await createUsers(t, 'dave');
    const tok = await http(t.base, 'POST', '/bridge/api/client/v1/oauth/token', { grant_type: 'password', username: 'dave', password: 'Dave-pass1' });
    const d = await BotClient.open(t.base);
    await d.call('auth', { token: tok.body.access_token, tokenType: 'JWT' });
    // A new password alone keeps the live socket.
    assert.equal((await api(t, 'PUT', '/users/dave', { password: 'Dave-pass2' })).status, 200);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(d.ws.readyState, d.ws.OPEN);
    assert.equal((await api(t, 'PUT', '/users/dave', { is_active: 0 })).status, 200);
    assert.equal((await d.closed).code, 1008);
    const again = await BotClient.open(t.base);
    assert.equal((await again.request('auth', { token: tok.body.access_token, tokenType: 'JWT' })).payload.errorCode, 202);
    await again.close();
  });
});
