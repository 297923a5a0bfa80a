import { createRequire } from 'node:module';

// Opus through opusscript's build of libopus (WebAssembly: no native build, runs in worker threads), driven here
// directly rather than through opusscript's JavaScript class. That class (0.1.1) places its PCM buffers with
// `HEAPU16.subarray(pointer, …)`: an element index where a byte address belongs, so every encode and decode
// reads and writes at twice the allocated address, over whatever else lives there. With one codec that lands in
// unused heap; a media worker holds a decoder per speaker and an encoder per mix, and they corrupted each other
// (lost tones in the mix, "memory access out of bounds"; test/media/opus.test.ts). Here every buffer the C side
// touches sits inside its own allocation, and heap views are read on each call (the heap may grow).

interface Handler {
  _encode(input: number, bytes: number, output: number, frameSize: number): number;
  _decode(input: number, bytes: number, output: number): number;
  _encoder_ctl(ctl: number, arg: number): number;
}

interface NativeOpus {
  OpusScriptHandler: { new (rate: number, channels: number, application: number): Handler; destroy_handler(h: Handler): void };
  HEAPU8: Uint8Array;
  HEAPU16: Uint16Array;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
}

export const SAMPLE_RATE = 48000;
/** 20 ms at 48 kHz: the frame every WebRTC client sends and the mixer's tick. */
export const FRAME_SAMPLES = 960;

/** The most samples libopus decodes from one packet (120 ms at 48 kHz), and the most Parley encodes at once. */
const MAX_SAMPLES = 5760;
/** The largest Opus packet (RFC 6716: 1275 bytes a frame, three frames' worth to be safe, as opusscript allows). */
const MAX_PACKET = 1276 * 3;
const APPLICATION_VOIP = 2048;
const APPLICATION_AUDIO = 2049;
const SET_BITRATE = 4002;

let native: NativeOpus | undefined;
const load = (): NativeOpus =>
  (native ??= (createRequire(import.meta.url)('opusscript/build/opusscript_native_wasm.js') as () => NativeOpus)());

/**
 * The C side's PCM format (opusscript's, kept by its build): one 16-bit slot per *byte* of little-endian PCM on the
 * way in, which it compacts in place reading up to 4 slots per sample; one 16-bit slot per byte on the way out.
 */
const PCM_SLOT_BYTES = MAX_SAMPLES * 4 * 2;

class Codec {
  protected readonly n = load();
  protected readonly handler: Handler;
  protected readonly pcm: number;
  protected readonly packet: number;

  constructor(application: number) {
    this.handler = new this.n.OpusScriptHandler(SAMPLE_RATE, 1, application);
    this.pcm = this.n._malloc(PCM_SLOT_BYTES);
    this.packet = this.n._malloc(MAX_PACKET);
  }

  close(): void {
    this.n.OpusScriptHandler.destroy_handler(this.handler);
    this.n._free(this.pcm);
    this.n._free(this.packet);
  }
}

export class OpusDecoder extends Codec {
  constructor() {
    super(APPLICATION_AUDIO);
  }

  /** Mono PCM of one packet, or null for a packet libopus rejects (a broken peer must not stop the room). */
  decode(packet: Uint8Array): Int16Array | null {
    if (packet.length === 0 || packet.length > MAX_PACKET) return null;
    this.n.HEAPU8.set(packet, this.packet);
    const samples = this.handler._decode(this.packet, packet.length, this.pcm);
    if (samples < 0 || samples > MAX_SAMPLES) return null;
    const slots = this.n.HEAPU16;
    const base = this.pcm >> 1;
    const out = new Int16Array(samples);
    for (let i = 0; i < samples; i++) out[i] = (slots[base + 2 * i + 1] << 8) | slots[base + 2 * i];
    return out;
  }
}

export class OpusEncoder extends Codec {
  constructor(bitrate = 32000) {
    super(APPLICATION_VOIP);
    this.handler._encoder_ctl(SET_BITRATE, bitrate);
  }

  /** One Opus packet of `pcm` (mono, at most MAX_SAMPLES samples). */
  encode(pcm: Int16Array): Buffer {
    if (pcm.length > MAX_SAMPLES) throw new RangeError(`at most ${MAX_SAMPLES} samples per packet`);
    const bytes = new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
    this.n.HEAPU16.set(bytes, this.pcm >> 1); // one slot per byte, as the C side expects
    const len = this.handler._encode(this.pcm, bytes.length, this.packet, pcm.length);
    if (len < 0) throw new Error(`Opus encode error ${len}`);
    return Buffer.from(this.n.HEAPU8.subarray(this.packet, this.packet + len));
  }
}
