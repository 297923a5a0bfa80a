import { createRequire } from 'node:module';
import type OpusScriptType from 'opusscript';

/** Opus through opusscript (libopus compiled to WebAssembly: no native build, runs in worker threads). */
const OpusScript = createRequire(import.meta.url)('opusscript') as typeof OpusScriptType;

export const SAMPLE_RATE = 48000;
/** 20 ms at 48 kHz: the frame every WebRTC client sends and the mixer's tick. */
export const FRAME_SAMPLES = 960;

export class OpusDecoder {
  private readonly dec = new OpusScript(SAMPLE_RATE, 1, OpusScript.Application.AUDIO);

  /** Mono PCM of one packet, or null for a packet libopus rejects (a broken peer must not stop the room). */
  decode(packet: Uint8Array): Int16Array | null {
    try {
      const out = this.dec.decode(Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength));
      return new Int16Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength));
    } catch {
      return null;
    }
  }

  close(): void {
    this.dec.delete();
  }
}

export class OpusEncoder {
  private readonly enc = new OpusScript(SAMPLE_RATE, 1, OpusScript.Application.VOIP);

  constructor(bitrate = 32000) {
    this.enc.setBitrate(bitrate);
  }

  encode(pcm: Int16Array): Buffer {
    return Buffer.from(this.enc.encode(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength), FRAME_SAMPLES));
  }

  close(): void {
    this.enc.delete();
  }
}
