// Pexip Client API fan-out benchmark (issue #4): N participants join one conference through request_token and each
// holds an event stream; then a host acts (muteguests/unmuteguests, lock/unlock) and we time until every stream has
// the resulting events. The server runs in a child process (bench/pexip/server.ts) so its CPU and memory are its own;
// the load generator shares the machine. Usage: npm run bench:pexip [-- --participants 500 --reps 20 --threads 2 --out FILE --cpu-prof]
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { parseArgs } from 'node:util';
import type { Worker } from 'node:worker_threads';
import { machine, rssMiB, watch } from '../rest/proc.js';
import { ALIAS, GUEST_PIN, HOST_PIN, type ReadyMessage } from './scenario.js';
import type { FromStreams, ToStreams } from './streams.js';
import { startWorker } from '../../src/media/worker-thread.js';

const { values: opt } = parseArgs({
  options: {
    participants: { type: 'string', default: '500' }, reps: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '16' }, threads: { type: 'string', default: '2' }, out: { type: 'string' }, keep: { type: 'boolean' },
    'cpu-prof': { type: 'boolean' },
  },
});
const N = Number(opt.participants);
const REPS = Number(opt.reps);
const CONCURRENCY = Number(opt.concurrency);
const THREADS = Number(opt.threads);

// Requests share a small keep-alive pool; the event streams live on the stream threads.
const requestAgent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY + 4 });
let port = 0;

