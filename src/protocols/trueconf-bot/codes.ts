import { DomainError } from '../../engine/errors.js';

/** `errorCode` values of the Chatbot API (digest §3.10). */
export const E = {
  ROUTE_NOT_FOUND: 104,
  NOT_AUTHORIZED: 200,
  INVALID_CREDENTIALS: 201,
  USER_DISABLED: 202,
  CREDENTIALS_EXPIRED: 203,
  UNSUPPORTED_CREDENTIALS: 204,
  INTERNAL_ERROR: 300,
  ACCESS_DENIED: 302,
  NOT_ENOUGH_RIGHTS: 303,
  CHAT_NOT_FOUND: 304,
  USER_IS_NOT_CHAT_PARTICIPANT: 305,
  MESSAGE_NOT_FOUND: 306,
  FILE_NOT_FOUND: 308,
  USER_IS_ALREADY_CHAT_PARTICIPANT: 309,
  FILE_UPLOAD_FAILED: 310,
  FILE_NOT_READY: 311,
  ROLE_NOT_FOUND: 312,
} as const;

/** An error a method answers with: `{errorCode, errorDescription}`. */
export class BotError extends Error {
  constructor(readonly errorCode: number, message: string) {
    super(message);
  }
}

/** Maps an engine error onto the chatbot's codes; anything unexpected is INTERNAL_ERROR. */
export function toBotError(err: unknown): BotError {
  if (err instanceof BotError) return err;
  if (err instanceof DomainError) {
    const entity = String(err.entity ?? err.params.entity ?? '');
    switch (err.code as string) {
      case 'not_participant': return new BotError(E.USER_IS_NOT_CHAT_PARTICIPANT, err.message);
      case 'already_participant': return new BotError(E.USER_IS_ALREADY_CHAT_PARTICIPANT, err.message);
      case 'file_too_large': return new BotError(E.FILE_UPLOAD_FAILED, err.message);
      case 'file_not_ready': return new BotError(E.FILE_NOT_READY, err.message);
      case 'invalid':
        if (err.params.field === 'role') return new BotError(E.ROLE_NOT_FOUND, err.message);
        return new BotError(E.INTERNAL_ERROR, err.message);
      case 'not_found':
        if (entity === 'chat') return new BotError(E.CHAT_NOT_FOUND, err.message);
        if (entity === 'message') return new BotError(E.MESSAGE_NOT_FOUND, err.message);
        if (entity === 'file' || entity === 'upload') return new BotError(E.FILE_NOT_FOUND, err.message);
        if (entity === 'participant') return new BotError(E.USER_IS_NOT_CHAT_PARTICIPANT, err.message);
        return new BotError(E.INTERNAL_ERROR, err.message);
      case 'forbidden': return new BotError(E.NOT_ENOUGH_RIGHTS, err.message);
      case 'conflict': return new BotError(E.USER_IS_ALREADY_CHAT_PARTICIPANT, err.message);
      case 'user_disabled': return new BotError(E.USER_DISABLED, err.message);
      default: return new BotError(E.INTERNAL_ERROR, err.message);
    }
  }
  return new BotError(E.INTERNAL_ERROR, 'Internal error');
}
