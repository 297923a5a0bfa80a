// The chat domain's own tests: engine commands in-process on a real server (store, events), plus the
// /logs/messages projection over the wire.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, api, type TestServer } from '../helpers/server.js';
import { createUsers } from '../helpers/fixtures.js';
import { px, pexipConference, join } from '../protocols/pexip/pexip.js';
import type { DomainError } from '../../src/engine/errors.js';
import type { DomainEvents, EventName } from '../../src/engine/events.js';
import { collectEvents } from '../helpers/events.js';

let t: TestServer;
const chats = () => t.parley.engine.chats;

before(async () => {
  t = await startServer();
  await createUsers(t, 'alice', 'bob', 'carol', 'dave');
});
after(async () => { await t.close(); });

const events = <K extends EventName>(name: K, fn: () => Promise<unknown>) => collectEvents(t.parley.engine.bus, name, fn);

async function rejects(p: Promise<unknown>, code: string, entity?: string): Promise<void> {
  await assert.rejects(p, (e: DomainError) => {
    assert.equal(e.code, code, e.message);
    if (entity) assert.equal(e.entity, entity);
    return true;
  });
}

test('P2P: one chat per pair, idempotent from either side; created event names both', async () => {
  const ev = await events('chat.created', async () => {
    const a = await chats().createP2P('alice', 'bob@parley.test');
    assert.equal(a.created, true);
    const b = await chats().createP2P('bob', 'alice');
    assert.equal(b.created, false);
    assert.equal(b.chat.id, a.chat.id);
    assert.equal(a.chat.type, 'p2p');
  });
  assert.equal(ev.length, 1);
  assert.deepEqual([...ev[0].userIds].sort(), ['alice', 'bob']);
  await rejects(chats().createP2P('alice', 'nobody'), 'not_found', 'user');
  const v = await chats().get('alice', ev[0].chatId);
  assert.equal(v.peerId, 'bob');
  assert.equal(v.lastMessage, null);
});

test('favorites: one per user', async () => {
  const a = await chats().createFavorites('carol');
  const b = await chats().createFavorites('carol');
  assert.equal(a.chat.id, b.chat.id);
  assert.equal(b.created, false);
  assert.equal((await chats().participant('carol', a.chat.id, 'carol')).role, 'favorites_owner');
  await rejects(chats().get('alice', a.chat.id), 'not_found', 'chat');
});

test('group: owner manages, members see, outsiders do not', async () => {
  const g = await chats().createGroup('alice', 'Marketing');
  assert.equal(g.title, 'Marketing');
  await rejects(chats().createGroup('alice', ''), 'invalid');
  await rejects(chats().get('bob', g.id), 'not_found', 'chat');
  const added = await events('chat.participant_added', () => chats().addParticipant('alice', g.id, 'bob'));
  assert.equal(added[0].userId, 'bob');
  assert.equal(added[0].role, 'user');
  assert.deepEqual([...added[0].userIds].sort(), ['alice', 'bob']);
  await rejects(chats().addParticipant('alice', g.id, 'bob'), 'already_participant');
  // A plain user cannot manage.
  await rejects(chats().addParticipant('bob', g.id, 'carol'), 'forbidden');
  await rejects(chats().editTitle('bob', g.id, 'Mine'), 'forbidden');
  await rejects(chats().changeRole('alice', g.id, 'bob', 'boss' as never), 'invalid');
  // An admin may.
  await chats().changeRole('alice', g.id, 'bob', 'admin');
  await chats().addParticipant('bob', g.id, 'carol');
  const renamed = await events('chat.updated', () => chats().editTitle('bob', g.id, 'Sales'));
  assert.equal(renamed[0].title, 'Sales');
  assert.equal((await chats().get('carol', g.id)).title, 'Sales');
  assert.deepEqual((await chats().participants('carol', g.id, 10, 1)).map((p) => [p.userId, p.role]), [['alice', 'owner'], ['bob', 'admin'], ['carol', 'user']]);
  assert.deepEqual((await chats().participants('carol', g.id, 2, 2)).map((p) => p.userId), ['carol']);
  await rejects(chats().participant('alice', g.id, 'dave'), 'not_participant');
  assert.equal(await chats().hasParticipant('alice', g.id, 'carol@parley.test'), true);
  // Leave, then removal of others by an admin; the owner cannot be removed by an admin.
  await rejects(chats().removeParticipant('bob', g.id, 'alice'), 'forbidden');
  const removed = await events('chat.participant_removed', () => chats().removeParticipant('carol', g.id, 'carol'));
  assert.ok(removed[0].userIds.includes('carol'));
  await rejects(chats().get('carol', g.id), 'not_found');
  // Only the owner removes the chat.
  await rejects(chats().remove('bob', g.id), 'forbidden');
  const gone = await events('chat.removed', () => chats().remove('alice', g.id));
  assert.deepEqual([...gone[0].userIds].sort(), ['alice', 'bob']);
  await rejects(chats().get('alice', g.id), 'not_found');
});

