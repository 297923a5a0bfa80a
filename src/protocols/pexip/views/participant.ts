import type { LiveParticipant, LiveSession } from '../../../engine/sessions/types.js';

/**
 * The Pexip participant object (participant_create / participant_update / GET participants): every field of
 * the seed's table (digest §6.4) plus what @pexip/infinity-api's validators require beyond it (notes §1.3).
 * Types follow Pexip exactly: many flags are "YES"/"NO" strings, others JSON booleans.
 */
export interface PexipParticipant {
  buzz_time: number;
  call_direction: 'in' | 'out';
  call_tag: string;
  disconnect_supported: YesNo;
  display_name: string;
  encryption: 'On' | 'Off';
  external_node_uuid: string;
  fecc_supported: YesNo;
  has_media: boolean;
  is_audio_only_call: YesNo;
  is_external: boolean;
  is_muted: YesNo;
  is_presenting: YesNo;
  is_streaming_conference: boolean;
  is_video_call: YesNo;
  is_video_muted: boolean;
  is_video_silent: boolean;
  local_alias: string;
  mute_supported: YesNo;
  needs_presentation_in_mix: boolean;
  overlay_text: string;
  presentation_supported: YesNo;
  protocol: string;
  role: 'chair' | 'guest';
  rx_presentation_policy: 'ALLOW' | 'DENY';
  service_type: 'connecting' | 'waiting_room' | 'conference';
  spotlight: number;
  start_time: number;
  supports_direct_chat: boolean;
  can_receive_personal_mix: boolean;
  receive_from_video_mix: { mix_name: string; timestamp: number };
  transfer_supported: YesNo;
  uri: string;
  uuid: string;
  vendor: string;
}

type YesNo = 'YES' | 'NO';

export interface ParticipantViewOptions {
  /** The alias the participant reached the conference by (`local_alias`); the conference id by default. */
  localAlias?: string;
  /** The uuid of the current presenter, if any (`is_presenting`). */
  presenterId?: string | null;
}

const yn = (b: boolean): YesNo => (b ? 'YES' : 'NO');

/** Engine times are milliseconds; Pexip wants whole Unix seconds, and 0 for "never". */
export const unixSeconds = (ms: number | null | undefined): number => (ms ? Math.floor(ms / 1000) : 0);

/** Where the participant is: ringing dial-outs are "connecting", the waiting room is "waiting_room". */
export function serviceTypeOf(p: LiveParticipant): PexipParticipant['service_type'] {
  switch (p.state) {
    case 'ringing': return 'connecting';
    case 'waiting': return 'waiting_room';
    default: return 'conference';
  }
}

export function participantView(p: LiveParticipant, session: LiveSession, opts: ParticipantViewOptions = {}): PexipParticipant {
  const guest = p.role === 'guest';
  const audioOnly = p.audioOnly ?? false;
  return {
    buzz_time: unixSeconds(p.handRaisedAt),
    call_direction: p.direction ?? (p.invitedAt !== null ? 'out' : 'in'),
    call_tag: p.callTag ?? '',
    disconnect_supported: 'YES',
    display_name: p.displayName,
    // Parley's media is WebRTC (DTLS-SRTP) only, and signalling is HTTPS in production: always encrypted.
    encryption: 'On',
    external_node_uuid: '',
    // No far-end camera control in Parley (the fecc function answers false).
    fecc_supported: 'NO',
    has_media: p.hasMedia ?? false,
    is_audio_only_call: yn(audioOnly),
    is_external: false,
    is_muted: yn(p.audioMuted),
    is_presenting: yn((opts.presenterId ?? session.presenterId) === p.id),
    is_streaming_conference: false,
    is_video_call: yn(!audioOnly),
    is_video_muted: p.videoMuted,
    // Silent-video analysis needs media; nobody is silent until then.
    is_video_silent: false,
    local_alias: opts.localAlias ?? session.conferenceId,
    mute_supported: 'YES',
    needs_presentation_in_mix: p.presentationInMix ?? false,
    overlay_text: p.overlayText ?? p.displayName,
    presentation_supported: yn(p.hasMedia ?? false),
    // Seed v25: protocol, vendor and uri are empty for guests.
    protocol: guest ? '' : (p.protocol ?? ''),
    role: guest ? 'guest' : 'chair',
    rx_presentation_policy: p.rxPresentation === false ? 'DENY' : 'ALLOW',
    service_type: serviceTypeOf(p),
    spotlight: unixSeconds(p.spotlightAt),
    start_time: unixSeconds(p.joinedAt ?? p.invitedAt),
    // Direct (participant-to-participant) chat is not implemented, so clients must not offer it.
    supports_direct_chat: false,
    can_receive_personal_mix: false,
    // Everyone sees the one main mix; timestamp 0 = it was never switched.
    receive_from_video_mix: { mix_name: 'main', timestamp: 0 },
    transfer_supported: 'YES',
    uri: guest ? '' : (p.uri || (p.userId ? p.callId : '')),
    uuid: p.id,
    vendor: guest ? '' : (p.vendor ?? ''),
  };
}

/**
 * The participant list in a stable order: joining order, then those still ringing or waiting (the order
 * participant_create events are sent on sync and GET participants answers).
 */
export function participantsOf(session: LiveSession | undefined): LiveParticipant[] {
  if (!session) return [];
  const key = (p: LiveParticipant) => p.joinIndex || Number.MAX_SAFE_INTEGER;
  return [...session.participants.values()].sort((a, b) => key(a) - key(b));
}

export function participantsView(session: LiveSession | undefined, opts: ParticipantViewOptions = {}): PexipParticipant[] {
  return session ? participantsOf(session).map((p) => participantView(p, session, opts)) : [];
}
