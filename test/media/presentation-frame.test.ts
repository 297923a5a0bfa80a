import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import encode, { init } from '@jsquash/webp/encode.js';
import jpeg from 'jpeg-js';
import { http, startServer, type TestServer } from '../helpers/server.js';
import { MediaClient } from '../helpers/media-client.js';
import { openSse } from '../helpers/sse.js';
import { join, pexipConference } from '../protocols/pexip/pexip.js';
import { Vp8KeyframeAssembler } from '../../src/media/rtp/vp8-keyframe.js';

// Pexip's presentation_frame: the server snapshots the presentation and serves it as presentation.jpeg (and
// presentation_high.jpeg). The presenter here sends a real VP8 keyframe: the VP8 chunk of a lossy WebP made by
// libwebp (a WebP lossy image is one VP8 keyframe), a picture whose left half is red and right half blue.

const W = 320, H = 180;

async function vp8Picture(): Promise<Buffer> {
  const require = createRequire(import.meta.url);
  await init(await WebAssembly.compile(readFileSync(require.resolve('@jsquash/webp/codec/enc/webp_enc.wasm'))));
  const data = new Uint8ClampedArray(W * H * 4);
  for (let i = 0; i < W * H; i++) {
    const left = i % W < W / 2;
    data.set(left ? [220, 30, 30, 255] : [30, 30, 220, 255], i * 4);
  }
  const webp = Buffer.from(await encode({ data, width: W, height: H, colorSpace: 'srgb' } as ImageData, { quality: 90 }));
  for (let at = 12; at + 8 <= webp.length;) {
    const id = webp.toString('latin1', at, at + 4), len = webp.readUInt32LE(at + 4);
    if (id === 'VP8 ') return webp.subarray(at + 8, at + 8 + len);
    at += 8 + len + (len & 1);
  }
  throw new Error('no VP8 chunk in the WebP');
}

/** Mean colour of a region of a decoded JPEG. */
function meanRgb(img: { width: number; height: number; data: Uint8Array }, x0: number, x1: number): [number, number, number] {
  let r = 0, g = 0, b = 0, n = 0;
  for (let y = Math.floor(img.height / 4); y < (3 * img.height) / 4; y++) {
    for (let x = Math.floor(x0 * img.width); x < x1 * img.width; x++) {
      const i = (y * img.width + x) * 4;
      r += img.data[i]; g += img.data[i + 1]; b += img.data[i + 2]; n++;
    }
  }
  return [r / n, g / n, b / n];
}

let t: TestServer;
const clients: MediaClient[] = [];
before(async () => {
  (globalThis as { ImageData?: unknown }).ImageData ??= class { constructor(readonly data: Uint8ClampedArray, readonly width: number, readonly height: number) {} };
  t = await startServer();
});
after(async () => { for (const c of clients) c.close(); await t.close(); });

