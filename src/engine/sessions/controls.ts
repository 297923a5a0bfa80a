import type { Actor } from '../actor.js';
import { SYSTEM } from '../actor.js';
import { authorize, forbidden } from '../access.js';
import { DomainError, invalid, notFound, notRunning } from '../errors.js';
import type { Conferences } from '../conferences/conferences.js';
import type { EngineContext } from '../context.js';
import type { Users } from '../directory/users.js';
import { joinByAlias, roleForPin, type AliasJoinRequest } from './join.js';
import { ConferenceLinks } from './links.js';
import { TERM, type Sessions } from './sessions.js';
import type { LiveParticipant, LiveSession, SilentVideoConfig } from './types.js';

/** Layouts a host may request (Pexip transform_layout); 'ac' is Adaptive Composition. */
export const LAYOUTS = ['1:0', '1:7', '1:21', '2:21', '1:33', '4:0', '9:0', '16:0', '25:0', 'ac'] as const;
/** The only layout produced until composed media exists: voice-switched main speaker. */
export const PRODUCED_LAYOUT = '1:0';
export const MESSAGE_TYPES = ['text/plain', 'application/json'] as const;
export const DEFAULT_SILENT_VIDEO: SilentVideoConfig = { enable: true, silent_after: 15, require_no_faces: true, reactivate_after: 2 };

interface Scope {
  s: LiveSession;
  /** The acting participant, when the actor is one. */
  me?: LiveParticipant;
  isHost: boolean;
}

/**
 * Host controls of a live conference: lock, mute, spotlight, waiting room, roles, hand raise, transfer, chat,
 * layout. Every command takes the acting participant (or an administrator) and checks it here; a participant
 * acts only inside its own conference and with the role it holds now, not the one it joined with.
 */
export class LiveControls {
  private readonly links: ConferenceLinks;

  constructor(
    private readonly ctx: EngineContext,
    private readonly sessions: Sessions,
    private readonly conferences: Conferences,
    private readonly users: Users,
  ) {
    this.links = new ConferenceLinks(ctx, conferences, sessions);
  }

  /** A client joins by alias with a PIN (see join.ts): the engine decides role and waiting room. */
  join(req: AliasJoinRequest): Promise<LiveParticipant> {
    return joinByAlias(this.ctx, this.conferences, this.sessions, req);
  }

  // ---- conference-wide ------------------------------------------------------------------------------

  /** Lock or unlock; unlocking lets everyone in the waiting room in. */
  async setLocked(actor: Actor, conferenceId: string, locked: boolean): Promise<void> {
    const { s } = this.host(actor, conferenceId);
    s.locked = locked;
    this.sessionUpdated(s);
    if (!locked) for (const p of [...s.participants.values()]) if (p.state === 'waiting') await this.sessions.connect(s, p, p.via);
  }

  /** Pexip start_conference: Parley sessions start on the first join, so a running one is already started. */
  startConference(actor: Actor, conferenceId: string): void {
    this.host(actor, conferenceId);
  }

  /** Mute or unmute every guest; guests joining while guests are muted come in muted. */
  setGuestsMuted(actor: Actor, conferenceId: string, muted: boolean): void {
    const { s } = this.host(actor, conferenceId);
    s.guestsMuted = muted;
    for (const p of s.participants.values()) {
      if (p.role === 'guest' && p.audioMuted !== muted) this.sessions.update(s, p, { audioMuted: muted });
    }
    this.sessionUpdated(s);
  }

  setGuestsCanUnmute(actor: Actor, conferenceId: string, allowed: boolean): void {
    const { s } = this.host(actor, conferenceId);
    s.guestsCanUnmute = allowed;
    this.sessionUpdated(s);
  }

  /** Disconnects everyone, the caller included: the conference ends. */
  async disconnectAll(actor: Actor, conferenceId: string): Promise<void> {
    this.host(actor, conferenceId);
    await this.sessions.stop(SYSTEM, conferenceId, TERM.moderator);
  }

