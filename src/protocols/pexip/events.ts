import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Engine } from '../../engine/engine.js';
import type { ConferenceDef } from '../../engine/conferences/types.js';
import type { LiveParticipant, LiveSession } from '../../engine/sessions/types.js';
import type { PexipTokens } from './tokens.js';
import { participantView, participantsOf } from './views/participant.js';
import {
  callDisconnectedView, conferenceUpdateView, disconnectView, layoutView, messageView, participantDeleteView,
  presentationStartView, referView, slotsView, stageView,
} from './views/events.js';

/**
 * The Pexip event stream (`GET …/events`): server-sent events projected from the engine's domain events.
 *
 * One Feed per conference subscribes to the bus and serialises each event once, with a sequential id, into a
 * bounded replay buffer; every open stream of that conference gets the same frame. A stream that comes back
 * with a Last-Event-ID still in the buffer gets what it missed, otherwise a full participant sync. The
 * stream's own participant hears `disconnect` (its token ended: released, expired, kicked, conference ended)
 * or `refer` (transferred) and the stream closes. Streams and feeds are connection state only.
 */

export interface EventStreamOptions {
  /** Milliseconds between heartbeat comments. */
  heartbeatMs: number;
  /** Events kept per conference for Last-Event-ID replay. */
  replayEvents: number;
}

/** How long a conference's feed (and its replay buffer) outlives its last stream, for reconnects. */
const FEED_LINGER_MS = 30_000;
/** A client this far behind is cut off; it reconnects with Last-Event-ID instead of growing our memory. */
const MAX_BACKLOG_BYTES = 1 << 20;

interface Entry {
  seq: number;
  /** Encoded once per feed: a muteguests burst is 499 frames for each of 500 streams. */
  frame: Buffer;
  /** A different frame for recipients without media (layout: API-only participants get no uuids). */
  frameNoMedia?: Buffer;
  /** Not sent to this participant (a chat message is not echoed to its sender). */
  except?: string;
  /** Sent to this participant only (call_disconnected of its own call). */
  only?: string;
}

function frame(event: string, id: string | null, data: unknown): string {
  // Payload-less events carry `data: null`: EventSource drops an empty data line and @pexip/infinity ignores it.
  return `${id === null ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data ?? null)}\n\n`;
}

/** One open SSE connection of one participant. */
class Stream {
  private heartbeat: NodeJS.Timeout;
  /** Frames of the current burst; the same Buffer objects go to every stream (no per-stream encoding). */
  private pending: Buffer[] = [];
  closed = false;
  /** Feed entries up to this sequence number reached the client through its sync or replay already. */
  fromSeq = 0;

  constructor(readonly participantId: string, private readonly res: ServerResponse, heartbeatMs: number,
    private readonly onClose: (s: Stream) => void) {
    this.heartbeat = setInterval(() => this.write(': heartbeat\n\n'), heartbeatMs);
    this.heartbeat.unref();
    res.on('close', () => this.finish());
  }

  /**
   * Frames of one burst (muteguests updates every guest) are coalesced and written once per turn of the event
   * loop: one syscall per stream instead of one per event.
   */
  write(chunk: string | Buffer): void {
    if (this.closed) return;
    const first = this.pending.length === 0;
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.pending.push(b);
    if (first) setImmediate(() => this.flush());
  }

  private flush(): void {
    if (this.closed || this.pending.length === 0) return;
    this.writeAll();
    if (this.res.writableLength > MAX_BACKLOG_BYTES) this.end();
  }

  /** Corked, so the burst leaves in one writev without copying the shared frames into one string. */
  private writeAll(): void {
    this.res.cork();
    for (const b of this.pending) this.res.write(b);
    this.res.uncork();
    this.pending = [];
  }

  /** Ends the stream after a last frame (disconnect, refer). */
  end(last?: string): void {
    if (this.closed) return;
    if (last !== undefined) this.pending.push(Buffer.from(last));
    if (this.pending.length) this.writeAll();
    this.res.end();
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.onClose(this);
  }
}

