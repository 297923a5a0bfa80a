// REST benchmark: Parley in a child process, a mixed TrueConf REST workload from autocannon in this one.
//
//   npm run bench:rest -- [--rate 2000] [--duration 20] [--max-duration 15] [--warmup 5] [--each | --only NAME]
//                         [--cpu-prof] [--out FILE] [--users 10000] [--conferences 1000] [--keep]
//
// See bench/README.md for the scenarios and how to read the output.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon, { type Result } from 'autocannon';
import type { ReadyMessage } from './server.js';
import { SCENARIOS, picker, served, type Scenario, type Tally } from './workload.js';
import { machine, watch } from './proc.js';
import { openLoop, quantile } from './open-loop.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const { values: a } = parseArgs({
  options: {
    rate: { type: 'string', default: '2000' }, duration: { type: 'string', default: '20' },
    'max-duration': { type: 'string', default: '15' }, warmup: { type: 'string', default: '5' },
    each: { type: 'boolean' }, only: { type: 'string' }, 'cpu-prof': { type: 'boolean' }, out: { type: 'string' }, keep: { type: 'boolean' },
    users: { type: 'string', default: '10000' }, conferences: { type: 'string', default: '1000' },
    connections: { type: 'string', default: '50' }, 'solo-rate': { type: 'string' }, 'sql-stats': { type: 'boolean' },
  },
});
const RATE = Number(a.rate), DURATION = Number(a.duration), MAX_DURATION = Number(a['max-duration']);
const WARMUP = Number(a.warmup), MAX_CONNECTIONS = Number(a.connections);
/** `--solo-rate` replaces the scenarios' own rate when run alone, except for the slow ones (user creation). */
const soloRate = (s: Scenario) => (a['solo-rate'] && s.soloRate >= 1000 ? Number(a['solo-rate']) : s.soloRate);

interface PhaseResult {
  name: string;
  target: string;
  rps: number;
  p50: number; p90: number; p99: number; max: number;
  requests: number; errors: number; timeouts: number; non2xx: number;
  server: ReturnType<ReturnType<typeof watch>>;
  eventLoopDelay?: { p50: number; p99: number; max: number };
  tally: Tally;
  /** Sockets the generator had open at most. */
  sockets: number;
}

function startServer(dataDir: string): Promise<{ child: ChildProcess; ready: ReadyMessage }> {
  const child = fork(join(HERE, 'server.ts'), [], {
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_SERVER_FLAGS ?? '').split(' ').filter(Boolean)],
    env: { ...process.env, ...(a['sql-stats'] ? { BENCH_SQL_STATS: '1' } : {}), BENCH_DATA_DIR: dataDir, BENCH_USERS: a.users, BENCH_CONFERENCES: a.conferences },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((res, rej) => {
    child.once('exit', (code) => rej(new Error(`server exited with ${code} before it was ready`)));
    child.on('message', (m: { type: string }) => { if (m.type === 'ready') res({ child, ready: m as ReadyMessage }); });
  });
}

function ask<T>(child: ChildProcess, type: string, extra: object = {}): Promise<T> {
  return new Promise((res) => {
    const on = (m: { type: string }) => { if (m.type === type) { child.off('message', on); res(m as T); } };
    child.on('message', on);
    child.send({ type, ...extra });
  });
}

function cannon(opts: Parameters<typeof autocannon>[0]): Promise<Result> {
  return new Promise((res, rej) => autocannon(opts, (err, r) => (err ? rej(err) : res(r))));
}

const ms = (v: number) => Math.round(v * 10) / 10;

/**
 * One phase. `rate` > 0: the open-loop generator (./open-loop.ts) schedules requests evenly at that rate and
 * measures each from its scheduled time. `rate` 0: autocannon, as fast as the server answers, over MAX_CONNECTIONS.
 */
