import type { LiveParticipant, LiveSession } from './types.js';

/**
 * The stage: who is shown in which position. Spotlighted participants first (earliest spotlight first), then
 * the most recent speakers, then everyone else in joining order. The voice switch shows stage position 0.
 */
export function stageOrder(s: LiveSession): LiveParticipant[] {
  const live = [...s.participants.values()].filter((p) => p.state === 'connected');
  const spot = live.filter((p) => p.spotlightAt !== null).sort((a, b) => a.spotlightAt! - b.spotlightAt!);
  const spoke = (p: LiveParticipant) => s.spokeAt?.get(p.id) ?? 0;
  const rest = live.filter((p) => p.spotlightAt === null)
    .sort((a, b) => spoke(b) - spoke(a) || a.joinIndex - b.joinIndex);
  return [...spot, ...rest];
}

/** Whether the participant is speaking now (voice activity from the media plane). */
export const isSpeaking = (s: LiveSession, participantId: string): boolean => s.speaking?.has(participantId) ?? false;