  /** Lowers every raised hand. */
  clearAllHands(actor: Actor, conferenceId: string): void {
    const { s } = this.host(actor, conferenceId);
    for (const p of s.participants.values()) if (p.handRaisedAt !== null) this.sessions.update(s, p, { handRaisedAt: null });
  }

  /** A chat message to the whole conference from a connected participant. */
  message(actor: Actor, conferenceId: string, type: string, payload: string): void {
    const { s, me } = this.scope(actor, conferenceId);
    if (!me || me.state !== 'connected') throw forbidden();
    if (!(MESSAGE_TYPES as readonly string[]).includes(type)) throw invalid('type', `type must be one of ${MESSAGE_TYPES.join(', ')}`);
    if (type === 'application/json') {
      try { JSON.parse(payload); } catch { throw invalid('payload', 'payload must be JSON text for application/json'); }
    }
    this.ctx.bus.emit('conference.message', { conferenceId, streamId: s.streamId, from: me, type, payload });
  }

  /**
   * Records the layout a host asked for. The media plane forwards the main speaker's own stream (voice
   * switching, no transcoding), so only '1:0' can be produced; a layout that needs a composed picture is
   * refused rather than recorded as if it were shown.
   */
  transformLayout(actor: Actor, conferenceId: string, transforms: Record<string, unknown>): void {
    const { s } = this.host(actor, conferenceId);
    for (const key of ['layout', 'host_layout', 'guest_layout'] as const) {
      const v = transforms[key];
      if (v !== undefined && !(LAYOUTS as readonly string[]).includes(v as string)) {
        throw invalid(key, `${key} must be one of ${LAYOUTS.join(', ')}`);
      }
      if (v !== undefined && v !== PRODUCED_LAYOUT) {
        throw invalid(key, `Layout ${String(v)} needs a composed picture, which this server does not produce yet; only ${PRODUCED_LAYOUT} (the main speaker, voice-switched) is available`);
      }
    }
    const streaming = transforms.streaming as Record<string, unknown> | undefined;
    if (streaming?.layout !== undefined && !(LAYOUTS as readonly string[]).includes(streaming.layout as string)) {
      throw invalid('streaming.layout', `streaming.layout must be one of ${LAYOUTS.join(', ')}`);
    }
    s.layout = { requested: { ...(s.layout?.requested ?? {}), ...transforms }, view: PRODUCED_LAYOUT };
    this.ctx.bus.emit('session.layout', { conferenceId, streamId: s.streamId });
  }

  /** Silent-video detection settings, within the documented ranges (kept for when video analysis exists). */
  silentVideoDetection(actor: Actor, conferenceId: string, config: Partial<SilentVideoConfig>): void {
    const { s } = this.host(actor, conferenceId);
    const next = { ...(s.silentVideo ?? DEFAULT_SILENT_VIDEO), ...config };
    if (!Number.isInteger(next.silent_after) || next.silent_after < 1 || next.silent_after > 120) {
      throw invalid('silent_after', 'silent_after must be a whole number of seconds from 1 to 120');
    }
    if (!Number.isInteger(next.reactivate_after) || next.reactivate_after < 1 || next.reactivate_after > 5) {
      throw invalid('reactivate_after', 'reactivate_after must be a whole number of seconds from 1 to 5');
    }
    s.silentVideo = next;
    this.sessionUpdated(s);
  }

  /**
   * Calls a Parley user (login or TrueConf ID) into the conference with a role: their connected clients ring
   * (call.invited) and the participant shows as ringing until they answer. A conference of this server (id,
   * alias or number) is linked instead (links.ts): the returned participant stands for it. Others are refused.
   */
  async dial(actor: Actor, conferenceId: string, destination: string, role: 'host' | 'guest',
    names: { source?: string; remote?: string } = {}): Promise<LiveParticipant> {
    const { s } = this.host(actor, conferenceId);
    const dest = destination.replace(/^(sip|h323|mssip|tel):/i, '').trim();
    const user = dest ? await this.users.find(dest) : undefined;
    if (!user) {
      const target = dest ? await this.conferences.resolve(dest) : undefined;
      if (target) return this.links.link(s, target, { role, sourceName: names.source, remoteName: names.remote, destination: dest });
      throw new DomainError('not_found', `No Parley user ${destination} to call`, { id: destination, field: 'destination' }, 'user');
    }
    const p = await this.sessions.addParticipant(SYSTEM, s.conferenceId, user.id);
    return this.sessions.update(s, p, { role, isOwner: p.isOwner && role === 'host', direction: 'out', protocol: 'api', hasMedia: false, callTag: '' });
  }

