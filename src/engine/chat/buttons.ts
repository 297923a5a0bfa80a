import { invalid } from '../errors.js';

/**
 * Inline keyboards (TrueConf chatbot 5.5.6+, digest §4.5). Stored with the TrueConf wire field names, since no
 * other face has keyboards yet; the rules live here so every face (and the browser client) gets the same checks.
 */
export type ButtonType = 'command' | 'url' | 'message' | 'copy' | 'share';
export type ButtonStyle = 'default' | 'primary' | 'danger' | 'success';

export interface Button {
  type: ButtonType;
  label?: string;
  command?: string;
  url?: string;
  message?: string;
  draft?: boolean;
  data?: string;
  customData?: string;
  waitReply?: boolean;
  /** Another bot (directory id or TrueConf ID) that receives the command instead of the message's author. */
  to?: string;
  id?: string;
  style?: ButtonStyle;
}

const TYPES: ReadonlySet<string> = new Set(['command', 'url', 'message', 'copy', 'share']);
const STYLES: ReadonlySet<string> = new Set(['default', 'primary', 'danger', 'success']);
const SCHEMES: ReadonlySet<string> = new Set(['http:', 'https:', 'mailto:', 'trueconf:']);
const MAX_ROWS = 8;
const MAX_PER_ROW = 8;
const MAX_TOTAL = 64;
// Printable ASCII: the documented "ASCII" limits are about what the client apps can carry back unchanged.
const ASCII = /^[\x20-\x7e]*$/;

const bad = (where: string, why: string) => invalid('buttons', `${where}: ${why}`);

function str(b: Record<string, unknown>, field: string, where: string, min: number, max: number, ascii: boolean): string {
  const v = b[field];
  if (typeof v !== 'string') throw bad(where, `${field} is required`);
  // Lengths count characters (code points), as the clients count them.
  const n = [...v].length;
  if (n < min || n > max) throw bad(where, `${field} must be ${min}–${max} characters`);
  if (ascii && !ASCII.test(v)) throw bad(where, `${field} must be ASCII`);
  return v;
}

/** An optional field: null and missing mean the same (the wire's rule, §2.1). */
const has = (b: Record<string, unknown>, field: string) => b[field] !== undefined && b[field] !== null;

function optBool(b: Record<string, unknown>, field: string, where: string): boolean | undefined {
  if (!has(b, field)) return undefined;
  if (typeof b[field] !== 'boolean') throw bad(where, `${field} must be a boolean`);
  return b[field] as boolean;
}

function checkButton(raw: unknown, where: string): Button {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad(where, 'a button must be an object');
  const b = raw as Record<string, unknown>;
  if (typeof b.type !== 'string' || !TYPES.has(b.type)) throw bad(where, `unknown type ${String(b.type)}`);
  const type = b.type as ButtonType;
  const out: Button = { type };
  // A url button may go without a label (the client shows the URL); every other type needs one.
  if (type !== 'url' || has(b, 'label')) {
    // Line breaks become spaces, as the client apps show them.
    out.label = str(b, 'label', where, 1, 32, false).replace(/\r\n|\r|\n/g, ' ');
  }
  if (has(b, 'id')) out.id = str(b, 'id', where, 1, 255, false);
  if (has(b, 'style')) {
    if (typeof b.style !== 'string' || !STYLES.has(b.style)) throw bad(where, `unknown style ${String(b.style)}`);
    out.style = b.style as ButtonStyle;
  }
  switch (type) {
    case 'command': {
      out.command = str(b, 'command', where, 1, 255, true);
      if (has(b, 'customData')) out.customData = str(b, 'customData', where, 1, 4096, true);
      const wait = optBool(b, 'waitReply', where);
      if (wait !== undefined) out.waitReply = wait;
      if (has(b, 'to')) out.to = str(b, 'to', where, 1, 255, false);
      break;
    }
    case 'url': {
      const url = str(b, 'url', where, 8, 8095, true);
      let scheme: string;
      try { scheme = new URL(url).protocol; } catch { throw bad(where, 'url is not a valid URL'); }
      if (!SCHEMES.has(scheme)) throw bad(where, 'url scheme must be http, https, mailto or trueconf');
      out.url = url;
      break;
    }
    case 'message': {
      // The text a user sends on a click: a chat message, so the message limit is the only one (digest gives none).
      out.message = str(b, 'message', where, 1, 4096, false);
      const draft = optBool(b, 'draft', where);
      if (draft !== undefined) out.draft = draft;
      break;
    }
    case 'copy':
      out.data = str(b, 'data', where, 1, 4095, false);
      break;
    case 'share':
      // Fields undocumented (digest §11.17): kept to type, label, id and style.
      break;
  }
  // Fields of another type are dropped rather than refused: Python omits defaults, others may send nulls.
  return out;
}

/**
 * Validates a keyboard: rows of buttons, at most 8 rows, 8 per row, 64 in all. Returns the normalised keyboard,
 * or undefined for none (missing, null or an empty array).
 */
export function checkButtons(raw: unknown): Button[][] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw invalid('buttons', 'buttons must be an array of rows');
  if (raw.length === 0) return undefined;
  if (raw.length > MAX_ROWS) throw invalid('buttons', `at most ${MAX_ROWS} rows of buttons`);
  let total = 0;
  const rows = raw.map((row, r) => {
    if (!Array.isArray(row)) throw invalid('buttons', `row ${r + 1} must be an array of buttons`);
    if (row.length === 0) throw invalid('buttons', `row ${r + 1} is empty`);
    if (row.length > MAX_PER_ROW) throw invalid('buttons', `at most ${MAX_PER_ROW} buttons in a row`);
    total += row.length;
    return row.map((b, i) => checkButton(b, `button ${r + 1}.${i + 1}`));
  });
  if (total > MAX_TOTAL) throw invalid('buttons', `at most ${MAX_TOTAL} buttons`);
  return rows;
}
