/**
 * One continuous outgoing RTP stream fed from changing sources (voice switching, presentation handover).
 * Each switch re-bases sequence numbers and timestamps so the subscriber sees one stream with no gap in
 * sequence numbers and a timestamp jump that matches the wall-clock time since the last packet.
 */
export class RtpRewriter {
  private source: string | undefined;
  private seqOffset = 0;
  private tsOffset = 0;
  private lastSeq = -1;
  private lastTs = 0;
  private lastAt = 0;
  /** False until the first source: the first one keeps its own numbering. */
  private started = false;

  constructor(private readonly clockRate: number, private readonly now: () => number = () => performance.now()) {}

  get currentSource(): string | undefined {
    return this.source;
  }

  /** Starts forwarding `source` whose next packet has this sequence number and timestamp. */
  switchTo(source: string, seq: number, ts: number): void {
    this.source = source;
    if (!this.started) {
      this.started = true;
      this.seqOffset = 0;
      this.tsOffset = 0;
      return;
    }
    const elapsed = Math.max(1, Math.round(((this.now() - this.lastAt) * this.clockRate) / 1000));
    this.seqOffset = (this.lastSeq + 1 - seq) & 0xffff;
    this.tsOffset = (this.lastTs + elapsed - ts) >>> 0;
  }

  /** The outgoing sequence number and timestamp for a packet of the current source. */
  map(seq: number, ts: number): { seq: number; ts: number } {
    const out = { seq: (seq + this.seqOffset) & 0xffff, ts: (ts + this.tsOffset) >>> 0 };
    // Track the newest packet only (retransmissions and reordering must not move the base back).
    if (this.lastSeq < 0 || ((out.seq - this.lastSeq) & 0xffff) < 0x8000) {
      this.lastSeq = out.seq;
      this.lastTs = out.ts;
      this.lastAt = this.now();
    }
    return out;
  }

  /** Stops forwarding (the source left or was muted); the next switch continues the numbering. */
  clear(): void {
    this.source = undefined;
  }
}
