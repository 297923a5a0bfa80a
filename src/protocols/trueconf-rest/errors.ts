import { DomainError } from '../../engine/errors.js';

/** One entry of `errors[]` in the TrueConf error envelope. */
export interface ErrorDetail {
  reason: string;
  message: string;
  locationType?: 'parameter' | 'path';
  location?: string;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests',
  500: 'Internal Server Error', 503: 'Service Unavailable',
};

/** An error already in TrueConf terms: HTTP status plus one detail. */
export class RestError extends Error {
  constructor(readonly status: number, readonly detail: ErrorDetail) {
    super(detail.message);
  }

  body(): { error: { code: number; message: string; errors: ErrorDetail[] } } {
    return envelope(this.status, [this.detail]);
  }
}

export function envelope(status: number, errors: ErrorDetail[]) {
  return { error: { code: status, message: STATUS_TEXT[status] ?? 'Error', errors } };
}

export const forbidden = (status = 403) => new RestError(status, { reason: 'forbidden', message: 'Forbidden' });

export function missingField(field: string): RestError {
  return new RestError(400, { reason: 'missingRequiredField', message: 'Missing required field.', locationType: 'parameter', location: field });
}

export function invalidParameter(field: string, message: string, where: 'parameter' | 'path' = 'parameter'): RestError {
  return new RestError(400, { reason: 'invalidParameter', message, locationType: where, location: field });
}

/** Seed reason and message for each not-found entity (messages are the seed's, placeholders filled). */
const NOT_FOUND: Record<string, [string, (id: string) => string]> = {
  conference: ['conferenceNotFound', (id) => `Conference ${id} is not found.`],
  user: ['userNotFound', (id) => `User ${id} is not found.`],
  group: ['groupNotFound', (id) => `Group ${id} is not found.`],
  contact: ['contactNotFound', (id) => `Contact ${id} is not found.`],
  preset: ['presetNotFound', (id) => `Preset ${id} is not found.`],
  template: ['conferenceTemplateNotFound', (id) => `Conference template ${id} is not found.`],
  session: ['conferenceSessionNotFound', (id) => `Conference session ${id} not found.`],
  participant: ['participantNotFound', (id) => `Participant ${id} is not found.`],
  invitation: ['participantNotFound', (id) => `Participant ${id} is not found.`],
  record: ['recordNotFound', (id) => `Record ${id} is not found.`],
  recording: ['recordingNotFound', (id) => `Recording ${id} is not found`],
  call: ['conferenceNotFound', (id) => `Conference ${id} is not found.`],
};

/** Maps an engine error onto the seed's reasons, messages and statuses. */
export function fromDomain(e: DomainError): RestError {
  const p = e.params;
  const id = String(p.id ?? p.conference_id ?? p.participant_id ?? '');
  switch (e.code) {
    case 'not_found': {
      const [reason, msg] = NOT_FOUND[e.entity ?? 'conference'] ?? ['notFound', (x: string) => `${x} is not found.`];
      return new RestError(404, { reason, message: msg(id) });
    }
    case 'invalid':
      if (p.missing) return missingField(String(p.field ?? ''));
      return invalidParameter(String(p.field ?? ''), e.message);
    case 'forbidden':
      return forbidden();
    case 'conflict':
      return new RestError(400, { reason: 'alreadyExists', message: e.message, locationType: 'parameter', location: String(p.field ?? '') });
    case 'conference_running':
      return new RestError(400, { reason: 'conferenceUnavailableForChange', message: `A running conference ${id} unavailable for editing.` });
    case 'conference_field_locked':
      return new RestError(400, { reason: 'conferenceFieldUnavailableForChange', message: 'Conference field unavailable for change during conference call.' });
    case 'conference_not_running':
      return new RestError(400, { reason: 'conferenceIsNotRunning', message: `Conference ${id} is not running.` });
    case 'conference_finished':
      return new RestError(400, { reason: 'conferenceIsFinished', message: 'The conference is finished' });
    case 'owner_not_invited':
      return new RestError(400, { reason: 'conferenceOwnerNotInInvitationsList', message: 'The conference owner must be included in the invitation list.' });
    case 'invitations_limit':
      return new RestError(400, { reason: 'conferenceMaxInvitationsLimit', message: `Conference ${id} invitations maximum (${p.max_participants}) reached.` });
    case 'guests_limit':
      return new RestError(400, { reason: 'maxGuestsLimitReached', message: `Maximum number of guests (${p.max_guests}) has been reached` });
    case 'conference_limit':
      return new RestError(400, { reason: 'conferenceLimit', message: "You can't create more conferences, because the server has reached the maximum number of conferences." });
    case 'ongoing_limit':
      return new RestError(400, { reason: 'ongoingConferencesLimit', message: `Maximum number of ongoing conferences ('${p.max_limit}') has been reached` });
    case 'user_limit':
      return new RestError(400, { reason: 'maxUsers', message: 'The server has reached the maximum number of users.' });
    case 'participant_unavailable':
      return new RestError(400, { reason: 'participantIsUnavailable', message: `Participant ${id} is unavailable.` });
    case 'participant_already_in':
      return new RestError(400, { reason: 'participantAlreadyInConference', message: `Participant ${id} already in conference.` });
    case 'join_options_license':
      return new RestError(400, { reason: 'joinOptionsNotAllowedByLicense', message: 'Join options specified in request are not allowed by license.' });
    case 'mcu_with_multicast':
      return new RestError(400, { reason: 'mcuModeUnavailableWhenMulticastIsEnabled', message: 'MCU mode is unavailable when multicast is enabled.' });
    case 'join_options_mcu':
      return new RestError(400, { reason: 'joinOptionsNotEditableInMcuMode', message: 'Join options are not editable when MCU mode is enabled.' });
    case 'join_options_multicast':
      return new RestError(400, { reason: 'joinOptionsNotAllowedWhenMulticastIsEnabled', message: 'Join options specified in request are not allowed when multicast is enabled.' });
    case 'invalid_credentials':
      return new RestError(401, { reason: 'invalidCredentials', message: 'Invalid credentials.' });
    case 'user_disabled':
      return new RestError(403, { reason: 'userIsBanned', message: 'User is banned.' });
    case 'unavailable':
      return new RestError(503, { reason: 'serviceUnavailable', message: 'Service Unavailable' });
    case 'pin_required':
      // Joining by PIN is the Pexip face's; nothing on the TrueConf face raises it.
      return forbidden();
    case 'not_participant':
    case 'already_participant':
    case 'file_too_large':
    case 'file_not_ready':
      // Chat rules: the chatbot face's; no REST route raises them.
      return new RestError(400, { reason: 'invalidParameter', message: e.message });
  }
}
