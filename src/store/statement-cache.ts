import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * Kysely's SQLite driver prepares every query anew; preparing is a large share of a simple request's CPU
 * (found with the REST benchmark, bench/RESULTS.md). Kysely emits the same SQL text for the same query shape,
 * so prepared statements are reused by text. Bounded, because `IN (?, ?, …)` lists make one text per length.
 * Safe with one connection: better-sqlite3 runs each statement to completion synchronously, and SQLite
 * re-prepares a cached statement itself after a schema change.
 */
export function withStatementCache(db: BetterSqlite3.Database, max = 500): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = db.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
        cache.set(sql, stmt);
      }
      return stmt;
    },
    close() {
      cache.clear();
      db.close();
    },
  };
}
