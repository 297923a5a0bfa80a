import type { PresenceStatus } from '../../../engine/directory/presence.js';

/** TrueConf user status codes. */
export const STATUS: Record<PresenceStatus, number> = { offline: 0, online: 1, busy: 2, multihost: 5 };

export interface DataTime {
  date: string;
  timezone_type: 3;
  timezone: string;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/**
 * PHP DateTime serialisation used by the log endpoints. `offsetMinutes` is the `timezone` query parameter:
 * the wall-clock time is shifted by it and the zone is written as `+hh:mm` (UTC when 0).
 */
export function dataTime(ms: number | null | undefined, offsetMinutes = 0): DataTime | null {
  if (ms === null || ms === undefined) return null;
  const d = new Date(ms + offsetMinutes * 60_000);
  const micro = pad((ms % 1000) * 1000, 6);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${micro}`;
  let timezone = 'UTC';
  if (offsetMinutes !== 0) {
    const sign = offsetMinutes < 0 ? '-' : '+';
    const a = Math.abs(offsetMinutes);
    timezone = `${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
  }
  return { date, timezone_type: 3, timezone };
}

/** Parses the log filters `date_from` / `date_to` (`YYYY-MM-DD HH:MM:SS`, `+` for the space) as UTC ms. */
export function parseLogDate(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ +T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(s.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, se] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, se);
  // Date.UTC rolls 2018-02-30 over into March: a date that does not round-trip does not exist.
  const back = new Date(ms);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) return undefined;
  return ms;
}
