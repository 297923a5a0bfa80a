import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { http, type TestServer } from '../../helpers/server.js';
import { BotClient, closeAll, twoBots } from './client.js';

describe('chatbot: avatars, clearing, surveys, restart', () => {
  let t: TestServer;
  let a: BotClient, b: BotClient;
  before(async () => { ({ t, a, b } = await twoBots('alpha', 'beta')); });
  after(() => closeAll(t, a, b));

  it('editChatAvatar sets and removes the avatar; members are told', async () => {
    const { chatId } = await a.call('createGroupChat', { title: 'Pics' });
    await a.call('addChatParticipant', { chatId, userId: 'beta', displayHistory: true });
    const { uploadTaskId } = await a.call('uploadFile', { fileSize: 4, fileName: 'a.png' });
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array([1, 2, 3, 4])], { type: 'image/png' }), 'a.png');
    const up = await fetch(`${t.base}/bridge/api/client/v1/files`, { method: 'POST', headers: { 'Upload-Task-Id': uploadTaskId }, body: form });
    const { temporalFileId } = await up.json() as any;
    assert.deepEqual(await a.call('editChatAvatar', { chatId, temporalFileId }), {});
    assert.equal((await b.next('editChatAvatar')).payload.chatId, chatId);
    assert.deepEqual(await a.call('editChatAvatar', { chatId, temporalFileId: null }), {});
    assert.deepEqual((await b.next('editChatAvatar')).payload, { chatId, avatarUrl: null });
    // Only owner/admin may change it.
    assert.equal((await b.request('editChatAvatar', { chatId, temporalFileId: null })).payload.errorCode, 303);
  });

  it('clearHistory for all empties the chat and notifies', async () => {
    const { chatId } = await a.call('createP2PChat', { userId: 'beta' });
    await a.call('sendMessage', { chatId, content: { text: 'soon gone', parseMode: 'text' } });
    await b.next('sendMessage');
    assert.deepEqual(await a.call('clearHistory', { chatId, forAll: true }), {});
    assert.deepEqual((await b.next('clearHistory')).payload, { chatId, forAll: true });
    const h = await b.call('getChatHistory', { chatId, count: 10, fromMessageId: null });
    assert.equal(h.messages.filter((m: any) => m.type >= 200).length, 0);
  });

  it('sendSurvey and editSurvey', async () => {
    const { chatId } = await a.call('createP2PChat', { userId: 'beta' });
    const content = { url: 'https://parley.test/webtools/survey', appVersion: 1, path: 'c1', title: 'Lunch?', description: '{{Survey}}', buttonText: '{{Go to survey}}', secret: 'abc', alt: 'Lunch?' };
    const sent = await a.call('sendSurvey', { chatId, replyMessageId: null, content });
    const n = await b.next('sendMessage');
    assert.equal(n.payload.type, 204);
    assert.deepEqual(n.payload.content, content);
    const ed = await a.call('editSurvey', { messageId: sent.messageId, content: { path: 'c1', title: 'Dinner?', description: '{{Survey}}', buttonText: 'Go', alt: 'Dinner?' } });
    assert.equal(ed.messageId, sent.messageId);
    const got = await a.call('getMessageById', { messageId: sent.messageId });
    assert.equal(got.content.title, 'Dinner?');
    assert.equal(got.content.url, content.url);
    assert.equal(got.isEdited, true);
  });

  it('chats and messages survive a restart; the old token still signs in', async () => {
    const { chatId } = await a.call('createP2PChat', { userId: 'beta' });
    const m = await a.call('sendMessage', { chatId, content: { text: 'remember me', parseMode: 'text' } });
    await a.close();
    await b.close();
    const tok = await http(t.base, 'POST', '/bridge/api/client/v1/oauth/token', { grant_type: 'password', username: 'alpha', password: 'Alpha-pass1' });
    await t.restart();
    // The signing key is kept under the data directory: a token from before the restart still works.
    const c = await BotClient.open(t.base);
    assert.match((await c.request('auth', { token: tok.body.access_token, tokenType: 'JWT' })).payload.userId, /^alpha@parley\.test\//);
    await c.close();
    a = await BotClient.signIn(t, 'alpha', 'Alpha-pass1');
    b = await BotClient.signIn(t, 'beta', 'Beta-pass1');
    const got = await b.call('getMessageById', { messageId: m.messageId });
    assert.equal(got.content.text, 'remember me');
    assert.equal((await a.call('createP2PChat', { userId: 'beta' })).chatId, chatId);
  });
});
