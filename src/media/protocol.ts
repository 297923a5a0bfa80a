/** Messages between the media plane (main thread) and its room workers. Plain data: they cross postMessage. */

/** Which part of a participant's media a call carries (Pexip: main call, or `present: send|receive`). */
export type CallKind = 'main' | 'present-send' | 'present-receive';

/** What a call sends and receives besides its kind (Pexip call_type: video, video-only, audio). */
export interface CallMedia {
  audio: boolean;
  video: boolean;
}

export interface RtcSettings {
  /** Addresses put in host candidates besides the machine's own (loopback for local clients). */
  hostAddresses: string[];
  /** Address announced in place of every host candidate address (1:1 NAT); empty = none. */
  announcedAddress: string;
  /** UDP port range for ICE, inclusive; [0, 0] = any. */
  portRange: [number, number];
  /** A call whose ICE consent expires or whose peer goes silent this long is reported failed (ms). */
  silenceTimeoutMs: number;
}

export type ToWorker =
  | { op: 'open'; rid: number; conferenceId: string; participantId: string; callId: string; kind: CallKind; media: CallMedia; sdp: string; multistream?: boolean }
  | { op: 'candidate'; rid: number; callId: string; candidate: string; mid: string | null }
  | { op: 'update'; rid: number; callId: string; sdp: string; media: CallMedia }
  | { op: 'ack'; rid: number; callId: string }
  | { op: 'close'; rid: number; callId: string }
  | { op: 'mute'; conferenceId: string; participantId: string; audio: boolean; video: boolean }
  | { op: 'stage'; conferenceId: string; order: string[] }
  | { op: 'stats'; rid: number };

/** Why the media plane gave up on a call. */
export type CallFailure = 'silence' | 'connection' | 'worker';

export type FromWorker =
  | { kind: 'reply'; rid: number; ok: true; sdp?: string; stats?: RoomStats[] }
  | { kind: 'reply'; rid: number; ok: false; error: string }
  | { kind: 'speaking'; conferenceId: string; participantId: string; speaking: boolean }
  /** `cause` of a failure: the peer went silent, its ICE/DTLS connection failed, or the media worker stopped. */
  | { kind: 'call'; callId: string; state: 'connected' | 'failed' | 'closed'; cause?: CallFailure }
  /** Multistream: which participant each outgoing video m-line (by mid) shows; null = nobody. */
  | { kind: 'slots'; callId: string; slots: Array<{ mid: string; participantId: string | null }> }
  /** A complete VP8 keyframe of the presentation (for snapshots), at most one a second. */
  | { kind: 'presentationFrame'; conferenceId: string; frame: Uint8Array }
  | { kind: 'ready' };

export interface RoomStats {
  conferenceId: string;
  calls: number;
  packetsIn: number;
  packetsOut: number;
  mixTicks: number;
}