test('channel: readers cannot post, writers can', async () => {
  const ch = await chats().createChannel('alice', 'News');
  await chats().addParticipant('alice', ch.id, 'bob');
  await chats().addParticipant('alice', ch.id, 'carol', { role: 'writer' });
  await rejects(chats().send('bob', ch.id, { kind: 'text', text: 'hi', parseMode: 'text' }), 'forbidden');
  const m = await chats().send('carol', ch.id, { kind: 'text', text: 'news!', parseMode: 'text' });
  assert.equal(m.authorId, 'carol');
});

test('messages: sequence, reply, edit, forward, remove for me and for all; events carry members', async () => {
  const { chat } = await chats().createP2P('alice', 'dave');
  const created = await events('message.created', async () => {
    await chats().send('alice', chat.id, { kind: 'text', text: 'one', parseMode: 'text' });
  });
  const m1 = created[0].message;
  assert.deepEqual([...created[0].userIds].sort(), ['alice', 'dave']);
  assert.equal(m1.seq, 1);
  assert.equal(typeof m1.timestamp, 'number');
  const m2 = await chats().send('dave', chat.id, { kind: 'text', text: '**two**', parseMode: 'markdown' }, m1.id);
  assert.equal(m2.seq, 2);
  assert.equal(m2.replyToId, m1.id);
  await rejects(chats().send('dave', chat.id, { kind: 'text', text: 'x', parseMode: 'bbcode' as never }), 'invalid');
  await rejects(chats().send('dave', chat.id, { kind: 'text', text: '', parseMode: 'text' }), 'invalid');
  await rejects(chats().send('bob', chat.id, { kind: 'text', text: 'x', parseMode: 'text' }), 'not_found', 'chat');
  await rejects(chats().send('dave', chat.id, { kind: 'text', text: 'x', parseMode: 'text' }, 'nope'), 'not_found', 'message');

  await rejects(chats().edit('alice', m2.id, { kind: 'text', text: 'mine', parseMode: 'text' }), 'forbidden');
  const edited = await events('message.edited', () => chats().edit('dave', m2.id, { kind: 'text', text: 'two!', parseMode: 'text' }));
  assert.equal(edited[0].message.content.kind === 'text' && edited[0].message.content.text, 'two!');
  assert.ok((await chats().getMessage('alice', m2.id)).editedAt);

  // History: newest first, from a message exclusive.
  assert.deepEqual((await chats().history('alice', chat.id, 10, null)).map((m) => m.seq), [2, 1]);
  assert.deepEqual((await chats().history('alice', chat.id, 10, m2.id)).map((m) => m.seq), [1]);

  // Forward into a group.
  const g = await chats().createGroup('alice', 'Fwd');
  const f = await chats().forward('alice', g.id, m2.id);
  assert.equal(f.content.kind, 'forward');
  assert.equal(f.content.kind === 'forward' && f.content.original.id, m2.id);
  await rejects(chats().forward('bob', g.id, m2.id), 'not_found', 'message');

  // Remove for me: only alice stops seeing it.
  const hid = await events('message.removed', () => chats().removeMessage('alice', m1.id, false));
  assert.deepEqual(hid[0].userIds, ['alice']);
  await rejects(chats().getMessage('alice', m1.id), 'not_found', 'message');
  assert.equal((await chats().getMessage('dave', m1.id)).id, m1.id);
  // For all: only the author (in P2P).
  await rejects(chats().removeMessage('alice', m2.id, true), 'forbidden');
  await chats().removeMessage('dave', m2.id, true);
  await rejects(chats().getMessage('dave', m2.id), 'not_found', 'message');
});

test('read state and unread delivery; clear history for me and for all', async () => {
  const { chat } = await chats().createP2P('bob', 'carol');
  const a = await chats().send('bob', chat.id, { kind: 'text', text: 'a', parseMode: 'text' });
  const b = await chats().send('bob', chat.id, { kind: 'text', text: 'b', parseMode: 'text' });
  const unread = (await chats().unread('carol')).filter((m) => m.chatId === chat.id);
  assert.deepEqual(unread.map((m) => m.id), [a.id, b.id]);
  assert.equal((await chats().get('carol', chat.id)).unread, 2);
  // The sender's own messages are not unread for them.
  assert.equal((await chats().unread('bob')).filter((m) => m.chatId === chat.id).length, 0);
  await chats().markRead('carol', a.id);
  assert.deepEqual((await chats().unread('carol')).filter((m) => m.chatId === chat.id).map((m) => m.id), [b.id]);
  assert.equal((await chats().get('carol', chat.id)).unread, 1);

  await chats().clearHistory('carol', chat.id, false);
  assert.equal((await chats().history('carol', chat.id, 10, null)).length, 0);
  assert.equal((await chats().history('bob', chat.id, 10, null)).length, 2);
  const cleared = await events('chat.history_cleared', () => chats().clearHistory('bob', chat.id, true));
  assert.equal(cleared[0].forAll, true);
  assert.equal((await chats().history('bob', chat.id, 10, null)).length, 0);
});