function post(path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({
      host: '127.0.0.1', port, method: 'POST', path: `/api/client/v2/conferences/${ALIAS}/${path}`, agent: requestAgent,
      headers: { ...headers, ...(data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** The load generator's stream threads (./streams.ts); each holds every `threads`-th stream. */
class StreamThreads {
  private readonly workers: Worker[];
  private readonly synced = new Map<number, () => void>();

  constructor(count: number) {
    this.workers = Array.from({ length: count }, () => {
      const w = startWorker(import.meta.url, 'streams', { port });
      w.on('message', (m: FromStreams) => {
        if (m.type === 'synced') { this.synced.get(m.i)?.(); this.synced.delete(m.i); }
        if (m.type === 'error') throw new Error(`stream thread: ${m.message}`);
      });
      return w;
    });
  }

  /** Opens participant i's event stream on its thread; resolves when participant_sync_end has arrived. */
  open(i: number, token: string): Promise<void> {
    return new Promise((resolve) => {
      this.synced.set(i, resolve);
      this.workers[i % this.workers.length].postMessage({ type: 'open', i, token } satisfies ToStreams);
    });
  }

  /**
   * Every thread watches for `match`; resolves once all are armed, with a promise of every stream's arrival time
   * (wrapped: an async function returning a bare promise would wait for it).
   */
  async arm(match: string): Promise<{ arrived: Promise<{ at: number[]; updates: number[] }> }> {
    const armed: Promise<void>[] = [];
    const done = this.workers.map((w) => new Promise<{ at: number[]; updates: number[] }>((resolve) => {
      armed.push(new Promise<void>((ok) => {
        const on = (m: FromStreams) => {
          if (m.type === 'armed') ok();
          if (m.type === 'done') { w.off('message', on); resolve(m); }
        };
        w.on('message', on);
      }));
      w.postMessage({ type: 'arm', match } satisfies ToStreams);
    }));
    await Promise.all(armed);
    return { arrived: Promise.all(done).then((parts) => ({ at: parts.flatMap((p) => p.at), updates: parts.flatMap((p) => p.updates) })) };
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => new Promise((r) => { w.once('exit', r); w.postMessage({ type: 'stop' } satisfies ToStreams); })));
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const ms = (x: number) => Math.round(x * 10) / 10;

async function startServer(dataDir: string): Promise<ChildProcess> {
  const child = fork(join(import.meta.dirname, 'server.ts'), [], {
    env: { ...process.env, BENCH_DATA_DIR: dataDir },
    // --cpu-prof: a V8 profile of the server (read it with bench/rest/profile.ts).
    execArgv: ['--import', 'tsx', ...(opt['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', join(import.meta.dirname, '..', 'results', 'profiles')] : [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<ReadyMessage>((resolve, reject) => {
    child.once('message', (m) => resolve(m as ReadyMessage));
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  port = ready.port;
  return child;
}

function heapOf(child: ChildProcess): Promise<{ heapUsed: number; rss: number }> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as { heapUsed: number; rss: number }));
    child.send({ type: 'mem' });
  });
}

/** A host action timed until every stream has the conference_update that shows its new state. */
async function fanOut(threads: StreamThreads, hostToken: string, action: string, match: string) {
  const { arrived } = await threads.arm(match);
  const t0 = performance.timeOrigin + performance.now();
  const r = await post(action, { token: hostToken });
  const answered = performance.timeOrigin + performance.now() - t0;
  if (r.status !== 200 || r.body?.result !== true) throw new Error(`${action}: ${r.status} ${JSON.stringify(r.body)}`);
  const timeout = new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`${action}: streams did not all get the event in 30 s`)), 30_000).unref());
  const { at, updates } = await Promise.race([arrived, timeout]);
  const lat = at.map((x) => x - t0);
  return { answered, lat, all: Math.max(...lat), updatesMin: Math.min(...updates), updatesMax: Math.max(...updates) };
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-pexip-'));
  const child = await startServer(dataDir);
  const pid = child.pid!;
  const rows: string[] = [];
  try {
    const rssIdle = rssMiB(pid);
    const heapIdle = (await heapOf(child)).heapUsed;

    // Join: request_token (the host with the host PIN first, then guests) and an open, synced event stream each.
    const stopJoin = watch(pid);
    const joinLat: number[] = [];
    const tokenLat: number[] = [];
    const streamLat: number[] = [];
    const threads = new StreamThreads(THREADS);
    let hostToken = '';
    const tJoin = performance.now();
    const joinOne = async (i: number) => {
      const t = performance.now();
      const r = await post('request_token', { pin: i === 0 ? HOST_PIN : GUEST_PIN }, { display_name: `Bench ${i}` });
      if (r.status !== 200) throw new Error(`request_token ${i}: ${r.status} ${JSON.stringify(r.body)}`);
      const token: string = r.body.result.token;
      if (i === 0) hostToken = token;
      const tStream = performance.now();
      tokenLat.push(tStream - t);
      await threads.open(i, token);
      streamLat.push(performance.now() - tStream);
      joinLat.push(performance.now() - t);
    };
    await joinOne(0);
    let next = 1;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < N) await joinOne(next++);
    }));
    const joinSecs = (performance.now() - tJoin) / 1000;
    const joinRes = stopJoin();
    const heapJoined = (await heapOf(child)).heapUsed;
    console.log(`joined ${N} in ${joinSecs.toFixed(2)} s (${(N / joinSecs).toFixed(0)}/s), server RSS ${joinRes.rssEndMiB} MiB; ` +
      `request_token p50 ${ms(pct(tokenLat, 50))} ms, stream synced p50 ${ms(pct(streamLat, 50))} ms`);

    const results: Array<{ name: string; events: string; r: Awaited<ReturnType<typeof fanOut>>[]; res: ReturnType<ReturnType<typeof watch>> }> = [];
    for (const [name, events, actions] of [
      ['muteguests / unmuteguests', `${N - 1} participant_update + 1 conference_update per stream`,
        [['muteguests', '"guests_muted":true'], ['unmuteguests', '"guests_muted":false']]],
      ['lock / unlock', '1 conference_update per stream', [['lock', '"locked":true'], ['unlock', '"locked":false']]],
    ] as const) {
      const stop = watch(pid);
      const r = [];
      for (let i = 0; i < REPS; i++) {
        const [action, match] = actions[i % 2];
        r.push(await fanOut(threads, hostToken, action, match));
        await new Promise((res) => setTimeout(res, 100));
      }
      results.push({ name, events, r, res: stop() });
      const all = r.flatMap((x) => x.lat);
      console.log(`${name}: per-stream p50 ${ms(pct(all, 50))} ms p99 ${ms(pct(all, 99))} ms; all streams p50 ${ms(pct(r.map((x) => x.all), 50))} max ${ms(Math.max(...r.map((x) => x.all)))} ms`);
    }
    const heapEnd = (await heapOf(child)).heapUsed;
    const mib = (b: number) => Math.round(b / 2 ** 20);
    const m = machine();

    rows.push(`## Pexip Client API fan-out — ${new Date().toISOString().slice(0, 10)}`, '',
      `Machine: \`nproc\` ${m.nproc}, ${m.cpuModel}, ${m.memory.split(' ')[1] ?? m.memory} RAM, ${m.kernel}, Node ${m.node}. ` +
      `The load generator (this process: ${N} HTTP/1.1 keep-alive event streams over ${THREADS} threads, reading the event name of every frame) shares the machine.`,
      `Command: \`npm run bench:pexip -- --participants ${N} --reps ${REPS} --concurrency ${CONCURRENCY} --threads ${THREADS}\`. ` +
      `One conference (alias \`${ALIAS}\`, host and guest PINs); participant 0 joins as host, the others as guests.`, '',
      '**Join** (request_token, then GET events until participant_sync_end; each join also sends participant_create to every stream already open)', '',
      '| Participants | Wall time | Join rate | join p50 | join p99 | request_token p50 / p99 | stream synced p50 / p99 | Server CPU | Load-gen CPU | Other CPU | Server RSS idle → joined | Server heap idle → joined |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
      `| ${N} | ${joinSecs.toFixed(2)} s | ${(N / joinSecs).toFixed(0)} /s | ${ms(pct(joinLat, 50))} ms | ${ms(pct(joinLat, 99))} ms | ${ms(pct(tokenLat, 50))} / ${ms(pct(tokenLat, 99))} ms | ${ms(pct(streamLat, 50))} / ${ms(pct(streamLat, 99))} ms | ${joinRes.serverCpuPct} % | ${joinRes.loadgenCpuPct} % | ${joinRes.otherCpuPct} % | ${rssIdle} → ${joinRes.rssEndMiB} MiB | ${mib(heapIdle)} → ${mib(heapJoined)} MiB |`, '',
      `**Fan-out** (${REPS} actions each, alternating; time from sending the host's POST until a stream has the conference_update showing the new state)`, '',
      '| Action | Events per action | POST answered p50 | Per-stream p50 | Per-stream p99 | All streams p50 | All streams max | participant_update per stream | Server CPU | Load-gen CPU | Other CPU | Server RSS peak |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
      ...results.map(({ name, events, r, res }) => {
        const all = r.flatMap((x) => x.lat);
        const upd = `${Math.min(...r.map((x) => x.updatesMin))}–${Math.max(...r.map((x) => x.updatesMax))}`;
        return `| ${name} | ${events} | ${ms(pct(r.map((x) => x.answered), 50))} ms | ${ms(pct(all, 50))} ms | ${ms(pct(all, 99))} ms | ` +
          `${ms(pct(r.map((x) => x.all), 50))} ms | ${ms(Math.max(...r.map((x) => x.all)))} ms | ${upd} | ${res.serverCpuPct} % | ${res.loadgenCpuPct} % | ${res.otherCpuPct} % | ${res.rssPeakMiB} MiB |`;
      }), '',
      `Server heap after the fan-out runs: ${mib(heapEnd)} MiB. CPU is a percentage of one core.`, '');
    const report = rows.join('\n');
    console.log(`\n${report}`);
    if (opt.out) writeFileSync(opt.out, report);
    await threads.stop();
  } finally {
    child.send({ type: 'stop' });
    await new Promise((r) => child.once('exit', r));
    requestAgent.destroy();
    if (!opt.keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
