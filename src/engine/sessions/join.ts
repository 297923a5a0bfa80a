import { SYSTEM } from '../actor.js';
import { DomainError, notFound } from '../errors.js';
import type { Conferences } from '../conferences/conferences.js';
import type { ConferenceDef } from '../conferences/types.js';
import type { EngineContext } from '../context.js';
import type { Sessions } from './sessions.js';
import type { LiveParticipant } from './types.js';

/** A client joining a conference by one of its names (id, alias or number), as the Pexip face does. */
export interface AliasJoinRequest {
  alias: string;
  /** The PIN the client gave; absent, '' and 'none' all mean "no PIN". */
  pin?: string | null;
  displayName: string;
  via: string;
  callTag?: string;
  vendor?: string;
  uri?: string;
  protocol?: string;
  userId?: string | null;
  /** Set when an earlier engine decision (a host's transfer) already fixed the role: no PIN is asked. */
  role?: 'host' | 'guest';
}

export interface PinPolicy {
  hostPin: string | null;
  guestPin: string | null;
  guestsWithoutPin: boolean;
}

/** The PINs of a conference: the host PIN is `host_pin`, or the TrueConf `pin` when no host PIN is set. */
export function pinPolicy(conf: ConferenceDef): PinPolicy {
  const hostPin = conf.host_pin || conf.pin || null;
  const guestPin = conf.guest_pin || null;
  return { hostPin, guestPin, guestsWithoutPin: hostPin !== null && guestPin === null && conf.allow_guests };
}

/**
 * The role a PIN gives, or a `pin_required` error saying which PINs exist (the adapter's PIN challenge).
 *  - no PIN at all: everyone is a host;
 *  - the host PIN makes a host, the guest PIN a guest;
 *  - a host PIN only and guests allowed: no PIN makes a guest;
 *  - a guest PIN only: it is the only way in (as a guest); nobody can be a host without a host PIN.
 */
export function roleForPin(conf: ConferenceDef, rawPin: string | null | undefined): 'host' | 'guest' {
  const { hostPin, guestPin, guestsWithoutPin } = pinPolicy(conf);
  const pin = rawPin && rawPin !== 'none' ? rawPin : null;
  if (!hostPin && !guestPin) return 'host';
  if (pin !== null) {
    if (hostPin && pin === hostPin) return 'host';
    if (guestPin && pin === guestPin) return 'guest';
  } else if (guestsWithoutPin) {
    return 'guest';
  }
  // `guest_pin: none` tells a client that guests get in without a PIN; say it only when that is true.
  throw new DomainError('pin_required', pin === null ? 'A PIN is required' : 'Invalid PIN', {
    host_pin: hostPin ? 'required' : 'none',
    guest_pin: guestsWithoutPin ? 'none' : 'required',
    wrong: pin === null ? 0 : 1,
    conference_id: conf.id,
  });
}

/**
 * Joins by alias: resolves the conference, decides the role from the PIN, starts the conference if it is not
 * running (the system starts it, as a dial-in would), and either lets the participant in or, when the
 * conference is locked, holds a guest in the waiting room. Hosts are never held.
 */
export async function joinByAlias(ctx: EngineContext, conferences: Conferences, sessions: Sessions,
  req: AliasJoinRequest): Promise<LiveParticipant> {
  const conf = await conferences.resolve(req.alias);
  if (!conf) throw notFound('conference', req.alias);
  const role = req.role ?? roleForPin(conf, req.pin);
  const s = sessions.byConferenceId(conf.id) ?? await sessions.start(SYSTEM, conf.id);
  const p = sessions.newParticipant(s, conf, req.userId ?? null, req.displayName, req.via, null);
  Object.assign(p, {
    role,
    isOwner: p.isOwner && role === 'host',
    callTag: req.callTag ?? '',
    vendor: req.vendor ?? '',
    uri: req.uri ?? '',
    protocol: req.protocol ?? 'api',
    hasMedia: false,
    audioOnly: false,
    direction: 'in',
    rxPresentation: true,
    presentationInMix: false,
  } satisfies Partial<LiveParticipant>);
  if (role === 'guest' && s.guestsMuted) p.audioMuted = true;
  s.participants.set(p.id, p);
  if (s.locked && role === 'guest') {
    p.state = 'waiting';
    ctx.bus.emit('participant.waiting', { conferenceId: s.conferenceId, streamId: s.streamId, participant: p });
    return p;
  }
  return sessions.connect(s, p, req.via);
}