test('joining without history hides earlier messages', async () => {
  const g = await chats().createGroup('alice', 'Hist');
  await chats().send('alice', g.id, { kind: 'text', text: 'before', parseMode: 'text' });
  await chats().addParticipant('alice', g.id, 'dave', { displayHistory: false });
  await chats().addParticipant('alice', g.id, 'bob');
  const texts = (ms: { content: { kind: string } }[]) => ms.filter((m) => m.content.kind === 'text').length;
  assert.equal(texts(await chats().history('dave', g.id, 10, null)), 0);
  assert.equal(texts(await chats().history('bob', g.id, 10, null)), 1);
});

test('files: limit, upload, file message, expiring self-authorising download', async () => {
  const { chat } = await chats().createP2P('alice', 'carol');
  const limit = chats().uploadLimits().maxSize!;
  await rejects(chats().createUpload('alice', 'big.bin', limit + 1), 'file_too_large');
  const task = await chats().createUpload('alice', 'hello.txt', 5);
  await rejects(chats().completeUpload('nope', Buffer.from('x'), {}), 'not_found', 'upload');
  const file = await chats().completeUpload(task, Buffer.from('hello'), { mimeType: 'text/plain' });
  assert.equal(file.size, 5);
  assert.equal(file.ready, true);
  // The task is spent.
  await rejects(chats().completeUpload(task, Buffer.from('again'), {}), 'not_found', 'upload');
  // Before it is sent, only the uploader sees it.
  await rejects(chats().fileInfo('carol', file.id), 'not_found', 'file');
  const { message, caption } = await chats().sendFile('alice', chat.id, file.id, { caption: { text: 'see', parseMode: 'text' } });
  assert.deepEqual(message.content, { kind: 'file', fileId: file.id, name: 'hello.txt', size: 5, mimeType: 'text/plain' });
  assert.equal(caption?.seq, message.seq + 1);
  assert.equal((await chats().fileInfo('carol', file.id)).name, 'hello.txt');
  await rejects(chats().fileInfo('bob', file.id), 'not_found', 'file');
  const grant = await chats().grantDownload('carol', file.id);
  const dl = await chats().openDownload(grant.token);
  assert.ok(dl);
  assert.equal(readFileSync(dl.path, 'utf8'), 'hello');
  assert.ok(dl.path.startsWith(t.dataDir));
  assert.equal(await chats().openDownload('wrong'), undefined);
  const short = await chats().grantDownload('carol', file.id, -1);
  assert.equal(await chats().openDownload(short.token), undefined);
  // Only the hash is stored.
  const rows = await t.parley.engine.ctx.db.selectFrom('file_tokens').select('token_hash').execute();
  assert.ok(rows.every((r) => r.token_hash !== grant.token));
});

test('getChats pages by count/page, newest activity first', async () => {
  await createUsers(t, 'erin');
  const ids: string[] = [];
  for (const title of ['A', 'B', 'C']) ids.push((await chats().createGroup('erin', title)).id);
  await new Promise((r) => setTimeout(r, 5));
  await chats().send('erin', ids[0], { kind: 'text', text: 'bump', parseMode: 'text' });
  const all = await chats().list('erin', 10, 1);
  assert.equal(all.length, 3);
  assert.equal(all[0].id, ids[0]);
  assert.equal(all[0].lastMessage?.content.kind, 'text');
  assert.equal((await chats().list('erin', 2, 2)).length, 1);
});

test('chats and messages survive a restart; /logs/messages lists stored messages', async () => {
  const { chat } = await chats().createP2P('alice', 'bob');
  const m = await chats().send('alice', chat.id, { kind: 'text', text: 'persisted hello', parseMode: 'text' });
  await t.restart();
  const again = await chats().getMessage('bob', m.id);
  assert.equal(again.content.kind === 'text' && again.content.text, 'persisted hello');
  assert.equal((await chats().createP2P('bob', 'alice')).chat.id, chat.id);

  const r = await api(t, 'GET', '/logs/messages?message=persisted');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.cnt, 1);
  const item = r.body.list[0];
  assert.equal(item.id, m.id);
  assert.equal(item.from_call_id, 'alice@parley.test');
  assert.equal(item.from_display_name, 'Alice');
  assert.equal(item.to_call_id, 'bob@parley.test');
  assert.equal(item.conference_id, null);
  assert.equal(item.message, 'persisted hello');
  const byFrom = await api(t, 'GET', '/logs/messages?from_call_id=alice&to_call_id=bob');
  assert.ok(byFrom.body.cnt >= 1);
  assert.ok(byFrom.body.list.every((x: { from_call_id: string; to_call_id: string }) => x.from_call_id === 'alice@parley.test' && x.to_call_id === 'bob@parley.test'));
  assert.equal((await api(t, 'GET', '/logs/messages?from_call_id=bob&message=persisted')).body.cnt, 0);
  assert.equal((await api(t, 'GET', '/logs/messages?conference_id=none')).body.cnt, 0);
});