/** The projection of one conference's domain events, shared by all its streams. */
class Feed {
  private readonly epoch = randomBytes(4).toString('hex');
  private seq = 0;
  /** Participants of the last layout event sent (voice activity alone does not resend it). */
  private layoutKey = '';
  private readonly buffer: Entry[] = [];
  /** Entries published in this turn of the event loop, delivered together by flushBurst. */
  private burst: Entry[] = [];
  readonly streams = new Set<Stream>();
  /** Participants a participant_create was sent for: a later join (admitted, answered) is an update. */
  private readonly announced = new Set<string>();
  private readonly offs: Array<() => void>;
  private linger?: NodeJS.Timeout;

  constructor(private readonly engine: Engine, readonly conferenceId: string, private readonly localAlias: string,
    private readonly replayEvents: number, private readonly onDispose: (f: Feed) => void) {
    for (const p of participantsOf(this.session())) this.announced.add(p.id);
    const bus = engine.bus;
    const mine = (e: { conferenceId: string }) => e.conferenceId === conferenceId;
    this.offs = [
      bus.on('participant.joined', (e) => { if (mine(e)) this.upsert(e.participant); }),
      bus.on('participant.waiting', (e) => { if (mine(e)) this.upsert(e.participant); }),
      bus.on('call.invited', (e) => {
        const p = mine(e) ? this.session()?.participants.get(e.participantId) : undefined;
        if (p) this.upsert(p);
      }),
      bus.on('participant.updated', (e) => { if (mine(e)) this.upsert(e.participant); }),
      bus.on('participant.left', (e) => {
        if (!mine(e)) return;
        this.announced.delete(e.participant.id);
        this.publish('participant_delete', participantDeleteView(e.participant));
      }),
      bus.on('session.updated', (e) => { if (mine(e)) this.publish('conference_update', conferenceUpdateView(this.session())); }),
      bus.on('conference.message', (e) => {
        if (mine(e)) this.publish('message_received', messageView(e.from, e.type, e.payload), { except: e.from.id });
      }),
      bus.on('session.layout', (e) => {
        const s = mine(e) ? this.session() : undefined;
        if (s) this.publish('layout', layoutView(s, true), { noMedia: layoutView(s, false) });
      }),
      bus.on('session.stage', (e) => {
        const s = mine(e) ? this.session() : undefined;
        if (!s) return;
        this.publish('stage', stageView(s));
        // layout lists who is seen (participants with media, in stage order): sent when that list changes.
        const seen = layoutView(s, true);
        const key = seen.participants.join(',');
        if (e.orderChanged && key !== this.layoutKey) {
          this.layoutKey = key;
          this.publish('layout', seen, { noMedia: layoutView(s, false) });
        }
      }),
      bus.on('presentation.changed', (e) => {
        const s = mine(e) ? this.session() : undefined;
        if (!s) return;
        const presenter = e.presenterId ? s.participants.get(e.presenterId) : undefined;
        if (presenter) this.publish('presentation_start', presentationStartView(presenter), { except: presenter.id });
        else this.publish('presentation_stop', null);
        // is_presenting changed: the participant list shows it.
        for (const id of [e.presenterId, e.previousId]) {
          const p = id ? s.participants.get(id) : undefined;
          if (p) this.upsert(p);
        }
      }),
      // A new snapshot of the presentation: clients fetch presentation.jpeg with this event's id. Like
      // presentation_start, not to the presenter.
      bus.on('presentation.frame', (e) => {
        const s = mine(e) ? this.session() : undefined;
        if (s?.presenterId) this.publish('presentation_frame', {}, { except: s.presenterId });
      }),
      bus.on('media.call', (e) => {
        if (mine(e) && e.state === 'ended' && e.reason) this.publish('call_disconnected', callDisconnectedView(e.callId, e.reason), { only: e.participantId });
      }),
      // Parley's multistream extension (docs/pexip.md): only the call's own participant hears it.
      bus.on('media.slots', (e) => {
        if (mine(e)) this.publish('parley_slots', slotsView(e.callId, e.slots), { only: e.participantId });
      }),
      bus.on('session.ended', (e) => { if (mine(e)) this.dispose(); }),
    ];
  }

