import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './schema.js';
import { withStatementCache } from './statement-cache.js';
import { startCheckpointer } from './checkpointer.js';
import * as m001 from './migrations/001_initial.js';
import * as m002logs from './migrations/002_log_indexes.js';
import * as m003confOrder from './migrations/003_conference_order.js';
import * as m004chat from './migrations/004_chat.js';

export type Db = Kysely<Database>;

/** Numbered migrations, in order. A new migration is a new file here; never edit a released one. */
const MIGRATIONS: Record<string, Migration> = {
  '001_initial': m001,
  '002_log_indexes': m002logs,
  '003_conference_order': m003confOrder,
  '004_chat': m004chat,
};

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

/**
 * Per store: SQLite's `PRAGMA data_version` through one prepared statement, read at most once per turn of the event
 * loop (about 10 µs a read here, and a request consults several caches across several awaits). Another process's
 * commit is therefore seen from the next turn on, a millisecond or so later.
 */
const versions = new WeakMap<Db, () => number>();

/**
 * A number that changes whenever another connection (another process: the admin CLI, a second server on the same
 * file) committed to the store since this connection last looked; this connection's own commits leave it alone.
 * In-memory caches compare it to drop what another process may have changed. Read once per event-loop turn, so
 * consulting it is cheap. 0 for a store not opened here.
 */
export function dataVersion(db: Db): number {
  return versions.get(db)?.() ?? 0;
}

export interface Store {
  db: Db;
  path: string;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Checkpoint the WAL on a worker thread instead of inside commits (the server; short-lived CLI runs need not). */
  backgroundCheckpoints?: boolean;
}

/** Opens (creating if needed) the SQLite store under dataDir and runs pending migrations. */
export async function openStore(dataDir: string, options: StoreOptions = {}): Promise<Store> {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'parley.sqlite');
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // Admin CLI commands may write while the server runs: wait for the lock instead of failing.
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  const version = sqlite.prepare('PRAGMA data_version').pluck();
  let memo: number | undefined;
  versions.set(db, () => {
    if (memo === undefined) {
      memo = version.get() as number;
      setImmediate(() => { memo = undefined; });
    }
    return memo;
  });
  const migrator = new Migrator({ db, provider: new StaticProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`store migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
  const checkpointer = options.backgroundCheckpoints ? startCheckpointer(sqlite, path) : undefined;
  return {
    db,
    path,
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}
