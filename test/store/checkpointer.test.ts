import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { dataVersion, openStore, type Db } from '../../src/store/db.js';
import { eventually } from '../helpers/server.js';

/** Appends `rows` rows of 1 KB in one statement. */
const insert = (db: Db, rows: number) => sql`INSERT INTO scratch (body) SELECT printf('%.1000c', 'x')
  FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows}) SELECT i FROM n)`.execute(db);

test('the server store checkpoints its WAL on a worker thread, without dropping its caches', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-ckpt-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = await openStore(dir, { backgroundCheckpoints: true });
  const { db } = store;
  const [setting] = (await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(db)).rows;
  assert.equal(setting?.wal_autocheckpoint, 4000, 'commits checkpoint only as a backstop');
  await sql`CREATE TABLE scratch (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`.execute(db);
  const before = statSync(store.path).size;
  const version = dataVersion(db);
  // ~3 MB, below the backstop: only the worker can have copied it into the database file.
  for (let i = 0; i < 60; i++) await insert(db, 50);
  await eventually(() => statSync(store.path).size > before + 2_000_000, 5000, 'the worker to copy the WAL into the database');
  await new Promise((r) => setImmediate(r));
  assert.equal(dataVersion(db), version, 'a checkpoint is not another process\'s commit');
  await store.close();
  assert.equal(existsSync(`${store.path}-wal`), false, 'closing checkpoints and removes the WAL');
  const again = await openStore(dir);
  const [row] = (await sql<{ n: number }>`SELECT count(*) AS n FROM scratch`.execute(again.db)).rows;
  assert.equal(row?.n, 3000);
  await again.close();
});

test('under writes without a pause the WAL stays bounded (it is started over, not grown)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-ckpt-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = await openStore(dir, { backgroundCheckpoints: true });
  const { db } = store;
  await sql`CREATE TABLE scratch (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`.execute(db);
  // 40 MB in commits of 20 KB, back to back: a PASSIVE checkpoint beside them never reaches the log's end.
  for (let i = 0; i < 2000; i++) await insert(db, 20);
  const wal = statSync(`${store.path}-wal`).size;
  assert.ok(wal < 24 * 2 ** 20, `WAL ${(wal / 2 ** 20).toFixed(1)} MB after 40 MB written`);
  await store.close();
});