test('a conference has a chat: Pexip messages are stored there, members\' texts reach the conference', async () => {
  await pexipConference(t, 'chatroom', { aliases: ['meet.chatroom'] });
  const guest = await join(t, 'meet.chatroom', 'Guest');
  const stored = new Promise<DomainEvents['message.created']>((resolve) => {
    const off = t.parley.engine.bus.on('message.created', (e) => { if (e.origin === 'conference') { off(); resolve(e); } });
  });
  const r = await px(t, 'POST', 'meet.chatroom', 'message', { type: 'text/plain', payload: 'hello bots' }, { token: guest.token });
  assert.equal(r.status, 200, r.text);
  const e = await stored;
  assert.ok(e.userIds.includes('alice'), 'the conference owner is a member');
  const chat = await chats().get('alice', e.chatId);
  assert.equal(chat.conferenceId, 'chatroom');
  assert.equal(chat.type, 'group');
  assert.equal(chat.role, 'owner');
  const [m] = await chats().history('alice', e.chatId, 1, null);
  assert.equal(m.content.kind === 'text' && m.content.text, 'hello bots');
  assert.match(String(m.authorId), /@parley\.test$/);

  // The owner's text goes to the conference once (no echo back into the chat).
  // The bridge forwards asynchronously: wait for it, then a little longer for an echo that must not come.
  const sent = await events('conference.message', async () => {
    const forwarded = new Promise((resolve) => { const off = t.parley.engine.bus.on('conference.message', () => { off(); resolve(null); }); });
    const created = await events('message.created', async () => {
      await chats().send('alice', e.chatId, { kind: 'text', text: 'hi Pexip', parseMode: 'text' });
      await forwarded;
      await new Promise((r) => setTimeout(r, 50));
    });
    assert.equal(created.length, 1);
  });
  assert.equal(sent.length, 1);
  assert.equal(sent[0].conferenceId, 'chatroom');
  assert.equal(sent[0].payload, 'hi Pexip');
  assert.equal(sent[0].from.displayName, 'Alice');
  assert.match(sent[0].from.id, /^[0-9a-f]{8}-[0-9a-f]{4}-/);
  // A second conference message reuses the chat.
  const again = new Promise<DomainEvents['message.created']>((resolve) => {
    const off = t.parley.engine.bus.on('message.created', (x) => { if (x.origin === 'conference') { off(); resolve(x); } });
  });
  await px(t, 'POST', 'meet.chatroom', 'message', { type: 'text/plain', payload: 'again' }, { token: guest.token });
  assert.equal((await again).chatId, e.chatId);
  const log = await api(t, 'GET', '/logs/messages?conference_id=chatroom&sort_order=0');
  assert.deepEqual(log.body.list.map((x: { message: string }) => x.message), ['hello bots', 'hi Pexip', 'again']);
});

test('chat avatar: the manager\'s own finished upload; members may download it', async () => {
  const g = await chats().createGroup('alice', 'Pics');
  await chats().addParticipant('alice', g.id, 'bob');
  const task = await chats().createUpload('alice', 'a.png', 3);
  await rejects(chats().editAvatar('alice', g.id, 'nope'), 'not_found', 'file');
  const bobsTask = await chats().createUpload('bob', 'b.png', 3);
  const bobs = await chats().completeUpload(bobsTask, Buffer.from('bbb'), { mimeType: 'image/png' });
  await rejects(chats().editAvatar('alice', g.id, bobs.id), 'not_found', 'file');
  const f = await chats().completeUpload(task, Buffer.from('png'), { mimeType: 'image/png' });
  await rejects(chats().editAvatar('bob', g.id, f.id), 'forbidden');
  const ev = await events('chat.updated', () => chats().editAvatar('alice', g.id, f.id));
  assert.equal(ev[0].field, 'avatar');
  assert.equal(ev[0].avatarFileId, f.id);
  assert.equal((await chats().get('bob', g.id)).avatarFileId, f.id);
  assert.ok(await chats().openDownload((await chats().grantDownload('bob', f.id)).token));
  await chats().editAvatar('alice', g.id, null);
  assert.equal((await chats().get('bob', g.id)).avatarFileId, null);
});
