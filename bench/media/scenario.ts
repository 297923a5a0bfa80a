/** Shared by the media benchmark's load generator (run.ts) and its two servers (server.ts, naive.ts). */
export const ALIAS = 'media-bench';

export interface ReadyMessage { type: 'ready'; port: number }
/** Naive forwarder signalling over IPC: one offer per peer, answered with all candidates. */
export interface OfferMessage { type: 'offer'; id: number; role: 'publisher' | 'viewer'; sdp: string }
export interface AnswerMessage { type: 'answer'; id: number; sdp: string }
