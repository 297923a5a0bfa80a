import type { Worker } from 'node:worker_threads';
import { startWorker } from './worker-thread.js';

export interface SnapshotRequest { id: number; frame: Uint8Array; maxWidth: number }
export type SnapshotReply = { id: number; ok: true; jpeg: Uint8Array } | { id: number; ok: false; error: string };

/**
 * JPEG images of VP8 keyframes (Pexip's presentation.jpeg), made on a worker thread that starts on first use and
 * stops when idle, so a server that never shows a presentation image pays nothing.
 */
export class Snapshots {
  private worker?: Worker;
  private next = 0;
  private readonly pending = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>();
  private idle?: NodeJS.Timeout;

  /** A JPEG of the keyframe, at most maxWidth pixels wide. Rejects when the frame cannot be decoded. */
  jpeg(frame: Uint8Array, maxWidth: number): Promise<Buffer> {
    const w = this.start();
    const id = ++this.next;
    return new Promise<Buffer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, frame, maxWidth } satisfies SnapshotRequest);
    });
  }

  async close(): Promise<void> {
    if (this.idle) clearTimeout(this.idle);
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private start(): Worker {
    if (this.idle) { clearTimeout(this.idle); this.idle = undefined; }
    if (this.worker) return this.worker;
    const w = startWorker(import.meta.url, 'snapshot-worker', null);
    w.unref();
    w.on('message', (r: SnapshotReply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (r.ok) p.resolve(Buffer.from(r.jpeg.buffer, r.jpeg.byteOffset, r.jpeg.byteLength)); else p.reject(new Error(r.error));
      if (this.pending.size === 0) this.idle = setTimeout(() => void this.close(), 60_000).unref();
    });
    const fail = (e: Error) => {
      if (this.worker === w) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    w.on('error', fail);
    w.on('exit', () => fail(new Error('snapshot worker stopped')));
    this.worker = w;
    return w;
  }
}
