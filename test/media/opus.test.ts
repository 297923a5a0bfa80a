import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpusDecoder, OpusEncoder, FRAME_SAMPLES, SAMPLE_RATE } from '../../src/media/audio/opus.js';

// A media worker holds a decoder per published audio track and an encoder per mix: many codec instances share one
// WebAssembly heap. Each must keep to its own memory, whatever the others do.

const tone = (hz: number, frame: number, amplitude = 6000) => {
  const pcm = new Int16Array(FRAME_SAMPLES);
  for (let i = 0; i < FRAME_SAMPLES; i++) pcm[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * (frame * FRAME_SAMPLES + i)) / SAMPLE_RATE));
  return pcm;
};

/** Frequency by zero crossings and peak amplitude of a run of frames. */
const measure = (frames: Int16Array[]) => {
  let zc = 0, peak = 0, prev = 0, n = 0;
  for (const f of frames) for (const s of f) { if ((prev < 0) !== (s < 0)) zc++; prev = s; peak = Math.max(peak, Math.abs(s)); n++; }
  return { hz: zc / 2 / (n / SAMPLE_RATE), peak };
};

test('40 encoders and 40 decoders used in turn keep their own tones (no instance writes into another\'s memory)', () => {
  const n = 40;
  const pairs = Array.from({ length: n }, (_, k) => ({ hz: 200 + 37 * k, enc: new OpusEncoder(), dec: new OpusDecoder(), out: [] as Int16Array[] }));
  try {
    for (let frame = 0; frame < 60; frame++) {
      for (const p of pairs) {
        const pcm = p.dec.decode(p.enc.encode(tone(p.hz, frame)));
        assert.ok(pcm, `decode of ${p.hz} Hz frame ${frame}`);
        assert.equal(pcm.length, FRAME_SAMPLES);
        if (frame >= 20) p.out.push(pcm);
      }
    }
    for (const p of pairs) {
      const m = measure(p.out);
      assert.ok(Math.abs(m.hz - p.hz) < 0.03 * p.hz, `${p.hz} Hz came out at ${m.hz.toFixed(1)} Hz`);
      assert.ok(m.peak > 4000 && m.peak < 9000, `${p.hz} Hz peak ${m.peak}`);
    }
  } finally {
    for (const p of pairs) { p.enc.close(); p.dec.close(); }
  }
});

test('codecs created and closed while others run, and garbage packets, leave the others intact', () => {
  const keep = { enc: new OpusEncoder(), dec: new OpusDecoder(), out: [] as Int16Array[] };
  try {
    for (let frame = 0; frame < 80; frame++) {
      const churn = [new OpusEncoder(), new OpusDecoder()] as const;
      churn[0].encode(tone(1000, frame));
      assert.equal(churn[1].decode(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 1, 2])), null, 'a packet libopus rejects');
      churn[1].decode(new Uint8Array(5000)); // larger than any Opus packet: refused, not written past its slot
      churn[0].close(); churn[1].close();
      const pcm = keep.dec.decode(keep.enc.encode(tone(440, frame)));
      assert.ok(pcm);
      if (frame >= 20) keep.out.push(pcm);
    }
    const m = measure(keep.out);
    assert.ok(Math.abs(m.hz - 440) < 13, `440 Hz came out at ${m.hz.toFixed(1)} Hz`);
  } finally {
    keep.enc.close(); keep.dec.close();
  }
});
