/**
 * Domain errors. Each adapter maps a code (plus params) to its own wire format; the engine never formats for a
 * protocol. `params` carries the ids the message needs (conference_id, user_id, ...).
 */
export type ErrorCode =
  | 'not_found'
  | 'invalid'
  | 'forbidden'
  | 'conflict'
  | 'conference_running'
  | 'conference_field_locked'
  | 'conference_not_running'
  | 'conference_finished'
  | 'owner_not_invited'
  | 'invitations_limit'
  | 'guests_limit'
  | 'conference_limit'
  | 'ongoing_limit'
  | 'user_limit'
  | 'participant_unavailable'
  | 'participant_already_in'
  | 'join_options_license'
  | 'mcu_with_multicast'
  | 'join_options_mcu'
  | 'join_options_multicast'
  | 'invalid_credentials'
  | 'user_disabled'
  | 'unavailable'
  /** Joining needs a (different) PIN; params host_pin/guest_pin are 'required' | 'none'. */
  | 'pin_required'
  /** Chats: the acting (or named) user is not a participant of the chat. */
  | 'not_participant'
  /** Chats: the user is already a participant. */
  | 'already_participant'
  /** Files: over the upload size limit (params max_size). */
  | 'file_too_large'
  /** Files: the bytes have not been uploaded yet. */
  | 'file_not_ready';

export type Entity =
  | 'user' | 'group' | 'contact' | 'conference' | 'template' | 'preset' | 'session' | 'participant'
  | 'record' | 'recording' | 'invitation' | 'call' | 'oauth_client'
  | 'chat' | 'message' | 'file' | 'upload' | 'command';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly params: Record<string, string | number> = {},
    readonly entity?: Entity,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function notFound(entity: Entity, id: string): DomainError {
  return new DomainError('not_found', `${entity} ${id} not found`, { id }, entity);
}

/** The conference has no live session (TrueConf `conferenceIsNotRunning`). */
export function notRunning(conferenceId: string): DomainError {
  return new DomainError('conference_not_running', `Conference ${conferenceId} is not running.`, { conference_id: conferenceId });
}

/** A required input field is absent (`field` names it as the caller sent it). */
export function missing(field: string): DomainError {
  return new DomainError('invalid', `${field} is required`, { field, missing: 1 });
}

/** A validation failure on one input field (`field` names it as the caller sent it). */
export function invalid(field: string, message: string): DomainError {
  return new DomainError('invalid', message, { field });
}
