import { invalid } from '../errors.js';
import { DAYS, JOIN_OPTIONS, RIGHT_NAMES, type ConferenceInput } from './types.js';

type Check = (v: unknown, field: string) => void;

const str = (min: number, max: number, nullable = false): Check => (v, f) => {
  if (v === null && nullable) return;
  if (typeof v !== 'string') throw invalid(f, `${f} must be a string`);
  if (v.length < min || v.length > max) throw invalid(f, `${f} must be ${min}..${max} characters`);
};
const bool: Check = (v, f) => { if (typeof v !== 'boolean') throw invalid(f, `${f} must be a boolean`); };
const oneOf = (...allowed: unknown[]): Check => (v, f) => {
  if (!allowed.includes(v)) throw invalid(f, `${f} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
};
const int = (min: number, max: number, nullable = false): Check => (v, f) => {
  if (v === null && nullable) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw invalid(f, `${f} must be an integer ${min}..${max}`);
};
const obj: Check = (v, f) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(f, `${f} must be an object`);
};
const strArray = (allowed?: readonly string[]): Check => (v, f) => {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalid(f, `${f} must be an array of strings`);
  if (allowed) for (const x of v as string[]) if (!allowed.includes(x)) throw invalid(f, `${f}: unknown value "${x}"`);
};

const QUALITY = ['180p', '360p', '720p', '1080p'];
/** An object of known sub-fields, each checked when present; unknown sub-fields are rejected. */
const settings = (fields: Record<string, Check>): Check => (v, f) => {
  obj(v, f);
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const c = fields[k];
    if (!c) throw invalid(`${f}.${k}`, `${f} has no field ${k}`);
    c(x, `${f}.${k}`);
  }
};

const CHECKS: Record<string, Check> = {
  id: (v, f) => {
    str(1, 128)(v, f);
    if (!/^[A-Za-z0-9_]+$/.test(v as string)) throw invalid(f, 'id may contain only digits, Latin letters and "_"');
  },
  topic: str(1, 240),
  description: str(0, 4000),
  owner: str(1, 64),
  type: oneOf(0, 1, 3),
  max_participants: int(1, 100000),
  max_podiums: int(1, 100000),
  max_guests: int(0, 100000),
  allow_guests: bool,
  multicast_enable: bool,
  multicast_address: str(0, 64, true),
  broadcast_enabled: bool,
  broadcast_id: str(0, 64, true),
  allow_only_planned_participants: bool,
  auto_invite: oneOf(0, 1, 2),
  tags: strArray(),
  recording: oneOf(0, 1),
  pin: (v, f) => {
    if (v === null || v === '') return;
    str(1, 32)(v, f);
  },
  meeting_room: str(0, 128, true),
  on_join_mute_mic: oneOf(0, 1),
  on_join_mute_camera: oneOf(0, 1),
  registration: (v, f) => {
    obj(v, f);
    const r = v as Record<string, unknown>;
    const opt = (k: string, c: Check) => { if (r[k] !== undefined) c(r[k], `${f}.${k}`); };
    for (const k of ['enabled', 'participants_limit_enabled', 'allow_users_access']) opt(k, bool);
    // Unix timestamps as strings of digits (the seed's wire type); integers are accepted too.
    const ts: Check = (x, g) => {
      if (x === null || (typeof x === 'number' && Number.isInteger(x) && x >= 0) || (typeof x === 'string' && /^\d{1,12}$/.test(x))) return;
      throw invalid(g, `${g} must be a Unix timestamp or null`);
    };
    opt('start_at', ts);
    opt('end_at', ts);
    opt('participants_limit', int(1, 100000, true));
    opt('fields', obj);
    if (r.start_at != null && r.end_at != null && Number(r.start_at) > Number(r.end_at)) throw invalid(`${f}.start_at`, 'start_at must not be after end_at');
  },
  vad_selector: oneOf(0, 1),
  waiting_room_enabled: bool,
  waiting_room_scope: oneOf('all', 'unplanned', 'strangers', 'guests'),
  use_translation: bool,
  translation_flat_volume: int(0, 100, true),
  expiration_time_updating_allowed: bool,
  expiration_time_alert: int(0, 86400 * 7),
  sequence_type: oneOf(0, 1),
  scan_type: oneOf(0, 1),
  disable_audio_remarks: bool,
  mcu_mode: bool,
  transcoding: settings({
    use_local_mixer_config: bool, mixer_max_framerate: oneOf(10, 15, 30, 60),
    record_video_quality: oneOf(...QUALITY), rtsp_video_quality: oneOf(...QUALITY), webrtc_video_quality: oneOf(...QUALITY),
    sip_video_quality: oneOf(...QUALITY, '540p', 'QSIF', 'QCIF', 'QVGA', 'SIF', 'CIF', 'VGA', '4SIF', '4CIF'),
    enable_sip_layouts: bool, enable_webrtc_layouts: bool, enable_vad_layouts: bool, enable_load_balancing: bool,
  }),
  participant_restrictions: settings({
    use_local_stream_config: bool, video_quality: oneOf('180p', '360p', '540p', '720p', '1080p'),
    framerate_video_limit: oneOf(10, 15, 30, 60), framerate_ds_limit: oneOf(1, 3, 5, 10, 15, 30, 60),
  }),
  join_options_enabled: bool,
  join_options: strArray(JOIN_OPTIONS),
  allow_guests_message: bool,
  allow_guests_audio_video: bool,
  aliases: (v, f) => {
    strArray()(v, f);
    for (const a of v as string[]) if (!/^[^\s/?#]{1,128}$/.test(a)) throw invalid(f, `alias "${a}" is not valid`);
  },
  host_pin: (v, f) => { if (v !== null && (typeof v !== 'string' || !/^\d{4,20}$/.test(v))) throw invalid(f, `${f} must be 4-20 digits`); },
  guest_pin: (v, f) => { if (v !== null && (typeof v !== 'string' || !/^\d{4,20}$/.test(v))) throw invalid(f, `${f} must be 4-20 digits`); },
  number: (v, f) => { if (v !== null && (typeof v !== 'string' || !/^\d{1,20}$/.test(v))) throw invalid(f, `${f} must be digits`); },
  reminders: (v, f) => {
    if (!Array.isArray(v)) throw invalid(f, `${f} must be an array`);
    for (const r of v) {
      obj(r, f);
      int(0, 60 * 24 * 30)((r as Record<string, unknown>).before_start, `${f}.before_start`);
    }
  },
  rights: (v, f) => {
    obj(v, f);
    for (const [aud, rights] of Object.entries(v as Record<string, unknown>)) {
      if (aud !== 'guest' && aud !== 'user') throw invalid(`${f}.${aud}`, `${f} has only "guest" and "user"`);
      obj(rights, `${f}.${aud}`);
      for (const [k, b] of Object.entries(rights as Record<string, unknown>)) {
        if (!(RIGHT_NAMES as readonly string[]).includes(k)) throw invalid(`${f}.${aud}.${k}`, `unknown right ${k}`);
        bool(b, `${f}.${aud}.${k}`);
      }
    }
  },
  schedule: (v, f) => {
    obj(v, f);
    const s = v as Record<string, unknown>;
    oneOf(-1, 0, 1)(s.type, `${f}.type`);
    if (s.type === 1) {
      if (s.start_time !== undefined) int(-1, 2 ** 40)(s.start_time, `${f}.start_time`);
      if (s.duration !== undefined) int(1, 86400 * 365)(s.duration, `${f}.duration`);
    }
    if (s.type === 0) {
      if (s.days !== undefined) strArray(DAYS)(s.days, `${f}.days`);
      if (s.time !== undefined && (typeof s.time !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(s.time))) {
        throw invalid(`${f}.time`, `${f}.time must be hh:mm`);
      }
      if (s.duration !== undefined) int(1, 86400 * 7)(s.duration, `${f}.duration`);
    }
  },
  invitations: (v, f) => {
    if (!Array.isArray(v)) throw invalid(f, `${f} must be an array`);
    for (const [i, inv] of (v as unknown[]).entries()) {
      const at = `${f}[${i}]`;
      if (typeof inv === 'string') continue; // v3 shape: a bare id
      obj(inv, at);
      const o = inv as Record<string, unknown>;
      if (o.id === undefined) throw invalid(`${at}.id`, 'invitation id is required');
      str(1, 64)(o.id, `${at}.id`);
      if (o.display_name !== undefined) str(1, 64)(o.display_name, `${at}.display_name`);
      if (o.translator !== undefined && o.translator !== null) {
        obj(o.translator, `${at}.translator`);
        strArray()((o.translator as Record<string, unknown>).languages, `${at}.translator.languages`);
      }
    }
  },
};

/** Type- and range-checks every field present in a create/edit input. Unknown fields are ignored. */
export function validateConferenceInput(input: ConferenceInput): void {
  for (const [k, v] of Object.entries(input)) {
    if (v === undefined) continue;
    const check = CHECKS[k];
    if (check) check(v, k);
  }
}
