/** A fixed-window counter per key (client IP). Enough to slow password guessing; no shared state needed. */
export class RateLimiter {
  private readonly hits = new Map<string, { start: number; count: number }>();

  constructor(private readonly perMinute: number, private readonly now: () => number = Date.now) {}

  /** Counts one attempt; false when the key is over its budget for the current minute. */
  take(key: string): boolean {
    if (this.perMinute <= 0) return true;
    const t = this.now();
    let w = this.hits.get(key);
    if (!w || t - w.start >= 60_000) {
      if (this.hits.size > 10_000) this.hits.clear();
      w = { start: t, count: 0 };
      this.hits.set(key, w);
    }
    w.count++;
    return w.count <= this.perMinute;
  }
}
