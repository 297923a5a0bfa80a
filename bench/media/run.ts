// Media plane benchmark (issue #6). The server runs in a child process (Parley: bench/media/server.ts; the
// baseline, a naive werift forwarder: bench/media/naive.ts); this process is the load generator. Scenarios:
//   fan-out: 1 publisher -> N viewers, on Parley and on the naive forwarder, N stepped up;
//   meeting: N x N, everyone publishes audio + video (Parley: one mixed audio + the speaker's video each).
// Usage: npm run bench:media [-- --fanout 10,25,50 --meeting 4,8,16 --duration 5 --out FILE --cpu-prof]
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { machine, rssMiB, watch } from '../rest/proc.js';
import { LoadPeer, SendClock, VIDEO_BITRATE, VIDEO_FPS, VIDEO_PACKETS_PER_FRAME } from './load.js';
import { ALIAS, type AnswerMessage, type OfferMessage, type ReadyMessage } from './scenario.js';

const { values: opt } = parseArgs({
  options: {
    fanout: { type: 'string', default: '10,25,50,75,100,150' },
    meeting: { type: 'string', default: '4,8,12,16,24' },
    scenarios: { type: 'string', default: 'parley-fanout,naive-fanout,parley-meeting' },
    duration: { type: 'string', default: '5' }, warmup: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '4' }, out: { type: 'string' }, 'cpu-prof': { type: 'boolean' },
  },
});
const DURATION = Number(opt.duration);
const WARMUP = Number(opt.warmup);
const CONCURRENCY = Number(opt.concurrency);
const LOSS_LIMIT = 0.01;
/** A step passes with < 1 % loss by sequence numbers, every receiver getting video, every join and connection fine. */
const passed = (r: Row) => r.lossPct < LOSS_LIMIT * 100 && r.starved === 0 && r.joinFailures === 0 && r.disconnected === 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A server child process and how to join it. */
interface Target {
  name: string;
  child: ChildProcess;
  join(peer: LoadPeer, name: string): Promise<void>;
  /** Participants the server removed so far, by reason (Parley only). */
  removed?(): Promise<Record<string, number>>;
  /** The server's own counters summed over rooms (Parley only). */
  counters?(): Promise<{ mixTicks: number; packetsIn: number; packetsOut: number }>;
  stop(): Promise<void>;
}

async function startChild(script: string, env: Record<string, string>, profile: boolean): Promise<{ child: ChildProcess; port: number }> {
  const execArgv = ['--import', 'tsx'];
  if (profile) {
    const dir = join('bench', 'results', 'profiles');
    mkdirSync(dir, { recursive: true });
    execArgv.push('--cpu-prof', '--cpu-prof-dir', dir);
  }
  const child = fork(new URL(script, import.meta.url).pathname, [], { execArgv, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: ReadyMessage) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`${script} exited (${code})`)));
  });
  return { child, port };
}

