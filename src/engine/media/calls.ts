import { randomUUID } from 'node:crypto';
import type { EngineContext } from '../context.js';
import type { Actor } from '../actor.js';
import { forbidden } from '../access.js';
import { DomainError, invalid, notFound, notRunning } from '../errors.js';
import type { Sessions } from '../sessions/sessions.js';
import type { LiveParticipant, LiveSession } from '../sessions/types.js';
import { stageOrder } from '../sessions/stage.js';
import type { MediaCallKind, MediaPort, MediaReport } from './port.js';

/** A participant's media call: the engine's record of it (the packets are the media plane's). */
export interface MediaCall {
  id: string;
  conferenceId: string;
  streamId: string;
  participantId: string;
  kind: MediaCallKind;
  media: { audio: boolean; video: boolean };
  /** What the call type allows (Pexip media_type): a renegotiation may add media only within it. */
  allowed?: { audio: boolean; video: boolean };
  state: 'offered' | 'active';
  /** Multistream: which participant each receiving video m-line shows (by mid). */
  multistream: boolean;
  slots: Array<{ mid: string; participantId: string | null }>;
}

/**
 * What a call carries once answered: a kind whose m-lines the plane rejected (port 0: video in a codec Parley
 * cannot forward) is not carried, so an Opus + VP9 offer is an audio-only call.
 */
function carried(answer: string, media: { audio: boolean; video: boolean }): { audio: boolean; video: boolean } {
  const live = (kind: string) => new RegExp(`^m=${kind} [1-9]`, 'm').test(answer);
  return { audio: media.audio && live('audio'), video: media.video && live('video') };
}

/** Pexip's reason texts, which its clients map to their own messages. */
export const CALL_END = {
  presentationStolen: 'Presentation stolen by another participant',
  timeout: 'Media timeout: the client stopped sending',
  connectionFailed: 'Media connection failed',
  serverError: 'Media server error',
  left: 'Participant left',
} as const;

/**
 * Media calls of live participants: who has which call, who speaks (the stage), who presents. Commands come
 * from adapters (Pexip `calls`, `ack`, ...); reports come from the media plane; every change is an event.
 */
export class MediaCalls {
  private port?: MediaPort;
  private readonly calls = new Map<string, MediaCall>();
  /** Stage order last given to the media plane, per conference (to send only changes). */
  private readonly sentStage = new Map<string, string>();

  constructor(private readonly ctx: EngineContext, private readonly sessions: Sessions) {
    const bus = ctx.bus;
    bus.on('participant.updated', ({ conferenceId, participant: p }) => {
      this.port?.mute(conferenceId, p.id, p.audioMuted, p.videoMuted);
      this.restage(conferenceId);
    });
    bus.on('participant.joined', ({ conferenceId }) => this.restage(conferenceId));
    bus.on('participant.left', ({ participant: p }) => {
      for (const c of this.of(p.id)) void this.end(c, CALL_END.left, false);
      const s = this.sessions.byConferenceId(p.conferenceId);
      if (s) { s.speaking?.delete(p.id); s.spokeAt?.delete(p.id); }
      this.restage(p.conferenceId);
    });
    bus.on('session.ended', ({ conferenceId }) => {
      for (const c of [...this.calls.values()]) if (c.conferenceId === conferenceId) void this.end(c, CALL_END.left, false);
      this.sentStage.delete(conferenceId);
    });
  }

  /** Connects the media plane (the composition root does it; without one, calls answer `unavailable`). */
  attach(port: MediaPort): void {
    this.port = port;
    port.onReport((r) => this.report(r));
  }

  /** A participant adds a call to itself: its offer in, our answer out. */
  async open(actor: Actor, conferenceId: string, participantId: string,
    req: { kind: MediaCallKind; media: { audio: boolean; video: boolean }; allowed?: { audio: boolean; video: boolean }; sdp: string; multistream?: boolean }): Promise<{ call: MediaCall; sdp: string }> {
    const { s, p } = this.self(actor, conferenceId, participantId);
    const port = this.mustPort();
    if (!req.sdp.trim().startsWith('v=0')) throw invalid('sdp', 'sdp must be an SDP offer');
    if (req.kind === 'main' && this.of(p.id).some((c) => c.kind === 'main')) {
      throw new DomainError('conflict', 'The participant already has a media call');
    }
    const call: MediaCall = {
      id: randomUUID(), conferenceId, streamId: s.streamId, participantId: p.id, kind: req.kind, media: req.media, state: 'offered',
      multistream: req.multistream === true && req.kind === 'main', slots: [],
    };
    this.calls.set(call.id, call);
    if (req.allowed) call.allowed = req.allowed;
    let sdp: string;
    try {
      sdp = await port.open({ conferenceId, participantId: p.id, callId: call.id, kind: req.kind, media: req.media, sdp: req.sdp, multistream: call.multistream });
    } catch (err) {
      this.calls.delete(call.id);
      throw invalid('sdp', `The offer cannot be answered: ${err instanceof Error ? err.message : String(err)}`);
    }
    call.media = carried(sdp, req.media);
    // The plane starts from the engine's truth: mutes and the stage as they are now.
    for (const q of s.participants.values()) port.mute(conferenceId, q.id, q.audioMuted, q.videoMuted);
    this.sentStage.delete(conferenceId);
    this.restage(conferenceId);
    this.emit(call, 'offered');
    return { call, sdp };
  }