async function phase(name: string, url: string, child: ChildProcess, scenarios: Scenario[], rate: number, seconds: number,
  ctx: { token: string; users: number; conferences: number }): Promise<PhaseResult> {
  const tally: Tally = new Map();
  const pick = picker(scenarios, { ...ctx, tally });
  await ask(child, 'stats'); // resets the server's event-loop histogram
  const stop = watch(child.pid!);
  if (rate > 0) {
    const { hostname, port } = new URL(url);
    const r = await openLoop({
      host: hostname, port: Number(port), rate, seconds, maxConnections: 512,
      next: () => {
        const c = {};
        const request = pick.setupRequest({ method: 'GET', path: '/' }, c);
        return { request, done: (status) => pick.onResponse(status, '', c) };
      },
    });
    const server = stop();
    const eventLoopDelay = (await ask<{ eventLoopDelay: PhaseResult['eventLoopDelay'] }>(child, 'stats')).eventLoopDelay;
    return {
      name, target: `${rate} req/s`, rps: Math.round(r.completed / seconds),
      p50: quantile(r.latency, 0.5), p90: quantile(r.latency, 0.9), p99: quantile(r.latency, 0.99), max: quantile(r.latency, 1),
      requests: r.completed, errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx, server, eventLoopDelay, tally,
      sockets: r.peakConnections,
    };
  }
  const requests = [{ setupRequest: pick.setupRequest, onResponse: pick.onResponse }];
  const results = [await cannon({ url, connections: MAX_CONNECTIONS, duration: seconds, requests, skipAggregateResult: true })];
  const server = stop();
  const eventLoopDelay = (await ask<{ eventLoopDelay: PhaseResult['eventLoopDelay'] }>(child, 'stats')).eventLoopDelay;
  const r = autocannon.aggregateResult(results, { url, connections: MAX_CONNECTIONS, duration: seconds });
  const done = r['2xx'] + r.non2xx;
  return {
    name, target: `max (${MAX_CONNECTIONS} connections)`,
    rps: Math.round(done / seconds), p50: ms(r.latency.p50), p90: ms(r.latency.p90), p99: ms(r.latency.p99), max: ms(r.latency.max),
    requests: done, errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx, server, eventLoopDelay, tally, sockets: MAX_CONNECTIONS,
  };
}

function report(m: ReturnType<typeof machine>, ready: ReadyMessage, active: Scenario[], skipped: Scenario[], phases: PhaseResult[], solo: PhaseResult[]): string {
  const L: string[] = [];
  L.push(`### Run of ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`, '');
  L.push(`Machine: ${m.nproc} CPUs (${m.cpuModel}), memory ${m.memory}, ${m.kernel}, Node ${m.node}. ` +
    'The load generator runs on the same machine and shares its CPUs with the server.', '');
  L.push(`Data: ${ready.users} users (store insert, ${ready.populateMs.users} ms), ${ready.conferences} conferences ` +
    `(engine create, ${ready.populateMs.conferences} ms).`, '');
  const total = active.reduce((n, s) => n + s.weight, 0);
  L.push('| Scenario | Weight |', '|---|---|');
  for (const s of active) L.push(`| ${s.name} | ${Math.round((1000 * s.weight) / total) / 10} % |`);
  for (const s of skipped) L.push(`| ${s.name} | not served yet, skipped |`);
  L.push('', '| Phase | Target | Achieved req/s | p50 ms | p90 ms | p99 ms | max ms | Errors | Timeouts | Non-2xx | Server CPU | Load-gen CPU | Other CPU | Server RSS peak | Event-loop stall p99 / max | Sockets |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const p of [...phases, ...solo]) {
    L.push(`| ${p.name} | ${p.target} | ${p.rps} | ${p.p50} | ${p.p90} | ${p.p99} | ${p.max} | ${p.errors} | ${p.timeouts} | ${p.non2xx} | ` +
      `${p.server.serverCpuPct} % | ${p.server.loadgenCpuPct} % | ${p.server.otherCpuPct} % | ${p.server.rssPeakMiB} MiB | ` +
      `${p.eventLoopDelay ? `${p.eventLoopDelay.p99} / ${p.eventLoopDelay.max} ms` : '-'} | ${p.sockets} |`);
  }
  const bad = phases.flatMap((p) => [...p.tally].flatMap(([k, by]) => [...by].filter(([st]) => st >= 300).map(([st, n]) => `${p.name}: ${k} → ${st} ×${n}`)));
  if (bad.length) L.push('', 'Non-2xx by scenario:', ...bad.map((b) => `- ${b}`));
  L.push('', 'CPU is a percentage of one core (200 % = both cores); "Other" is every other process on the machine. ' +
    'Fixed-rate phases: requests scheduled evenly (open loop), latency from each request\'s scheduled time, 0.1 ms ' +
    'resolution; "Sockets" is the most the generator needed at once. Max throughput: autocannon, 1 ms resolution. ' +
    'Event-loop stall: how much later than due a 10 ms timer on the server\'s request thread ran (blocked by a long task or GC).');
  return L.join('\n');
}

