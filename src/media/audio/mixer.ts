import { FRAME_SAMPLES } from './opus.js';

/** One publisher's frame for this tick: its smoothed loudness decides whether it is among the mixed speakers. */
export interface MixInput {
  id: string;
  pcm: Int16Array;
  level: number;
}

export interface MixResult {
  /** Who is in the mix (at most `maxSpeakers`, loudest first). */
  speakers: string[];
  /** What everyone who is not a mixed speaker hears. */
  common: Int16Array;
  /** What each mixed speaker hears: the mix without their own voice. */
  minus: Map<string, Int16Array>;
}

/**
 * Mixes the loudest speakers of a tick. Everyone outside the mix hears the same frame, so it is encoded once;
 * each mixed speaker hears the others only (mix-minus), which costs one encode per mixed speaker.
 */
export class AudioMixer {
  constructor(private readonly maxSpeakers = 3, private readonly floorDb = -60) {}

  mix(inputs: MixInput[]): MixResult {
    const chosen = inputs.filter((i) => i.level > this.floorDb).sort((a, b) => b.level - a.level).slice(0, this.maxSpeakers);
    const sum = new Int32Array(FRAME_SAMPLES);
    for (const c of chosen) for (let i = 0; i < FRAME_SAMPLES; i++) sum[i] += c.pcm[i] ?? 0;
    const minus = new Map<string, Int16Array>();
    for (const c of chosen) {
      const out = new Int16Array(FRAME_SAMPLES);
      for (let i = 0; i < FRAME_SAMPLES; i++) out[i] = clip(sum[i] - (c.pcm[i] ?? 0));
      minus.set(c.id, out);
    }
    const common = new Int16Array(FRAME_SAMPLES);
    for (let i = 0; i < FRAME_SAMPLES; i++) common[i] = clip(sum[i]);
    return { speakers: chosen.map((c) => c.id), common, minus };
  }
}

const clip = (v: number): number => (v > 32767 ? 32767 : v < -32768 ? -32768 : v);
