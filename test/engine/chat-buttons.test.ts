// Inline keyboards and commands in the chat engine (issue #5, digest §4.5, §5.3 answerCommand, §6 command):
// the keyboard rules, who may send one, pressing buttons and the bot's answer. Engine commands in-process on a
// real server; the wire side is test/protocols/trueconf-bot/buttons.test.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../helpers/server.js';
import { createUsers } from '../helpers/fixtures.js';
import type { DomainError } from '../../src/engine/errors.js';
import type { EventName } from '../../src/engine/events.js';
import { collectEvents } from '../helpers/events.js';
import { COMMAND_TTL_MS } from '../../src/engine/chat/commands.js';

let t: TestServer;
let chatId: string;
const chats = () => t.parley.engine.chats;
const text = (buttons: unknown) => ({ kind: 'text' as const, text: 'pick one', parseMode: 'text' as const, buttons: buttons as never });

before(async () => {
  t = await startServer();
  await createUsers(t, 'botty', 'helper', 'alice', 'eve');
  // A bot is a user signed in through the chatbot face; the wire connection registers this presence.
  t.parley.engine.presence.connect('botty', 'chatbot');
  t.parley.engine.presence.connect('helper', 'chatbot');
  chatId = (await chats().createP2P('botty', 'alice')).chat.id;
});
after(async () => { await t.close(); });

const events = <K extends EventName>(name: K, fn: () => Promise<unknown>) => collectEvents(t.parley.engine.bus, name, fn);

async function rejects(p: Promise<unknown>, code: string, match?: RegExp | string): Promise<void> {
  await assert.rejects(p, (e: DomainError) => {
    assert.equal(e.code, code, e.message);
    if (typeof match === 'string') assert.equal(e.entity ?? e.params.field, match, e.message);
    else if (match) assert.match(e.message, match);
    return true;
  });
}

const KEYBOARD = [
  [{ type: 'command', label: 'Yes', command: '/yes', customData: 'ticket=42', id: 'b-yes', style: 'primary' },
    { type: 'command', label: 'No', command: '/no' }],
  [{ type: 'message', label: 'Say hi', message: 'hi there' }, { type: 'message', label: 'Draft', message: 'draft me', draft: true }],
  [{ type: 'url', url: 'https://parley.test/help' }, { type: 'copy', label: 'Copy', data: 'XYZ' }],
];

test('only bots send keyboards; a human may still send plain text', async () => {
  await rejects(chats().send('alice', chatId, text(KEYBOARD)), 'forbidden');
  const plain = await chats().send('alice', chatId, { kind: 'text', text: 'hello', parseMode: 'text' });
  await rejects(chats().edit('alice', plain.id, text(KEYBOARD)), 'forbidden');
  const m = await chats().send('botty', chatId, text(KEYBOARD));
  assert.equal(m.content.kind, 'text');
  assert.deepEqual(m.content.kind === 'text' && m.content.buttons, KEYBOARD);
  // null and [] mean no keyboard (and are not refused for humans).
  const none = await chats().send('alice', chatId, text([]));
  assert.equal(none.content.kind === 'text' && none.content.buttons, undefined);
  assert.equal((await chats().send('alice', chatId, text(null))).content.kind === 'text', true);
  // A bot's edit is a full overwrite: without buttons the keyboard goes.
  const edited = await chats().edit('botty', m.id, { kind: 'text', text: 'done', parseMode: 'text' });
  assert.equal(edited.content.kind === 'text' && edited.content.buttons, undefined);
});

