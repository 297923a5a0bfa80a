import { randomUUID } from 'node:crypto';
import type { EngineContext } from '../context.js';
import type { Actor } from '../actor.js';
import { actorName } from '../actor.js';
import { authorize } from '../access.js';
import { DomainError, notFound, notRunning } from '../errors.js';
import { checkPage, pageOf, type Page } from '../paging.js';
import type { Conferences } from '../conferences/conferences.js';
import type { ConferenceDef } from '../conferences/types.js';
import type { Users } from '../directory/users.js';
import type { Presence } from '../directory/presence.js';
import { callIdOf } from '../directory/ids.js';
import type { CallHistory } from '../history/calls.js';
import type { Recordings } from '../recordings/recordings.js';
import type { LiveParticipant, LiveSession } from './types.js';

/** term_reason codes of the call log. */
export const TERM = { allLeft: 2, deleted: 3, schedule: 5, restart: 6, moderator: 10, administrator: 15 } as const;

export interface JoinRequest {
  conferenceId: string;
  userId?: string | null;
  displayName: string;
  role?: 'host' | 'guest';
  via: string;
  /** Client application id for the call log. */
  appId?: string;
}

/**
 * Live sessions of running conferences. The single owner of who is in which conference and in what state;
 * every change is emitted as a domain event and written through to call history.
 */
