import { dataVersion, type Db } from '../store/db.js';

/**
 * The ordered ids of a table that one engine class writes, kept in memory so that an unfiltered page is an array
 * slice and its total an array length. Paging with SQL `OFFSET` steps over every earlier index entry (0.2 ms for
 * page 100 of 10,000 users) and `count(*)` scans the index too: together the REST benchmark's largest SQL cost.
 *
 * The owner keeps it current with add/remove on its own writes; a commit by another connection (the admin CLI)
 * drops it, as the read-through caches do (conferences/cache.ts), and the next read loads it again in one query.
 * `compare` must order keys as the store's ORDER BY does (`byBytes` for SQLite's default binary collation).
 */
export class OrderedIndex<K> {
  private keys: K[] | undefined;
  private loading: Promise<K[]> | undefined;
  /** Bumped by every change: a load that raced a write is used once but not kept. */
  private generation = 0;
  private seen: number;

  constructor(private readonly db: Db, private readonly load: () => Promise<K[]>, private readonly compare: (a: K, b: K) => number) {
    this.seen = dataVersion(db);
  }

  /** All keys in order (read-only: callers must not mutate the array). */
  async all(): Promise<readonly K[]> {
    this.checkStore();
    if (this.keys) return this.keys;
    const generation = this.generation;
    this.loading ??= this.load().finally(() => { this.loading = undefined; });
    const keys = await this.loading;
    if (generation === this.generation) this.keys = keys;
    return keys;
  }

  add(key: K): void {
    this.generation++;
    if (!this.keys) return;
    const i = this.position(key);
    if (i < this.keys.length && this.compare(this.keys[i], key) === 0) return;
    this.keys.splice(i, 0, key);
  }

  remove(key: K): void {
    this.generation++;
    if (!this.keys) return;
    const i = this.position(key);
    if (i < this.keys.length && this.compare(this.keys[i], key) === 0) this.keys.splice(i, 1);
  }

  /** Forget everything (a write whose effect on the order is not known key by key). */
  drop(): void {
    this.generation++;
    this.keys = undefined;
  }

  /** First position whose key is not less than `key` (binary search). */
  private position(key: K): number {
    const keys = this.keys!;
    let lo = 0, hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(keys[mid], key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Another connection's commit drops the index (it may have added or removed rows). */
  private checkStore(): void {
    const v = dataVersion(this.db);
    if (v !== this.seen) {
      this.seen = v;
      this.drop();
    }
  }
}

/**
 * SQLite's binary collation: UTF-8 byte order. JavaScript's `<` compares UTF-16 units, which differs for characters
 * above the surrogate range; only add/remove compare (a binary search), so the conversion costs little.
 */
export const byBytes = (a: string, b: string): number => (a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b)));