test('the rules of §4.5: types, lengths, ASCII, schemes, shape and limits', async () => {
  const bad = (buttons: unknown, why: RegExp) => rejects(chats().send('botty', chatId, text(buttons)), 'invalid', why);
  const cmd = (extra: Record<string, unknown>) => [[{ type: 'command', label: 'L', command: '/c', ...extra }]];
  await bad({}, /array of rows/);
  await bad([{}], /row 1 must be an array/);
  await bad([[]], /row 1 is empty/);
  await bad([['x']], /must be an object/);
  await bad([[{ type: 'share2', label: 'x' }]], /unknown type/);
  await bad(cmd({ label: '' }), /label must be 1–32/);
  await bad(cmd({ label: 'x'.repeat(33) }), /label must be 1–32/);
  await bad([[{ type: 'command', command: '/c' }]], /label is required/);
  await bad(cmd({ command: '' }), /command must be 1–255/);
  await bad(cmd({ command: 'x'.repeat(256) }), /command must be 1–255/);
  await bad(cmd({ command: '/да' }), /command must be ASCII/);
  await bad(cmd({ customData: '' }), /customData must be 1–4096/);
  await bad(cmd({ customData: 'x'.repeat(4097) }), /customData must be 1–4096/);
  await bad(cmd({ customData: 'é' }), /customData must be ASCII/);
  await bad(cmd({ waitReply: 'yes' }), /waitReply must be a boolean/);
  await bad(cmd({ style: 'loud' }), /unknown style/);
  await bad([[{ type: 'url', url: 'http:/' }]], /url must be 8–8095/);
  await bad([[{ type: 'url', url: 'https://' + 'x'.repeat(8088) }]], /url must be 8–8095/);
  await bad([[{ type: 'url', url: 'ftp://parley.test/f' }]], /scheme/);
  await bad([[{ type: 'url', url: 'javascript:alert(1)' }]], /scheme/);
  await bad([[{ type: 'url', url: 'https://ü.example' }]], /url must be ASCII/);
  await bad([[{ type: 'copy', label: 'c', data: '' }]], /data must be 1–4095/);
  await bad([[{ type: 'copy', label: 'c', data: 'x'.repeat(4096) }]], /data must be 1–4095/);
  await bad([[{ type: 'message', label: 'm' }]], /message is required/);
  const row = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'command', label: `b${i}`, command: `/b${i}` }));
  await bad(Array.from({ length: 9 }, () => row(1)), /at most 8 rows/);
  await bad([row(9)], /at most 8 buttons in a row/);

  // At the limits: 8 × 8 = 64 buttons, 32-character labels, every allowed scheme, 4096 ASCII customData.
  await chats().send('botty', chatId, text(Array.from({ length: 8 }, () => row(8))));
  const ok = [
    [{ type: 'command', label: 'x'.repeat(32), command: 'c'.repeat(255), customData: 'd'.repeat(4096), waitReply: false }],
    ['http://a.bc', 'https://a.bc', 'mailto:a@b.cd', 'trueconf:alice@parley.test'].map((url) => ({ type: 'url', url, label: 'go' })),
    [{ type: 'copy', label: 'c', data: 'ю'.repeat(4095) }],
  ];
  const m = await chats().send('botty', chatId, text(ok));
  assert.deepEqual(m.content.kind === 'text' && m.content.buttons, ok);
  // Line breaks in a label become spaces; fields of another button type and nulls are dropped.
  const n = await chats().send('botty', chatId, text([[{ type: 'message', label: 'a\nb', message: 'hi', command: '/x', url: null, id: null }]]));
  assert.deepEqual(n.content.kind === 'text' && n.content.buttons, [[{ type: 'message', label: 'a b', message: 'hi' }]]);
});

test('pressing a command button: the author bot gets chat.command; by id or by place', async () => {
  const m = await chats().send('botty', chatId, text(KEYBOARD));
  let commandId = '';
  const ev = await events('chat.command', async () => {
    const r = await chats().press('alice', m.id, { buttonId: 'b-yes' });
    assert.equal(r.type, 'command');
    commandId = r.type === 'command' ? r.commandId : '';
  });
  assert.equal(ev.length, 1);
  assert.equal(ev[0].commandId, commandId);
  assert.equal(ev[0].botId, 'botty');
  assert.equal(ev[0].userId, 'alice');
  assert.equal(ev[0].chatId, chatId);
  assert.equal(ev[0].message.id, m.id);
  assert.equal(ev[0].buttonId, 'b-yes');
  assert.equal(ev[0].command, '/yes');
  assert.equal(ev[0].customData, 'ticket=42');

  const byPlace = await events('chat.command', () => chats().press('alice', m.id, { row: 0, column: 1 }));
  assert.equal(byPlace[0].command, '/no');
  assert.equal(byPlace[0].buttonId, null);
  assert.equal(byPlace[0].customData, null);

  await rejects(chats().press('alice', m.id, { buttonId: 'nope' }), 'invalid', /no such button/);
  await rejects(chats().press('alice', m.id, { row: 5, column: 0 }), 'invalid', /no such button/);
  await rejects(chats().press('alice', m.id, { row: 2, column: 0 }), 'invalid', /acts in the client/);
  await rejects(chats().press('alice', m.id, { row: 2, column: 1 }), 'invalid', /acts in the client/);
  // Somebody outside the chat cannot see the message, let alone press it.
  await rejects(chats().press('eve', m.id, { buttonId: 'b-yes' }), 'not_found', 'message');
  const plain = await chats().send('alice', chatId, { kind: 'text', text: 'no keys', parseMode: 'text' });
  await rejects(chats().press('botty', plain.id, { row: 0, column: 0 }), 'invalid', /no buttons/);
});

