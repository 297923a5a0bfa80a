import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { http, startServer, type TestServer } from '../../helpers/server.js';
import { createUsers } from '../../helpers/fixtures.js';
import { BotClient, type Frame } from './client.js';

/**
 * The minimum compatibility checklist of the wire digest (trueconf-chatbot-protocol.md §12), one test per bullet,
 * over the real wire. Each bullet breaks at least one real client (Python, TS or Java library) when missing.
 */

const TOKEN = '/bridge/api/client/v1/oauth/token';
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
const tick = () => new Promise((r) => setTimeout(r, 50));

/** Every frame a client receives, for the walks over timestamps and envelopes. */
function record(c: BotClient): Frame[] {
  const seen: Frame[] = [];
  c.ws.on('message', (d) => seen.push(JSON.parse(d.toString())));
  return seen;
}

/** Every `timestamp` anywhere in a value, with its path. */
function timestamps(v: unknown, path = '$', out: [string, unknown][] = []): [string, unknown][] {
  if (Array.isArray(v)) v.forEach((x, i) => timestamps(x, `${path}[${i}]`, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === 'timestamp') out.push([`${path}.${k}`, x]);
      timestamps(x, `${path}.${k}`, out);
    }
  }
  return out;
}

/** The Envelope of §4.1 as the Python 1.4/1.5 and TS clients need it. */
function assertEnvelope(env: any, where: string): void {
  const m = `${where}: ${JSON.stringify(env)}`;
  assert.equal(typeof env.messageId, 'string', m);
  assert.equal(typeof env.chatId, 'string', m);
  assert.deepEqual(Object.keys(env.chat).sort(), ['chatId', 'chatTitle', 'chatType'], m);
  assert.equal(env.chat.chatId, env.chatId, m);
  assert.equal(typeof env.chat.chatTitle, 'string', m);
  assert.ok(Number.isInteger(env.chat.chatType), m);
  assert.ok(Number.isInteger(env.timestamp) && String(env.timestamp).length === 13, m);
  assert.equal(typeof env.isEdited, 'boolean', m);
  assert.ok(Number.isInteger(env.type), m);
  assert.equal(typeof env.author.id, 'string', m);
  assert.ok(env.author.type === 0 || env.author.type === 1, m);
  assert.ok(Number.isInteger(env.box.id), m);
  assert.equal(env.box.position, String(env.box.id), m);
  assert.equal(typeof env.content, 'object', m);
  assert.notEqual(env.content, null, m);
  if ('replyMessageId' in env) assert.equal(typeof env.replyMessageId, 'string', m);
}

async function upload(base: string, task: string, bytes: Buffer, name: string, type: string, extra: Record<string, string> = {}) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  form.append('preview', new Blob([Buffer.from('RIFFpreview')], { type: 'image/webp' }), 'preview.webp');
  const res = await fetch(`${base}/bridge/api/client/v1/files`, { method: 'POST', headers: { 'Upload-Task-Id': task, ...extra }, body: form });
  return { status: res.status, body: await res.json() as any };
}

/** Opens a raw socket and reports the negotiated subprotocol. */
function openRaw(url: string, protocols?: string[]): Promise<WebSocket> {
  const ws = protocols ? new WebSocket(url, protocols) : new WebSocket(url);
  return new Promise((resolve, reject) => { ws.once('open', () => resolve(ws)); ws.once('error', reject); });
}