  /** Pexip `ack`: media starts. A main call gives the participant media; a presentation send call presents. */
  async ack(actor: Actor, conferenceId: string, participantId: string, callId: string): Promise<void> {
    const { s, p, call } = this.own(actor, conferenceId, participantId, callId);
    await this.mustPort().ack(call.id);
    if (call.state === 'active') return;
    call.state = 'active';
    this.emit(call, 'active');
    if (call.kind === 'main') this.sessions.update(s, p, { hasMedia: true, audioOnly: call.media.audio && !call.media.video });
    if (call.kind === 'present-send') this.present(s, p, call);
  }

  async candidate(actor: Actor, conferenceId: string, participantId: string, callId: string, candidate: string, mid: string | null): Promise<void> {
    const { call } = this.own(actor, conferenceId, participantId, callId);
    try {
      await this.mustPort().candidate(call.id, candidate, mid);
    } catch (err) {
      throw invalid('candidate', `The candidate cannot be used: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Renegotiation (new offer): `offered` is the new offer's media; a main call may gain (or drop) video or audio. */
  async update(actor: Actor, conferenceId: string, participantId: string, callId: string, sdp: string, offered?: { audio: boolean; video: boolean }): Promise<string> {
    const { s, p, call } = this.own(actor, conferenceId, participantId, callId);
    if (!sdp.trim().startsWith('v=0')) throw invalid('sdp', 'sdp must be an SDP offer');
    const media = call.kind === 'main' && offered
      ? { audio: offered.audio && (call.allowed?.audio ?? true), video: offered.video && (call.allowed?.video ?? true) }
      : call.media;
    if (!media.audio && !media.video) throw invalid('sdp', 'The offer has no media this call can carry');
    try {
      const answer = await this.mustPort().update(call.id, sdp, media);
      call.media = carried(answer, media);
      if (call.kind === 'main' && call.state === 'active' && this.calls.has(call.id)) this.sessions.update(s, p, { audioOnly: call.media.audio && !call.media.video });
      return answer;
    } catch (err) {
      throw invalid('sdp', `The offer cannot be answered: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** The client hangs up one call (the participant stays, e.g. after stopping a screen share). */
  async disconnect(actor: Actor, conferenceId: string, participantId: string, callId: string): Promise<void> {
    const { call } = this.own(actor, conferenceId, participantId, callId);
    await this.end(call, undefined, false);
  }

  /** One of the actor's own calls (Pexip call functions that act on the participant, e.g. call-level dtmf). */
  get(actor: Actor, conferenceId: string, participantId: string, callId: string): MediaCall {
    return this.own(actor, conferenceId, participantId, callId).call;
  }

  /**
   * A JPEG of the presentation's latest frame, at most maxWidth wide, for a participant of the conference; undefined
   * when nobody presents or no frame has arrived yet (a presentation in a codec other than VP8 has none).
   */
  async presentationImage(actor: Actor, conferenceId: string, maxWidth: number): Promise<Buffer | undefined> {
    const s = this.sessions.byConferenceId(conferenceId);
    if (!s) throw notRunning(conferenceId);
    if (actor.kind !== 'participant' || !s.participants.has(actor.participantId)) throw forbidden();
    const f = s.presentationFrame;
    if (!f || !this.port) return undefined;
    let image = f.images.get(maxWidth);
    if (!image) {
      image = this.port.snapshot(f.frame, maxWidth);
      f.images.set(maxWidth, image);
      // A frame the decoder refused is not asked again for this width; the next frame gets a new try.
      image.catch(() => undefined);
    }
    return image.catch(() => undefined);
  }

  /** Calls of a participant (the Pexip participant view shows whether one presents, and so on). */
  of(participantId: string): MediaCall[] {
    return [...this.calls.values()].filter((c) => c.participantId === participantId);
  }

  // ---- internals ----

  private present(s: LiveSession, p: LiveParticipant, call: MediaCall): void {
    // One presenter at a time: a new one takes over, and the previous presenter's send call ends.
    for (const other of this.calls.values()) {
      if (other !== call && other.conferenceId === s.conferenceId && other.kind === 'present-send') void this.end(other, CALL_END.presentationStolen, true);
    }
    const previousId = s.presenterId ?? null;
    s.presenterId = p.id;
    s.presentationFrame = undefined;
    this.ctx.bus.emit('presentation.changed', { conferenceId: s.conferenceId, streamId: s.streamId, presenterId: p.id, previousId });
  }

  /** Ends a call; `notify` tells the participant (Pexip call_disconnected) when the server ended it. */
  private async end(call: MediaCall, reason: string | undefined, notify: boolean): Promise<void> {
    if (!this.calls.delete(call.id)) return;
    const s = this.sessions.byConferenceId(call.conferenceId);
    if (call.kind === 'present-send' && s?.presenterId === call.participantId) {
      s.presenterId = undefined;
      s.presentationFrame = undefined;
      this.ctx.bus.emit('presentation.changed', { conferenceId: s.conferenceId, streamId: s.streamId, presenterId: null, previousId: call.participantId });
    }
    if (call.kind === 'main' && s) {
      const p = s.participants.get(call.participantId);
      if (p?.hasMedia) this.sessions.update(s, p, { hasMedia: false, audioOnly: false });
    }
    this.emit(call, 'ended', notify ? reason : undefined);
    await this.port?.close(call.id).catch(() => undefined);
  }

  private report(r: MediaReport): void {
    if (r.kind === 'speaking') {
      const s = this.sessions.byConferenceId(r.conferenceId);
      if (!s || !s.participants.has(r.participantId)) return;
      s.speaking ??= new Set();
      s.spokeAt ??= new Map();
      if (r.speaking) { s.speaking.add(r.participantId); s.spokeAt.set(r.participantId, this.ctx.now()); } else s.speaking.delete(r.participantId);
      this.restage(r.conferenceId, true);
      return;
    }
    if (r.kind === 'presentationFrame') {
      const s = this.sessions.byConferenceId(r.conferenceId);
      if (!s?.presenterId) return;
      const seq = (s.presentationFrame?.seq ?? 0) + 1;
      s.presentationFrame = { seq, frame: r.frame, images: new Map() };
      this.ctx.bus.emit('presentation.frame', { conferenceId: s.conferenceId, streamId: s.streamId, seq });
      return;
    }
    if (r.kind === 'slots') {
      const c = this.calls.get(r.callId);
      if (!c) return;
      c.slots = r.slots;
      this.ctx.bus.emit('media.slots', { conferenceId: c.conferenceId, streamId: c.streamId, participantId: c.participantId, callId: c.id, slots: r.slots });
      return;
    }
    if (r.state !== 'failed') return;
    const call = this.calls.get(r.callId);
    if (!call) return;
    // A main call that vanished after media started (no BYE, ICE consent lost, silent peer) is a ghost: the
    // participant is removed. A call that fails while still being set up only ends (the client may retry).
    const s = this.sessions.byConferenceId(call.conferenceId);
    const p = s?.participants.get(call.participantId);
    const ghost = call.kind === 'main' && call.state === 'active';
    const reason = r.cause === 'worker' ? CALL_END.serverError : r.cause === 'connection' ? CALL_END.connectionFailed : CALL_END.timeout;
    void this.end(call, reason, true).then(async () => {
      if (ghost && s && p && s.participants.has(p.id)) await this.sessions.remove(s, p, 'media timeout');
    });
  }

  /** Sends the stage order to the media plane when it changed; emits session.stage (also for voice activity). */
  private restage(conferenceId: string, activityChanged = false): void {
    const s = this.sessions.byConferenceId(conferenceId);
    if (!s) return;
    const order = stageOrder(s).map((p) => p.id);
    const key = order.join(',');
    const moved = this.sentStage.get(conferenceId) !== key;
    if (moved) {
      this.sentStage.set(conferenceId, key);
      this.port?.stage(conferenceId, order);
    }
    if (moved || activityChanged) this.ctx.bus.emit('session.stage', { conferenceId, streamId: s.streamId, orderChanged: moved });
  }

  private emit(call: MediaCall, state: 'offered' | 'active' | 'ended', reason?: string): void {
    this.ctx.bus.emit('media.call', {
      conferenceId: call.conferenceId, streamId: call.streamId, participantId: call.participantId, callId: call.id,
      kind: call.kind, state, ...(reason ? { reason } : {}),
    });
  }

  private mustPort(): MediaPort {
    if (!this.port) throw new DomainError('unavailable', 'Media is not available on this server');
    return this.port;
  }

  /** Only the participant itself adds and drives its calls (a host cannot answer SDP for someone else). */
  private self(actor: Actor, conferenceId: string, participantId: string): { s: LiveSession; p: LiveParticipant } {
    const s = this.sessions.byConferenceId(conferenceId);
    if (!s) throw notRunning(conferenceId);
    const p = s.participants.get(participantId);
    if (!p) throw notFound('participant', participantId);
    if (actor.kind !== 'participant' || actor.participantId !== p.id) throw forbidden();
    if (p.state !== 'connected') throw forbidden();
    return { s, p };
  }

  private own(actor: Actor, conferenceId: string, participantId: string, callId: string): { s: LiveSession; p: LiveParticipant; call: MediaCall } {
    const { s, p } = this.self(actor, conferenceId, participantId);
    const call = this.calls.get(callId);
    if (!call || call.participantId !== p.id) throw notFound('call', callId);
    return { s, p, call };
  }
}
