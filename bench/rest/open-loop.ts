// An open-loop HTTP/1.1 load generator: requests are *scheduled* at an even rate (one every 1/rate s), whatever the
// server's latency, and each latency is measured from the request's scheduled time. This is what "p99 at 2,000
// req/s" means: arrivals do not slow down when the server does (no coordinated omission), and they do not come in
// bursts either. autocannon's rate limit spends each connection's per-second budget back to back, so its "fixed
// rate" arrives as bursts that queue behind each other and inflate every percentile (bench/RESULTS.md).
//
// Speaks raw HTTP/1.1 over keep-alive sockets so that the generator's own cost per request stays small next to the
// server's (it shares the machine): responses must carry Content-Length (Parley's JSON answers do).
import { connect, type Socket } from 'node:net';

export interface OpenLoopRequest {
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

export interface OpenLoopOptions {
  host: string;
  port: number;
  /** Requests per second. */
  rate: number;
  seconds: number;
  /** The pool grows up to this many sockets when all are busy; past it, due requests wait (and their latency counts). */
  maxConnections: number;
  /** A request that has not completed this long after it was sent counts as a timeout and its socket is replaced. */
  timeoutMs?: number;
  next(): { request: OpenLoopRequest; done?: (status: number) => void };
}

export interface OpenLoopResult {
  /** Completed requests (any status). */
  completed: number;
  /** From the scheduled time to the end of the response, in ms, sorted ascending. */
  latency: Float64Array;
  /** From writing the request to the end of the response, in ms, sorted ascending (the server's part). */
  service: Float64Array;
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Most sockets open at once: above the usual few means the server fell behind. */
  peakConnections: number;
}

interface Pending {
  scheduled: number;
  sent: number;
  done?: (status: number) => void;
}

const CRLF2 = Buffer.from('\r\n\r\n');

/** One keep-alive connection carrying one request at a time. */
class Conn {
  readonly socket: Socket;
  busy: Pending | undefined;
  private buf: Buffer = Buffer.alloc(0);
  private need = -1;
  private status = 0;
  dead = false;

  constructor(host: string, port: number, private readonly onDone: (c: Conn, p: Pending, status: number) => void,
    private readonly onError: (c: Conn) => void) {
    this.socket = connect({ host, port, noDelay: true });
    this.socket.on('data', (d) => this.data(d));
    this.socket.on('error', () => this.fail());
    this.socket.on('close', () => this.fail());
  }

  send(p: Pending, wire: string): void {
    this.busy = p;
    p.sent = performance.now();
    this.socket.write(wire);
  }

  private fail(): void {
    if (this.dead) return;
    this.dead = true;
    this.socket.destroy();
    this.onError(this);
  }

  private data(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    for (;;) {
      if (this.need < 0) {
        const end = this.buf.indexOf(CRLF2);
        if (end < 0) return;
        const head = this.buf.subarray(0, end).toString('latin1');
        this.status = Number(head.slice(9, 12));
        const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        if (!m) return this.fail(); // not a response this generator can frame
        this.need = Number(m[1]);
        this.buf = this.buf.subarray(end + 4);
      }
      if (this.buf.length < this.need) return;
      this.buf = this.buf.subarray(this.need);
      this.need = -1;
      const p = this.busy;
      this.busy = undefined;
      if (p) this.onDone(this, p, this.status);
    }
  }
}

function wireOf(r: OpenLoopRequest, host: string): string {
  const body = r.body ?? '';
  let h = `${r.method} ${r.path} HTTP/1.1\r\nhost: ${host}\r\nconnection: keep-alive\r\n`;
  for (const [k, v] of Object.entries(r.headers ?? {})) h += `${k}: ${v}\r\n`;
  if (body || r.method === 'POST' || r.method === 'PUT') h += `content-length: ${Buffer.byteLength(body)}\r\n`;
  return `${h}\r\n${body}`;
}

export function openLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const interval = 1000 / o.rate;
  const total = Math.round(o.rate * o.seconds);
  const timeoutMs = o.timeoutMs ?? 10_000;
  const latency: number[] = [], service: number[] = [];
  const idle: Conn[] = [];
  const all = new Set<Conn>();
  const queue: Array<{ p: Pending; wire: string }> = [];
  let issued = 0, finished = 0, errors = 0, timeouts = 0, non2xx = 0, peak = 0;
  const hostHeader = `${o.host}:${o.port}`;

  return new Promise((resolve) => {
    const start = performance.now();

    const finish = () => {
      clearInterval(ticker);
      clearInterval(watchdog);
      for (const c of all) c.socket.destroy();
      const sorted = (a: number[]) => Float64Array.from(a).sort();
      resolve({ completed: latency.length, latency: sorted(latency), service: sorted(service), errors, timeouts, non2xx, peakConnections: peak });
    };
    const settle = () => { if (++finished === total) finish(); };

    const dispatch = (c: Conn) => {
      const q = queue.shift();
      if (q) c.send(q.p, q.wire);
      else idle.push(c);
    };
    const onDone = (c: Conn, p: Pending, status: number) => {
      const now = performance.now();
      latency.push(now - p.scheduled);
      service.push(now - p.sent);
      if (status < 200 || status >= 300) non2xx++;
      p.done?.(status);
      settle();
      dispatch(c);
    };
    const onError = (c: Conn) => {
      all.delete(c);
      const i = idle.indexOf(c);
      if (i >= 0) idle.splice(i, 1);
      if (c.busy) { errors++; c.busy = undefined; settle(); }
    };
    const open = (): Conn | undefined => {
      if (all.size >= o.maxConnections) return undefined;
      const c = new Conn(o.host, o.port, onDone, onError);
      all.add(c);
      peak = Math.max(peak, all.size);
      return c;
    };

    // Issue what is due: timers fire about every millisecond, so each tick sends the requests whose scheduled
    // time has passed, each stamped with its own scheduled time.
    const tick = () => {
      const now = performance.now();
      while (issued < total && start + issued * interval <= now) {
        const { request, done } = o.next();
        const p: Pending = { scheduled: start + issued * interval, sent: 0, done };
        issued++;
        const wire = wireOf(request, hostHeader);
        const c = idle.pop() ?? open();
        if (c) c.send(p, wire);
        else queue.push({ p, wire });
      }
    };
    const ticker = setInterval(tick, 1);
    const watchdog = setInterval(() => {
      const now = performance.now();
      for (const c of all) {
        if (c.busy && now - c.busy.sent > timeoutMs) {
          timeouts++;
          c.busy = undefined;
          settle();
          c.socket.destroy(); // close → onError, with nothing in flight any more
        }
      }
      // Sockets lost to errors: queued requests get new ones.
      while (queue.length && all.size < o.maxConnections) { const c = open(); if (c) dispatch(c); }
    }, 100);
    tick();
  });
}

/** The q-quantile (0..1) of an ascending array, in ms rounded to 0.1. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const v = sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return Math.round(v * 10) / 10;
}
