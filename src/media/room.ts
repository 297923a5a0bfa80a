import type { RtpPacket } from 'werift';
import { Peer, type Inbound, type Outbound } from './peer.js';
import { RtpRewriter } from './rtp/rewriter.js';
import { isKeyframeStart } from './rtp/keyframe.js';
import { Vp8KeyframeAssembler } from './rtp/vp8-keyframe.js';
import { AudioMixer } from './audio/mixer.js';
import { FRAME_SAMPLES, OpusDecoder, OpusEncoder } from './audio/opus.js';
import { dbov, VoiceActivity } from './audio/levels.js';
import type { CallFailure, CallKind, CallMedia, FromWorker, RoomStats, RtcSettings } from './protocol.js';

/** A call in the room and what the room keeps for it. */
interface Call {
  id: string;
  participantId: string;
  kind: CallKind;
  peer: Peer;
  /** Media flows to the client only after Pexip's `ack`. */
  acked: boolean;
  connected: boolean;
  /** Outgoing videos: the main video (one), the presentation (one), or multistream slots (one per m-line). */
  sinks: VideoSink[];
  /** Parley's multistream mode: each outgoing video m-line is a slot showing one participant. */
  multistream: boolean;
  /** The slot assignment last reported (multistream), to report changes only. */
  slotKey: string;
  /** Outgoing audio numbering: the mix is a stream of our own. */
  audioSeq: number;
  audioTs: number;
  failed: boolean;
}

interface VideoSink {
  out: Outbound;
  rewriter: RtpRewriter;
  /** The source we switch to on its next keyframe. */
  pending?: string;
  pendingSince: number;
}

/** A participant's published audio: decoded frames waiting for the next mix tick, in sequence order. */
interface AudioSource {
  decoder: OpusDecoder;
  queue: Array<{ seq: number; pcm: Int16Array }>;
  level: number;
  vad: VoiceActivity;
}

/** The presentation source's key in the video source map (participants are uuids, so it cannot clash). */
const PRESENTATION = '#presentation';
const MAX_QUEUE = 5;
/** Presentation snapshots (Pexip presentation_frame): at most one a second; a keyframe asked for after 5 s without. */
const SNAPSHOT_MIN_MS = 1000;
const SNAPSHOT_REFRESH_MS = 5000;

/** What presentation snapshots are made of: VP8 keyframes (they decode as WebP images); others get no snapshots. */
const snapshotable = (source: Inbound): boolean => source.mimeType.toLowerCase() === 'video/vp8';

/**
 * One conference's media: every call of its participants, the audio mix and the voice-switched video.
 * Pexip clients get what an MCU sends: one mixed audio stream and one main video stream (the current speaker,
 * forwarded, not transcoded), plus the presentation on their presentation call.
 */
export class Room {
  private readonly calls = new Map<string, Call>();
  /** Published video by participant id (and PRESENTATION): the inbound track and its codec. */
  private readonly videoSources = new Map<string, Inbound>();
  private readonly audioSources = new Map<string, AudioSource>();
  private readonly muted = new Map<string, { audio: boolean; video: boolean }>();
  /** Stage order from the engine: spotlight, then most recent speakers. */
  private stage: string[] = [];
  private presenterCall?: string;
  private readonly mixer = new AudioMixer();
  private readonly encoders = new Map<string, OpusEncoder>();
  private tick?: NodeJS.Timeout;
  private watchdog?: NodeJS.Timeout;
  /** Whole keyframes of the presentation (VP8), reported for snapshots. */
  private readonly snapshot = { assembler: new Vp8KeyframeAssembler(), sentAt: 0, askedAt: 0 };
  private nextTickAt = 0;
  /** Counters for benchmarks; the call count is read from `size` when reported. */
  readonly stats: Omit<RoomStats, 'calls'>;

  constructor(readonly conferenceId: string, private readonly rtc: RtcSettings, private readonly report: (m: FromWorker) => void) {
    this.stats = { conferenceId, packetsIn: 0, packetsOut: 0, mixTicks: 0 };
  }

  get size(): number {
    return this.calls.size;
  }

