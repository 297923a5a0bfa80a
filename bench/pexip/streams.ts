// One load-generator thread of the Pexip fan-out benchmark (bench/pexip/run.ts): it holds a share of the event
// streams and reports when each has the awaited event. The streams are spread over threads because one thread reading
// 500 streams (225 MB of SSE text per muteguests action) was the benchmark's bottleneck, not the server.
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { ALIAS } from './scenario.js';

/** Messages from the main thread. */
export type ToStreams =
  | { type: 'open'; i: number; token: string }
  | { type: 'arm'; match: string }
  | { type: 'stop' };
/** Messages to the main thread; times are absolute (performance.timeOrigin + now), comparable across threads. */
export type FromStreams =
  | { type: 'synced'; i: number }
  | { type: 'armed' }
  | { type: 'done'; at: number[]; updates: number[] }
  | { type: 'error'; message: string };

const now = () => performance.timeOrigin + performance.now();
const streamAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

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
  /** Per action: when the awaited conference_update arrived (absolute ms), and how many participant_update frames came before. */
  waitFor?: { match: string; updates: number; done?: number; resolve: () => void };

  constructor(readonly token: string, private readonly port: number) {}

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.onSynced = resolve;
      const req = http.get({
        host: '127.0.0.1', port: this.port, path: `/api/client/v2/conferences/${ALIAS}/events?token=${encodeURIComponent(this.token)}`, agent: streamAgent,
      }, (res) => {
        if (res.statusCode !== 200) { reject(new Error(`events: ${res.statusCode}`)); return; }
        res.on('data', (chunk: Buffer) => this.data(chunk, now()));
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
    w.done = now;
    w.resolve();
    return true;
  }
}


const port = (workerData as { port: number }).port;
const streams: Stream[] = [];
const send = (m: FromStreams) => parentPort!.postMessage(m);

parentPort!.on('message', (m: ToStreams) => {
  if (m.type === 'open') {
    const s = new Stream(m.token, port);
    streams.push(s);
    s.open().then(() => send({ type: 'synced', i: m.i }), (e: Error) => send({ type: 'error', message: e.message }));
  } else if (m.type === 'arm') {
    const waits = streams.map((s) => new Promise<void>((resolve) => { s.waitFor = { match: m.match, updates: 0, resolve }; }));
    send({ type: 'armed' });
    void Promise.all(waits).then(() => {
      send({ type: 'done', at: streams.map((s) => s.waitFor!.done!), updates: streams.map((s) => s.waitFor!.updates) });
      for (const s of streams) s.waitFor = undefined;
    });
  } else {
    streamAgent.destroy();
    parentPort!.close();
  }
});
