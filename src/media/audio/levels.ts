/** Loudness and voice activity from decoded PCM (the mixer decodes anyway, so no audio-level extension is needed). */

/** Level of a frame in dBov (0 = full scale, -127 = digital silence). */
export function dbov(pcm: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < pcm.length; i++) sum += pcm[i] * pcm[i];
  if (sum === 0) return -127;
  return Math.max(-127, 10 * Math.log10(sum / pcm.length / (32768 * 32768)));
}

/**
 * Voice activity with hysteresis: speaking starts after `onFrames` loud frames in a row and stops after
 * `hangMs` of quiet, so a word's pauses do not flap the stage.
 */
export class VoiceActivity {
  speaking = false;
  private loudRun = 0;
  private quietMs = 0;

  constructor(private readonly thresholdDb = -45, private readonly onFrames = 3, private readonly hangMs = 600) {}

  /** Feeds one 20 ms frame's level (or null for no audio); returns true when `speaking` changed. */
  push(level: number | null, frameMs = 20): boolean {
    const loud = level !== null && level > this.thresholdDb;
    if (loud) { this.loudRun++; this.quietMs = 0; } else { this.loudRun = 0; this.quietMs += frameMs; }
    const next = this.speaking ? this.quietMs < this.hangMs : this.loudRun >= this.onFrames;
    if (next === this.speaking) return false;
    this.speaking = next;
    return true;
  }
}
