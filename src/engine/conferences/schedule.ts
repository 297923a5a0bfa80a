import { DAYS, type Schedule } from './types.js';

/** One occurrence of a conference, Unix seconds. */
export interface Occurrence {
  start: number;
  end: number;
}

const DAY_MS = 86_400_000;
/** Parley keeps schedules in UTC: the weekly `time` is UTC wall-clock and `time_offset` is 0. */
export const SERVER_TIME_OFFSET = 0;

/**
 * The current or next occurrence of a schedule at `nowMs`: a one-time conference's slot, or the weekly slot that
 * is running now or starts next. `null` when the schedule has none (no schedule, or weekly without days).
 */
export function occurrence(s: Schedule, nowMs: number): Occurrence | null {
  const duration = s.duration ?? 3600;
  if (s.type === 1) {
    if (s.start_time === undefined || s.start_time < 0) return null;
    return { start: s.start_time, end: s.start_time + duration };
  }
  if (s.type !== 0 || !s.days?.length) return null;
  const [hh, mm] = (s.time ?? '00:00').split(':').map(Number);
  const today = new Date(nowMs);
  const midnight = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  // JS getUTCDay: 0 = Sunday; DAYS starts on Monday.
  const wanted = new Set(s.days.map((d) => (DAYS.indexOf(d as (typeof DAYS)[number]) + 1) % 7));
  for (let i = -1; i <= 7; i++) {
    const dayStart = midnight + i * DAY_MS;
    if (!wanted.has(new Date(dayStart).getUTCDay())) continue;
    const start = dayStart + (hh * 60 + mm) * 60_000 - SERVER_TIME_OFFSET * 60_000;
    if (start + duration * 1000 > nowMs) return { start: Math.floor(start / 1000), end: Math.floor(start / 1000) + duration };
  }
  return null;
}