  private session(): LiveSession | undefined {
    return this.engine.sessions.byConferenceId(this.conferenceId);
  }

  private id(seq = this.seq): string {
    return `${this.epoch}.${seq}`;
  }

  private upsert(p: LiveParticipant): void {
    const s = this.session();
    if (!s) return;
    const event = this.announced.has(p.id) ? 'participant_update' : 'participant_create';
    this.announced.add(p.id);
    this.publish(event, participantView(p, s, { localAlias: this.localAlias }));
  }

  private publish(event: string, data: unknown, opts: { except?: string; only?: string; noMedia?: unknown } = {}): void {
    const seq = ++this.seq;
    const entry: Entry = { seq, frame: Buffer.from(frame(event, this.id(seq), data)), except: opts.except, only: opts.only };
    if (opts.noMedia !== undefined) entry.frameNoMedia = Buffer.from(frame(event, this.id(seq), opts.noMedia));
    this.buffer.push(entry);
    if (this.buffer.length > this.replayEvents) this.buffer.shift();
    if (this.burst.push(entry) === 1) setImmediate(() => this.flushBurst());
  }

  /**
   * Delivers what was published in this turn. When every entry goes to everyone (a muteguests burst: one
   * participant_update per guest), the frames are joined into one Buffer shared by all streams: one write per stream
   * instead of one per frame (500 streams × 499 frames were 250,000 writes, each with its own chunk framing).
   * Called before any personal frame or stream end, so that those never overtake what was published before them.
   */
  private flushBurst(): void {
    const entries = this.burst;
    if (entries.length === 0) return;
    this.burst = [];
    const first = entries[0].seq, last = entries[entries.length - 1].seq;
    const toAll = entries.every((e) => e.except === undefined && e.only === undefined && e.frameNoMedia === undefined);
    let joined: Buffer | undefined;
    for (const st of this.streams) {
      if (st.fromSeq >= last) continue;
      if (toAll && st.fromSeq < first) st.write(joined ??= entries.length === 1 ? entries[0].frame : Buffer.concat(entries.map((e) => e.frame)));
      else for (const e of entries) if (e.seq > st.fromSeq) this.deliver(st, e);
    }
  }

  private deliver(st: Stream, e: Entry): void {
    if (e.except === st.participantId || (e.only !== undefined && e.only !== st.participantId)) return;
    if (e.frameNoMedia !== undefined && !this.session()?.participants.get(st.participantId)?.hasMedia) st.write(e.frameNoMedia);
    else st.write(e.frame);
  }

  /** Starts a stream: replay from Last-Event-ID when the buffer still holds it, else the full sync. */
  attach(st: Stream, lastEventId: string | undefined): void {
    if (this.linger) { clearTimeout(this.linger); this.linger = undefined; }
    this.streams.add(st);
    const missed = this.since(lastEventId);
    // What the replay or the sync covers is not delivered again by a pending burst.
    st.fromSeq = this.seq;
    if (missed) { for (const e of missed) this.deliver(st, e); return; }
    const s = this.session();
    // Sync frames carry the current id: a reconnect after them replays only what came later.
    const id = this.id();
    let out = frame('participant_sync_begin', id, null);
    for (const p of participantsOf(s)) out += frame('participant_create', id, participantView(p, s!, { localAlias: this.localAlias }));
    out += frame('participant_sync_end', id, null);
    out += frame('conference_update', id, conferenceUpdateView(s));
    if (s?.layout) {
      const media = s.participants.get(st.participantId)?.hasMedia ?? false;
      out += frame('layout', id, layoutView(s, media));
    }
    st.write(out);
  }

