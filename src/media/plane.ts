import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { MediaCallRequest, MediaPort, MediaReport } from '../engine/media/port.js';
import type { FromWorker, RoomStats, RtcSettings, ToWorker } from './protocol.js';
import { startWorker } from './worker-thread.js';
import { Snapshots } from './snapshot.js';

type Pending = { resolve: (v: FromWorker & { kind: 'reply'; ok: true }) => void; reject: (e: Error) => void };

/** One worker thread and the requests waiting for its replies. */
class MediaWorker {
  readonly worker: Worker;
  readonly pending = new Map<number, Pending>();
  rooms = 0;

  constructor(rtc: RtcSettings, onMessage: (w: MediaWorker, m: FromWorker) => void, onExit: (w: MediaWorker) => void) {
    this.worker = startWorker(import.meta.url, 'worker', { rtc });
    this.worker.on('message', (m: FromWorker) => onMessage(this, m));
    this.worker.on('error', () => undefined);
    this.worker.on('exit', () => onExit(this));
    this.worker.unref();
  }
}

/**
 * The media plane as the engine sees it: rooms spread over worker threads (one per core by default), each
 * conference pinned to one worker. Workers start on the first call, so a server without calls pays nothing.
 */
export class MediaPlane implements MediaPort {
  private readonly workers: MediaWorker[] = [];
  private readonly byConference = new Map<string, MediaWorker>();
  private readonly byCall = new Map<string, { worker: MediaWorker; conferenceId: string }>();
  private readonly listeners: Array<(r: MediaReport) => void> = [];
  private readonly snapshots = new Snapshots();
  private rid = 0;

  constructor(private readonly rtc: RtcSettings, private readonly maxWorkers = availableParallelism()) {}

  onReport(fn: (r: MediaReport) => void): void {
    this.listeners.push(fn);
  }

  async open(req: MediaCallRequest): Promise<string> {
    const w = this.workerFor(req.conferenceId);
    this.byCall.set(req.callId, { worker: w, conferenceId: req.conferenceId });
    try {
      const r = await this.request(w, { op: 'open', rid: 0, ...req });
      return r.sdp!;
    } catch (err) {
      this.forget(req.callId);
      throw err;
    }
  }

  async ack(callId: string): Promise<void> {
    await this.request(this.call(callId), { op: 'ack', rid: 0, callId });
  }

  async candidate(callId: string, candidate: string, mid: string | null): Promise<void> {
    await this.request(this.call(callId), { op: 'candidate', rid: 0, callId, candidate, mid });
  }

  async update(callId: string, sdp: string, media: { audio: boolean; video: boolean }): Promise<string> {
    return (await this.request(this.call(callId), { op: 'update', rid: 0, callId, sdp, media })).sdp!;
  }

  async close(callId: string): Promise<void> {
    const c = this.byCall.get(callId);
    if (!c) return;
    this.forget(callId);
    await this.request(c.worker, { op: 'close', rid: 0, callId }).catch(() => undefined);
  }

  mute(conferenceId: string, participantId: string, audio: boolean, video: boolean): void {
    this.byConference.get(conferenceId)?.worker.postMessage({ op: 'mute', conferenceId, participantId, audio, video } satisfies ToWorker);
  }

  stage(conferenceId: string, order: string[]): void {
    this.byConference.get(conferenceId)?.worker.postMessage({ op: 'stage', conferenceId, order } satisfies ToWorker);
  }

  /** Per-room counters from every worker (benchmarks, /metrics). */
  async stats(): Promise<RoomStats[]> {
    const all = await Promise.all(this.workers.map((w) => this.request(w, { op: 'stats', rid: 0 })));
    return all.flatMap((r) => r.stats ?? []);
  }

  snapshot(frame: Uint8Array, maxWidth: number): Promise<Buffer> {
    return this.snapshots.jpeg(frame, maxWidth);
  }

  async shutdown(): Promise<void> {
    // Forget calls first: workers that exit on shutdown must not report their calls as failed.
    this.byConference.clear();
    this.byCall.clear();
    const workers = this.workers.splice(0);
    await Promise.all([...workers.map((w) => w.worker.terminate()), this.snapshots.close()]);
  }

  private call(callId: string): MediaWorker {
    const c = this.byCall.get(callId);
    if (!c) throw new Error('Call not found');
    return c.worker;
  }

  private forget(callId: string): void {
    const c = this.byCall.get(callId);
    if (!c) return;
    this.byCall.delete(callId);
    if (![...this.byCall.values()].some((x) => x.conferenceId === c.conferenceId)) {
      this.byConference.delete(c.conferenceId);
      c.worker.rooms--;
    }
  }

  /** The conference's worker, or the least loaded one (a new worker while there are fewer than cores). */
  private workerFor(conferenceId: string): MediaWorker {
    const existing = this.byConference.get(conferenceId);
    if (existing) return existing;
    let w = this.workers.reduce<MediaWorker | undefined>((best, x) => (!best || x.rooms < best.rooms ? x : best), undefined);
    if (!w || (w.rooms > 0 && this.workers.length < this.maxWorkers)) {
      w = new MediaWorker(this.rtc, (wk, m) => this.message(wk, m), (wk) => this.exited(wk));
      this.workers.push(w);
    }
    w.rooms++;
    this.byConference.set(conferenceId, w);
    return w;
  }

  private request(w: MediaWorker, msg: ToWorker & { rid: number }): Promise<FromWorker & { kind: 'reply'; ok: true }> {
    const rid = ++this.rid;
    return new Promise((resolve, reject) => {
      w.pending.set(rid, { resolve, reject });
      w.worker.postMessage({ ...msg, rid });
    });
  }

  private message(w: MediaWorker, m: FromWorker): void {
    if (m.kind === 'ready') return;
    if (m.kind === 'reply') {
      const p = w.pending.get(m.rid);
      if (!p) return;
      w.pending.delete(m.rid);
      if (m.ok) p.resolve(m); else p.reject(new Error(m.error));
      return;
    }
    for (const fn of this.listeners) fn(m);
  }

  /** A worker that dies takes its calls with it: they are reported failed so the engine cleans up. */
  private exited(w: MediaWorker): void {
    const i = this.workers.indexOf(w);
    if (i >= 0) this.workers.splice(i, 1);
    for (const p of w.pending.values()) p.reject(new Error('Media worker stopped'));
    w.pending.clear();
    for (const [callId, c] of [...this.byCall]) {
      if (c.worker !== w) continue;
      this.forget(callId);
      for (const fn of this.listeners) fn({ kind: 'call', callId, state: 'failed', cause: 'worker' });
    }
  }
}