test('a command button with `to` goes to that bot; an unknown `to` is not found', async () => {
  const m = await chats().send('botty', chatId, text([[
    { type: 'command', label: 'Ask helper', command: '/ask', to: 'helper@parley.test' },
    { type: 'command', label: 'Nobody', command: '/x', to: 'ghost@parley.test' },
  ]]));
  const ev = await events('chat.command', () => chats().press('alice', m.id, { row: 0, column: 0 }));
  assert.equal(ev[0].botId, 'helper');
  await rejects(chats().press('alice', m.id, { row: 0, column: 1 }), 'not_found', 'user');
});

test('a message button sends its text as the user who pressed; a draft one sends nothing', async () => {
  const m = await chats().send('botty', chatId, text(KEYBOARD));
  const created = await events('message.created', async () => {
    const r = await chats().press('alice', m.id, { row: 1, column: 0 });
    assert.equal(r.type, 'message');
    assert.equal(r.type === 'message' && r.message.authorId, 'alice');
  });
  assert.equal(created.length, 1);
  assert.deepEqual(created[0].message.content, { kind: 'text', text: 'hi there', parseMode: 'text' });
  const draft = await events('message.created', async () => {
    assert.deepEqual(await chats().press('alice', m.id, { row: 1, column: 1 }), { type: 'draft', text: 'draft me' });
  });
  assert.equal(draft.length, 0);
});

test('answerCommand: once, by the addressed bot, while pending; the answer is an event for the presser', async () => {
  const m = await chats().send('botty', chatId, text(KEYBOARD));
  const r = await chats().press('alice', m.id, { buttonId: 'b-yes' });
  const commandId = r.type === 'command' ? r.commandId : '';
  const msg = { text: 'Ticket 42 closed', status: 'ok', visibility: 'toast', level: 'info' };

  await rejects(Promise.resolve().then(() => chats().answerCommand('helper', commandId, 'complete', msg)), 'not_found', 'command');
  await rejects(Promise.resolve().then(() => chats().answerCommand('botty', commandId, 'done', msg)), 'invalid', 'answerType');
  await rejects(Promise.resolve().then(() => chats().answerCommand('botty', commandId, 'message', null)), 'invalid', 'message');
  for (const bad of [{ text: '' }, { text: 'x'.repeat(256) }, { text: 'закрыт' }, { text: 'ok', status: 'great' },
    { text: 'ok', visibility: 'loud' }, { text: 'ok', level: 'fatal' }]) {
    await rejects(Promise.resolve().then(() => chats().answerCommand('botty', commandId, 'complete', bad)), 'invalid', 'message');
  }
  const ev = await events('chat.command_answered', async () => { chats().answerCommand('botty', commandId, 'complete', msg); });
  assert.equal(ev.length, 1);
  assert.equal(ev[0].userId, 'alice');
  assert.equal(ev[0].botId, 'botty');
  assert.equal(ev[0].chatId, chatId);
  assert.equal(ev[0].messageId, m.id);
  assert.equal(ev[0].answerType, 'complete');
  assert.deepEqual(ev[0].message, msg);
  // Answered: a second answer finds nothing.
  await rejects(Promise.resolve().then(() => chats().answerCommand('botty', commandId, 'complete', msg)), 'not_found', 'command');
  await rejects(Promise.resolve().then(() => chats().answerCommand('botty', 'no-such-command', 'cancel', null)), 'not_found', 'command');
});

test('an unanswered command expires', async () => {
  const m = await chats().send('botty', chatId, text(KEYBOARD));
  const r = await chats().press('alice', m.id, { buttonId: 'b-yes' });
  const ctx = t.parley.engine.ctx;
  const realNow = ctx.now;
  ctx.now = () => realNow() + COMMAND_TTL_MS + 1;
  try {
    await rejects(Promise.resolve().then(() => chats().answerCommand('botty', r.type === 'command' ? r.commandId : '', 'timeout', null)), 'not_found', 'command');
  } finally {
    ctx.now = realNow;
  }
});