const stopChild = async (child: ChildProcess) => {
  const done = new Promise((r) => child.once('exit', r));
  child.send({ type: 'stop' });
  await Promise.race([done, sleep(10_000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
};

async function parley(): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-media-bench-'));
  const { child, port } = await startChild('./server.ts', { BENCH_DATA_DIR: dataDir }, !!opt['cpu-prof']);
  const base = `http://127.0.0.1:${port}/api/client/v2/conferences/${ALIAS}`;
  const post = async (path: string, body: unknown, token?: string) => {
    const r = await fetch(`${base}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { token } : {}) }, body: JSON.stringify(body) });
    const json = await r.json() as any;
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(json)}`);
    return json.result;
  };
  return {
    name: 'Parley', child,
    // Like a Pexip client: request_token, calls with the offer, ICE + DTLS, ack.
    async join(peer, name) {
      peer.startAt = performance.now();
      const tok = await post('request_token', { display_name: name });
      const offer = await peer.offer();
      const call = await post(`participants/${tok.participant_uuid}/calls`, { call_type: 'WEBRTC', sdp: offer }, tok.token);
      await peer.accept(call.sdp);
      await post(`participants/${tok.participant_uuid}/calls/${call.call_uuid}/ack`, {}, tok.token);
    },
    removed: () => new Promise((resolve) => {
      const on = (m: { type: string; left?: Record<string, number> }) => {
        if (m.type === 'left') { child.off('message', on); resolve(m.left ?? {}); }
      };
      child.on('message', on);
      child.send({ type: 'left' });
    }),
    counters: () => new Promise((resolve) => {
      const on = (m: { type: string; rooms?: Array<{ mixTicks: number; packetsIn: number; packetsOut: number }> }) => {
        if (m.type !== 'stats') return;
        child.off('message', on);
        const sum = (k: 'mixTicks' | 'packetsIn' | 'packetsOut') => (m.rooms ?? []).reduce((x, r) => x + r[k], 0);
        resolve({ mixTicks: sum('mixTicks'), packetsIn: sum('packetsIn'), packetsOut: sum('packetsOut') });
      };
      child.on('message', on);
      child.send({ type: 'stats' });
    }),
    async stop() { await stopChild(child); rmSync(dataDir, { recursive: true, force: true }); },
  };
}

async function naive(): Promise<Target> {
  const { child } = await startChild('./naive.ts', {}, false);
  let id = 0;
  const waiting = new Map<number, (sdp: string) => void>();
  child.on('message', (m: AnswerMessage) => { if (m.type === 'answer') waiting.get(m.id)?.(m.sdp); });
  return {
    name: 'naive werift', child,
    async join(peer) {
      peer.startAt = performance.now();
      const offer = await peer.offer();
      const n = ++id;
      const sdp = await new Promise<string>((resolve) => {
        waiting.set(n, resolve);
        child.send({ type: 'offer', id: n, role: peer.publish ? 'publisher' : 'viewer', sdp: offer } satisfies OfferMessage);
      });
      waiting.delete(n);
      if (sdp.startsWith('error:')) throw new Error(sdp);
      await peer.accept(sdp);
    },
    async stop() { await stopChild(child); },
  };
}

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const r1 = (x: number) => Math.round(x * 10) / 10;
/** part / whole in percent, two decimals. */
const share = (part: number, whole: number) => Math.round((10000 * part) / Math.max(1, whole)) / 100;

interface Row {
  target: string; scenario: string; n: number; participants: number;
  rxPps: number; rxVideoPps: number; lossPct: number; countLossPct: number;
  /** Shortfall by count per kind, and receivers that got no video at all during the window. */
  videoShortPct: number; audioShortPct: number; starved: number;
  serverCpu: number; loadgenCpu: number; otherCpu: number; ppsPerCore: number;
  rssMiB: number; rssPerParticipant: number;
  joinRtp: [number, number]; joinVideo: [number, number]; joinFailures: number;
  /** Clients whose connection is no longer 'connected', and participants the server removed (by reason). */
  disconnected: number; removed: string;
  /** Parley's counters: mix ticks per second (50 when on time) and RTP packets it sent per second. */
  server?: { mixTicksPerSec: number; outPps: number };
}

/**
 * Grows one room step by step: at each N, joins the missing clients, waits, and measures for DURATION seconds.
 * Stops after the first step that does not pass (`passed`: loss, a receiver without video, a failed join or connection).
 */
async function scenario(target: Target, kind: 'fanout' | 'meeting', steps: number[]): Promise<Row[]> {
  const clock = new SendClock();
  const viewers: LoadPeer[] = [];
  const publishers: LoadPeer[] = [];
  const pid = target.child.pid!;
  const rss0 = rssMiB(pid);
  const rows: Row[] = [];
  let joinFailures = 0;
  const joinOne = async (publish: boolean, name: string) => {
    const p = new LoadPeer(publish);
    try {
      await target.join(p, name);
      (publish ? publishers : viewers).push(p);
      if (publish) clock.publishers.add(p);
    } catch (err) {
      joinFailures++;
      console.error(`  join ${name} failed: ${(err as Error).message}`);
      p.close();
    }
  };
  try {
    if (kind === 'fanout') await joinOne(true, 'publisher');
    for (const n of steps) {
      const joinedBefore = viewers.length + publishers.length;
      const want = kind === 'fanout' ? n + 1 : n;
      const queue = Array.from({ length: want - joinedBefore }, (_, i) => joinedBefore + i);
      await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
        for (let i = queue.shift(); i !== undefined; i = queue.shift()) await joinOne(kind === 'meeting', `p${i}`);
      }));
      const receivers = kind === 'fanout' ? viewers : publishers;
      const fresh = receivers.slice(Math.max(0, joinedBefore - (kind === 'fanout' ? 1 : 0)));
      await sleep(WARMUP * 1000);
      const before = receivers.map((p) => ({ a: p.audio.count, ae: p.audio.expected, v: p.video.count, ve: p.video.expected }));
      const sent0 = { sentVideo: publishers.reduce((x, p) => x + p.sentVideo, 0), sentAudio: publishers.reduce((x, p) => x + p.sentAudio, 0) };
      const c0 = await target.counters?.();
      const stop = watch(pid);
      const t0 = performance.now();
      await sleep(DURATION * 1000);
      const secs = (performance.now() - t0) / 1000;
      const cpu = stop();
      const c1 = await target.counters?.();
      const server = c0 && c1 ? { mixTicksPerSec: r1((c1.mixTicks - c0.mixTicks) / secs), outPps: Math.round((c1.packetsOut - c0.packetsOut) / secs) } : undefined;
      let rx = 0; let rxVideo = 0; let expectedBySeq = 0;
      receivers.forEach((p, i) => {
        rx += p.audio.count - before[i].a + p.video.count - before[i].v;
        rxVideo += p.video.count - before[i].v;
        expectedBySeq += p.audio.expected - before[i].ae + p.video.expected - before[i].ve;
      });
      // Expected by count: each receiver gets one video stream at a publisher's rate and one audio stream at 50/s.
      // A shortfall without sequence gaps is media the server never sent (keyframe wait, a late mix tick).
      const perPublisher = (k: 'sentVideo' | 'sentAudio') => (publishers.reduce((x, p) => x + p[k], 0) - sent0[k]) / publishers.length;
      const expVideo = perPublisher('sentVideo') * receivers.length;
      const expAudio = perPublisher('sentAudio') * receivers.length;
      const starved = receivers.filter((p, i) => p.video.count === before[i].v).length;
      const joins = fresh.filter((p) => p.firstRtpAt);
      const rss = rssMiB(pid);
      const participants = viewers.length + publishers.length;
      const row: Row = {
        target: target.name, scenario: kind, n, participants,
        rxPps: Math.round(rx / secs), rxVideoPps: Math.round(rxVideo / secs),
        lossPct: share(Math.max(0, expectedBySeq - rx), expectedBySeq),
        countLossPct: share(Math.max(0, expVideo + expAudio - rx), expVideo + expAudio),
        videoShortPct: share(Math.max(0, expVideo - rxVideo), expVideo),
        audioShortPct: share(Math.max(0, expAudio - (rx - rxVideo)), expAudio),
        starved,
        serverCpu: cpu.serverCpuPct, loadgenCpu: cpu.loadgenCpuPct, otherCpu: cpu.otherCpuPct,
        ppsPerCore: Math.round(rx / secs / Math.max(0.01, cpu.serverCpuPct / 100)),
        rssMiB: rss, rssPerParticipant: r1((rss - rss0) / participants),
        joinRtp: [r1(pct(joins.map((p) => p.firstRtpAt - p.startAt), 50)), r1(pct(joins.map((p) => p.firstRtpAt - p.startAt), 99))],
        joinVideo: [r1(pct(fresh.filter((p) => p.firstVideoAt).map((p) => p.firstVideoAt - p.startAt), 50)), r1(pct(fresh.filter((p) => p.firstVideoAt).map((p) => p.firstVideoAt - p.startAt), 99))],
        joinFailures,
        server,
        disconnected: [...viewers, ...publishers].filter((p) => p.pc.connectionState !== 'connected').length,
        removed: Object.entries((await target.removed?.()) ?? {}).map(([k, v]) => `${v} ${k}`).join(', '),
      };
      rows.push(row);
      console.log(`  ${target.name} ${kind} N=${n}: PLIs to publishers ${publishers.reduce((s, p) => s + p.plis, 0)}, ${row.rxPps} pps received (video ${row.rxVideoPps}), loss ${row.lossPct} % (by count ${row.countLossPct} %: video ${row.videoShortPct} %, audio ${row.audioShortPct} %, ${row.starved} without video), server CPU ${row.serverCpu} %, load-gen ${row.loadgenCpu} %, other ${row.otherCpu} %, ${row.ppsPerCore} pps/core, RSS ${rss} MiB, join p50/p99 ${row.joinRtp.join('/')} ms (video ${row.joinVideo.join('/')} ms), disconnected ${row.disconnected}, removed by the server: ${row.removed || 'none'}${server ? `; server sent ${server.outPps} pps, ${server.mixTicksPerSec} mix ticks/s` : ''}`);
      if (!passed(row)) break;
    }
  } finally {
    clock.stop();
    for (const p of [...viewers, ...publishers]) p.close();
    await sleep(500);
  }
  return rows;
}

