/** Live state of a running conference: in memory, owned by the engine, written through to call history. */

export type ParticipantState = 'ringing' | 'waiting' | 'connected';

export interface LiveParticipant {
  /** Engine uuid: Pexip participant_uuid, TrueConf session participant_id. */
  id: string;
  conferenceId: string;
  streamId: string;
  /** TrueConf ID (`login@server`) for users, `#guest:xxxx@server` for guests. */
  callId: string;
  userId: string | null;
  displayName: string;
  /** Host (chair) or guest, as PINs and ownership decide. */
  role: 'host' | 'guest';
  state: ParticipantState;
  /** 1-based order of joining within this session (XiVO `index`). */
  joinIndex: number;
  invitedAt: number | null;
  joinedAt: number | null;
  /** On the podium (speakers) of a role-based conference; everyone is on it in all-on-screen mode. */
  podium: boolean;
  audioMuted: boolean;
  videoMuted: boolean;
  handRaisedAt: number | null;
  spotlightAt: number | null;
  /** The interface the participant came through (trueconf, pexip, xivo, terminal, web...). */
  via: string;
  isOwner: boolean;
  // Connection details the Pexip projection shows (engine-neutral names; set by sessions/join.ts).
  /** Free tag a client attached when joining (Pexip call_tag). */
  callTag?: string;
  /** Name overlay text a host set; undefined = the display name. */
  overlayText?: string;
  /** Whether the participant may receive the presentation (hosts may deny it). Undefined = allowed. */
  rxPresentation?: boolean;
  /** Wants presentation shown inside its layout mix. */
  presentationInMix?: boolean;
  /** Signalling of the connection: 'api' for control-only clients. Undefined = unknown. */
  protocol?: string;
  /** The client software (User-Agent) and the address it calls from. */
  vendor?: string;
  uri?: string;
  /** Whether the connection carries audio/video (false until media exists). */
  hasMedia?: boolean;
  audioOnly?: boolean;
  /** 'out' for participants the conference called (dial, invitations), 'in' otherwise. */
  direction?: 'in' | 'out';
}

/** Layout a host asked for (Pexip transform_layout) and the layout actually produced. */
export interface SessionLayout {
  /** The requested transforms as given (layout, host_layout, guest_layout, indicators, overlay text...). */
  requested: Record<string, unknown>;
  /** What the mixer produces: voice-switched '1:0' only until composed media exists. */
  view: string;
}

/** Silent-video detection settings of a conference (Pexip silent_video_detection). */
export interface SilentVideoConfig {
  enable: boolean;
  silent_after: number;
  require_no_faces: boolean;
  reactivate_after: number;
}

export interface LiveSession {
  conferenceId: string;
  streamId: string;
  topic: string;
  owner: string;
  mode: 0 | 1 | 3;
  startedAt: number; // ms
  participants: Map<string, LiveParticipant>;
  recording: 'stopped' | 'recording' | 'paused';
  locked: boolean;
  guestsMuted: boolean;
  nextJoinIndex: number;
  /** Whether guests may unmute themselves while guests are muted (undefined = no). */
  guestsCanUnmute?: boolean;
  layout?: SessionLayout;
  silentVideo?: SilentVideoConfig;
  /** Who speaks now, and when each participant last started speaking (ms): the stage order follows it. */
  speaking?: Set<string>;
  spokeAt?: Map<string, number>;
  /** The participant whose presentation (screen share) is shown, if any. */
  presenterId?: string;
  /** The presentation's latest keyframe (VP8), for snapshots (Pexip presentation.jpeg); JPEGs made of it by width. */
  presentationFrame?: { seq: number; frame: Uint8Array; images: Map<number, Promise<Buffer>> };
}
