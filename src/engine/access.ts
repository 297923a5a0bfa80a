import type { Actor } from './actor.js';
import { DomainError } from './errors.js';

/**
 * The single place where the engine decides whether an actor may do something.
 *
 * Rights are named like OAuth scopes (`users:read`, `conferences:write`, ...): that vocabulary is already a
 * fine-grained resource/right list. A bare right (`users`) implies its `:read` and `:write` forms.
 *
 * Which token scope opens which endpoint is the TrueConf REST contract, and the REST face enforces it exactly as
 * the seed writes it (with `hasRight`). Here the engine decides the domain rule: system actors and applications
 * (client_credentials) administer everything; a user, directly or through a user-bound token, acts on what
 * they own unless they are an operator; a participant acts as their conference role allows.
 */
export function hasRight(granted: ReadonlySet<string>, right: string): boolean {
  if (granted.has(right)) return true;
  const colon = right.lastIndexOf(':');
  if (colon > 0 && granted.has(right.slice(0, colon))) return true;
  return false;
}

export interface Ownership {
  /** The user id (login) that owns the object, when it has an owner. */
  owner?: string | null;
}

/**
 * Throws `forbidden` unless the actor may use `right` on the target. Applications and system actors may do
 * everything. A user-bound actor (a password-grant token, or a user acting directly) that is not an operator
 * may act on what it owns; on objects without an owner (`target.owner` undefined) it may only read, since
 * creating users, templates or presets is administration.
 */
export function authorize(actor: Actor, right: string, target: Ownership = {}, isOperator = false): void {
  switch (actor.kind) {
    case 'system':
      return;
    case 'client':
    case 'user':
      if (actor.kind === 'client' && !actor.userId) return;
      if (actor.operator || isOperator) return;
      if (target.owner === undefined) {
        if (right.endsWith(':read')) return;
        throw forbidden();
      }
      if (target.owner === actor.userId) return;
      throw forbidden();
    case 'participant':
      if (actor.role === 'host') return;
      throw forbidden();
  }
}

export function forbidden(): DomainError {
  return new DomainError('forbidden', 'Forbidden');
}
