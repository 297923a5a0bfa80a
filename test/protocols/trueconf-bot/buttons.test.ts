// Inline keyboards over the chatbot wire (digest §4.5, §5.3 answerCommand, §6 command). The human who presses a
// button has no Parley client yet (the browser client is issue #7), so the test presses through the engine's
// public command `engine.chats.press`, the call that client will make; the bot side is all wire.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type TestServer } from '../../helpers/server.js';
import { BotClient, closeAll, twoBots } from './client.js';
import type { DomainEvents } from '../../../src/engine/events.js';

describe('chatbot: inline buttons and commands', () => {
  let t: TestServer;
  let a: BotClient, b: BotClient;
  let chatId: string;
  const keyboard = [
    [{ type: 'command', label: 'Close ticket', command: '/close', customData: '{"ticket":42}', id: 'close-42', style: 'danger' },
      { type: 'command', label: 'Ask helper', command: '/ask', to: 'beta@parley.test' }],
    [{ type: 'message', label: 'Thanks', message: 'thank you' }, { type: 'url', url: 'https://parley.test/tickets/42' }],
  ];

  before(async () => {
    ({ t, a, b } = await twoBots('alpha', 'beta', 'alice'));
    chatId = (await a.call('createGroupChat', { title: 'Support' })).chatId;
    await a.call('addChatParticipant', { chatId, userId: 'beta@parley.test', displayHistory: true });
    await a.call('addChatParticipant', { chatId, userId: 'alice@parley.test', displayHistory: true });
  });
  after(() => closeAll(t, a, b));

  it('a bot sends a keyboard; members get it in the envelope, as sent', async () => {
    const sent = await a.call('sendMessage', { chatId, replyMessageId: null, content: { text: 'Ticket 42', parseMode: 'text', buttons: keyboard } });
    const n = await b.next('sendMessage');
    assert.equal(n.payload.messageId, sent.messageId);
    assert.deepEqual(n.payload.content, { text: 'Ticket 42', parseMode: 'text', buttons: keyboard });
    assert.deepEqual((await a.call('getMessageById', { messageId: sent.messageId })).content.buttons, keyboard);
  });

  it('an invalid keyboard answers errorCode 300 (the face code for invalid parameters) and sends nothing', async () => {
    for (const buttons of [
      [[{ type: 'command', label: 'x'.repeat(33), command: '/c' }]],
      [[{ type: 'url', url: 'ftp://parley.test/x' }]],
      [[{ type: 'command', label: 'c', command: '/ключ' }]],
      Array.from({ length: 9 }, () => [{ type: 'copy', label: 'c', data: 'd' }]),
      'not rows',
    ]) {
      const r = await a.request('sendMessage', { chatId, content: { text: 'bad', parseMode: 'text', buttons } });
      assert.equal(r.payload.errorCode, 300, JSON.stringify(buttons));
      assert.match(r.payload.errorDescription, /button|rows/);
    }
    await assert.rejects(b.next('sendMessage', 100));
  });

  it('a user presses a command button: the author bot gets `command`, answers once with answerCommand', async () => {
    const sent = await a.call('sendMessage', { chatId, content: { text: 'Ticket 42', parseMode: 'text', buttons: keyboard } });
    await b.next('sendMessage');
    const answered: DomainEvents['chat.command_answered'][] = [];
    const off = t.parley.engine.bus.on('chat.command_answered', (e) => { answered.push(e); });
    try {
      const pressed = await t.parley.engine.chats.press('alice', sent.messageId, { buttonId: 'close-42' });
      assert.equal(pressed.type, 'command');
      const n = await a.next('command');
      const { commandId, commandSource, commandPayload } = n.payload;
      assert.equal(commandId, pressed.type === 'command' ? pressed.commandId : undefined);
      assert.equal(commandSource.type, 'button');
      assert.equal(commandSource.buttonId, 'close-42');
      assert.equal('waitReply' in commandSource, false);
      assert.equal(commandSource.message.messageId, sent.messageId);
      assert.equal(commandSource.message.chatId, chatId);
      assert.equal(commandSource.message.type, 200);
      assert.deepEqual(commandSource.message.author, { id: 'alpha@parley.test', type: 1 });
      assert.deepEqual(commandSource.message.content.buttons, keyboard);
      assert.deepEqual(commandPayload, { type: 'command', command: '/close', customData: '{"ticket":42}' });
      // Only the addressed bot is told.
      await assert.rejects(b.next('command', 100));

      // Another bot cannot answer it; bad answers are refused and leave it pending.
      assert.equal((await b.request('answerCommand', { commandId, answerType: 'complete', message: { text: 'mine' } })).payload.errorCode, 300);
      assert.equal((await a.request('answerCommand', { commandId, answerType: 'finished', message: { text: 'ok' } })).payload.errorCode, 300);
      assert.equal((await a.request('answerCommand', { commandId, answerType: 'complete', message: { text: 'x'.repeat(256) } })).payload.errorCode, 300);
      assert.equal((await a.request('answerCommand', { commandId, answerType: 'complete', message: 'ok' })).payload.errorCode, 300);
      assert.equal((await a.request('answerCommand', { answerType: 'complete' })).payload.errorCode, 300);
      assert.equal(answered.length, 0);

      const message = { text: 'Ticket 42 closed', status: 'ok', visibility: 'toast', level: 'info' };
      assert.deepEqual(await a.call('answerCommand', { commandId, answerType: 'complete', message }), {});
      assert.equal(answered.length, 1);
      assert.equal(answered[0].userId, 'alice');
      assert.equal(answered[0].messageId, sent.messageId);
      assert.deepEqual(answered[0].message, message);
      // Once only.
      assert.equal((await a.request('answerCommand', { commandId, answerType: 'complete', message })).payload.errorCode, 300);
      assert.equal((await a.request('answerCommand', { commandId: 'unknown', answerType: 'cancel' })).payload.errorCode, 300);
    } finally {
      off();
    }
  });

  it('a command button with `to` reaches the other bot, with no buttonId when the button has none', async () => {
    const sent = await a.call('sendMessage', { chatId, content: { text: 'Ticket 43', parseMode: 'text', buttons: keyboard } });
    await b.next('sendMessage');
    await t.parley.engine.chats.press('alice', sent.messageId, { row: 0, column: 1 });
    const n = await b.next('command');
    assert.deepEqual(n.payload.commandPayload, { type: 'command', command: '/ask' });
    assert.equal('buttonId' in n.payload.commandSource, false);
    assert.equal(n.payload.commandSource.message.messageId, sent.messageId);
    await assert.rejects(a.next('command', 100));
    assert.deepEqual(await b.call('answerCommand', { commandId: n.payload.commandId, answerType: 'message', message: { text: 'On it' } }), {});
  });

  it('a message button sends its text as the user: the bots get an ordinary sendMessage', async () => {
    const sent = await a.call('sendMessage', { chatId, content: { text: 'Ticket 44', parseMode: 'text', buttons: keyboard } });
    await b.next('sendMessage');
    await t.parley.engine.chats.press('alice', sent.messageId, { row: 1, column: 0 });
    for (const bot of [a, b]) {
      const n = await bot.next('sendMessage');
      assert.deepEqual(n.payload.author, { id: 'alice@parley.test', type: 1 });
      assert.deepEqual(n.payload.content, { text: 'thank you', parseMode: 'text' });
    }
  });
});
