import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type TestServer } from '../../helpers/server.js';
import { BotClient, closeAll, twoBots } from './client.js';

async function upload(base: string, task: string, bytes: Buffer, name: string, type: string, preview = false) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  if (preview) form.append('preview', new Blob([Buffer.from('preview')], { type: 'image/webp' }), 'preview.webp');
  const res = await fetch(`${base}/bridge/api/client/v1/files`, { method: 'POST', headers: { 'Upload-Task-Id': task }, body: form });
  return { status: res.status, body: await res.json() as any };
}

describe('chatbot: files', () => {
  let t: TestServer;
  let a: BotClient, b: BotClient;
  before(async () => { ({ t, a, b } = await twoBots('alpha', 'beta', 'gamma')); });
  after(() => closeAll(t, a, b));

  it('round trip: uploadFile, multipart POST, sendFile, notification, getFileInfo, plain GET of downloadUrl', async () => {
    const limits = await a.call('getFileUploadLimits', {});
    assert.equal(typeof limits.maxSize, 'number');
    const bytes = Buffer.from('%PDF-1.4 hello parley');
    const { uploadTaskId } = await a.call('uploadFile', { fileSize: bytes.length, fileName: 'report.pdf' });
    assert.equal(typeof uploadTaskId, 'string');
    const up = await upload(t.base, uploadTaskId, bytes, 'report.pdf', 'application/pdf', true);
    assert.equal(up.status, 200, JSON.stringify(up.body));
    const { temporalFileId } = up.body;
    assert.ok(temporalFileId);

    const { chatId } = await a.call('createP2PChat', { userId: 'beta@parley.test' });
    const sent = await a.call('sendFile', { chatId, replyMessageId: null, content: { temporalFileId, caption: { text: 'the report', parseMode: 'text' } } });
    assert.equal(sent.chatId, chatId);
    assert.equal(typeof sent.messageId, 'string');
    assert.equal(typeof sent.captionMessageId, 'string');
    assert.ok(Number.isInteger(sent.timestamp));

    const n = await b.next('sendMessage');
    assert.equal(n.payload.type, 202);
    assert.equal(n.payload.messageId, sent.messageId);
    const c = n.payload.content;
    assert.deepEqual({ name: c.name, size: c.size, mimeType: c.mimeType, readyState: c.readyState }, { name: 'report.pdf', size: bytes.length, mimeType: 'application/pdf', readyState: 2 });
    const cap = await b.next('sendMessage');
    assert.deepEqual(cap.payload.content, { text: 'the report', parseMode: 'text' });

    const info = await b.call('getFileInfo', { fileId: c.fileId });
    assert.equal(info.readyState, 2);
    assert.equal(info.size, bytes.length);
    assert.equal(info.infoHash, c.fileId);
    assert.equal(info.fileId, c.fileId);
    assert.ok(info.downloadUrl.startsWith(t.base + '/'));
    const dl = await fetch(info.downloadUrl);
    assert.equal(dl.status, 200);
    assert.equal(dl.headers.get('content-type'), 'application/pdf');
    assert.deepEqual(Buffer.from(await dl.arrayBuffer()), bytes);
    assert.equal((await fetch(info.downloadUrl.replace(/token=[^&]+/, 'token=forged'))).status, 404);

    assert.deepEqual(await b.call('subscribeFileProgress', { fileId: c.fileId }), { result: true });
    assert.equal((await b.next('uploadFileProgress')).payload.progress, bytes.length);
    assert.deepEqual(await b.call('unsubscribeFileProgress', { fileId: c.fileId }), { result: true });
  });

  it('documented errors: unknown task, unknown file, a file over the limit, a stranger', async () => {
    const bad = await upload(t.base, 'no-such-task', Buffer.from('x'), 'x.txt', 'text/plain');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, 310);
    assert.equal((await a.request('getFileInfo', { fileId: 'nope' })).payload.errorCode, 308);
    const { maxSize } = await a.call('getFileUploadLimits', {});
    assert.equal((await a.request('uploadFile', { fileSize: maxSize + 1, fileName: 'big.bin' })).payload.errorCode, 310);
    const { chatId } = await a.call('createP2PChat', { userId: 'beta' });
    assert.equal((await a.request('sendFile', { chatId, content: { temporalFileId: 'nope' } })).payload.errorCode, 308);

    const { uploadTaskId } = await a.call('uploadFile', { fileSize: 3, fileName: 'a.txt' });
    const { temporalFileId } = (await upload(t.base, uploadTaskId, Buffer.from('abc'), 'a.txt', 'text/plain')).body;
    const g = await BotClient.signIn(t, 'gamma', 'Gamma-pass1');
    try {
      assert.equal((await g.request('getFileInfo', { fileId: temporalFileId })).payload.errorCode, 308);
    } finally {
      await g.close();
    }
  });
});
