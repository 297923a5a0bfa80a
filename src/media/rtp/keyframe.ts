/**
 * Keyframe detection on RTP payloads, without depacketising: a voice switch may only start on a keyframe,
 * or the subscriber's decoder shows garbage until the next one.
 */

/**
 * The VP8 payload descriptor (RFC 7741): where the VP8 data starts, and whether the packet starts partition 0 of a
 * frame (S=1, PID=0). Undefined when the payload is too short to hold it.
 */
export function vp8Descriptor(payload: Uint8Array): { offset: number; start: boolean } | undefined {
  if (payload.length < 1) return undefined;
  const b0 = payload[0];
  let i = 1;
  if (b0 & 0x80) {
    if (payload.length < 2) return undefined;
    const x = payload[1];
    i = 2;
    if (x & 0x80) i += payload.length > i && (payload[i] & 0x80) ? 2 : 1; // PictureID, 7 or 15 bits
    if (x & 0x40) i += 1; // TL0PICIDX
    if (x & 0x30) i += 1; // TID/KEYIDX
  }
  return i <= payload.length ? { offset: i, start: (b0 & 0x10) !== 0 && (b0 & 0x07) === 0 } : undefined;
}

/** VP8: the first packet of a key frame starts partition 0 and its frame header's P bit is clear. */
export function isVp8KeyframeStart(payload: Uint8Array): boolean {
  const d = vp8Descriptor(payload);
  return d !== undefined && d.start && d.offset < payload.length && (payload[d.offset] & 0x01) === 0;
}

/** H.264 (RFC 6184): an IDR slice or SPS, alone, in a STAP-A or at the start of an FU-A. */
export function isH264KeyframeStart(payload: Uint8Array): boolean {
  if (payload.length < 2) return false;
  const type = payload[0] & 0x1f;
  if (type === 5 || type === 7) return true;
  if (type === 28) return (payload[1] & 0x80) !== 0 && (payload[1] & 0x1f) === 5; // FU-A start of an IDR
  if (type === 24) {
    for (let i = 1; i + 2 < payload.length;) {
      const size = (payload[i] << 8) | payload[i + 1];
      const nal = payload[i + 2] & 0x1f;
      if (nal === 5 || nal === 7) return true;
      i += 2 + size;
    }
  }
  return false;
}

export function isKeyframeStart(mimeType: string, payload: Uint8Array): boolean {
  const m = mimeType.toLowerCase();
  if (m === 'video/vp8') return isVp8KeyframeStart(payload);
  if (m === 'video/h264') return isH264KeyframeStart(payload);
  return false;
}
