/**
 * What the engine needs from a media plane (src/media implements it). The engine owns calls, stage and
 * presentation as state; the plane carries packets and reports what it hears.
 */
export type MediaCallKind = 'main' | 'present-send' | 'present-receive';

export interface MediaCallRequest {
  conferenceId: string;
  participantId: string;
  callId: string;
  kind: MediaCallKind;
  /** What the call may carry (Pexip call_type video / video-only / audio). */
  media: { audio: boolean; video: boolean };
  /** The client's SDP offer. */
  sdp: string;
  /** Parley's multistream mode: every video m-line the client receives on is a slot showing one participant. */
  multistream?: boolean;
}

export type MediaReport =
  | { kind: 'speaking'; conferenceId: string; participantId: string; speaking: boolean }
  | { kind: 'call'; callId: string; state: 'connected' | 'failed' | 'closed'; cause?: 'silence' | 'connection' | 'worker' }
  | { kind: 'slots'; callId: string; slots: Array<{ mid: string; participantId: string | null }> }
  /** A complete keyframe of the presentation (VP8), for snapshots; at most one a second while someone presents. */
  | { kind: 'presentationFrame'; conferenceId: string; frame: Uint8Array };

export interface MediaPort {
  /**
   * Answers the offer; rejects with an Error whose message is safe to show when the SDP is unusable. A video m-line
   * in codecs the plane cannot forward is answered rejected (port 0) when another m-line is usable.
   */
  open(req: MediaCallRequest): Promise<string>;
  ack(callId: string): Promise<void>;
  candidate(callId: string, candidate: string, mid: string | null): Promise<void>;
  /** Renegotiation: a new offer, and what the call may now carry. */
  update(callId: string, sdp: string, media: { audio: boolean; video: boolean }): Promise<string>;
  close(callId: string): Promise<void>;
  /** Server-side mute: a muted participant is not heard / not seen by anyone. */
  mute(conferenceId: string, participantId: string, audio: boolean, video: boolean): void;
  /** The stage order (spotlight, then recent speakers) the voice switch follows. */
  stage(conferenceId: string, order: string[]): void;
  onReport(fn: (r: MediaReport) => void): void;
  /** A JPEG image of a presentation keyframe, at most maxWidth pixels wide (Pexip presentation.jpeg). */
  snapshot(frame: Uint8Array, maxWidth: number): Promise<Buffer>;
  shutdown(): Promise<void>;
}
