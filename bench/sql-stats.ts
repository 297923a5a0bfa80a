import BetterSqlite3 from 'better-sqlite3';

export type SqlStats = Map<string, { n: number; ms: number }>;

/**
 * `--sql-stats` of the benchmark servers: counts statements and their wall time by SQL text, to find the queries
 * behind `executeQuery` in a CPU profile. It wraps better-sqlite3's Statement methods for the whole process.
 */
export function countStatements(): SqlStats {
  const stats: SqlStats = new Map();
  const proto = Object.getPrototypeOf(new BetterSqlite3(':memory:').prepare('select 1')) as Record<string, unknown>;
  for (const name of ['all', 'run', 'get'] as const) {
    const orig = proto[name] as (...a: unknown[]) => unknown;
    proto[name] = function (this: { source: string }, ...args: unknown[]) {
      const t0 = performance.now();
      try { return orig.apply(this, args); } finally {
        const s = stats.get(this.source) ?? { n: 0, ms: 0 };
        s.n++; s.ms += performance.now() - t0;
        stats.set(this.source, s);
      }
    };
  }
  return stats;
}