  // ---- one participant ------------------------------------------------------------------------------

  /** Audio mute: a host mutes anyone; a participant may mute itself, and unmute itself unless guests are held muted. */
  setAudioMuted(actor: Actor, conferenceId: string, participantId: string, muted: boolean): LiveParticipant {
    const { s, me, isHost } = this.scope(actor, conferenceId);
    const p = this.target(s, participantId);
    if (!isHost) {
      if (me?.id !== p.id) throw forbidden();
      if (!muted && p.role === 'guest' && s.guestsMuted && !s.guestsCanUnmute) throw forbidden();
    }
    return this.sessions.update(s, p, { audioMuted: muted });
  }

  setVideoMuted(actor: Actor, conferenceId: string, participantId: string, muted: boolean): LiveParticipant {
    const { s, p } = this.hostOrSelf(actor, conferenceId, participantId);
    return this.sessions.update(s, p, { videoMuted: muted });
  }

  setSpotlight(actor: Actor, conferenceId: string, participantId: string, on: boolean): LiveParticipant {
    const { s, p } = this.hostOn(actor, conferenceId, participantId);
    if (on === (p.spotlightAt !== null)) return p;
    return this.sessions.update(s, p, { spotlightAt: on ? this.ctx.now() : null });
  }

  /** Lets a participant in from the waiting room (a participant already in stays in). */
  async admit(actor: Actor, conferenceId: string, participantId: string): Promise<LiveParticipant> {
    const { s, p } = this.hostOn(actor, conferenceId, participantId);
    if (p.state !== 'waiting') return p;
    return this.sessions.connect(s, p, p.via);
  }

  setRole(actor: Actor, conferenceId: string, participantId: string, role: 'host' | 'guest'): LiveParticipant {
    const { s, p } = this.hostOn(actor, conferenceId, participantId);
    if (p.role === role) return p;
    const patch: Partial<LiveParticipant> = { role };
    // A new guest follows the guests' mute; a host held in the waiting room would never be admitted otherwise.
    if (role === 'guest' && s.guestsMuted) patch.audioMuted = true;
    const out = this.sessions.update(s, p, patch);
    if (role === 'host' && p.state === 'waiting') this.sessions.connect(s, p, p.via).catch(() => undefined);
    return out;
  }

  setOverlayText(actor: Actor, conferenceId: string, participantId: string, text: string): LiveParticipant {
    const { s, p } = this.hostOn(actor, conferenceId, participantId);
    if (text.length > 256) throw invalid('text', 'text is longer than 256 characters');
    return this.sessions.update(s, p, { overlayText: text });
  }

  setRxPresentation(actor: Actor, conferenceId: string, participantId: string, allowed: boolean): LiveParticipant {
    const { s, p } = this.hostOn(actor, conferenceId, participantId);
    return this.sessions.update(s, p, { rxPresentation: allowed });
  }

  setPresentationInMix(actor: Actor, conferenceId: string, participantId: string, inMix: boolean): LiveParticipant {
    const { s, p } = this.hostOrSelf(actor, conferenceId, participantId);
    return this.sessions.update(s, p, { presentationInMix: inMix });
  }

  /** Raise or lower a hand: a participant its own, a host anyone's. */
  setHandRaised(actor: Actor, conferenceId: string, participantId: string, raised: boolean): LiveParticipant {
    const { s, p } = this.hostOrSelf(actor, conferenceId, participantId);
    if (raised === (p.handRaisedAt !== null)) return p;
    return this.sessions.update(s, p, { handRaisedAt: raised ? this.ctx.now() : null });
  }

