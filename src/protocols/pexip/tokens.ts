import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';

/**
 * Pexip client API tokens: connection state of the Pexip face, never engine state.
 *
 * A token names one participant of one conference. It is random (base64url), short-lived (`expires`, seconds)
 * and must be refreshed before it runs out; a refresh hands out a new token and kills the old one. A participant
 * has at most one live token. When the token is released or runs out, or the participant leaves the conference
 * for any other reason (kicked, transferred, conference ended), the token ends and `onEnded` listeners hear it
 * once: the event stream sends `disconnect` and closes, the plugin makes the participant leave.
 */

export type Role = 'host' | 'guest';

export interface TokenGrant {
  participantId: string;
  conferenceId: string;
  /** The role the participant holds now (kept in step with the engine by the plugin). */
  role: Role;
}

/** Why a token ended: the client let go (released), it was not refreshed in time (expired), or the participant left. */
export type EndCause = 'released' | 'expired' | 'left' | 'transferred';

export interface TokenEnded extends TokenGrant {
  cause: EndCause;
  /** Text for the Pexip `disconnect` event (`reason`), from the strings Pexip clients know. */
  reason: string;
}

/** A one-time join token handed out with a `refer` event (transfer): redeemed in request_token's body. */
export interface Referral {
  conferenceId: string;
  role: Role;
  displayName: string;
  callTag: string;
  userId: string | null;
  /** The alias the client should join (the `alias` of the refer event). */
  alias: string;
}

interface Entry extends TokenGrant {
  token: string;
  expiresAt: number;
  timer: NodeJS.Timeout;
}

/** How long a transfer's one-time token may wait for the client to come back. */
const REFERRAL_TTL_MS = 60_000;

export class PexipTokens {
  private readonly byToken = new Map<string, Entry>();
  private readonly byParticipant = new Map<string, Entry>();
  private readonly referrals = new Map<string, { referral: Referral; expiresAt: number }>();
  private readonly events = new EventEmitter();

  /** @param ttlSeconds the `expires` of every token (config PARLEY_PEXIP_TOKEN_TTL, 120 by default). */
  constructor(readonly ttlSeconds: number, private readonly now: () => number = Date.now) {
    // One listener per event stream; the default limit of 10 would only produce warnings.
    this.events.setMaxListeners(0);
  }

  /** A fresh token for a participant that just joined (any earlier token of the participant dies silently). */
  issue(grant: TokenGrant): { token: string; expires: string } {
    const old = this.byParticipant.get(grant.participantId);
    if (old) this.drop(old);
    return this.put({ ...grant });
  }

  /** The grant behind a live token, or undefined when it is unknown, released, refreshed away or expired. */
  verify(token: string | undefined | null): TokenGrant | undefined {
    if (!token) return undefined;
    const e = this.byToken.get(token);
    if (!e) return undefined;
    if (e.expiresAt <= this.now()) { this.end(e, 'expired'); return undefined; }
    return { participantId: e.participantId, conferenceId: e.conferenceId, role: e.role };
  }

  /** Swaps a live token for a new one with a full lifetime; the old one stops working at once. */
  refresh(token: string | undefined | null): { token: string; expires: string; grant: TokenGrant } | undefined {
    const grant = this.verify(token);
    if (!grant) return undefined;
    this.drop(this.byToken.get(token as string)!);
    const fresh = this.put(grant);
    return { ...fresh, grant };
  }

  /** The client lets go of its token (release_token): the participant is done. */
  release(token: string | undefined | null): TokenGrant | undefined {
    const grant = this.verify(token);
    if (!grant) return undefined;
    this.end(this.byToken.get(token as string)!, 'released');
    return grant;
  }

  /** The participant left the conference by other means: its token ends (listeners send `disconnect`). */
  endParticipant(participantId: string, reason: string, cause: EndCause = 'left'): void {
    const e = this.byParticipant.get(participantId);
    if (e) this.end(e, cause, reason);
  }

