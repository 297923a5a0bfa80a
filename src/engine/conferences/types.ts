/**
 * A conference definition: everything that is stored about a conference while nothing is running.
 *
 * Field names follow the TrueConf conference object (snake_case) on purpose: it is the richest conference model
 * of the five interfaces, and Pexip aliases/PINs and XiVO numbers are added to it (`aliases`, `host_pin`,
 * `guest_pin`, `number`). Adapters project it; only computed fields (state, urls, session ids) are theirs.
 */
export interface Schedule {
  type: -1 | 0 | 1;
  start_time?: number;
  duration?: number;
  days?: string[];
  time?: string;
}

export interface Invitation {
  /** A user login (for directory users) or an external id (guest / foreign TrueConf ID). */
  id: string;
  display_name: string;
  translator: { languages: string[] } | null;
}

export type ClientRights = Record<string, boolean>;

export interface ConferenceDef {
  id: string;
  topic: string;
  description: string;
  owner: string; // login
  type: 0 | 1 | 3;
  schedule: Schedule;
  invitations: Invitation[];
  max_participants: number;
  max_podiums: number;
  max_guests: number;
  allow_guests: boolean;
  rights: { guest: ClientRights; user: ClientRights };
  multicast_enable: boolean;
  multicast_address: string | null;
  broadcast_enabled: boolean;
  broadcast_id: string | null;
  allow_only_planned_participants: boolean;
  auto_invite: 0 | 1 | 2;
  tags: string[];
  recording: 0 | 1;
  pin: string | null;
  meeting_room: string | null;
  on_join_mute_mic: 0 | 1;
  on_join_mute_camera: 0 | 1;
  registration: Record<string, unknown>;
  vad_selector: 0 | 1;
  reminders: Array<{ before_start: number }>;
  waiting_room_enabled: boolean;
  waiting_room_scope: 'all' | 'unplanned' | 'strangers' | 'guests';
  origin_type: 'restfulapi' | 'clientapp';
  use_translation: boolean;
  translation_flat_volume: number | null;
  expiration_time_updating_allowed: boolean;
  expiration_time_alert: number;
  sequence_type: 0 | 1;
  scan_type: 0 | 1;
  disable_audio_remarks: boolean;
  mcu_mode: boolean;
  transcoding: Record<string, unknown>;
  participant_restrictions: Record<string, unknown>;
  join_options_enabled: boolean;
  join_options: string[];
  /** v3-only guest permissions, kept so old clients read back what they wrote. */
  allow_guests_message: boolean;
  allow_guests_audio_video: boolean;
  // Parley additions used by the Pexip and XiVO faces.
  aliases: string[];
  host_pin: string | null;
  guest_pin: string | null;
  number: string | null;
  created_at: number;
  updated_at: number;
}

/** Fields a caller may set (create or edit). Everything but the computed timestamps. */
export type ConferenceInput = Partial<Omit<ConferenceDef, 'created_at' | 'updated_at'>> & { template_id?: string };

export const RIGHT_NAMES = [
  'chat_send', 'chat_rcv', 'slide_show_send', 'slide_show_rcv', 'white_board_send', 'white_board_rcv',
  'file_transfer_send', 'file_transfer_rcv', 'desktop_sharing', 'recording', 'audio_send', 'audio_rcv',
  'video_send', 'video_rcv',
] as const;

export const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export const JOIN_OPTIONS = ['clients', 'webrtc', 'qr_code', 'terminal'] as const;

/** Licence-free ceilings; the seed's `$max_allowed`. */
export const MAX_ALLOWED = { participants: 250, podiums: 250, guests: 250 };

export function defaultRights(): { guest: ClientRights; user: ClientRights } {
  const all = Object.fromEntries(RIGHT_NAMES.map((r) => [r, true]));
  return { guest: { ...all }, user: { ...all } };
}
