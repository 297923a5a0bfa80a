import type { FastifyError } from 'fastify';
import { DomainError } from '../../engine/errors.js';
import { BadJsonError } from '../../http/json.js';

/** The server version Pexip clients see (request_token, PIN challenges). */
export const PEXIP_VERSION = { version_id: '36', pseudo_version: '36.0.0' } as const;

/** Error strings Pexip's client packages know (infinity-api `getErrorCode`); use them verbatim. */
export const TEXT = {
  invalidToken: 'Invalid token',
  invalidPin: 'Invalid PIN',
  invalidRole: 'Invalid role',
  noConference: 'Neither conference nor gateway found',
  apiDisconnect: 'API initiated participant disconnect',
  apiTermination: 'API initiated conference termination',
  byParticipant: 'Disconnected by another participant',
  conferenceByParticipant: 'Conference terminated by another participant',
  outOfResource: 'Out of resource',
  callRejected: 'Call rejected',
  transferFailed: 'transfer failed',
  noImage: 'No image available',
  noParticipant: 'Participant not found',
  noCall: 'Call not found',
} as const;

/** A Pexip-format failure: `{status, result}` with an HTTP status. */
export class PexipError extends Error {
  constructor(readonly httpStatus: number, readonly result: unknown, readonly status: 'success' | 'failed' = 'failed') {
    super(typeof result === 'string' ? result : 'Pexip error');
  }

  body(): { status: string; result: unknown } {
    return { status: this.status, result: this.result };
  }
}

export const invalidToken = () => new PexipError(403, TEXT.invalidToken);
export const noConference = () => new PexipError(404, TEXT.noConference);
export const badRequest = (message: string) => new PexipError(400, message);

/** The 403 PIN challenge (the notes: `version` is required by Pexip's validators). */
export function pinChallenge(hostPin: string, guestPin: string): PexipError {
  return new PexipError(403, { pin: hostPin, guest_pin: guestPin, version: { ...PEXIP_VERSION } }, 'success');
}

function fromDomain(e: DomainError): PexipError {
  const p = e.params;
  switch (e.code) {
    case 'not_found':
      // 403, not 404: the participant and call functions of Pexip's client package handle 200 and 403 only.
      if (e.entity === 'participant') return new PexipError(403, TEXT.noParticipant);
      if (e.entity === 'call') return new PexipError(403, TEXT.noCall);
      if (e.entity === 'user') return new PexipError(400, e.message);
      return noConference();
    case 'conference_not_running':
    case 'conference_finished':
      return noConference();
    case 'pin_required':
      return pinChallenge(String(p.host_pin ?? 'required'), String(p.guest_pin ?? 'required'));
    case 'forbidden':
      return new PexipError(403, TEXT.invalidRole);
    case 'invalid':
    case 'conflict':
      return badRequest(e.message);
    case 'participant_unavailable':
      return new PexipError(400, `${TEXT.callRejected}: ${p.participant_id ?? 'the user'} is not connected`);
    case 'participant_already_in':
      return badRequest(e.message);
    case 'ongoing_limit':
    case 'guests_limit':
    case 'unavailable':
      return new PexipError(503, TEXT.outOfResource);
    default:
      return badRequest(e.message);
  }
}

/** Anything thrown in a Pexip route, as the Pexip envelope. Never leaks internals. */
export function toPexipError(err: unknown): PexipError {
  if (err instanceof PexipError) return err;
  if (err instanceof DomainError) return fromDomain(err);
  if (err instanceof BadJsonError) return badRequest('Malformed JSON body');
  const e = err as FastifyError;
  if (e?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || e?.statusCode === 415) return new PexipError(415, 'Unsupported Content-Type');
  if (e?.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || e?.statusCode === 413) return new PexipError(413, 'Request body is too large');
  if (e?.statusCode === 400) return badRequest('Invalid request');
  return new PexipError(500, 'Internal error');
}