  async open(participantId: string, callId: string, kind: CallKind, media: CallMedia, sdp: string, multistream = false): Promise<string> {
    const peer = new Peer(this.rtc, kind, media);
    const call: Call = {
      id: callId, participantId, kind, peer, acked: false, connected: false, audioSeq: Math.floor(Math.random() * 65536), audioTs: 0,
      failed: false, sinks: [], multistream: multistream && kind === 'main', slotKey: '',
    };
    this.calls.set(callId, call);
    peer.onInbound = (k, inbound) => this.inbound(call, k, inbound);
    peer.onRtp = (k, rtp) => this.rtp(call, k, rtp);
    peer.onKeyframeWanted = (out) => this.keyframeWanted(call, out);
    peer.pc.connectionStateChange.subscribe((s) => {
      if (s === 'connected' && !call.connected) {
        call.connected = true;
        peer.lastHeard = performance.now();
        this.report({ kind: 'call', callId, state: 'connected' });
        this.reselect();
      }
      if ((s === 'failed' || s === 'closed') && this.calls.has(callId)) this.fail(call, 'connection');
    });
    try {
      const answer = await peer.answer(sdp);
      this.bindSinks(call);
      this.start();
      return answer;
    } catch (err) {
      this.calls.delete(callId);
      await peer.close();
      throw err;
    }
  }

  ack(callId: string): void {
    const call = this.must(callId);
    call.acked = true;
    // Silence counts from the ack: before it neither side sends media, and the HTTP round trip may be slow.
    call.peer.lastHeard = performance.now();
    this.reselect();
  }

  async candidate(callId: string, candidate: string, mid: string | null): Promise<void> {
    await this.must(callId).peer.addCandidate(candidate, mid);
  }

  /** Renegotiation (Pexip `update`): a new offer on the same call. */
  async update(callId: string, sdp: string, media: CallMedia): Promise<string> {
    const call = this.must(callId);
    call.peer.media = media;
    const answer = await call.peer.answer(sdp);
    this.bindSinks(call);
    this.reselect();
    return answer;
  }

  async close(callId: string): Promise<void> {
    const call = this.calls.get(callId);
    if (!call) return;
    this.calls.delete(callId);
    this.dropSources(call);
    await call.peer.close();
    this.reselect();
    if (this.calls.size === 0) this.stop();
  }

  setMuted(participantId: string, audio: boolean, video: boolean): void {
    this.muted.set(participantId, { audio, video });
    this.reselect();
  }

  setStage(order: string[]): void {
    this.stage = order;
    this.reselect();
  }

  async dispose(): Promise<void> {
    this.stop();
    await Promise.all([...this.calls.keys()].map((id) => this.close(id)));
  }

  private must(callId: string): Call {
    const c = this.calls.get(callId);
    if (!c) throw new Error('Call not found');
    return c;
  }

  private fail(call: Call, cause: CallFailure): void {
    if (call.failed) return;
    call.failed = true;
    this.report({ kind: 'call', callId: call.id, state: 'failed', cause });
  }

  // ---- inbound media ----

  private inbound(call: Call, kind: 'audio' | 'video', inbound: Inbound): void {
    if (kind === 'audio' && call.kind === 'main') {
      this.audioSources.get(call.participantId)?.decoder.close();
      this.audioSources.set(call.participantId, { decoder: new OpusDecoder(), queue: [], level: -127, vad: new VoiceActivity() });
    }
    if (kind === 'video') {
      if (call.kind === 'main') this.videoSources.set(call.participantId, inbound);
      if (call.kind === 'present-send') { this.videoSources.set(PRESENTATION, inbound); this.presenterCall = call.id; }
      this.reselect();
    }
  }

  private dropSources(call: Call): void {
    if (call.kind === 'main') {
      this.audioSources.get(call.participantId)?.decoder.close();
      this.audioSources.delete(call.participantId);
      this.videoSources.delete(call.participantId);
    }
    if (call.kind === 'present-send' && this.presenterCall === call.id) {
      this.videoSources.delete(PRESENTATION);
      this.presenterCall = undefined;
    }
  }

  private rtp(call: Call, kind: 'audio' | 'video', rtp: RtpPacket): void {
    this.stats.packetsIn++;
    if (kind === 'audio') {
      const src = call.kind === 'main' ? this.audioSources.get(call.participantId) : undefined;
      if (!src || rtp.payload.length === 0) return;
      const pcm = src.decoder.decode(rtp.payload);
      if (!pcm) return;
      const seq = rtp.header.sequenceNumber;
      // Insert in sequence order: a reordered packet still plays in its place.
      let i = src.queue.length;
      while (i > 0 && ((seq - src.queue[i - 1].seq) & 0xffff) > 0x8000) i--;
      src.queue.splice(i, 0, { seq, pcm });
      while (src.queue.length > MAX_QUEUE) src.queue.shift();
      return;
    }
    const key = call.kind === 'present-send' ? PRESENTATION : call.participantId;
    const source = this.videoSources.get(key);
    if (!source) return;
    if (key === PRESENTATION && snapshotable(source)) this.snapshotFrom(rtp);
    let keyframe: boolean | undefined;
    for (const c of this.calls.values()) {
      if (!c.acked || !c.connected) continue;
      for (const sink of c.sinks) {
        if (sink.pending === key && (keyframe ??= isKeyframeStart(source.mimeType, rtp.payload))) {
          sink.rewriter.switchTo(key, rtp.header.sequenceNumber, rtp.header.timestamp);
          sink.pending = undefined;
        }
        if (sink.rewriter.currentSource !== key) continue;
        const { seq, ts } = sink.rewriter.map(rtp.header.sequenceNumber, rtp.header.timestamp);
        c.peer.send(sink.out, rtp.header.marker, seq, ts, rtp.payload);
        this.stats.packetsOut++;
      }
    }
  }

