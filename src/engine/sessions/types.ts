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
}
