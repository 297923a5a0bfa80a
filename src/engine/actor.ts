/**
 * Who is acting. Every engine command takes one; permission is decided in access.ts, nowhere else.
 */
export type Actor =
  /** The operator on the command line, or the server itself (schedules, timeouts). */
  | { kind: 'system'; name?: string }
  /** An OAuth access token: an application (client_credentials) or a user signed in through a client. */
  | { kind: 'client'; clientId: string; scopes: ReadonlySet<string>; userId?: string; operator?: boolean; ip?: string }
  /** A signed-in user acting directly (bots, terminals, clients of the user's own). */
  | { kind: 'user'; userId: string; operator?: boolean; ip?: string }
  /** A conference participant acting with the role its PIN or identity gave it. */
  | { kind: 'participant'; conferenceId: string; participantId: string; role: 'host' | 'guest'; userId?: string };

export const SYSTEM: Actor = { kind: 'system' };

// `operator` on user-bound actors: the user belongs to a group with operator_rights. Whoever resolves the actor
// (an adapter, from a token or a connection) asks the engine (`engine.isOperator`) once per request.

/** The name written to audit logs for an actor. */
export function actorName(actor: Actor): string {
  switch (actor.kind) {
    case 'system': return actor.name ?? 'system';
    case 'client': return actor.userId ?? `client:${actor.clientId}`;
    case 'user': return actor.userId;
    case 'participant': return actor.userId ?? actor.participantId;
  }
}

export function actorIp(actor: Actor): string | null {
  return actor.kind === 'client' || actor.kind === 'user' ? actor.ip ?? null : null;
}
