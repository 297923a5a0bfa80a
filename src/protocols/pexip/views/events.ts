import type { LiveParticipant, LiveSession } from '../../../engine/sessions/types.js';
import { conferenceStatus } from '../routes/conference.js';
import { isSpeaking, stageOrder } from '../../../engine/sessions/stage.js';

/** Payloads of the Pexip server-sent events other than the participant object (digest §6, notes §1.5). */

/** conference_update: the conference_status result shape. */
export const conferenceUpdateView = (s: LiveSession | undefined): Record<string, unknown> => conferenceStatus(s);

/** message_received; `direct` is false for conference-wide chat (direct chat is per participant). */
export function messageView(from: LiveParticipant, type: string, payload: string): {
  origin: string; uuid: string; type: string; payload: string; direct: boolean;
} {
  return { origin: from.displayName, uuid: from.id, type, payload, direct: false };
}

/** participant_delete. */
export const participantDeleteView = (p: LiveParticipant): { uuid: string } => ({ uuid: p.id });

/** What the layout event reports to a recipient (digest §6.9). */
export interface LayoutView {
  view: string;
  participants: string[];
  requested_layout: { primary_screen: { chair_layout: string; guest_layout: string } };
  overlay_text_enabled: boolean;
}

/**
 * layout. `view` is what the mixer produces (the engine's session.layout.view); the requested layouts are echoed.
 * Seed: "an API-only participant (no audio or video) always receives an empty participants UUID list", so the
 * list depends on the recipient having media.
 */
export function layoutView(s: LiveSession, recipientHasMedia: boolean): LayoutView {
  const req = s.layout?.requested ?? {};
  const str = (v: unknown, dflt: string) => (typeof v === 'string' ? v : dflt);
  const produced = s.layout?.view ?? '1:0';
  const chair = str(req.host_layout, str(req.layout, produced));
  return {
    // Adaptive Composition is requested as "ac" but reported as "5:7".
    view: produced === 'ac' ? '5:7' : produced,
    participants: recipientHasMedia ? stageOrder(s).filter((p) => p.hasMedia).map((p) => p.id) : [],
    requested_layout: { primary_screen: { chair_layout: chair, guest_layout: str(req.guest_layout, chair) } },
    overlay_text_enabled: req.enable_overlay_text !== false,
  };
}

/** stage: the speaker order (the engine's stage) with voice activity, 0 or 100. */
export function stageView(s: LiveSession): Array<{ participant_uuid: string; stage_index: number; vad: number }> {
  return stageOrder(s).map((p, i) => ({ participant_uuid: p.id, stage_index: i, vad: isSpeaking(s, p.id) ? 100 : 0 }));
}

/** presentation_start; all three fields empty means the presentation was revoked (notes §1.5). */
export function presentationStartView(presenter: LiveParticipant | null): {
  presenter_name: string; presenter_uri: string; presenter_uuid: string;
} {
  if (!presenter) return { presenter_name: '', presenter_uri: '', presenter_uuid: '' };
  const uri = presenter.role === 'guest' ? '' : (presenter.uri || (presenter.userId ? presenter.callId : ''));
  return { presenter_name: presenter.displayName, presenter_uri: uri, presenter_uuid: presenter.id };
}

/** call_disconnected: a child call (e.g. a screen share) of the recipient ended. */
export const callDisconnectedView = (callUuid: string, reason: string): { call_uuid: string; reason: string } =>
  ({ call_uuid: callUuid, reason });

/** disconnect: the recipient is being disconnected; `reason` is one of the strings Pexip clients know. */
export const disconnectView = (reason: string): { reason: string } => ({ reason });

/** refer: the recipient is transferred; it re-joins `alias` with the one-time `token` in request_token. */
export const referView = (alias: string, token: string): { alias: string; token: string; target: 'conference' } =>
  ({ alias, token, target: 'conference' });

/** parley_slots (Parley's multistream extension): which participant each receiving video m-line shows. */
export const slotsView = (callUuid: string, slots: Array<{ mid: string; participantId: string | null }>): {
  call_uuid: string; slots: Array<{ mid: string; participant_uuid: string | null }>;
} => ({ call_uuid: callUuid, slots: slots.map((x) => ({ mid: x.mid, participant_uuid: x.participantId })) });