  private snapshotFrom(rtp: RtpPacket): void {
    const { sequenceNumber, timestamp, marker } = rtp.header;
    const frame = this.snapshot.assembler.push(sequenceNumber, timestamp, marker, rtp.payload);
    const now = performance.now();
    if (!frame || now - this.snapshot.sentAt < SNAPSHOT_MIN_MS) return;
    this.snapshot.sentAt = now;
    this.report({ kind: 'presentationFrame', conferenceId: this.conferenceId, frame: new Uint8Array(frame) });
  }

  private keyframeWanted(call: Call, out: Outbound): void {
    const src = call.sinks.find((k) => k.out === out)?.rewriter.currentSource;
    if (src) this.videoSources.get(src)?.requestKeyframe();
  }

  /** Outgoing video m-lines become sinks: the first one for a Pexip call, every one in multistream mode. */
  private bindSinks(call: Call): void {
    const outs = call.multistream ? call.peer.videoOuts : call.peer.videoOut ? [call.peer.videoOut] : [];
    for (const out of outs) {
      if (!call.sinks.some((k) => k.out === out)) call.sinks.push({ out, rewriter: new RtpRewriter(90000), pendingSince: 0 });
    }
  }

  // ---- video selection ----

  /** Re-decides every subscriber's video sources; a change waits for the new source's keyframe. */
  private reselect(): void {
    const now = performance.now();
    for (const c of this.calls.values()) {
      if (c.multistream) { this.assignSlots(c, now); continue; }
      const sink = c.sinks[0];
      if (sink) this.point(sink, this.sourceFor(c, sink.out.mimeType), now);
    }
  }

  private point(sink: VideoSink, want: string | undefined, now: number): void {
    if (want === undefined) { sink.rewriter.clear(); sink.pending = undefined; return; }
    if (want === sink.rewriter.currentSource) { sink.pending = undefined; return; }
    if (want !== sink.pending) { sink.pending = want; sink.pendingSince = now; }
    this.videoSources.get(want)?.requestKeyframe();
  }

  /** The participant a sink shows or is about to show. */
  private shown(sink: VideoSink): string | undefined {
    return sink.pending ?? sink.rewriter.currentSource;
  }

  /**
   * Multistream: the first N others in stage order (N = slots), each in a slot of its own. Someone already in
   * a slot keeps it, so a tile does not jump around; a newcomer to the top N takes a slot that was freed.
   */
  private assignSlots(c: Call, now: number): void {
    const mime = c.sinks[0]?.out.mimeType;
    const wanted = this.others(c, mime).slice(0, c.sinks.length);
    const keep = new Set(wanted);
    const free: VideoSink[] = [];
    for (const sink of c.sinks) {
      const id = this.shown(sink);
      if (id !== undefined && keep.has(id)) keep.delete(id); else free.push(sink);
    }
    const newcomers = [...keep];
    for (const sink of free) this.point(sink, newcomers.shift(), now);
    const slots = c.sinks.map((k) => ({ mid: k.out.mid, participantId: this.shown(k) ?? null }));
    const key = JSON.stringify(slots);
    if (key !== c.slotKey) {
      c.slotKey = key;
      this.report({ kind: 'slots', callId: c.id, slots });
    }
  }

  /** Everyone else who publishes usable video, in stage order (participants the stage does not list yet last). */
  private others(c: Call, mimeType: string | undefined): string[] {
    const usable = (id: string) => {
      const src = this.videoSources.get(id);
      return id !== PRESENTATION && id !== c.participantId && src !== undefined && src.mimeType === mimeType && !this.muted.get(id)?.video;
    };
    const staged = this.stage.filter(usable);
    const rest = [...this.videoSources.keys()].filter((id) => usable(id) && !staged.includes(id));
    return [...staged, ...rest];
  }

