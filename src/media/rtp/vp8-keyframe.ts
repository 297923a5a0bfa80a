import { vp8Descriptor } from './keyframe.js';

/**
 * Reassembles whole VP8 keyframes from RTP (RFC 7741), for presentation snapshots: a VP8 keyframe is a complete
 * picture (it is exactly what a lossy WebP file holds), so it can be turned into an image without a video decoder's
 * state. Inter frames are ignored. Packets must arrive in order; a gap drops the frame being assembled.
 */
export class Vp8KeyframeAssembler {
  private parts: Buffer[] = [];
  private timestamp = -1;
  private nextSeq = -1;
  private size = 0;

  /** Largest frame kept (a 4K keyframe is well under this); a longer run of packets is dropped. */
  static readonly MAX_BYTES = 4 * 1024 * 1024;

  /** Feeds one packet; returns the frame's bytes when this packet completed a keyframe. */
  push(seq: number, timestamp: number, marker: boolean, payload: Buffer): Buffer | undefined {
    const d = vp8Descriptor(payload);
    if (!d) { this.reset(); return undefined; }
    if (d.start) {
      // Partition 0 begins here: a new frame. Keep it only if it is a keyframe: P bit of the frame tag clear, and
      // the keyframe start code after the 3-byte tag (RFC 6386 §9.1), so that what is reported can be decoded.
      this.reset();
      const o = d.offset;
      if (o + 6 > payload.length || (payload[o] & 0x01) !== 0) return undefined;
      if (payload[o + 3] !== 0x9d || payload[o + 4] !== 0x01 || payload[o + 5] !== 0x2a) return undefined;
      this.timestamp = timestamp;
    } else if (this.timestamp < 0 || timestamp !== this.timestamp || seq !== this.nextSeq) {
      this.reset();
      return undefined;
    }
    const part = payload.subarray(d.offset);
    this.size += part.length;
    if (this.size > Vp8KeyframeAssembler.MAX_BYTES) { this.reset(); return undefined; }
    this.parts.push(part);
    this.nextSeq = (seq + 1) & 0xffff;
    if (!marker) return undefined;
    const frame = Buffer.concat(this.parts);
    this.reset();
    return frame;
  }

  private reset(): void {
    this.parts = [];
    this.timestamp = -1;
    this.nextSeq = -1;
    this.size = 0;
  }
}

/** Wraps a VP8 keyframe in the RIFF container of a lossy WebP image, which image decoders read. */
export function webpOfVp8Keyframe(frame: Buffer): Buffer {
  const pad = frame.length & 1;
  const out = Buffer.alloc(20 + frame.length + pad);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(12 + frame.length + pad, 4);
  out.write('WEBP', 8, 'latin1');
  out.write('VP8 ', 12, 'latin1');
  out.writeUInt32LE(frame.length, 16);
  frame.copy(out, 20);
  return out;
}