  /** Removes a participant: a host anyone (kicked), a participant itself (left). */
  async disconnect(actor: Actor, conferenceId: string, participantId: string): Promise<void> {
    const { s, p, self } = this.hostOrSelf(actor, conferenceId, participantId);
    await this.sessions.remove(s, p, self ? 'left' : 'kicked');
  }

  /** DTMF digits to a participant; without media they only reach event listeners. */
  dtmf(actor: Actor, conferenceId: string, participantId: string, digits: string): void {
    const { s, p } = this.hostOrSelf(actor, conferenceId, participantId);
    if (!/^[0-9*#A-Da-d]{1,64}$/.test(digits)) throw invalid('digits', 'digits must be 1 to 64 of 0-9 * # A-D');
    this.ctx.bus.emit('participant.dtmf', { conferenceId, streamId: s.streamId, participantId: p.id, digits });
  }

  /**
   * Moves a participant to another conference with a role. The host's word is enough; a PIN, if given, must be
   * the target's PIN for that role. The participant leaves here (reason 'transferred') and rejoins there.
   */
  async transfer(actor: Actor, conferenceId: string, participantId: string, alias: string, role: 'host' | 'guest',
    pin?: string | null): Promise<{ targetConferenceId: string }> {
    const { s, p } = this.hostOn(actor, conferenceId, participantId);
    const target = await this.conferences.resolve(alias);
    if (!target) throw notFound('conference', alias);
    if (pin && pin !== 'none' && roleForPin(target, pin) !== role) {
      throw new DomainError('pin_required', 'Invalid PIN', { host_pin: 'required', guest_pin: 'required', wrong: 1, conference_id: target.id });
    }
    this.ctx.bus.emit('participant.transferred', {
      conferenceId, streamId: s.streamId, participant: p, targetConferenceId: target.id, targetAlias: alias, role,
    });
    await this.sessions.remove(s, p, 'transferred');
    return { targetConferenceId: target.id };
  }

  /** Checks that the actor may use a host function on the participant (functions without engine effect yet, e.g. FECC). */
  checkHostOn(actor: Actor, conferenceId: string, participantId: string): LiveParticipant {
    return this.hostOn(actor, conferenceId, participantId).p;
  }

  // ---- who may act ----------------------------------------------------------------------------------

  private scope(actor: Actor, conferenceId: string): Scope {
    const s = this.sessions.byConferenceId(conferenceId);
    if (!s) throw notRunning(conferenceId);
    if (actor.kind === 'participant') {
      const me = s.participants.get(actor.participantId);
      if (actor.conferenceId !== conferenceId || !me) throw forbidden();
      return { s, me, isHost: me.role === 'host' && me.state === 'connected' };
    }
    authorize(actor, 'conferences.sessions.participants:write', { owner: s.owner });
    return { s, isHost: true };
  }

  private host(actor: Actor, conferenceId: string): Scope {
    const sc = this.scope(actor, conferenceId);
    if (!sc.isHost) throw forbidden();
    return sc;
  }

  private hostOn(actor: Actor, conferenceId: string, participantId: string): Scope & { p: LiveParticipant } {
    const sc = this.host(actor, conferenceId);
    return { ...sc, p: this.target(sc.s, participantId) };
  }

  private hostOrSelf(actor: Actor, conferenceId: string, participantId: string): Scope & { p: LiveParticipant; self: boolean } {
    const sc = this.scope(actor, conferenceId);
    const p = this.target(sc.s, participantId);
    const self = sc.me?.id === p.id;
    if (!sc.isHost && !self) throw forbidden();
    return { ...sc, p, self };
  }

  private target(s: LiveSession, participantId: string): LiveParticipant {
    const p = s.participants.get(participantId);
    if (!p) throw notFound('participant', participantId);
    return p;
  }

  private sessionUpdated(s: LiveSession): void {
    this.ctx.bus.emit('session.updated', { conferenceId: s.conferenceId, streamId: s.streamId });
  }
}
