import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

/** How often the background connection copies the write-ahead log into the database file. */
const INTERVAL_MS = 100;
/**
 * The request thread still checkpoints, as a backstop, once the WAL holds this many pages (16 MB; SQLite's default
 * is 1,000). A PASSIVE checkpoint running beside a steady stream of commits never reaches the end of the log, and
 * only a checkpoint that does lets the next commit start the log over: without the backstop the WAL grew without
 * bound under sustained writes (hundreds of MB, then one long stall when it was finally reset). The backstop's
 * checkpoint finds nearly every page already copied by the worker, so it is short.
 */
const BACKSTOP_PAGES = 4000;

/**
 * Runs in the worker: its own connection to the store, a PASSIVE checkpoint every interval. PASSIVE never waits for
 * the writer or readers and does not change other connections' `data_version` (TRUNCATE and RESTART do, which
 * would drop the server's caches). CommonJS because eval'd workers are; the driver's path comes from the parent.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: the next tick tries again */ }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * Moves SQLite's WAL checkpoints off the request thread. With auto-checkpointing, the commit that crosses 1,000 WAL
 * pages copies them into the database and fsyncs it, synchronously: 15–40 ms on this kind of disk, a stall every
 * request queued behind it pays. Here a worker thread checkpoints on its own connection, and the server's connection
 * only as a backstop (see BACKSTOP_PAGES). If the worker cannot run, the connection checkpoints at SQLite's default.
 */
export function startCheckpointer(sqlite: BetterSqlite3.Database, path: string): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  // A WAL that grew under a burst of writes is cut back to this size when it restarts from the beginning.
  sqlite.pragma(`journal_size_limit = ${32 * 1024 * 1024}`);
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path, intervalMs: INTERVAL_MS } });
  worker.unref();
  let stopped = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const fallBack = (): void => {
    if (!stopped && sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
  };
  worker.on('error', fallBack);
  worker.on('exit', fallBack);
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      worker.ref(); // wait for it even when nothing else keeps the process alive
      worker.postMessage('stop');
      await exited;
    },
  };
}
