/**
 * The smallest valid Matroska file: EBML header and a Segment with Info (timecode scale, duration, dates, apps).
 * Until the media plane exists a Parley recording has no tracks; the container is still real and playable as an
 * empty file, with the true duration of the recorded session.
 */
function vint(n: number): Buffer {
  // EBML variable-size integer for element sizes (up to 2^56-2).
  for (let len = 1; len <= 8; len++) {
    if (n < 2 ** (7 * len) - 1) {
      const b = Buffer.alloc(len);
      let v = n;
      for (let i = len - 1; i >= 0; i--) { b[i] = v & 0xff; v = Math.floor(v / 256); }
      b[0] |= 1 << (8 - len);
      return b;
    }
  }
  throw new Error('EBML size too large');
}

function el(id: number, body: Buffer): Buffer {
  const idBytes = Buffer.from(id.toString(16).padStart(id > 0xffffff ? 8 : id > 0xffff ? 6 : id > 0xff ? 4 : 2, '0'), 'hex');
  return Buffer.concat([idBytes, vint(body.length), body]);
}

function uint(id: number, v: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(v));
  let i = 0;
  while (i < 7 && b[i] === 0) i++;
  return el(id, b.subarray(i));
}

const str = (id: number, s: string) => el(id, Buffer.from(s, 'utf8'));

function float(id: number, v: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(v);
  return el(id, b);
}

export function emptyMatroska(durationMs: number, startedAtMs: number, title: string): Buffer {
  const header = el(0x1a45dfa3, Buffer.concat([
    uint(0x4286, 1), uint(0x42f7, 1), uint(0x42f2, 4), uint(0x42f3, 8), str(0x4282, 'matroska'),
    uint(0x4287, 4), uint(0x4285, 2),
  ]));
  // DateUTC is nanoseconds since 2001-01-01T00:00:00Z, a signed 8-byte integer.
  const date = Buffer.alloc(8);
  date.writeBigInt64BE(BigInt(startedAtMs - Date.UTC(2001, 0, 1)) * 1_000_000n);
  const info = el(0x1549a966, Buffer.concat([
    uint(0x2ad7b1, 1_000_000), float(0x4489, durationMs), el(0x4461, date), str(0x7ba9, title),
    str(0x4d80, 'Parley'), str(0x5741, 'Parley'),
  ]));
  return Buffer.concat([header, el(0x18538067, info)]);
}
