// Chatbot API message-delivery benchmark (issue #5). A Parley server runs in a child process (bench/chat/server.ts)
// with 100 bot users; this process is the load generator: 100 bots sign in over the real WebSocket (token from the
// OAuth endpoint, then `auth`), set up 50 P2P chats and one group chat of all of them, then send messages at fixed
// offered rates, step by step, acking every notification as real clients do.
//
// Counting: one "delivery" is one `sendMessage` notification received by one bot. A P2P message is one delivery;
// a group message is one delivery per recipient (99: the sender's connection does not get its own message back).
// The send time (this process's clock) is in the text, so latency = receipt - send, end to end through the server.
//
// Usage: npm run bench:chat [-- --steps 1000,2500,5000,7500 --duration 10 --group-share 0.5 --out FILE --cpu-prof --sql-stats]
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { machine, rssMiB, watch } from '../rest/proc.js';
import { BOT_PASSWORD, botLogin, type ReadyMessage } from './scenario.js';

const { values: opt } = parseArgs({
  options: {
    bots: { type: 'string', default: '100' },
    steps: { type: 'string', default: '1000,2500,5000,7500' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    'group-share': { type: 'string', default: '0.5' },
    out: { type: 'string' }, keep: { type: 'boolean' }, 'cpu-prof': { type: 'boolean' }, 'sql-stats': { type: 'boolean' },
  },
});
const BOTS = Number(opt.bots);
const STEPS = opt.steps!.split(',').map(Number);
const DURATION = Number(opt.duration);
const WARMUP = Number(opt.warmup);
/** Fraction of the target deliveries that come from the group chat (the rest from the P2P chats). */
const GROUP_SHARE = Number(opt['group-share']);
const SERVER = 'parley.bench';
let base = '';

// --- what was sent and what arrived, by message sequence number (ours, in the text) ---
const expected: number[] = [];
const got: number[] = [];
const stepOfSeq: number[] = [];
let nextSeq = 0;
let sendErrors = 0;
const sendErrorSamples: string[] = [];
let unknownDeliveries = 0;

interface StepStats { lat: number[]; latP2p: number[]; latGroup: number[]; inWindow: number; lastAt: number; windowEnd: number; expected: number; got: number }
const steps: StepStats[] = [];
let current: StepStats | undefined;

/** A bot: one WebSocket, requests matched by id, every notification acked at once. */
class Bot {
  private nextId = 1;
  private readonly pending = new Map<number, (payload: any) => void>();

  constructor(readonly login: string, private readonly ws: WebSocket) {
    ws.on('message', (data) => this.onFrame(data.toString()));
  }

  static async signIn(i: number): Promise<Bot> {
    const login = botLogin(i);
    const r = await fetch(`${base}/bridge/api/client/v1/oauth/token`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'chat_bot', grant_type: 'password', username: login, password: BOT_PASSWORD }),
    });
    if (r.status !== 201) throw new Error(`token ${login}: ${r.status} ${await r.text()}`);
    const { access_token: token } = await r.json() as { access_token: string };
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/websocket/chat_bot/`, ['json.v1']);
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    const bot = new Bot(login, ws);
    await bot.call('auth', { token, tokenType: 'JWT', receiveUnread: false, receiveSystemMessageEnvelopes: false });
    return bot;
  }

  private onFrame(text: string): void {
    const now = performance.now();
    const f = JSON.parse(text);
    if (f.type === 2) {
      const cb = this.pending.get(f.id);
      if (cb) { this.pending.delete(f.id); cb(f.payload); }
      return;
    }
    // A notification: ack it first, as the TrueConf libraries do.
    this.ws.send(`{"type":2,"id":${f.id}}`);
    if (f.method === 'sendMessage') delivered(f.payload?.content?.text, now);
  }

  call(method: string, payload: unknown): Promise<any> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (p) => (p && p.errorCode ? reject(new Error(`${method}: ${JSON.stringify(p)}`)) : resolve(p)));
      this.ws.send(JSON.stringify({ type: 1, id, method, payload }));
    });
  }

  /** Fire and forget: the response is only checked for an error. */
  send(chatId: string, text: string): void {
    const id = this.nextId++;
    this.pending.set(id, (p) => {
      if (p?.errorCode) { sendErrors++; if (sendErrorSamples.length < 5) sendErrorSamples.push(JSON.stringify(p)); }
    });
    this.ws.send(JSON.stringify({ type: 1, id, method: 'sendMessage', payload: { chatId, content: { text, parseMode: 'text' } } }));
  }

  close(): void { this.ws.close(); }
}

/** Text is `p|seq|sendTime` or `g|seq|sendTime`. */
function delivered(text: unknown, now: number): void {
  if (typeof text !== 'string') return;
  const [kind, seqS, tS] = text.split('|');
  const seq = Number(seqS);
  if (!(seq >= 0 && seq < nextSeq)) { unknownDeliveries++; return; }
  got[seq]++;
  const st = steps[stepOfSeq[seq]];
  if (!st) return;
  const lat = now - Number(tS);
  st.lat.push(lat);
  (kind === 'g' ? st.latGroup : st.latP2p).push(lat);
  st.got++;
  if (st === current) st.inWindow++;
  st.lastAt = now;
}

const pct = (xs: number[], p: number) => {
  const s = Float64Array.from(xs).sort();
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const ms = (x: number) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : '–');
const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));

/**
 * Sends at a fixed rate for `seconds`: every millisecond tick sends what is due since the start (no catch-up
 * bursts beyond what fell due). P2P messages go round-robin over the bots, each into its pair's chat; group
 * messages round-robin over all bots into the group chat.
 */
async function drive(bots: Bot[], p2pChat: string[], groupChat: string, rate: number, seconds: number, stepIdx: number) {
  const groupRate = (rate * GROUP_SHARE) / (bots.length - 1);
  const p2pRate = rate * (1 - GROUP_SHARE);
  let pSent = 0, gSent = 0, pNext = 0, gNext = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  for (;;) {
    const now = performance.now();
    const t = (Math.min(now, end) - t0) / 1000;
    for (; pSent < Math.floor(t * p2pRate); pSent++) {
      const i = pNext++ % bots.length;
      const seq = nextSeq++;
      expected[seq] = 1; got[seq] = 0; stepOfSeq[seq] = stepIdx;
      bots[i].send(p2pChat[i], `p|${seq}|${performance.now()}`);
    }
    for (; gSent < Math.floor(t * groupRate); gSent++) {
      const i = gNext++ % bots.length;
      const seq = nextSeq++;
      expected[seq] = bots.length - 1; got[seq] = 0; stepOfSeq[seq] = stepIdx;
      bots[i].send(groupChat, `g|${seq}|${performance.now()}`);
    }
    if (now >= end) break;
    await new Promise((r) => setImmediate(r));
    await sleep(1);
  }
  return { p2pSent: pSent, groupSent: gSent };
}

function stats(child: ChildProcess): Promise<{ heapUsed: number; rss: number; eldP99Ms: number; eldMaxMs: number }> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as never));
    child.send({ type: 'stats' });
  });
}

async function startServer(dataDir: string): Promise<ChildProcess> {
  const child = fork(join(import.meta.dirname, 'server.ts'), [], {
    env: { ...process.env, BENCH_DATA_DIR: dataDir, BENCH_BOTS: String(BOTS), ...(opt['sql-stats'] ? { BENCH_SQL_STATS: '1' } : {}) },
    execArgv: ['--import', 'tsx', ...(opt['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', join(import.meta.dirname, '..', 'results', 'profiles')] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<ReadyMessage>((resolve, reject) => {
    child.once('message', (m) => resolve(m as ReadyMessage));
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  base = `http://127.0.0.1:${ready.port}`;
  return child;
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-chat-'));
  const child = await startServer(dataDir);
  const pid = child.pid!;
  const bots: Bot[] = [];
  try {
    // Sign in: token (scrypt check on the server) and WebSocket `auth`, a few at a time.
    const tSign = performance.now();
    const signed: Bot[] = new Array(BOTS);
    let next = 0;
    await Promise.all(Array.from({ length: 4 }, async () => { while (next < BOTS) { const i = next++; signed[i] = await Bot.signIn(i); } }));
    bots.push(...signed);
    const signSecs = (performance.now() - tSign) / 1000;

    // 50 P2P chats (bot 2k with bot 2k+1) and one group chat of every bot, created and filled over the API.
    const p2pChat: string[] = new Array(BOTS);
    for (let k = 0; k + 1 < BOTS; k += 2) {
      const { chatId } = await bots[k].call('createP2PChat', { userId: `${botLogin(k + 1)}@${SERVER}` });
      p2pChat[k] = p2pChat[k + 1] = chatId;
    }
    if (BOTS % 2) p2pChat[BOTS - 1] = p2pChat[0];
    const { chatId: groupChat } = await bots[0].call('createGroupChat', { title: 'Bench group' });
    for (let i = 1; i < BOTS; i++) await bots[0].call('addChatParticipant', { chatId: groupChat, userId: `${botLogin(i)}@${SERVER}`, displayHistory: false });
    await sleep(1000);
    const rssSetUp = rssMiB(pid);
    console.log(`${BOTS} bots signed in in ${signSecs.toFixed(1)} s; ${Math.floor(BOTS / 2)} P2P chats and a group of ${BOTS}; server RSS ${rssSetUp} MiB`);

    if (WARMUP > 0) {
      steps.push({ lat: [], latP2p: [], latGroup: [], inWindow: 0, lastAt: 0, windowEnd: 0, expected: 0, got: 0 });
      await drive(bots, p2pChat, groupChat, 500, WARMUP, steps.length - 1);
      await sleep(1000);
    }
    const rows: string[] = [];
    const results: Array<Record<string, string | number>> = [];
    for (const rate of STEPS) {
      const st: StepStats = { lat: [], latP2p: [], latGroup: [], inWindow: 0, lastAt: 0, windowEnd: 0, expected: 0, got: 0 };
      steps.push(st);
      const idx = steps.length - 1;
      const first = nextSeq;
      await stats(child); // resets the server's event-loop delay histogram
      const stop = watch(pid);
      current = st;
      const tStart = performance.now();
      const sent = await drive(bots, p2pChat, groupChat, rate, DURATION, idx);
      const tEnd = performance.now();
      current = undefined;
      for (let s = first; s < nextSeq; s++) st.expected += expected[s];
      // Drain: wait (up to 15 s) for every expected delivery of this step.
      const drainLimit = tEnd + 15_000;
      while (st.got < st.expected && performance.now() < drainLimit) await sleep(20);
      const res = stop();
      const srv = await stats(child);
      const windowSecs = (tEnd - tStart) / 1000;
      let lost = 0, dup = 0;
      for (let s = first; s < nextSeq; s++) { if (got[s] < expected[s]) lost += expected[s] - got[s]; else dup += got[s] - expected[s]; }
      const r = {
        target: rate, offered: Math.round((sent.p2pSent + sent.groupSent) / windowSecs),
        p2pSent: sent.p2pSent, groupSent: sent.groupSent, expected: st.expected,
        deliveredPerSec: Math.round(st.inWindow / windowSecs),
        drainMs: Math.max(0, Math.round((st.lastAt || tEnd) - tEnd)),
        lost, dup,
        p50: ms(pct(st.lat, 50)), p99: ms(pct(st.lat, 99)), max: ms(Math.max(...st.lat)),
        p2pP99: ms(pct(st.latP2p, 99)), groupP99: ms(pct(st.latGroup, 99)),
        serverCpu: res.serverCpuPct, loadgenCpu: res.loadgenCpuPct, otherCpu: res.otherCpuPct, rssPeak: res.rssPeakMiB,
        eld: `${ms(srv.eldP99Ms)} / ${ms(srv.eldMaxMs)}`,
      };
      results.push(r);
      console.log(JSON.stringify(r));
      await sleep(1000);
    }
    const m = machine();
    rows.push(`## Chatbot API message delivery — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`, '',
      `Machine: \`nproc\` ${m.nproc}, ${m.cpuModel}, ${m.memory.split(' ')[1] ?? m.memory} RAM, ${m.kernel}, Node ${m.node}. ` +
      `Command: \`npm run bench:chat -- --bots ${BOTS} --steps ${STEPS.join(',')} --duration ${DURATION} --group-share ${GROUP_SHARE}\`. ` +
      `${BOTS} bots signed in in ${signSecs.toFixed(1)} s; ${Math.floor(BOTS / 2)} P2P chats and one group chat of ${BOTS}; ` +
      `${Math.round(GROUP_SHARE * 100)} % of the target deliveries come from the group chat (${BOTS - 1} deliveries per message). ` +
      `Send errors: ${sendErrors}${sendErrorSamples.length ? ` (${sendErrorSamples.join('; ')})` : ''}; deliveries of unknown messages: ${unknownDeliveries}.`, '',
      '| Target deliveries/s | Sent msg/s (P2P + group) | Delivered/s | Lost | Dup | Drain after step | p50 ms | p99 ms | max ms | p99 P2P / group | Server CPU | Load-gen CPU | Other CPU | Server RSS peak | Event-loop delay p99 / max |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
      ...results.map((r) => `| ${r.target} | ${r.offered} (${r.p2pSent} + ${r.groupSent} in ${DURATION} s) | ${r.deliveredPerSec} | ${r.lost} | ${r.dup} | ${r.drainMs} ms | ` +
        `${r.p50} | ${r.p99} | ${r.max} | ${r.p2pP99} / ${r.groupP99} | ${r.serverCpu} % | ${r.loadgenCpu} % | ${r.otherCpu} % | ${r.rssPeak} MiB | ${r.eld} ms |`), '');
    const report = rows.join('\n');
    console.log(`\n${report}`);
    if (opt.out) writeFileSync(opt.out, report);
  } finally {
    for (const b of bots) b.close();
    child.send({ type: 'stop' });
    await new Promise((r) => child.once('exit', r));
    if (!opt.keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