async function main(): Promise<void> {
  const m = machine();
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const active = SCENARIOS.filter(served), skipped = SCENARIOS.filter((s) => !served(s));
  if (!active.length) throw new Error('no scenario has a registered route');
  console.error(`populating ${a.users} users and ${a.conferences} conferences in ${dataDir} ...`);
  const { child, ready } = await startServer(dataDir);
  child.removeAllListeners('exit');
  const url = `http://127.0.0.1:${ready.port}`;
  try {
    const tok = await fetch(`${url}/oauth2/v1/token`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: ready.clientId, client_secret: ready.clientSecret }),
    }).then((r) => r.json()) as { access_token: string };
    const ctx = { token: tok.access_token, users: ready.users, conferences: ready.conferences };
    if (skipped.length) console.error(`skipping (route not registered): ${skipped.map((s) => s.name).join('; ')}`);

    const phases: PhaseResult[] = [];
    console.error(`warm-up ${WARMUP} s at ${RATE} req/s ...`);
    if (WARMUP > 0) await phase('warm-up', url, child, active, RATE, WARMUP, ctx);
    console.error(`fixed rate ${DURATION} s at ${RATE} req/s ...`);
    if (a['sql-stats']) await ask(child, 'sql-stats'); // drop what the warm-up counted
    if (a['cpu-prof']) await ask(child, 'profile-start');
    phases.push(await phase('mixed, fixed rate', url, child, active, RATE, DURATION, ctx));
    if (a['sql-stats']) console.error('SQL by total time in the fixed-rate phase:', (await ask<{ top: unknown[] }>(child, 'sql-stats')).top);
    console.error(`max throughput ${MAX_DURATION} s ...`);
    phases.push(await phase('mixed, max throughput', url, child, active, 0, MAX_DURATION, ctx));
    if (a['cpu-prof']) {
      const dir = resolve(HERE, '..', 'results', 'profiles');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `rest-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}.cpuprofile`);
      console.error(`profile of the fixed-rate and max-throughput phases: ${(await ask<{ file: string }>(child, 'profile-stop', { file })).file}`);
    }
    const solo: PhaseResult[] = [];
    if (a.each || a.only) {
      for (const s of active.filter((x) => !a.only || x.name.includes(a.only))) {
        console.error(`alone: ${s.name} at ${soloRate(s)} req/s ...`);
        solo.push(await phase(`alone: ${s.name}`, url, child, [s], soloRate(s), 5, ctx));
      }
    }
    const text = report(m, ready, active, skipped, phases, solo);
    console.log(text);
    if (a.out) {
      mkdirSync(dirname(resolve(a.out)), { recursive: true });
      writeFileSync(resolve(a.out), text + '\n');
    }
  } finally {
    child.send({ type: 'stop' });
    await new Promise((res) => child.once('exit', res));
    if (!a.keep) rmSync(dataDir, { recursive: true, force: true });
    else console.error(`data kept in ${dataDir}`);
  }
}

await main();