test('presentation_frame: a VP8 presentation becomes presentation.jpeg and presentation_high.jpeg for the others', { timeout: 60_000 }, async () => {
  await pexipConference(t, 'snap');
  const a = await join(t, 'snap', 'Presenter');
  const b = await join(t, 'snap', 'Viewer');
  const jpegOf = (file: string, token?: string, id?: string) => {
    const q = new URLSearchParams({ ...(id ? { id } : {}), ...(token ? { token } : {}) });
    return fetch(`${t.base}/api/client/v2/conferences/snap/${file}?${q}`);
  };
  // Nothing presented yet: Pexip's "No image available".
  const none = await jpegOf('presentation.jpeg', b.token);
  assert.equal(none.status, 404);
  assert.deepEqual(await none.json(), { status: 'failed', result: 'No image available' });

  const sse = await openSse(`${t.base}/api/client/v2/conferences/snap/events?token=${b.token}`);
  const share = new MediaClient({ base: t.base, alias: 'snap', token: a.token, uuid: a.uuid, tone: 0, tag: 'SCREEN', present: 'send', audio: false, vp8Picture: await vp8Picture() });
  clients.push(share);
  assert.equal((await share.connect()).status, 200);
  await sse.next('presentation_start', 5000);
  const frame = await sse.next('presentation_frame', 10_000);
  assert.ok(frame.id, 'the event carries an id (clients send it back as ?id=)');

  for (const file of ['presentation.jpeg', 'presentation_high.jpeg']) {
    const r = await jpegOf(file, b.token, frame.id);
    assert.equal(r.status, 200, file);
    assert.equal(r.headers.get('content-type'), 'image/jpeg');
    const img = jpeg.decode(Buffer.from(await r.arrayBuffer()), { useTArray: true });
    assert.deepEqual([img.width, img.height], [W, H], `${file}: the picture's size (under both widths)`);
    const [lr, , lb] = meanRgb(img, 0.05, 0.45);
    const [rr, , rb] = meanRgb(img, 0.55, 0.95);
    assert.ok(lr > 150 && lb < 90, `${file}: left half red, got r=${lr.toFixed(0)} b=${lb.toFixed(0)}`);
    assert.ok(rb > 150 && rr < 90, `${file}: right half blue, got r=${rr.toFixed(0)} b=${rb.toFixed(0)}`);
  }
  // The token may also come as a header, as the seed allows.
  const byHeader = await http(t.base, 'GET', '/api/client/v2/conferences/snap/presentation.jpeg', undefined, { token: b.token });
  assert.equal(byHeader.status, 200);

  // Errors in the Pexip format: no token, a token of another conference, an unknown conference.
  const noToken = await jpegOf('presentation.jpeg');
  assert.equal(noToken.status, 403);
  assert.deepEqual(await noToken.json(), { status: 'failed', result: 'Invalid token' });
  await pexipConference(t, 'other');
  const stranger = await join(t, 'other', 'Stranger');
  assert.equal((await jpegOf('presentation.jpeg', stranger.token)).status, 403);
  const unknown = await fetch(`${t.base}/api/client/v2/conferences/nope/presentation.jpeg?token=${b.token}`);
  assert.equal(unknown.status, 404);
  assert.deepEqual(await unknown.json(), { status: 'failed', result: 'Neither conference nor gateway found' });

  // The presentation ends: no image any more.
  assert.equal((await share.hangUp()).status, 200);
  await sse.next('presentation_stop', 5000);
  assert.equal((await jpegOf('presentation.jpeg', b.token)).status, 404);
  sse.close();
});

test('VP8 keyframe assembly: whole keyframes only, in order, across packets', () => {
  const asm = new Vp8KeyframeAssembler();
  // S=1 PID=0; frame tag with P=0 (keyframe), then the keyframe start code 9d 01 2a.
  const key = Buffer.from([0x10, 0x00, 1, 2, 0x9d, 0x01, 0x2a]);
  const mid = Buffer.from([0x00, 3, 4]);
  const end = Buffer.from([0x00, 5]);
  assert.equal(asm.push(10, 900, false, key), undefined);
  assert.equal(asm.push(11, 900, false, mid), undefined);
  assert.deepEqual([...asm.push(12, 900, true, end)!], [0x00, 1, 2, 0x9d, 0x01, 0x2a, 3, 4, 5]);
  // A lost packet drops the frame; an inter frame (P=1) is never returned.
  assert.equal(asm.push(20, 1800, false, key), undefined);
  assert.equal(asm.push(22, 1800, true, end), undefined);
  assert.equal(asm.push(30, 2700, true, Buffer.from([0x10, 0x01, 9, 9, 0x9d, 0x01, 0x2a])), undefined);
  // Without the start code it is no picture (the synthetic video of other tests): not returned.
  assert.equal(asm.push(35, 3000, true, Buffer.from([0x10, 0x00, 9, 9, 9, 9, 9])), undefined);
  // Extended descriptor (X=1, I=1 with a 15-bit picture id) is skipped.
  assert.deepEqual([...asm.push(40, 3600, true, Buffer.from([0x90, 0x80, 0x81, 0x23, 0x00, 7, 7, 0x9d, 0x01, 0x2a]))!], [0x00, 7, 7, 0x9d, 0x01, 0x2a]);
});
