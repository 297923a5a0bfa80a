import { dataVersion, type Db } from '../../store/db.js';
import type { ConferenceDef } from './types.js';

/**
 * The read-through cache of conference definitions. Admin CLI commands write to the store from another process
 * while the server runs, so lookups first compare the store's data version (SQLite `PRAGMA data_version`,
 * read once per event-loop turn, store/db.ts) and the cache starts over when another connection
 * committed. Writes from other processes are rare (an operator at the command line), so dropping everything is
 * cheaper than tracking rows.
 */
export class DefinitionCache {
  private readonly map = new Map<string, ConferenceDef>();
  private seen: number;

  constructor(private readonly db: Db) {
    this.seen = dataVersion(db);
  }

  private fresh(): Map<string, ConferenceDef> {
    const v = dataVersion(this.db);
    if (v !== this.seen) {
      this.seen = v;
      this.map.clear();
    }
    return this.map;
  }

  get(id: string): ConferenceDef | undefined {
    return this.fresh().get(id);
  }

  has(id: string): boolean {
    return this.fresh().has(id);
  }

  set(id: string, def: ConferenceDef): void {
    this.fresh().set(id, def);
  }

  delete(id: string): void {
    this.map.delete(id);
  }
}