export class Sessions {
  /** 0 = unlimited (the seed's ongoingConferencesLimit). */
  maxOngoing = 0;
  private readonly byConference = new Map<string, LiveSession>();
  private readonly byStream = new Map<string, LiveSession>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly conferences: Conferences,
    private readonly users: Users,
    private readonly presence: Presence,
    private readonly history: CallHistory,
    private readonly recordings: Recordings,
  ) {
    conferences.attachRunningState({ isRunning: (id) => this.byConference.has(id) });
  }

  isRunning(conferenceId: string): boolean {
    return this.byConference.has(conferenceId);
  }

  byConferenceId(conferenceId: string): LiveSession | undefined {
    return this.byConference.get(conferenceId);
  }

  byStreamId(streamId: string): LiveSession | undefined {
    return this.byStream.get(streamId);
  }

  /** Session by stream id, throwing `not_found` (session) when it is not running. */
  session(streamId: string): LiveSession {
    const s = this.byStream.get(streamId);
    if (!s) throw notFound('session', streamId);
    return s;
  }

  all(): LiveSession[] {
    return [...this.byConference.values()];
  }

  /** Starts a conference. Returns the session (already running: starting is synchronous in Parley). */
  async start(actor: Actor, conferenceId: string): Promise<LiveSession> {
    const conf = await this.conferences.get(conferenceId);
    authorize(actor, 'conferences:write', { owner: conf.owner });
    const existing = this.byConference.get(conferenceId);
    if (existing) return existing;
    if (conf.schedule.type === 1 && conf.schedule.start_time !== undefined && conf.schedule.duration !== undefined
      && (conf.schedule.start_time + conf.schedule.duration) * 1000 < this.ctx.now()) {
      throw new DomainError('conference_finished', 'The conference is finished', { conference_id: conferenceId });
    }
    if (this.maxOngoing > 0 && this.byConference.size >= this.maxOngoing) {
      throw new DomainError('ongoing_limit', `Maximum number of ongoing conferences ('${this.maxOngoing}') has been reached`, { max_limit: this.maxOngoing });
    }
    const n = await this.history.nextStreamNumber();
    // A second check: another start may have completed while we waited for the counter.
    const raced = this.byConference.get(conferenceId);
    if (raced) return raced;
    const streamId = `${n.toString(16).padStart(8, '0')}@${this.ctx.serverName}#vcs`;
    const s: LiveSession = {
      conferenceId, streamId, topic: conf.topic, owner: conf.owner, mode: conf.type, startedAt: this.ctx.now(),
      participants: new Map(), recording: 'stopped', locked: false, guestsMuted: false, nextJoinIndex: 1,
    };
    this.byConference.set(conferenceId, s);
    this.byStream.set(streamId, s);
    await this.history.started({
      id: streamId, namedConfId: conferenceId, topic: conf.topic, type: 5, subtype: conf.type,
      owner: callIdOf(conf.owner, this.ctx.serverName), start: s.startedAt,
    });
    this.ctx.bus.emit('session.started', { conferenceId, streamId });
    if (conf.recording === 1) await this.setRecording(actor, conferenceId, 'recording');
    if (conf.auto_invite !== 0) {
      await this.ring(actor, s, conf, conf.invitations.map((i) => i.id));
    }
    return s;
  }

  /** Stops a running conference: everyone leaves, recording ends, history is closed. */
  async stop(actor: Actor, conferenceId: string, termReason?: number): Promise<void> {
    const conf = await this.conferences.get(conferenceId);
    authorize(actor, 'conferences:write', { owner: conf.owner });
    const s = this.byConference.get(conferenceId);
    if (!s) return;
    const reason = termReason ?? (actor.kind === 'client' && !actor.userId ? TERM.administrator : TERM.moderator);
    await this.end(s, reason);
  }

  /** Rings users into a running conference (starting it first if needed). Unknown ids are skipped. */
  async invite(actor: Actor, conferenceId: string, ids: string[]): Promise<void> {
    const conf = await this.conferences.get(conferenceId);
    authorize(actor, 'conferences:read', { owner: conf.owner });
    const s = this.byConference.get(conferenceId) ?? await this.start(actor, conferenceId);
    await this.ring(actor, s, conf, ids);
  }

  /** Calls one user into the running conference; the user must be online and not already in it. */
  async addParticipant(actor: Actor, conferenceId: string, participantId: string): Promise<LiveParticipant> {
    const conf = await this.conferences.get(conferenceId);
    authorize(actor, 'conferences.participants:write', { owner: conf.owner });
    const s = this.byConference.get(conferenceId);
    if (!s) throw notRunning(conferenceId);
    const user = await this.users.find(participantId);
    if (!user || !user.isActive || !this.presence.isOnline(user.id)) {
      throw new DomainError('participant_unavailable', `Participant ${participantId} is unavailable.`, { participant_id: participantId });
    }
    const already = [...s.participants.values()].find((p) => p.userId === user.id);
    if (already) {
      throw new DomainError('participant_already_in', `Participant ${participantId} already in conference.`, { participant_id: participantId });
    }
    const [p] = await this.ring(actor, s, conf, [user.id]);
    return p;
  }

  /**
   * A participant enters a running conference (a client joined, or a ringing user answered).
   * Adapters call this when their client connects; the conference must be running.
   */
  async join(req: JoinRequest): Promise<LiveParticipant> {
    const s = this.byConference.get(req.conferenceId);
    if (!s) throw notRunning(req.conferenceId);
    const conf = await this.conferences.get(req.conferenceId);
    const userId = req.userId ?? null;
    if (userId) {
      const ringing = [...s.participants.values()].find((p) => p.userId === userId && p.state === 'ringing');
      if (ringing) return this.connect(s, ringing, req.via, req.appId);
    }
    const p = this.newParticipant(s, conf, userId, req.displayName, req.via, null);
    if (req.role) p.role = req.role;
    s.participants.set(p.id, p);
    return this.connect(s, p, req.via, req.appId);
  }

  /** A ringing user answers (accept) or declines an invitation. */
  async answer(userId: string, conferenceId: string, accept: boolean, via = 'client'): Promise<LiveParticipant | undefined> {
    const s = this.byConference.get(conferenceId);
    if (!s) throw notRunning(conferenceId);
    const p = [...s.participants.values()].find((x) => x.userId === userId && x.state === 'ringing');
    if (!p) throw notFound('participant', userId);
    if (accept) return this.connect(s, p, via);
    s.participants.delete(p.id);
    this.ctx.bus.emit('participant.left', { conferenceId, streamId: s.streamId, participant: p, reason: 'declined' });
    return undefined;
  }

  /** Removes a participant (kick, hang-up, connection lost). */
  async leave(actor: Actor, streamId: string, participantId: string, reason = 'left'): Promise<LiveParticipant> {
    if (reason === 'kicked') return this.kick(actor, streamId, participantId);
    const s = this.session(streamId);
    return this.remove(s, this.findParticipant(s, participantId), reason);
  }

  /**
   * Removes a participant against their will. Only the conference owner, an operator or an application may;
   * the stay is closed in call history with leave_reason 2 (1 is a normal hang-up).
   */
  async kick(actor: Actor, streamId: string, participantId: string): Promise<LiveParticipant> {
    const s = this.session(streamId);
    authorize(actor, 'conferences.sessions.participants:write', { owner: s.owner });
    return this.remove(s, this.findParticipant(s, participantId), 'kicked');
  }

  /**
   * Finds a participant by engine id, TrueConf ID or login. An instance-qualified id (`login@server/instance`,
   * see instanceIdOf) names exactly one connection: a user on two devices is two participants.
   */
  findParticipant(s: LiveSession, participantId: string): LiveParticipant {
    const direct = s.participants.get(participantId);
    if (direct) return direct;
    const slash = participantId.indexOf('/');
    const bare = slash >= 0 ? participantId.slice(0, slash) : participantId;
    const instance = slash >= 0 ? participantId.slice(slash + 1).toLowerCase() : '';
    const login = this.users.idOf(bare);
    for (const p of s.participants.values()) {
      const same = p.callId === bare || (p.userId !== null && p.userId === login);
      if (same && (!instance || instanceOf(p) === instance)) return p;
    }
    throw new DomainError('not_found', `Participant ${participantId} is not found.`, { participant_id: participantId }, 'participant');
  }

  // ---- reads for API clients (authorised like every command) ---------------------------------------------

  /** A conference's live participants (connected first in joining order, then those still being called). */
  async participantsOf(actor: Actor, conferenceId: string): Promise<{ conference: ConferenceDef; session?: LiveSession; participants: LiveParticipant[] }> {
    const conference = await this.conferences.get(conferenceId);
    authorize(actor, 'conferences.participants:read', { owner: conference.owner });
    const session = this.byConference.get(conferenceId);
    const participants = session ? ordered(session) : [];
    return { conference, session, participants };
  }

  async participantOf(actor: Actor, conferenceId: string, participantId: string): Promise<{ conference: ConferenceDef; participant: LiveParticipant }> {
    const { conference, session } = await this.participantsOf(actor, conferenceId);
    if (!session) throw new DomainError('not_found', `Participant ${participantId} is not found.`, { participant_id: participantId }, 'participant');
    return { conference, participant: this.findParticipant(session, participantId) };
  }

  /** A running session by its stream id (`not_found` session once it has ended). */
  readSession(actor: Actor, streamId: string): LiveSession {
    const s = this.session(streamId);
    authorize(actor, 'conferences.sessions:read', { owner: s.owner });
    return s;
  }

  /** The connected participants of a running session, a page at a time. */
  sessionParticipants(actor: Actor, streamId: string, page?: number, size?: number): { session: LiveSession; page: Page<LiveParticipant> } {
    const s = this.session(streamId);
    authorize(actor, 'conferences.sessions.participants:read', { owner: s.owner });
    const req = checkPage(page, size, 200);
    const all = ordered(s).filter((p) => p.state === 'connected');
    return { session: s, page: pageOf(all.slice((req.page - 1) * req.size, req.page * req.size), all.length, req) };
  }

  /** Podium (role-based conferences): offer a place, or put the participant there directly with `force`. */
  async podiumInvite(actor: Actor, streamId: string, participantId: string, force: boolean): Promise<LiveParticipant> {
    const s = this.session(streamId);
    authorize(actor, 'conferences.sessions.podiums.participants:write', { owner: s.owner });
    const p = this.findParticipant(s, participantId);
    if (force) return this.update(s, p, { podium: true });
    this.ctx.bus.emit('podium.offered', { conferenceId: s.conferenceId, streamId, participantId: p.id });
    return p;
  }

  async podiumRemove(actor: Actor, streamId: string, participantId: string): Promise<LiveParticipant> {
    const s = this.session(streamId);
    authorize(actor, 'conferences.sessions.podiums.participants:write', { owner: s.owner });
    const p = this.findParticipant(s, participantId);
    return this.update(s, p, { podium: false });
  }

  /** Recording control: start/continue, pause, stop. */
  async setRecording(actor: Actor, conferenceId: string, state: 'recording' | 'paused' | 'stopped'): Promise<void> {
    const conf = await this.conferences.get(conferenceId);
    authorize(actor, 'conferences:write', { owner: conf.owner });
    const s = this.byConference.get(conferenceId);
    if (!s) throw notRunning(conferenceId);
    if (s.recording === state) return;
    try {
      if (state === 'recording') await this.recordings.start(s);
      else if (state === 'paused') await this.recordings.pause(s);
      else await this.recordings.stop(s);
    } catch (e) {
      if (e instanceof DomainError) throw e;
      // The recorder could not write its file (disk full, permissions): the seed's serviceUnavailable.
      throw new DomainError('unavailable', `Recording of ${conferenceId} failed: ${(e as Error).message}`, { conference_id: conferenceId });
    }
    s.recording = state;
    this.ctx.bus.emit('recording.changed', { conferenceId, streamId: s.streamId, state });
  }

  /** Applies a change to a participant and tells everyone. */
  update(s: LiveSession, p: LiveParticipant, patch: Partial<LiveParticipant>): LiveParticipant {
    Object.assign(p, patch);
    this.ctx.bus.emit('participant.updated', { conferenceId: s.conferenceId, streamId: s.streamId, participant: p });
    return p;
  }

  /** Ends every running session (server shutdown). */
  async shutdown(): Promise<void> {
    for (const s of [...this.byConference.values()]) await this.end(s, TERM.restart);
  }

  /** For the other session modules: rings directory users into the session (call.invited). */
  async ring(actor: Actor, s: LiveSession, conf: ConferenceDef, ids: string[]): Promise<LiveParticipant[]> {
    const inviter = actor.kind === 'client' && !actor.userId
      ? callIdOf(conf.owner, this.ctx.serverName)
      : callIdOf(actorName(actor), this.ctx.serverName);
    const out: LiveParticipant[] = [];
    const now = this.ctx.now();
    for (const raw of ids) {
      const user = await this.users.find(raw);
      if (!user) continue;
      const callId = callIdOf(user.id, this.ctx.serverName);
      const present = [...s.participants.values()].find((p) => p.userId === user.id);
      if (present) { out.push(present); continue; }
      await this.history.invited(s.streamId, inviter, callId, now);
      if (!user.isActive || !this.presence.isOnline(user.id)) continue;
      const p = this.newParticipant(s, conf, user.id, user.displayName, 'invite', now);
      s.participants.set(p.id, p);
      out.push(p);
      this.ctx.bus.emit('call.invited', { conferenceId: s.conferenceId, streamId: s.streamId, userId: user.id, inviter, participantId: p.id });
    }
    return out;
  }

  /** For the other session modules (join.ts, controls.ts): a new participant, not yet in the session. */
  newParticipant(s: LiveSession, conf: ConferenceDef, userId: string | null, displayName: string, via: string,
    invitedAt: number | null): LiveParticipant {
    const isOwner = userId !== null && userId === conf.owner;
    return {
      id: randomUUID(),
      conferenceId: s.conferenceId,
      streamId: s.streamId,
      callId: userId ? callIdOf(userId, this.ctx.serverName) : `#guest:${randomUUID().slice(0, 8)}@${this.ctx.serverName}`,
      userId,
      displayName,
      role: isOwner ? 'host' : 'guest',
      state: 'ringing',
      joinIndex: 0,
      invitedAt,
      joinedAt: null,
      podium: conf.type === 0 || isOwner,
      audioMuted: conf.on_join_mute_mic === 1,
      videoMuted: conf.on_join_mute_camera === 1,
      handRaisedAt: null,
      spotlightAt: null,
      via,
      isOwner,
    };
  }

  /** For the other session modules: a participant enters (answers, or is admitted from the waiting room). */
  async connect(s: LiveSession, p: LiveParticipant, via: string, appId = ''): Promise<LiveParticipant> {
    const now = this.ctx.now();
    p.state = 'connected';
    p.joinedAt = now;
    p.joinIndex = s.nextJoinIndex++;
    if (p.via === 'invite') p.via = via;
    if (p.userId) {
      await this.history.accepted(s.streamId, p.callId);
      this.presence.setInConference(p.userId, p.isOwner ? 'multihost' : 'busy');
    }
    await this.history.joined(s.streamId, p.callId, p.displayName, appId, now);
    this.ctx.bus.emit('participant.joined', { conferenceId: s.conferenceId, streamId: s.streamId, participant: p });
    return p;
  }

  /** For the other session modules: a participant leaves with a reason ('kicked', 'transferred', ...). */
  async remove(s: LiveSession, p: LiveParticipant, reason: string): Promise<LiveParticipant> {
    s.participants.delete(p.id);
    const at = this.ctx.now();
    if (p.state === 'connected') await this.history.left(s.streamId, p.callId, at, reason === 'kicked' ? 2 : 1);
    if (p.userId) this.presence.setInConference(p.userId, null);
    this.ctx.bus.emit('participant.left', { conferenceId: s.conferenceId, streamId: s.streamId, participant: p, reason });
    return p;
  }

  private async end(s: LiveSession, termReason: number): Promise<void> {
    if (s.recording !== 'stopped') {
      await this.recordings.stop(s);
      s.recording = 'stopped';
      this.ctx.bus.emit('recording.changed', { conferenceId: s.conferenceId, streamId: s.streamId, state: 'stopped' });
    }
    this.byConference.delete(s.conferenceId);
    this.byStream.delete(s.streamId);
    for (const p of s.participants.values()) {
      if (p.userId) this.presence.setInConference(p.userId, null);
      this.ctx.bus.emit('participant.left', { conferenceId: s.conferenceId, streamId: s.streamId, participant: p, reason: 'conference_ended' });
    }
    s.participants.clear();
    await this.history.ended(s.streamId, this.ctx.now(), termReason);
    this.ctx.bus.emit('session.ended', { conferenceId: s.conferenceId, streamId: s.streamId, termReason });
  }
}

/** The instance part of a participant's id: tells two connections of one user apart (TrueConf `id/instance`). */
export function instanceOf(p: LiveParticipant): string {
  return p.id.slice(0, 8).toLowerCase();
}

/** `login@server/instance`: the participant id the TrueConf session API shows and accepts. */
export function instanceIdOf(p: LiveParticipant): string {
  return `${p.callId}/${instanceOf(p)}`;
}

function ordered(s: LiveSession): LiveParticipant[] {
  // Joining order; participants still being called (joinIndex 0) come last, in the order they were called.
  const key = (p: LiveParticipant) => p.joinIndex || Number.MAX_SAFE_INTEGER;
  return [...s.participants.values()].sort((a, b) => key(a) - key(b));
}