describe('chatbot: §12 compatibility checklist', () => {
  let t: TestServer;
  let botBase: string;
  before(async () => {
    t = await startServer({ botPort: 0 });
    botBase = `http://127.0.0.1:${t.parley.botPort()}`;
    await createUsers(t, 'bot', 'alice', 'carol');
  });
  after(() => t.close());

  const token = async (username = 'bot', password = 'Bot-pass1') =>
    (await http(t.base, 'POST', TOKEN, { client_id: 'chat_bot', grant_type: 'password', username, password })).body.access_token as string;

  it('token endpoint: JSON and form bodies; a three-part JWT with exp; numeric expires_at and expires_in', async () => {
    const bodies: [string, string, Record<string, string>][] = [
      ['JSON (Python)', JSON.stringify({ client_id: 'chat_bot', grant_type: 'password', username: 'bot', password: 'Bot-pass1' }), { 'content-type': 'application/json' }],
      ['JSON with client_secret "" (TS)', JSON.stringify({ client_id: 'chat_bot', client_secret: '', grant_type: 'password', username: 'bot@parley.test', password: 'Bot-pass1' }), { 'content-type': 'application/json' }],
      ['form (Java)', new URLSearchParams({ client_id: 'chat_bot', grant_type: 'password', username: 'bot', password: 'Bot-pass1' }).toString(), { 'content-type': 'application/x-www-form-urlencoded' }],
    ];
    for (const base of [t.base, botBase]) {
      for (const [what, body, headers] of bodies) {
        const r = await http(base, 'POST', TOKEN, body, headers);
        assert.equal(r.status, 201, `${what}: ${r.text}`);
        assert.equal(r.body.token_type, 'JWT', what);
        const parts = r.body.access_token.split('.');
        assert.equal(parts.length, 3, what);
        assert.equal(typeof decode(parts[0]).alg, 'string', what);
        const claims = decode(parts[1]);
        assert.ok(Number.isInteger(claims.exp), what);
        assert.ok(Number.isInteger(r.body.expires_in) && r.body.expires_in > 0, what);
        assert.ok(Number.isInteger(r.body.expires_at), what);
        assert.equal(r.body.expires_at, claims.exp, what);
        // Epoch seconds (10 digits), not ms: the TS client rotates at expires_at − 3600.
        assert.equal(String(r.body.expires_at).length, 10, what);
        assert.ok(Math.abs(r.body.expires_at - Math.floor(Date.now() / 1000) - r.body.expires_in) <= 5, what);
      }
    }
    // Errors carry error + error_description (Python, TS, Java read these).
    const bad = await http(t.base, 'POST', TOKEN, new URLSearchParams({ grant_type: 'password', username: 'bot', password: 'nope' }).toString(), { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(bad.status, 401);
    assert.deepEqual(bad.body, { error: 'invalid_grant', error_description: 'Invalid username or password' });
  });

  it('GET /api/v4/server on the WebSocket port (main and bot port), version ≥ 5.5.3; JSON 404 bodies', async () => {
    for (const base of [t.base, botBase]) {
      const r = await http(base, 'GET', '/api/v4/server');
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /application\/json/);
      assert.equal(r.body.product.display_name, 'parley.test');
      // PEP 440-parseable, and ≥ 5.5.3 (below 5.5.3 the Python library refuses or needs 1.1.x).
      assert.match(r.body.product.version, /^\d+(\.\d+)*$/);
      const v = r.body.product.version.split('.').map(Number);
      const cmp = [5, 5, 3].reduce((acc, n, i) => acc !== 0 ? acc : Math.sign((v[i] ?? 0) - n), 0);
      assert.ok(cmp >= 0, r.body.product.version);
      // The Python fallback probe parses whatever comes back as JSON: 404s must be JSON, on both ports.
      for (const path of ['/api/v4/endpoints/connects', '/vsstatus', '/no/such/path']) {
        const nf = await http(base, 'GET', path);
        assert.equal(nf.status, 404, `${base}${path}`);
        assert.equal(typeof nf.body, 'object', `${base}${path}: ${nf.text}`);
        assert.notEqual(nf.body, null);
      }
    }
  });

  it('WebSocket: /websocket/chat_bot and /websocket/chat_bot/, with or without json.v1 (echoed when offered)', async () => {
    const tok = await token();
    for (const base of [t.base, botBase]) {
      for (const path of ['/websocket/chat_bot', '/websocket/chat_bot/']) {
        for (const protocols of [undefined, ['json.v1']]) {
          const what = `${base}${path} ${protocols ? 'json.v1' : 'no subprotocol'}`;
          const ws = await openRaw(base.replace(/^http/, 'ws') + path, protocols);
          assert.equal(ws.protocol, protocols ? 'json.v1' : '', what);
          const reply = new Promise<any>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
          ws.send(JSON.stringify({ type: 1, id: 1, method: 'auth', payload: { token: tok, tokenType: 'JWT', receiveUnread: false, receiveSystemMessageEnvelopes: false } }));
          const r = await reply;
          assert.equal(r.type, 2, what);
          assert.equal(r.id, 1, what);
          assert.equal(typeof r.payload.connectionId, 'string', what);
          const closed = new Promise((resolve) => ws.once('close', resolve));
          ws.close();
          await closed;
        }
      }
    }
  });

  it('auth: {userId:"<id>@<domain>/<instance>", connectionId}; any request before auth gets 200', async () => {
    const c = await BotClient.open(t.base);
    // Before auth: every request, whatever its method or payload, answers errorCode 200 and the socket stays.
    const before: [string, unknown][] = [
      ['getChats', { count: 10, page: 1 }], ['sendMessage', { chatId: 'x', content: { text: 'x' } }], ['noSuchMethod', {}],
      ['getChatByID', [1, 2]], ['getFileUploadLimits', undefined], ['createFavoritesChat', 'not an object'],
    ];
    for (const [method, payload] of before) {
      const r = await c.request(method, payload);
      assert.equal(r.payload.errorCode, 200, `${method} ${JSON.stringify(payload)}`);
      assert.equal('method' in r, false);
    }
    // An ack before auth is never answered (no type:2 frame comes back for it).
    c.raw({ type: 2, id: 5 });
    const r = await c.request('auth', { token: await token(), tokenType: 'JWT', receiveUnread: false, receiveSystemMessageEnvelopes: false });
    assert.equal(c.unmatched.length, 0);
    assert.match(r.payload.userId, /^bot@parley\.test\/[^/\s]+$/);
    assert.equal(typeof r.payload.connectionId, 'string');
    assert.ok(r.payload.connectionId.length > 0);
    // Python: me_id is what precedes "/"; it must be the TrueConf ID authors carry.
    assert.equal(r.payload.userId.split('/')[0], 'bot@parley.test');
    assert.ok(!r.payload.errorCode);
    // Each connection is its own instance.
    const c2 = await BotClient.open(t.base);
    const r2 = await c2.request('auth', { token: await token(), tokenType: 'JWT' });
    assert.notEqual(r2.payload.connectionId, r.payload.connectionId);
    assert.notEqual(r2.payload.userId, r.payload.userId);
    await c.close();
    await c2.close();
  });

  it('echoes request ids: per connection, not contiguous, not starting at 1, reused ids never rejected', async () => {
    const c = await BotClient.signIn(t, 'bot', 'Bot-pass1');
    const ids = [1000, 7, 4294967295, 0, 7, 123456];
    for (const id of ids) c.raw({ type: 1, id, method: 'getChats', payload: { count: 1, page: 1 } });
    for (let i = 0; i < 100 && c.unmatched.length < ids.length; i++) await tick();
    assert.deepEqual(c.unmatched.map((f) => f.id).sort((a, b) => a - b), [...ids].sort((a, b) => a - b));
    for (const f of c.unmatched) {
      assert.equal(f.type, 2);
      assert.equal('method' in f, false);
      assert.ok(Array.isArray(f.payload), JSON.stringify(f));
    }
    // A second connection may use the same ids (Python's counter keeps climbing across reconnects, TS restarts at 1).
    const d = await BotClient.signIn(t, 'bot', 'Bot-pass1');
    d.raw({ type: 1, id: 1000, method: 'createFavoritesChat', payload: {} });
    for (let i = 0; i < 100 && d.unmatched.length < 1; i++) await tick();
    assert.equal(d.unmatched[0].id, 1000);
    assert.equal(typeof d.unmatched[0].payload.chatId, 'string');
    await c.close();
    await d.close();
  });

  it('getChats is a bare array; roles are strings; every timestamp is an integer in ms', async () => {
    const a = await BotClient.signIn(t, 'alice', 'Alice-pass1');
    const b = await BotClient.signIn(t, 'bot', 'Bot-pass1');
    const sys = await BotClient.open(t.base);
    await sys.request('auth', { token: await token('carol', 'Carol-pass1'), tokenType: 'JWT', receiveSystemMessageEnvelopes: true });
    const frames = [...[a, b, sys].map(record)];
    await a.next('getFileUploadLimits'); await b.next('getFileUploadLimits');
    const responses: unknown[] = [];
    const call = async (c: BotClient, method: string, payload: unknown = {}) => { const p = await c.call(method, payload); responses.push(p); return p; };

    // Something of every kind that carries a timestamp.
    const { chatId: p2p } = await call(a, 'createP2PChat', { userId: 'bot@parley.test' });
    const m1 = await call(a, 'sendMessage', { chatId: p2p, replyMessageId: null, content: { text: 'one', parseMode: 'text' } });
    await b.next('createP2PChat');
    await call(a, 'editMessage', { messageId: m1.messageId, content: { text: 'one!', parseMode: 'text' } });
    await b.next('editMessage');
    const { chatId: group } = await call(a, 'createGroupChat', { title: 'Stamps' });
    await call(a, 'addChatParticipant', { chatId: group, userId: 'bot@parley.test', displayHistory: true });
    await call(a, 'addChatParticipant', { chatId: group, userId: 'carol@parley.test', displayHistory: true });
    await call(a, 'changeParticipantRole', { chatId: group, userId: 'bot@parley.test', role: 'admin' });
    await call(a, 'editChatTitle', { chatId: group, title: 'Stamps 2' });
    await call(a, 'forwardMessage', { chatId: group, messageId: m1.messageId });
    await call(a, 'sendSurvey', { chatId: group, replyMessageId: null, content: { url: 'https://parley.test/survey', appVersion: 1, path: 'p1', title: 'Poll' } });
    await call(a, 'removeChatParticipant', { chatId: group, userId: 'carol@parley.test', clearHistory: false });
    await b.next('removeChatParticipant');
    await call(b, 'getChatByID', { chatId: group });
    await call(b, 'getChatHistory', { chatId: group, count: 20, fromMessageId: null });
    await call(b, 'getMessageById', { messageId: m1.messageId });

    // Bare arrays, string roles.
    const chats = await b.request('getChats', { count: 10, page: 1 });
    assert.ok(Array.isArray(chats.payload));
    assert.ok(chats.payload.length >= 2);
    responses.push(chats.payload);
    const parts = await call(b, 'getChatParticipants', { chatId: group, pageSize: 10, pageNumber: 1 });
    assert.deepEqual(parts.participants.map((x: any) => [x.userId, x.role, x.type]),
      [['alice@parley.test', 'owner', 1], ['bot@parley.test', 'admin', 1]]);
    assert.deepEqual(await call(b, 'getChatParticipant', { chatId: group, userId: 'alice' }), { userId: 'alice@parley.test', role: 'owner', type: 1 });
    await tick();
    const all = [...frames.flat(), ...responses];
    const roles: unknown[] = [];
    (function walk(v: unknown) {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) { if (k === 'role' || k === 'userRole') roles.push(x); walk(x); }
    })(all);
    assert.ok(roles.length >= 5);
    for (const r of roles) assert.ok(['owner', 'admin', 'user', 'writer', 'favorites_owner', 'conf_owner', 'conf_moderator'].includes(r as string), String(r));

    const stamps = timestamps(all);
    const methods = new Set(frames.flat().filter((f) => f.type === 1 && timestamps(f.payload).length > 0).map((f) => f.method));
    // The notifications that carry a timestamp were all seen: message, edit, participant add/remove/role, and a
    // chat-created one with a lastMessage (the P2P chat is announced before its first message: lastMessage null).
    for (const m of ['sendMessage', 'editMessage', 'addChatParticipant', 'removeChatParticipant', 'changeParticipantRole', 'createGroupChat']) {
      assert.ok(methods.has(m), `no ${m} with a timestamp among ${[...methods].join(', ')}`);
    }
    assert.ok(stamps.length > 30, String(stamps.length));
    for (const [path, v] of stamps) assert.ok(Number.isInteger(v) && String(v).length === 13, `${path} = ${JSON.stringify(v)}`);
    await Promise.all([a.close(), b.close(), sys.close()]);
  });

  it('every sendMessage envelope carries messageId, chatId, chat, timestamp, isEdited, type, author, box and content', async () => {
    const a = await BotClient.signIn(t, 'alice', 'Alice-pass1');
    const b = await BotClient.open(t.base);
    await b.request('auth', { token: await token(), tokenType: 'JWT', receiveUnread: false, receiveSystemMessageEnvelopes: true });
    const { chatId } = await a.call('createGroupChat', { title: 'Envelopes' });
    await a.call('addChatParticipant', { chatId, userId: 'bot', displayHistory: null });
    const text = await a.call('sendMessage', { chatId, replyMessageId: null, content: { text: 'hi', parseMode: 'html' } });
    await a.call('sendMessage', { chatId, replyMessageId: text.messageId, content: { text: 're', parseMode: 'markdown' } });
    await a.call('forwardMessage', { chatId, messageId: text.messageId });
    await a.call('sendSurvey', { chatId, content: { url: 'https://parley.test/s', appVersion: 1, path: 'x', title: 'Survey' } });
    const bytes = Buffer.from('GIF89a-bytes');
    const { uploadTaskId } = await a.call('uploadFile', { fileSize: bytes.length, fileName: 'pic.gif' });
    const up = await upload(t.base, uploadTaskId, bytes, 'pic.gif', 'image/gif');
    await a.call('sendFile', { chatId, replyMessageId: null, content: { temporalFileId: up.body.temporalFileId, caption: { text: 'cap', parseMode: 'text' } } });
    await a.call('editChatTitle', { chatId, title: 'Envelopes 2' });
    const types = new Set<number>();
    for (let i = 0; i < 8; i++) {
      const env = (await b.next('sendMessage')).payload;
      assertEnvelope(env, `notification ${i}`);
      types.add(env.type);
      if (env.type === 201) assertEnvelope(env.content, 'forwarded content');
    }
    // 1 added (system), 200 text (×3 with reply and caption), 201 forward, 204 survey, 202 file, 21 title (system).
    assert.deepEqual([...types].sort((x, y) => x - y), [1, 21, 200, 201, 202, 204]);
    // The same envelope from getMessageById and getChatHistory (Python needs box and isEdited there too).
    assertEnvelope(await b.call('getMessageById', { messageId: text.messageId }), 'getMessageById');
    const h = await b.call('getChatHistory', { chatId, count: 50, fromMessageId: null });
    for (const env of h.messages) assertEnvelope(env, 'getChatHistory');
    await Promise.all([a.close(), b.close()]);
  });

  it('acks {type:2,id} without payload are accepted and never answered; WebSocket pings are answered', async () => {
    const a = await BotClient.signIn(t, 'alice', 'Alice-pass1');
    const b = await BotClient.signIn(t, 'bot', 'Bot-pass1');
    b.autoAck = false;
    const frames = record(b);
    const { chatId } = await a.call('createP2PChat', { userId: 'bot' });
    await a.call('sendMessage', { chatId, content: { text: 'ack me', parseMode: 'text' } });
    const n = await b.next('sendMessage');
    const before = frames.length;
    b.raw({ type: 2, id: n.id });
    b.raw({ type: 2, id: 4242424 }); // an id the server never used
    b.raw({ type: 2, id: n.id }); // a second ack of the same id
    // Nothing comes back for any of the three acks (no request is in flight meanwhile).
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(frames.slice(before), []);
    // The ack marked the message read.
    let unread = 1;
    for (let i = 0; i < 50 && unread !== 0; i++) { unread = (await b.call('getChatByID', { chatId })).unreadMessages; await tick(); }
    assert.equal(unread, 0);
    // Control-frame ping, before and after auth.
    for (const c of [b, await BotClient.open(t.base)]) {
      const pong = new Promise<Buffer>((resolve) => c.ws.once('pong', resolve));
      c.ws.ping(Buffer.from('keepalive'));
      assert.equal((await pong).toString(), 'keepalive');
      await c.close();
    }
    await a.close();
  });

  it('file upload: multipart file + preview with Upload-Task-Id → {temporalFileId}; downloadUrl needs no auth', async () => {
    const a = await BotClient.signIn(t, 'alice', 'Alice-pass1');
    const b = await BotClient.signIn(t, 'bot', 'Bot-pass1');
    const { chatId } = await a.call('createP2PChat', { userId: 'bot' });
    for (const base of [t.base, botBase]) {
      const bytes = Buffer.from(`%PDF-1.4 via ${base}`);
      // fileName null (older docs send only fileSize): the multipart filename is used.
      const { uploadTaskId } = await a.call('uploadFile', { fileSize: bytes.length, fileName: null });
      // The Java client adds an Authorization header; it is ignored.
      const up = await upload(base, uploadTaskId, bytes, 'doc.pdf', 'application/pdf', { Authorization: 'Bearer whatever' });
      assert.ok(up.status >= 200 && up.status < 300, JSON.stringify(up.body));
      assert.deepEqual(Object.keys(up.body), ['temporalFileId']);
      assert.ok(up.body.temporalFileId.length > 0 && up.body.temporalFileId.length <= 200);
      const sent = await a.call('sendFile', { chatId, replyMessageId: null, content: { temporalFileId: up.body.temporalFileId, caption: null } });
      assert.equal(sent.captionMessageId, undefined);
      const env = (await b.next('sendMessage')).payload;
      assert.equal(env.type, 202);
      assert.equal(env.content.name, 'doc.pdf');
      const info = await b.call('getFileInfo', { fileId: env.content.fileId });
      assert.equal(info.readyState, 2);
      assert.equal(info.infoHash, info.fileId);
      // A plain GET: no Authorization header, no cookie.
      const res = await fetch(info.downloadUrl);
      assert.equal(res.status, 200);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);
    }
    // The documented failure body.
    const bad = await upload(t.base, 'no-such-task', Buffer.from('x'), 'x.txt', 'text/plain');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, 310);
    assert.equal(typeof bad.body.error_description, 'string');
    await Promise.all([a.close(), b.close()]);
  });

  it('null means absent for every optional field', async () => {
    const a = await BotClient.open(t.base);
    const r = await a.request('auth', { token: await token('alice', 'Alice-pass1'), tokenType: null, receiveUnread: null, receiveSystemMessageEnvelopes: null });
    assert.ok(!r.payload.errorCode, JSON.stringify(r.payload));
    const b = await BotClient.signIn(t, 'bot', 'Bot-pass1');
    const { chatId } = await a.call('createGroupChat', { title: 'Nulls', name: null });
    assert.deepEqual(await a.call('addChatParticipant', { chatId, userId: 'bot', displayHistory: null, role: null }), {});
    const m = await a.call('sendMessage', { chatId, replyMessageId: null, content: { text: 'n', parseMode: null, buttons: null } });
    const env = (await b.next('sendMessage')).payload;
    assert.equal('replyMessageId' in env, false);
    assert.equal(env.content.parseMode, 'text');
    assert.equal((await a.call('getChatHistory', { chatId, count: 10, fromMessageId: null })).messages[0].messageId, m.messageId);
    assert.ok(Array.isArray((await a.request('getChats', { count: null, page: null })).payload));
    assert.equal((await a.call('getChatParticipants', { chatId, pageSize: null, pageNumber: null })).participants.length, 2);
    await a.call('editMessage', { messageId: m.messageId, content: { text: 'n2', parseMode: 'text', buttons: null } });
    await a.call('sendSurvey', { chatId, replyMessageId: null, content: { url: 'https://parley.test/s', appVersion: 1, path: 'p', title: 'S', description: null, secret: null } });
    assert.deepEqual(await a.call('editChatAvatar', { chatId, temporalFileId: null }), {});
    assert.deepEqual(await a.call('removeMessage', { messageId: m.messageId, forAll: null }), {});
    assert.deepEqual(await a.call('clearHistory', { chatId, forAll: null }), {});
    assert.deepEqual(await a.call('removeChatParticipant', { chatId, userId: 'bot', clearHistory: null }), {});
    assert.deepEqual(await a.call('getFileUploadLimits', null), { maxSize: (await a.call('getFileUploadLimits', {})).maxSize, extensions: null });
    // A request with payload null or without a payload (the seed's createFavoritesChat).
    assert.equal(typeof (await a.call('createFavoritesChat', null)).chatId, 'string');
    assert.equal(typeof (await a.request('createFavoritesChat')).payload.chatId, 'string');
    await Promise.all([a.close(), b.close()]);
  });
});
