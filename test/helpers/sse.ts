/** A small server-sent events client over fetch streaming, for wire tests of event streams. */

export interface SseEvent {
  event: string;
  id: string | undefined;
  /** The raw `data:` text. */
  raw: string;
  /** `data` parsed as JSON (undefined when it is not JSON). */
  data: any;
}

export interface SseStream {
  status: number;
  headers: Headers;
  /** The JSON body of a response that is not a stream (errors). */
  body: any;
  /** Every event received so far, in order. */
  events: SseEvent[];
  /** Comment lines received (heartbeats). */
  comments: string[];
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  isEnded(): boolean;
  /** The next event with this name not yet taken by next() (waits up to `ms`). */
  next(event: string, ms?: number): Promise<SseEvent>;
  /** Waits until `pred` holds for the received events. */
  until(pred: (events: SseEvent[]) => boolean, ms?: number): Promise<void>;
  /** Marks every event received so far as taken by next() (e.g. after the initial sync). */
  skip(): void;
  /** The last `id:` seen (what an EventSource would send as Last-Event-ID). */
  lastId(): string | undefined;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const ctrl = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: ctrl.signal });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const taken = new Set<SseEvent>();
  const waiters: Array<() => void> = [];
  let ended = false;
  let lastId: string | undefined;
  const wake = () => { for (const w of waiters.splice(0)) w(); };

  const isStream = res.status === 200 && (res.headers.get('content-type') ?? '').startsWith('text/event-stream');
  let body: any;
  let endedP: Promise<void>;
  if (!isStream) {
    const text = await res.text();
    try { body = JSON.parse(text); } catch { body = text; }
    ended = true;
    endedP = Promise.resolve();
  } else {
    endedP = (async () => {
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      let cur: { event?: string; id?: string; data: string[] } = { data: [] };
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl).replace(/\r$/, '');
            buf = buf.slice(nl + 1);
            if (line === '') {
              if (cur.data.length || cur.event) {
                const raw = cur.data.join('\n');
                let data: any;
                try { data = JSON.parse(raw); } catch { data = undefined; }
                if (cur.id !== undefined) lastId = cur.id;
                events.push({ event: cur.event ?? 'message', id: cur.id, raw, data });
                wake();
              }
              cur = { data: [] };
            } else if (line.startsWith(':')) {
              comments.push(line.slice(1).trim());
              wake();
            } else {
              const i = line.indexOf(':');
              const field = i < 0 ? line : line.slice(0, i);
              const val = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
              if (field === 'event') cur.event = val;
              else if (field === 'data') cur.data.push(val);
              else if (field === 'id') cur.id = val;
            }
          }
        }
      } catch {
        // aborted by close()
      } finally {
        ended = true;
        wake();
      }
    })();
  }

  const wait = (ms: number, check: () => boolean, what: string) => new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}; got ${events.map((e) => e.event).join(', ')}`)), ms);
    const poll = () => {
      if (check()) { clearTimeout(timer); resolve(); return; }
      if (ended) { clearTimeout(timer); reject(new Error(`stream ended while waiting for ${what}; got ${events.map((e) => e.event).join(', ')}`)); return; }
      waiters.push(poll);
    };
    poll();
  });

  return {
    status: res.status,
    headers: res.headers,
    body,
    events,
    comments,
    ended: endedP,
    isEnded: () => ended,
    async next(event, ms = 3000) {
      let found: SseEvent | undefined;
      await wait(ms, () => {
        found = events.find((e) => e.event === event && !taken.has(e));
        return found !== undefined;
      }, `event ${event}`);
      taken.add(found!);
      return found!;
    },
    until(pred, ms = 3000) {
      return wait(ms, () => pred(events), 'a condition');
    },
    skip() { for (const e of events) taken.add(e); },
    lastId: () => lastId,
    close() { ctrl.abort(); },
  };
}
