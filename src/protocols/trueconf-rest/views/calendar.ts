import type { ConferenceDef } from '../../../engine/conferences/types.js';
import { occurrence, type Occurrence } from '../../../engine/conferences/schedule.js';
import type { Version } from '../versions.js';
import { conferenceUrl } from './conference.js';

/** Calendar links and the iCalendar file of a conference (GET …/calendars, GET …/ics). */

const BYDAY: Record<string, string> = { monday: 'MO', tuesday: 'TU', wednesday: 'WE', thursday: 'TH', friday: 'FR', saturday: 'SA', sunday: 'SU' };

/** `20180613T154800` (UTC), the form of the seed's calendar links and of iCalendar date-times without the Z. */
function basic(sec: number): string {
  return new Date(sec * 1000).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, '');
}

/** The slot a calendar entry describes: the scheduled one, else (no schedule) an hour from now. */
function slotOf(def: ConferenceDef, nowMs: number): Occurrence {
  const o = occurrence(def.schedule, nowMs);
  if (o) return o;
  const start = Math.floor(nowMs / 1000);
  return { start, end: start + (def.schedule.duration ?? 3600) };
}

function weeklyRule(def: ConferenceDef): string | null {
  if (def.schedule.type !== 0 || !def.schedule.days?.length) return null;
  return `FREQ=WEEKLY;INTERVAL=1;BYDAY=${def.schedule.days.map((d) => BYDAY[d]).join(',')}`;
}

export function calendarLinks(def: ConferenceDef, serverName: string, baseUrl: string, version: Version, nowMs: number) {
  const slot = slotOf(def, nowMs);
  const url = conferenceUrl(baseUrl, def.id);
  const e = encodeURIComponent;
  const text = e(`Video conference ${def.topic}`);
  const details = e(`Click the link below to join the web conference at the specific time and date:\n${url}\n`
    + `Conference is hosted by "${serverName}" video conferencing service powered by Parley.`);
  const rule = weeklyRule(def);
  const google = `http://www.google.com/calendar/event?action=TEMPLATE&dates=${basic(slot.start)}%2F${basic(slot.end)}`
    + `&text=${text}&location=${e(url)}&details=${details}${rule ? `&recur=${e(`RRULE:${rule}`)}` : ''}&ctz=UTC`;
  const outlook = `https://outlook.live.com/owa/?path=/calendar/action/compose&rru=addevent&startdt=${basic(slot.start)}`
    + `&enddt=${basic(slot.end)}&subject=${text}&location=${e(url)}&body=${details}`;
  const other = `${baseUrl}/api/v${version}/conferences/${e(def.id)}/ics`;
  return { google, outlook, other };
}

/** RFC 5545 TEXT escaping: backslash, semicolon, comma, and newlines as `\n`. */
function escapeText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Folds a content line at 75 octets (RFC 5545 §3.1) without splitting a UTF-8 character. */
function fold(line: string): string {
  const out: string[] = [];
  let cur = '';
  let octets = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch);
    const limit = out.length === 0 ? 75 : 74; // continuation lines start with a space
    if (octets + n > limit) {
      out.push(cur);
      cur = '';
      octets = 0;
    }
    cur += ch;
    octets += n;
  }
  out.push(cur);
  return out.join('\r\n ');
}

/** The iCalendar file of the seed's example (one VEVENT with a one-hour reminder), CRLF line endings. */
export function icsOf(def: ConferenceDef, serverName: string, baseUrl: string, nowMs: number): string {
  const slot = slotOf(def, nowMs);
  const url = conferenceUrl(baseUrl, def.id);
  const description = escapeText(`Join the video conference "${def.topic}":\n${url}`);
  const rule = weeklyRule(def);
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:-//${serverName}//NONSGML Parley//EN`,
    'CALSCALE:GREGORIAN',
    'METHOD:REQUEST',
    'X-WR-CALNAME:TrueConf',
    'X-WR-CALDESC:Events calendar',
    'X-WR-TIMEZONE:Z',
    'BEGIN:VEVENT',
    `UID:${escapeText(def.id)}`,
    `DTSTAMP:${basic(Math.floor(nowMs / 1000))}Z`,
    'CLASS:PUBLIC',
    `DESCRIPTION:${description}`,
    `DTSTART:${basic(slot.start)}Z`,
    `DTEND:${basic(slot.end)}Z`,
    ...(rule ? [`RRULE:${rule}`] : []),
    `LOCATION:${escapeText(url)}`,
    'PRIORITY:3',
    `SEQUENCE:${def.updated_at}`,
    `SUMMARY:${escapeText(`Video conference '${def.topic}'`)}`,
    'TRANSP:OPAQUE',
    'BEGIN:VALARM',
    'ACTION:DISPLAY',
    `DESCRIPTION:${description}`,
    'TRIGGER:-PT1H0M0S',
    'END:VALARM',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(fold).join('\r\n') + '\r\n';
}
