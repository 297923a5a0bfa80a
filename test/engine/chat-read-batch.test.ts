// Read positions from acks are written in batches (ChatStore.advanceRead, found with bench/chat): what readers see
// before and after the write, that positions never go back, and that a member who left gets no row.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../helpers/server.js';
import { createUsers } from '../helpers/fixtures.js';

let t: TestServer;
const chats = () => t.parley.engine.chats;
const send = (from: string, chatId: string, text: string) => chats().send(from, chatId, { kind: 'text', text, parseMode: 'text' });
const row = (chatId: string, userId: string) =>
  t.parley.store.db.selectFrom('read_state').selectAll().where('chat_id', '=', chatId).where('user_id', '=', userId).executeTakeFirst();

before(async () => {
  t = await startServer();
  await createUsers(t, 'alice', 'bob', 'carol');
});
after(async () => { await t.close(); });

test('acks of many messages: unread is 0 at once, one row with the highest position, never lowered', async () => {
  const { chat } = await chats().createP2P('alice', 'bob');
  const sent = [];
  for (let i = 0; i < 20; i++) sent.push(await send('alice', chat.id, `m${i}`));
  assert.equal((await chats().get('bob', chat.id)).unread, 20);
  // Acks arrive out of order in one turn, as from several connections; readers see them before the write.
  const acks = [...sent].reverse().map((m) => chats().markDelivered('bob', m));
  assert.equal((await chats().get('bob', chat.id)).unread, 0);
  await Promise.all(acks);
  assert.equal(Number((await row(chat.id, 'bob'))?.read_seq), sent[19].seq);
  // An older ack later does not move the position back.
  await chats().markDelivered('bob', sent[3]);
  assert.equal(Number((await row(chat.id, 'bob'))?.read_seq), sent[19].seq);
  assert.equal((await chats().get('bob', chat.id)).unread, 0);
  // markRead by id goes the same way.
  const last = await send('alice', chat.id, 'one more');
  await chats().markRead('bob', last.id);
  assert.equal(Number((await row(chat.id, 'bob'))?.read_seq), last.seq);
});

test('a member removed before the write gets no read_state row; a deleted chat takes pending positions with it', async () => {
  const group = await chats().createGroup('alice', 'Batch');
  await chats().addParticipant('alice', group.id, 'carol');
  const m = await send('alice', group.id, 'hello');
  assert.ok(await row(group.id, 'carol'), 'joining writes a row');
  const ack = chats().markDelivered('carol', m);
  await chats().removeParticipant('alice', group.id, 'carol');
  await ack;
  assert.equal(await row(group.id, 'carol'), undefined);

  const other = await chats().createGroup('alice', 'Gone');
  await chats().addParticipant('alice', other.id, 'bob');
  const m2 = await send('alice', other.id, 'bye');
  const ack2 = chats().markDelivered('bob', m2);
  await chats().remove('alice', other.id);
  await ack2; // no foreign-key failure for the chat that is gone
  assert.equal(await row(other.id, 'bob'), undefined);
});