  /** The main speaker for a main call (not oneself; video-muted and other-codec sources skipped), the presentation for a presentation call. */
  private sourceFor(c: Call, mimeType: string): string | undefined {
    if (c.kind === 'present-receive') {
      const src = this.videoSources.get(PRESENTATION);
      return src && src.mimeType === mimeType ? PRESENTATION : undefined;
    }
    if (c.kind !== 'main') return undefined;
    const usable = (id: string) => {
      const src = this.videoSources.get(id);
      return id !== c.participantId && src !== undefined && src.mimeType === mimeType && !this.muted.get(id)?.video;
    };
    const staged = this.stage.find(usable);
    if (staged) return staged;
    // Not on the engine's stage yet (just joined): anyone who publishes.
    for (const id of this.videoSources.keys()) if (id !== PRESENTATION && usable(id)) return id;
    return undefined;
  }

  // ---- audio mix ----

  private start(): void {
    if (this.tick) return;
    this.nextTickAt = performance.now() + 20;
    const loop = () => {
      this.mixOnce();
      // Drift-corrected 20 ms clock: timers fire late, the mix must not fall behind real time.
      this.nextTickAt += 20;
      const now = performance.now();
      if (this.nextTickAt < now - 100) this.nextTickAt = now + 20;
      this.tick = setTimeout(loop, Math.max(0, this.nextTickAt - now));
    };
    this.tick = setTimeout(loop, 20);
    this.watchdog = setInterval(() => this.checkSilence(), 1000);
  }

  private stop(): void {
    if (this.tick) clearTimeout(this.tick);
    if (this.watchdog) clearInterval(this.watchdog);
    this.tick = undefined;
    this.watchdog = undefined;
    for (const e of this.encoders.values()) e.close();
    this.encoders.clear();
  }

  /**
   * An acked call we have not heard from (no RTP, no RTCP) for the timeout is a ghost: report it. One that never
   * acks is left to ICE consent (werift fails it 30 s after the last consent response).
   */
  private checkSilence(): void {
    const now = performance.now();
    for (const c of this.calls.values()) {
      if (c.connected && c.acked && !c.failed && now - c.peer.lastHeard > this.rtc.silenceTimeoutMs) this.fail(c, 'silence');
    }
    // A presentation changes without keyframes: ask for one now and then, so that its snapshot stays current (not
    // for codecs without snapshots, which would only pay for the keyframes).
    const presentation = this.videoSources.get(PRESENTATION);
    if (presentation && snapshotable(presentation) && now - this.snapshot.sentAt > SNAPSHOT_REFRESH_MS && now - this.snapshot.askedAt > SNAPSHOT_REFRESH_MS) {
      this.snapshot.askedAt = now;
      presentation.requestKeyframe();
    }
    // A pending switch whose keyframe never came: ask again.
    for (const c of this.calls.values()) {
      for (const sink of c.sinks) {
        if (sink.pending && now - sink.pendingSince > 1000) {
          sink.pendingSince = now;
          this.videoSources.get(sink.pending)?.requestKeyframe();
        }
      }
    }
  }

  private mixOnce(): void {
    this.stats.mixTicks++;
    const inputs = [];
    for (const [id, src] of this.audioSources) {
      const frame = src.queue.shift();
      const level = frame ? dbov(frame.pcm) : null;
      src.level = level ?? -127;
      if (src.vad.push(level)) this.report({ kind: 'speaking', conferenceId: this.conferenceId, participantId: id, speaking: src.vad.speaking });
      if (frame && !this.muted.get(id)?.audio) inputs.push({ id, pcm: frame.pcm, level: src.level });
    }
    const listeners = [...this.calls.values()].filter((c) => c.kind === 'main' && c.acked && c.connected && c.peer.audioOut);
    if (listeners.length === 0) return;
    const mix = this.mixer.mix(inputs);
    let common: Buffer | undefined;
    const minus = new Map<string, Buffer>();
    for (const c of listeners) {
      let payload: Buffer;
      const own = mix.minus.get(c.participantId);
      if (own) {
        payload = minus.get(c.participantId) ?? this.encoder(c.participantId).encode(own);
        minus.set(c.participantId, payload);
      } else {
        common ??= this.encoder('').encode(mix.common);
        payload = common;
      }
      c.audioSeq = (c.audioSeq + 1) & 0xffff;
      c.audioTs = (c.audioTs + FRAME_SAMPLES) >>> 0;
      c.peer.send(c.peer.audioOut!, false, c.audioSeq, c.audioTs, payload);
      this.stats.packetsOut++;
    }
    // Encoders of speakers no longer in the mix keep state for their return; drop those of people who left.
    for (const id of this.encoders.keys()) if (id && !this.audioSources.has(id)) { this.encoders.get(id)!.close(); this.encoders.delete(id); }
  }

  /** '' is the common mix's encoder; a participant id is that speaker's mix-minus encoder. */
  private encoder(id: string): OpusEncoder {
    let e = this.encoders.get(id);
    if (!e) { e = new OpusEncoder(); this.encoders.set(id, e); }
    return e;
  }
}
