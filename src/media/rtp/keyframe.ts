/**
 * Keyframe detection on RTP payloads, without depacketising: a voice switch may only start on a keyframe,
 * or the subscriber's decoder shows garbage until the next one.
 */

/** VP8 (RFC 7741): the first packet of a key frame has S=1, PID=0 and the frame header's P bit clear. */
export function isVp8KeyframeStart(payload: Uint8Array): boolean {
  if (payload.length < 1) return false;
  const b0 = payload[0];
  const start = (b0 & 0x10) !== 0;
  const pid = b0 & 0x07;
  if (!start || pid !== 0) return false;
  let i = 1;
  if (b0 & 0x80) {
    if (payload.length < 2) return false;
    const x = payload[1];
    i = 2;
    if (x & 0x80) i += payload.length > i && (payload[i] & 0x80) ? 2 : 1; // PictureID, 7 or 15 bits
    if (x & 0x40) i += 1; // TL0PICIDX
    if (x & 0x30) i += 1; // TID/KEYIDX
  }
  return i < payload.length && (payload[i] & 0x01) === 0;
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