  /** The buffered events after `lastEventId`, or undefined when that id is not ours or fell out of the buffer. */
  private since(lastEventId: string | undefined): Entry[] | undefined {
    if (!lastEventId) return undefined;
    const [epoch, n] = lastEventId.split('.');
    const seq = Number(n);
    if (epoch !== this.epoch || !Number.isInteger(seq) || seq > this.seq) return undefined;
    const oldest = this.buffer.length ? this.buffer[0].seq : this.seq + 1;
    if (seq < oldest - 1) return undefined;
    return this.buffer.filter((e) => e.seq > seq);
  }

  detach(st: Stream): void {
    this.streams.delete(st);
    if (this.streams.size || this.linger) return;
    this.linger = setTimeout(() => this.dispose(), FEED_LINGER_MS);
    this.linger.unref();
  }

  /** A frame for one participant only (disconnect, refer); it carries the current id so replay stays aligned. */
  personal(event: string, data: unknown): string {
    this.flushBurst();
    return frame(event, this.id(), data);
  }

  dispose(): void {
    this.flushBurst();
    if (this.linger) clearTimeout(this.linger);
    this.linger = undefined;
    for (const off of this.offs.splice(0)) off();
    for (const st of [...this.streams]) st.end();
    this.onDispose(this);
  }
}

/** All Pexip event streams of a server: feeds by conference, streams by participant. */
export class PexipEventStreams {
  private readonly feeds = new Map<string, Feed>();
  private readonly byParticipant = new Map<string, Set<{ stream: Stream; feed: Feed }>>();
  private readonly offs: Array<() => void>;

  constructor(private readonly engine: Engine, tokens: PexipTokens, private readonly opts: EventStreamOptions) {
    this.offs = [
      tokens.onReferred(({ participantId, alias, token }) => {
        for (const { stream, feed } of this.of(participantId)) stream.write(feed.personal('refer', referView(alias, token)));
      }),
      tokens.onEnded(({ participantId, cause, reason }) => {
        for (const { stream, feed } of this.of(participantId)) {
          // A transferred client follows its `refer`; a `disconnect` would make it hang up instead.
          stream.end(cause === 'transferred' ? undefined : feed.personal('disconnect', disconnectView(reason)));
        }
      }),
    ];
  }

  private of(participantId: string): Array<{ stream: Stream; feed: Feed }> {
    return [...(this.byParticipant.get(participantId) ?? [])];
  }

  /** Open streams (metrics, tests). */
  get size(): number {
    let n = 0;
    for (const f of this.feeds.values()) n += f.streams.size;
    return n;
  }

  /** Serves an SSE stream on `res` for a participant whose token was checked. */
  open(conf: ConferenceDef, participantId: string, res: ServerResponse, lastEventId: string | undefined): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx and similar proxies would otherwise hold events back.
      'x-accel-buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    let feed = this.feeds.get(conf.id);
    if (!feed) {
      feed = new Feed(this.engine, conf.id, conf.aliases?.[0] ?? conf.id, this.opts.replayEvents, (f) => {
        if (this.feeds.get(f.conferenceId) === f) this.feeds.delete(f.conferenceId);
      });
      this.feeds.set(conf.id, feed);
    }
    const f = feed;
    const link = { stream: undefined as unknown as Stream, feed: f };
    link.stream = new Stream(participantId, res, this.opts.heartbeatMs, () => {
      f.detach(link.stream);
      const set = this.byParticipant.get(participantId);
      set?.delete(link);
      if (set && !set.size) this.byParticipant.delete(participantId);
    });
    let set = this.byParticipant.get(participantId);
    if (!set) this.byParticipant.set(participantId, set = new Set());
    set.add(link);
    res.write('retry: 3000\n\n');
    f.attach(link.stream, lastEventId);
  }

  /** Server shutdown: every stream ends and every subscription goes. */
  close(): void {
    for (const off of this.offs.splice(0)) off();
    for (const f of [...this.feeds.values()]) f.dispose();
  }
}
