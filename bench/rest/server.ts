// Child process of the REST benchmark: a real Parley server on 127.0.0.1, populated in-process before it listens.
// Talks to the parent over IPC: sends {type:'ready'}, answers {type:'stats'}, exits cleanly on {type:'stop'}
// (a clean exit is what lets --cpu-prof write its profile).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { loadConfig } from '../../src/config.js';
import { createServer } from '../../src/server.js';
import { SYSTEM } from '../../src/engine/actor.js';
import { ALL_SCOPES } from '../../src/engine/auth/oauth.js';
import { hashPassword } from '../../src/engine/security.js';
import { countStatements } from '../sql-stats.js';
import type { UsersTable } from '../../src/store/schema.js';
import { conferenceId, userId } from './workload.js';

export interface ReadyMessage {
  type: 'ready';
  port: number;
  clientId: string;
  clientSecret: string;
  users: number;
  conferences: number;
  populateMs: { users: number; conferences: number };
}

const USERS = Number(process.env.BENCH_USERS ?? 10000);
const CONFERENCES = Number(process.env.BENCH_CONFERENCES ?? 1000);
const dataDir = process.env.BENCH_DATA_DIR;
if (!dataDir || !process.send) throw new Error('bench/rest/server.ts is started by bench/rest/run.ts');

const config = loadConfig({}, {
  httpPort: Number(process.env.BENCH_PORT ?? 0), host: '127.0.0.1', dataDir, serverName: 'parley.bench',
  // Warnings and errors only: a 500 during the run must still be visible.
  logLevel: 'warn', tokenRateLimit: 0,
});
const parley = await createServer(config);
const sqlStats = process.env.BENCH_SQL_STATS ? countStatements() : undefined;

// Users go straight into the store in batches with one shared password hash: 10,000 engine creates would spend
// 10,000 scrypt hashes (about 50 ms each here), over eight minutes, measuring nothing the benchmark is about.
let t = performance.now();
const hash = await hashPassword('bench-password');
const now = Math.floor(Date.now() / 1000);
for (let start = 1; start <= USERS; start += 500) {
  const rows: UsersTable[] = [];
  for (let i = start; i < Math.min(start + 500, USERS + 1); i++) {
    const id = userId(i);
    rows.push({
      id, login_name: id, password_hash: hash, email: `${id}@bench.example`, display_name: `Bench User ${i}`,
      first_name: 'Bench', last_name: `User ${i}`, company: 'Parley', mobile_phone: '', work_phone: '', home_phone: '',
      is_active: 1, created_at: now, updated_at: now,
    });
  }
  await parley.store.db.insertInto('users').values(rows).execute();
}
const usersMs = performance.now() - t;

// Conferences through the engine, so that the definitions, aliases and audit rows are exactly what the API makes.
t = performance.now();
for (let i = 1; i <= CONFERENCES; i++) {
  await parley.engine.conferences.create(SYSTEM, {
    id: conferenceId(i), topic: `Bench conference ${i}`, owner: userId(((i - 1) % USERS) + 1),
  });
}
const conferencesMs = performance.now() - t;

const { client, secret } = await parley.engine.oauth.createClient(SYSTEM, 'bench', [...ALL_SCOPES]);
const port = await parley.listen();

// Node records the whole time between two samples of this timer, so a value includes the 10 ms interval itself;
// the report subtracts it and shows how long the loop was held up beyond that (a stall).
const ELD_RESOLUTION_MS = 10;
const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
eld.enable();

let profiler: Session | undefined;
process.on('message', async (m: { type: string }) => {
  if (m.type === 'stats') {
    const ms = (ns: number) => Math.max(0, Math.round(ns / 1e4 - 100 * ELD_RESOLUTION_MS) / 100);
    process.send!({ type: 'stats', eventLoopDelay: { p50: ms(eld.percentile(50)), p99: ms(eld.percentile(99)), max: ms(eld.max) } });
    eld.reset();
  } else if (m.type === 'sql-stats') {
    const top = [...(sqlStats ?? new Map<string, { n: number; ms: number }>())].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)
      .map(([sql, s]) => ({ sql: sql.slice(0, 160), n: s.n, totalMs: Math.round(s.ms), avgMs: Math.round((1000 * s.ms) / s.n) / 1000 }));
    sqlStats?.clear();
    process.send!({ type: 'sql-stats', top });
  } else if (m.type === 'profile-start') {
    // A profile of the measured phases only (the population above would dominate a whole-process --cpu-prof).
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
    process.send!({ type: 'profile-start' });
  } else if (m.type === 'profile-stop' && profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    const file = (m as { file?: string }).file!;
    writeFileSync(file, JSON.stringify(profile));
    profiler.disconnect();
    profiler = undefined;
    process.send!({ type: 'profile-stop', file });
  } else if (m.type === 'stop') {
    eld.disable();
    await parley.close();
    process.exit(0);
  }
});

const ready: ReadyMessage = {
  type: 'ready', port, clientId: client.id, clientSecret: secret, users: USERS, conferences: CONFERENCES,
  populateMs: { users: Math.round(usersMs), conferences: Math.round(conferencesMs) },
};
process.send(ready);
