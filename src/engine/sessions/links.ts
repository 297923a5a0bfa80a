import { SYSTEM } from '../actor.js';
import { invalid, notRunning } from '../errors.js';
import type { Conferences } from '../conferences/conferences.js';
import type { ConferenceDef } from '../conferences/types.js';
import type { EngineContext } from '../context.js';
import type { Sessions } from './sessions.js';
import type { LiveParticipant, LiveSession } from './types.js';

export interface LinkRequest {
  /** The role both link participants get (Pexip dial `role`). */
  role: 'host' | 'guest';
  /** Name B shows for A (Pexip `source_display_name`, "the calling display name"); A's topic by default. */
  sourceName?: string;
  /** Name A shows for B (Pexip `remote_display_name`, "a friendly name for this participant"); B's topic by default. */
  remoteName?: string;
  /** The destination as dialled (the participant's uri in A). */
  destination: string;
}

interface Peer { conferenceId: string; participantId: string }

/**
 * Conference links: a host of conference A dials conference B of this server. B gets a participant standing for
 * A (call direction in) and A one standing for B (call direction out), both connected at once. There is no media
 * yet, so a link carries no audio or video (has_media false like every participant); it shows in every face's
 * participant lists and events. The two participants live and die together: when either leaves (kicked,
 * hung up, or its conference ends) the other is removed too.
 */
export class ConferenceLinks {
  /** Link participant id → its peer in the other conference. */
  private readonly peers = new Map<string, Peer>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly conferences: Conferences,
    private readonly sessions: Sessions,
  ) {
    ctx.bus.on('participant.left', ({ participant }) => this.drop(participant.id));
  }

  /** Links the running session `a` to conference `target`, starting it if needed; returns A's new participant. */
  async link(a: LiveSession, target: ConferenceDef, req: LinkRequest): Promise<LiveParticipant> {
    if (target.id === a.conferenceId) throw invalid('destination', 'A conference cannot dial itself');
    const aConf = await this.conferences.get(a.conferenceId);
    // B starts if it is not running, as on a first join (the system starts it).
    const b = this.sessions.byConferenceId(target.id) ?? await this.sessions.start(SYSTEM, target.id);
    if (this.sessions.byConferenceId(a.conferenceId) !== a) {
      throw notRunning(a.conferenceId);
    }
    // B's PINs and lock are not asked: the link is dialled by a host of A, which is let in like a host's transfer.
    const inB = this.create(b, target, req.sourceName || a.topic, req.role, 'in', aConf.aliases?.[0] ?? aConf.id);
    const inA = this.create(a, aConf, req.remoteName || target.topic, req.role, 'out', req.destination);
    this.peers.set(inB.id, { conferenceId: a.conferenceId, participantId: inA.id });
    this.peers.set(inA.id, { conferenceId: b.conferenceId, participantId: inB.id });
    try {
      await this.sessions.connect(b, inB, 'link');
      await this.sessions.connect(a, inA, 'link');
    } catch (e) {
      for (const [s, p] of [[b, inB], [a, inA]] as const) {
        if (s.participants.has(p.id)) await this.sessions.remove(s, p, 'failed').catch(() => undefined);
      }
      throw e;
    }
    return inA;
  }

  private create(s: LiveSession, conf: ConferenceDef, name: string, role: 'host' | 'guest', direction: 'in' | 'out',
    uri: string): LiveParticipant {
    const p = this.sessions.newParticipant(s, conf, null, name, 'link', direction === 'out' ? this.ctx.now() : null);
    Object.assign(p, {
      role, isOwner: false, direction, uri, vendor: 'Parley conference link', protocol: 'api', callTag: '',
      hasMedia: false, audioOnly: false, rxPresentation: true, presentationInMix: false,
    } satisfies Partial<LiveParticipant>);
    if (role === 'guest' && s.guestsMuted) p.audioMuted = true;
    s.participants.set(p.id, p);
    return p;
  }

  /** One side of a link left: the other side leaves too (its own entry goes first, so this does not loop). */
  private drop(participantId: string): void {
    const peer = this.peers.get(participantId);
    if (!peer) return;
    this.peers.delete(participantId);
    this.peers.delete(peer.participantId);
    const s = this.sessions.byConferenceId(peer.conferenceId);
    const p = s?.participants.get(peer.participantId);
    if (s && p) this.sessions.remove(s, p, 'disconnected').catch(() => undefined);
  }
}
