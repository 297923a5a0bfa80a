// Pexip Client API fan-out benchmark (issue #4): N participants join one conference through request_token and each
// holds an event stream; then a host acts (muteguests/unmuteguests, lock/unlock) and we time until every stream has
// the resulting events. The server runs in a child process (bench/pexip/server.ts) so its CPU and memory are its own;
// the load generator shares the machine. Usage: npm run bench:pexip [-- --participants 500 --reps 20 --out FILE --cpu-prof]
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { machine, rssMiB, watch } from '../rest/proc.js';
import { ALIAS, GUEST_PIN, HOST_PIN, type ReadyMessage } from './scenario.js';

const { values: opt } = parseArgs({
  options: {
    participants: { type: 'string', default: '500' }, reps: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '16' }, out: { type: 'string' }, keep: { type: 'boolean' },
    'cpu-prof': { type: 'boolean' },
  },
});
const N = Number(opt.participants);
const REPS = Number(opt.reps);
const CONCURRENCY = Number(opt.concurrency);

// Streams hold one socket each for the whole run; requests share a small keep-alive pool.
const streamAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
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

const SEP = Buffer.from('\n\n');
const UPDATE = Buffer.from('\nevent: participant_update\n');
const CONF = Buffer.from('\nevent: conference_update\n');
const SYNC_END = Buffer.from('\nevent: participant_sync_end\n');
/** Enough of the previous chunk to find a name that straddles two chunks. */
const CARRY = Math.max(UPDATE.length, CONF.length, SYNC_END.length) - 1;

/**
 * One participant's event stream. It looks for event names as bytes (one search per participant_update frame) and
 * decodes only a conference_update frame, to check the state it shows: the load generator shares the server's two
 * cores, and decoding and regex-matching every frame of a muteguests action (225 MB with 500 streams), as it did
 * before, cost it a whole core, so it measured itself as much as the server.
 */
class Stream {
  /** The last bytes of the previous chunk (names that straddle chunks). */
  private carry: Buffer = Buffer.alloc(0);
  /** A conference_update frame whose end has not arrived yet. */
  private conf?: Buffer;
  private onSynced?: () => void;
  /** Per action: when the awaited conference_update arrived, and how many participant_update frames came before. */
  waitFor?: { match: string; t0: number; updates: number; done?: number; resolve: () => void };

  constructor(readonly token: string) {}

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.onSynced = resolve;
      const req = http.get({
        host: '127.0.0.1', port, path: `/api/client/v2/conferences/${ALIAS}/events?token=${encodeURIComponent(this.token)}`, agent: streamAgent,
      }, (res) => {
        if (res.statusCode !== 200) { reject(new Error(`events: ${res.statusCode}`)); return; }
        res.on('data', (chunk: Buffer) => this.data(chunk, performance.now()));
      });
      req.on('error', reject);
    });
  }

  private data(chunk: Buffer, now: number): void {
    const carried = this.carry.length;
    const buf = carried ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = Buffer.from(buf.subarray(Math.max(0, buf.length - CARRY)));
    // A match must end past the carried bytes: one wholly inside them was seen with the previous chunk.
    const from = (pat: Buffer) => Math.max(0, carried - pat.length + 1);
    if (this.onSynced && buf.indexOf(SYNC_END, from(SYNC_END)) >= 0) { this.onSynced(); this.onSynced = undefined; }
    const w = this.waitFor;
    if (!w || w.done !== undefined) { this.conf = undefined; return; }
    if (this.conf) return this.confPart(buf.subarray(carried), w, now);
    let conf = buf.indexOf(CONF, from(CONF));
    // Only the conference_update of this action ends the count; an earlier one (another state) does not.
    let pos = from(UPDATE);
    for (;;) {
      const end = conf < 0 ? buf.length : conf;
      for (let i; (i = buf.indexOf(UPDATE, pos)) >= 0 && i < end; pos = i + UPDATE.length) w.updates++;
      if (conf < 0) return;
      const stop = buf.indexOf(SEP, conf + 1);
      if (stop < 0) { this.conf = Buffer.from(buf.subarray(conf)); return; }
      if (this.confDone(buf.toString('utf8', conf, stop), w, now)) return;
      pos = stop;
      conf = buf.indexOf(CONF, stop);
    }
  }

  /** More of a conference_update frame that straddles chunks. */
  private confPart(more: Buffer, w: NonNullable<Stream['waitFor']>, now: number): void {
    const joined = Buffer.concat([this.conf!, more]);
    const stop = joined.indexOf(SEP, 1);
    if (stop < 0) { this.conf = joined; return; }
    this.conf = undefined;
    if (this.confDone(joined.toString('utf8', 0, stop), w, now)) return;
    // Not the awaited state: go on with what followed the frame, as a fresh chunk.
    this.carry = Buffer.alloc(0);
    this.data(joined.subarray(stop), now);
  }

  private confDone(frame: string, w: NonNullable<Stream['waitFor']>, now: number): boolean {
    if (!frame.includes(w.match)) return false;
    w.done = now - w.t0;
    w.resolve();
    return true;
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
async function fanOut(streams: Stream[], hostToken: string, action: string, match: string) {
  const waits = streams.map((s) => new Promise<void>((resolve) => {
    s.waitFor = { match, t0: 0, updates: 0, resolve };
  }));
  const t0 = performance.now();
  for (const s of streams) s.waitFor!.t0 = t0;
  const r = await post(action, { token: hostToken });
  const answered = performance.now() - t0;
  if (r.status !== 200 || r.body?.result !== true) throw new Error(`${action}: ${r.status} ${JSON.stringify(r.body)}`);
  const timeout = new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`${action}: streams did not all get the event in 30 s`)), 30_000).unref());
  await Promise.race([Promise.all(waits), timeout]);
  const lat = streams.map((s) => s.waitFor!.done!);
  const updates = streams.map((s) => s.waitFor!.updates);
  for (const s of streams) s.waitFor = undefined;
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
    const streams: Stream[] = new Array(N);
    let hostToken = '';
    const tJoin = performance.now();
    const joinOne = async (i: number) => {
      const t = performance.now();
      const r = await post('request_token', { pin: i === 0 ? HOST_PIN : GUEST_PIN }, { display_name: `Bench ${i}` });
      if (r.status !== 200) throw new Error(`request_token ${i}: ${r.status} ${JSON.stringify(r.body)}`);
      const s = new Stream(r.body.result.token);
      if (i === 0) hostToken = s.token;
      const tStream = performance.now();
      tokenLat.push(tStream - t);
      await s.open();
      streams[i] = s;
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
        r.push(await fanOut(streams, hostToken, action, match));
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
      'The load generator (this process: 500 HTTP/1.1 keep-alive event streams, reading the event name of every frame) shares the machine.',
      `Command: \`npm run bench:pexip -- --participants ${N} --reps ${REPS} --concurrency ${CONCURRENCY}\`. ` +
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
  } finally {
    child.send({ type: 'stop' });
    await new Promise((r) => child.once('exit', r));
    streamAgent.destroy();
    requestAgent.destroy();
    if (!opt.keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