const m = machine();
const started = new Date().toISOString();
console.log(`machine: ${JSON.stringify(m)}; ${started}`);
const all: Row[] = [];
for (const s of opt.scenarios.split(',')) {
  const [who, kind] = s.split('-') as ['parley' | 'naive', 'fanout' | 'meeting'];
  const steps = (kind === 'fanout' ? opt.fanout : opt.meeting).split(',').map(Number);
  const target = who === 'parley' ? await parley() : await naive();
  console.log(`${target.name}, ${kind}:`);
  try { all.push(...await scenario(target, kind, steps)); } finally { await target.stop(); }
}

const best = (target: string, kind: string) => all.filter((r) => r.target === target && r.scenario === kind && passed(r));
const maxPerCore = (target: string) => Math.max(0, ...best(target, 'fanout').map((r) => r.ppsPerCore));
const lines = [
  `Machine: nproc ${m.nproc}, ${m.cpuModel}, ${m.memory}, ${m.kernel}, Node ${m.node}. Started ${started}.`,
  `Publishers: video ${VIDEO_FPS} fps at ${VIDEO_BITRATE / 1e6} Mbit/s (${VIDEO_PACKETS_PER_FRAME} packets per frame, ${VIDEO_FPS * VIDEO_PACKETS_PER_FRAME} packets/s), Opus 50 packets/s. Measured ${DURATION} s per step after ${WARMUP} s.`,
  '',
  '| Server | Scenario | N | Clients | Received pps | of which video | Loss (seq gaps) | Shortfall by count: all / video / audio (no video) | Server CPU | pps per server core | Load-gen CPU | Other CPU | Parley sent pps / mix ticks per s | Server RSS | RSS per client | Join → first RTP p50 / p99 | Join → first video p50 / p99 |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...all.map((r) => `| ${r.target} | ${r.scenario === 'fanout' ? '1 → N' : 'N × N'} | ${r.n} | ${r.participants} | ${r.rxPps} | ${r.rxVideoPps} | ${r.lossPct} % | ${r.countLossPct} / ${r.videoShortPct} / ${r.audioShortPct} % (${r.starved}) | ${r.serverCpu} % | ${r.ppsPerCore} | ${r.loadgenCpu} % | ${r.otherCpu} % | ${r.server ? `${r.server.outPps} / ${r.server.mixTicksPerSec}` : '–'} | ${r.rssMiB} MiB | ${r.rssPerParticipant} MiB | ${r.joinRtp.join(' / ')} ms | ${r.joinVideo.join(' / ')} ms |`),
  '',
  `Best forwarding rate under 1 % loss (1 → N): Parley ${maxPerCore('Parley')} pps per core, naive werift ${maxPerCore('naive werift')} pps per core` +
    (maxPerCore('naive werift') ? ` (${r1(maxPerCore('Parley') / maxPerCore('naive werift'))}×).` : '.'),
  `Largest N under 1 % loss: 1 → N ${Math.max(0, ...best('Parley', 'fanout').map((r) => r.n))} (naive ${Math.max(0, ...best('naive werift', 'fanout').map((r) => r.n))}), N × N ${Math.max(0, ...best('Parley', 'meeting').map((r) => r.n))}.`,
];
console.log(`\n${lines.join('\n')}`);
if (opt.out) writeFileSync(opt.out, `${lines.join('\n')}\n`);
