// Turns VP8 keyframes into JPEG images (presentation snapshots) off the main thread: decoding (libwebp in wasm) and
// JPEG encoding (pure JS) take tens of milliseconds for a 720p frame.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';
import decode, { init } from '@jsquash/webp/decode.js';
import jpeg from 'jpeg-js';
import { webpOfVp8Keyframe } from './rtp/vp8-keyframe.js';
import type { SnapshotReply, SnapshotRequest } from './snapshot.js';

// The decoder returns an ImageData, which Node does not have.
(globalThis as { ImageData?: unknown }).ImageData ??= class { constructor(readonly data: Uint8ClampedArray, readonly width: number, readonly height: number) {} };

const require = createRequire(import.meta.url);
const wasm = readFileSync(require.resolve('@jsquash/webp/codec/dec/webp_dec.wasm'));
const ready = WebAssembly.compile(wasm).then((m) => init(m));

/** Box-filter downscale of RGBA pixels so that the width is at most maxWidth (aspect ratio kept). */
function fit(data: Uint8ClampedArray, width: number, height: number, maxWidth: number) {
  if (width <= maxWidth) return { data, width, height };
  const w = maxWidth, h = Math.max(1, Math.round((height * maxWidth) / width));
  const out = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor((y * height) / h), y1 = Math.max(y0 + 1, Math.floor(((y + 1) * height) / h));
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor((x * width) / w), x1 = Math.max(x0 + 1, Math.floor(((x + 1) * width) / w));
      let r = 0, g = 0, b = 0;
      for (let yy = y0; yy < y1; yy++) {
        for (let xx = x0; xx < x1; xx++) {
          const i = (yy * width + xx) * 4;
          r += data[i]; g += data[i + 1]; b += data[i + 2];
        }
      }
      const n = (y1 - y0) * (x1 - x0), o = (y * w + x) * 4;
      out[o] = r / n; out[o + 1] = g / n; out[o + 2] = b / n; out[o + 3] = 255;
    }
  }
  return { data: out, width: w, height: h };
}

parentPort!.on('message', async (m: SnapshotRequest) => {
  let reply: SnapshotReply;
  try {
    await ready;
    const webp = webpOfVp8Keyframe(Buffer.from(m.frame));
    const img = await decode(webp.buffer.slice(webp.byteOffset, webp.byteOffset + webp.byteLength) as ArrayBuffer);
    const scaled = fit(img.data, img.width, img.height, m.maxWidth);
    const out = jpeg.encode({ data: Buffer.from(scaled.data.buffer, scaled.data.byteOffset, scaled.data.byteLength), width: scaled.width, height: scaled.height }, 85);
    reply = { id: m.id, ok: true, jpeg: new Uint8Array(out.data) };
  } catch (err) {
    reply = { id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  parentPort!.postMessage(reply);
});