  /**
   * A host transferred the participant: a one-time token for the target is made and `onReferred` listeners
   * (the participant's event stream) send it as a `refer` event; the participant's own token then ends with
   * cause 'transferred'.
   */
  referParticipant(participantId: string, referral: Referral): string {
    const token = this.refer(referral);
    this.events.emit('referred', { participantId, alias: referral.alias, token });
    return token;
  }

  onReferred(fn: (e: { participantId: string; alias: string; token: string }) => void): () => void {
    this.events.on('referred', fn);
    return () => { this.events.off('referred', fn); };
  }

  /** Keeps the token's role in step with the engine (role changes, transfers). */
  setRole(participantId: string, role: Role): void {
    const e = this.byParticipant.get(participantId);
    if (e) e.role = role;
  }

  /** The live grant of a participant, if it holds a token. */
  grantOf(participantId: string): TokenGrant | undefined {
    const e = this.byParticipant.get(participantId);
    return e ? { participantId: e.participantId, conferenceId: e.conferenceId, role: e.role } : undefined;
  }

  /** Fires once per token that ends (released, expired, or its participant left). Returns an unsubscribe. */
  onEnded(fn: (e: TokenEnded) => void): () => void {
    this.events.on('ended', fn);
    return () => { this.events.off('ended', fn); };
  }

  /** Fires when a participant gets a token (request_token) or a new one (refresh_token); streams stay open. */
  onRefreshed(fn: (e: { participantId: string; token: string }) => void): () => void {
    this.events.on('refreshed', fn);
    return () => { this.events.off('refreshed', fn); };
  }

  /** A one-time token that lets the transferred participant join its target with the given role. */
  refer(referral: Referral): string {
    this.sweepReferrals();
    const token = randomBytes(32).toString('base64url');
    this.referrals.set(token, { referral, expiresAt: this.now() + REFERRAL_TTL_MS });
    return token;
  }

  /** Redeems a one-time token: valid once, within its short lifetime. */
  redeem(token: string): Referral | undefined {
    const r = this.referrals.get(token);
    if (!r) return undefined;
    this.referrals.delete(token);
    return r.expiresAt > this.now() ? r.referral : undefined;
  }

  /** Number of live tokens (metrics, tests). */
  get size(): number {
    return this.byToken.size;
  }

  /** Stops every timer (server shutdown); no `ended` events are sent. */
  close(): void {
    for (const e of this.byToken.values()) clearTimeout(e.timer);
    this.byToken.clear();
    this.byParticipant.clear();
    this.referrals.clear();
  }

  private put(grant: TokenGrant): { token: string; expires: string } {
    const token = randomBytes(32).toString('base64url');
    const ms = this.ttlSeconds * 1000;
    const e: Entry = {
      ...grant, token, expiresAt: this.now() + ms,
      timer: setTimeout(() => { if (this.byToken.get(token) === e) this.end(e, 'expired'); }, ms),
    };
    e.timer.unref();
    this.byToken.set(token, e);
    this.byParticipant.set(grant.participantId, e);
    this.events.emit('refreshed', { participantId: grant.participantId, token });
    return { token, expires: String(this.ttlSeconds) };
  }

  private drop(e: Entry): void {
    clearTimeout(e.timer);
    this.byToken.delete(e.token);
    if (this.byParticipant.get(e.participantId) === e) this.byParticipant.delete(e.participantId);
  }

  private end(e: Entry, cause: EndCause, reason?: string): void {
    if (this.byToken.get(e.token) !== e) return;
    this.drop(e);
    const text = reason ?? (cause === 'expired' ? 'Timer expired awaiting token refresh' : 'Participant released the token');
    const ended: TokenEnded = { participantId: e.participantId, conferenceId: e.conferenceId, role: e.role, cause, reason: text };
    this.events.emit('ended', ended);
  }

  private sweepReferrals(): void {
    const now = this.now();
    for (const [k, r] of this.referrals) if (r.expiresAt <= now) this.referrals.delete(k);
  }
}
