import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type TestServer } from '../../helpers/server.js';
import { BotClient, closeAll, twoBots } from './client.js';

describe('chatbot: two bots in conversation', () => {
  let t: TestServer;
  let a: BotClient, b: BotClient;
  before(async () => { ({ t, a, b } = await twoBots('alpha', 'beta', 'gamma')); });
  after(() => closeAll(t, a, b));

  it('pushes the upload limits after auth', async () => {
    const f = await a.next('getFileUploadLimits');
    assert.ok('maxSize' in f.payload);
  });

  it('one sends, the other gets the envelope, acks, replies; read state follows the ack', async () => {
    const { chatId } = await a.call('createP2PChat', { userId: 'beta@parley.test' });
    assert.equal(typeof chatId, 'string');
    // Idempotent, and a bare login names the same user.
    assert.equal((await a.call('createP2PChat', { userId: 'beta' })).chatId, chatId);
    const created = await b.next('createP2PChat');
    assert.equal(created.payload.chatId, chatId);
    assert.equal(created.payload.chatType, 1);
    assert.equal(created.payload.title, 'alpha@parley.test');

    const sent = await a.call('sendMessage', { chatId, replyMessageId: null, content: { text: 'ping', parseMode: 'text' } });
    assert.equal(sent.chatId, chatId);
    assert.equal(typeof sent.messageId, 'string');
    assert.ok(Number.isInteger(sent.timestamp) && String(sent.timestamp).length === 13);

    const n = await b.next('sendMessage');
    assert.equal(n.type, 1);
    const env = n.payload;
    assert.deepEqual(env.chat, { chatId, chatTitle: 'alpha@parley.test', chatType: 1 });
    assert.equal(env.messageId, sent.messageId);
    assert.equal(env.chatId, chatId);
    assert.equal(env.timestamp, sent.timestamp);
    assert.equal(env.isEdited, false);
    assert.equal(env.type, 200);
    assert.deepEqual(env.author, { id: 'alpha@parley.test', type: 1 });
    assert.equal(Number.isInteger(env.box.id), true);
    assert.equal(env.box.position, String(env.box.id));
    assert.deepEqual(env.content, { text: 'ping', parseMode: 'text' });
    assert.equal('replyMessageId' in env, false);
    // The sender's own connection does not get its message back.
    await assert.rejects(a.next('sendMessage', 100));

    // b auto-acked: the chat is read for b.
    for (let i = 0; i < 50; i++) {
      if ((await b.call('getChatByID', { chatId })).unreadMessages === 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const bView = await b.call('getChatByID', { chatId });
    assert.equal(bView.unreadMessages, 0);
    assert.equal(bView.title, 'alpha@parley.test');
    assert.equal(bView.lastMessage.messageId, sent.messageId);

    const reply = await b.call('sendMessage', { chatId, replyMessageId: sent.messageId, content: { text: '**pong**', parseMode: 'markdown' } });
    const back = await a.next('sendMessage');
    assert.equal(back.payload.messageId, reply.messageId);
    assert.equal(back.payload.replyMessageId, sent.messageId);
    assert.equal(back.payload.chat.chatTitle, 'beta@parley.test');
    assert.deepEqual(back.payload.content, { text: '**pong**', parseMode: 'markdown' });
    assert.ok(back.payload.box.id > env.box.id);
  });

  it('group chat, channel, favorites and participants', async () => {
    const group = await a.call('createGroupChat', { title: 'Team' });
    const named = await a.call('createGroupChat', { name: 'Seed spelling' });
    assert.notEqual(group.chatId, named.chatId);
    assert.deepEqual(await a.call('addChatParticipant', { chatId: group.chatId, userId: 'beta@parley.test', displayHistory: true }), {});
    const added = await b.next('createGroupChat');
    assert.equal(added.payload.chatId, group.chatId);
    assert.equal(added.payload.title, 'Team');
    assert.equal(added.payload.chatType, 2);
    assert.equal((await a.request('addChatParticipant', { chatId: group.chatId, userId: 'beta' })).payload.errorCode, 309);

    const part = await a.call('getChatParticipant', { chatId: group.chatId, userId: 'beta@parley.test' });
    assert.deepEqual(part, { userId: 'beta@parley.test', role: 'user', type: 1 });
    assert.equal((await a.request('getChatParticipant', { chatId: group.chatId, userId: 'gamma@parley.test' })).payload.errorCode, 305);
    const parts = await a.call('getChatParticipants', { chatId: group.chatId, pageSize: 10, pageNumber: 1 });
    assert.deepEqual(parts.participants.map((p: any) => [p.userId, p.role]).sort(), [['alpha@parley.test', 'owner'], ['beta@parley.test', 'user']]);
    assert.deepEqual(await a.call('hasChatParticipant', { chatId: group.chatId, userId: 'gamma' }), { result: false });

    await a.call('changeParticipantRole', { chatId: group.chatId, userId: 'beta@parley.test', role: 'admin' });
    const role = await b.next('changeParticipantRole');
    assert.equal(role.payload.userId, 'beta@parley.test');
    assert.equal(role.payload.role, 'admin');
    assert.ok(Number.isInteger(role.payload.timestamp));
    assert.equal((await a.request('changeParticipantRole', { chatId: group.chatId, userId: 'beta', role: 'boss' })).payload.errorCode, 312);

    const renamed = await a.call('editChatTitle', { chatId: group.chatId, title: 'Team 2' });
    assert.equal(renamed.chatId, group.chatId);
    assert.ok(Number.isInteger(renamed.timestamp));
    assert.deepEqual((await b.next('editChatTitle')).payload, { chatId: group.chatId, title: 'Team 2' });

    const channel = await a.call('createChannel', { title: 'News' });
    assert.equal((await a.call('getChatByID', { chatId: channel.chatId })).chatType, 6);
    const fav = await a.call('createFavoritesChat', {});
    assert.equal((await a.call('createFavoritesChat')).chatId, fav.chatId);
    const favView = await a.call('getChatByID', { chatId: fav.chatId });
    assert.equal(favView.chatType, 5);
    assert.equal(favView.title, '');
    assert.equal(favView.lastMessage, null);

    const list = await a.request('getChats', { count: 50, page: 1 });
    assert.ok(Array.isArray(list.payload));
    const ids = list.payload.map((c: any) => c.chatId);
    for (const id of [group.chatId, named.chatId, channel.chatId, fav.chatId]) assert.ok(ids.includes(id));

    await a.call('removeChatParticipant', { chatId: group.chatId, userId: 'beta@parley.test', clearHistory: false });
    const removed = await b.next('removeChatParticipant');
    assert.equal(removed.payload.userId, 'beta@parley.test');
    assert.deepEqual(removed.payload.removedBy, { id: 'alpha@parley.test', type: 1 });
    assert.equal((await b.request('getChatByID', { chatId: group.chatId })).payload.errorCode, 304);

    assert.deepEqual(await a.call('removeChat', { chatId: named.chatId }), { chatId: named.chatId });
    assert.equal((await a.request('getChatByID', { chatId: named.chatId })).payload.errorCode, 304);
    assert.equal((await a.request('getChatByID', { chatId: 'nope' })).payload.errorCode, 304);
    assert.equal((await a.request('getChatByID', {})).payload.errorCode, 304);
  });

  it('edit, forward, history, getMessageById, remove', async () => {
    const { chatId } = await a.call('createP2PChat', { userId: 'beta@parley.test' });
    const m1 = await a.call('sendMessage', { chatId, content: { text: 'one', parseMode: 'text' } });
    await b.next('sendMessage');
    const edited = await a.call('editMessage', { messageId: m1.messageId, content: { text: 'one!', parseMode: 'html' } });
    assert.equal(edited.messageId, m1.messageId);
    const en = await b.next('editMessage');
    assert.equal(en.payload.chatId, chatId);
    assert.equal(en.payload.messageId, m1.messageId);
    assert.deepEqual(en.payload.content, { text: 'one!', parseMode: 'html' });

    const got = await b.call('getMessageById', { messageId: m1.messageId });
    assert.equal(got.isEdited, true);
    assert.equal(got.content.text, 'one!');
    assert.equal(got.chat.chatTitle, 'alpha@parley.test');
    assert.equal((await b.request('getMessageById', { messageId: 'nope' })).payload.errorCode, 306);

    const fav = await b.call('createFavoritesChat', {});
    const fwd = await b.call('forwardMessage', { chatId: fav.chatId, messageId: m1.messageId });
    const fm = await b.call('getMessageById', { messageId: fwd.messageId });
    assert.equal(fm.type, 201);
    assert.equal(fm.content.text, 'one!');
    assert.equal(fm.content.messageId, m1.messageId);
    assert.deepEqual(fm.content.author, { id: 'alpha@parley.test', type: 1 });

    const m2 = await a.call('sendMessage', { chatId, content: { text: 'two', parseMode: 'text' } });
    const hist = await a.call('getChatHistory', { chatId, count: 10, fromMessageId: null });
    assert.equal(hist.chatId, chatId);
    assert.equal(hist.count, hist.messages.length);
    assert.equal(hist.messages[0].messageId, m2.messageId);
    const older = await a.call('getChatHistory', { chatId, count: 1, fromMessageId: m2.messageId });
    assert.equal(older.messages[0].messageId, m1.messageId);

    assert.deepEqual(await a.call('removeMessage', { messageId: m2.messageId, forAll: true }), {});
    const rm = await b.next('removeMessage');
    assert.deepEqual(rm.payload, { chatId, messageId: m2.messageId, removedBy: { id: 'alpha@parley.test', type: 1 } });

    assert.deepEqual(await a.call('getUserDisplayName', { userId: 'beta@parley.test' }), { displayName: 'Beta' });
    assert.deepEqual(await a.call('sendChatActivity', { chatId, activityType: 'typing' }), { chatId, activityType: 'typing', retryAfter: 5000 });
  });

  it('a non-member cannot read or post (304)', async () => {
    const c = await BotClient.signIn(t, 'gamma', 'Gamma-pass1');
    try {
      const { chatId } = await a.call('createP2PChat', { userId: 'beta' });
      assert.equal((await c.request('sendMessage', { chatId, content: { text: 'x', parseMode: 'text' } })).payload.errorCode, 304);
      assert.equal((await c.request('getChatHistory', { chatId, count: 5 })).payload.errorCode, 304);
      const missing = await c.request('sendMessage', { chatId });
      assert.ok(missing.payload.errorCode > 0);
    } finally {
      await c.close();
    }
  });

  it('receiveUnread delivers what arrived while offline; the ack marks it read', async () => {
    await b.close();
    const { chatId } = await a.call('createP2PChat', { userId: 'beta' });
    const m = await a.call('sendMessage', { chatId, content: { text: 'while you were out', parseMode: 'text' } });
    b = await BotClient.signIn(t, 'beta', 'Beta-pass1', { receiveUnread: true });
    const n = await b.next('sendMessage');
    assert.equal(n.payload.messageId, m.messageId);
    for (let i = 0; i < 50; i++) {
      if ((await b.call('getChatByID', { chatId })).unreadMessages === 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal((await b.call('getChatByID', { chatId })).unreadMessages, 0);
    await b.close();
    b = await BotClient.signIn(t, 'beta', 'Beta-pass1', { receiveUnread: true });
    await assert.rejects(b.next('sendMessage', 200));
  });
});
