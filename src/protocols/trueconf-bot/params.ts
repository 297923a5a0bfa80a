import { loginOf } from '../../engine/directory/ids.js';
import { CHAT_ROLES, type ChatRole, type ParseMode } from '../../engine/chat/types.js';
import type { Button } from '../../engine/chat/buttons.js';
import { BotError, E } from './codes.js';
import type { BotSession } from './connection.js';

type P = Record<string, unknown>;

/** A required string field; missing ids answer with the matching "not found" code. */
export function reqString(p: P, field: string, code: number = E.INTERNAL_ERROR): string {
  const v = p[field];
  if (typeof v !== 'string' || v === '') throw new BotError(code, `${field} is required`);
  return v;
}

export const chatIdOf = (p: P) => reqString(p, 'chatId', E.CHAT_NOT_FOUND);
export const messageIdOf = (p: P) => reqString(p, 'messageId', E.MESSAGE_NOT_FOUND);

/** null and a missing key mean the same (§2.1). */
export function optString(p: P, field: string): string | null {
  const v = p[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new BotError(E.INTERNAL_ERROR, `${field} must be a string`);
  return v;
}

export function optBool(p: P, field: string, dflt: boolean): boolean {
  const v = p[field];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'boolean') throw new BotError(E.INTERNAL_ERROR, `${field} must be a boolean`);
  return v;
}

export function optInt(p: P, field: string, dflt: number, min: number): number {
  const v = p[field];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new BotError(E.INTERNAL_ERROR, `${field} must be an integer ≥ ${min}`);
  return v;
}

/** A user named by TrueConf ID (`login@server`, optionally `/instance`) or bare login → directory id. */
export function userIdOf(s: BotSession, p: P, field = 'userId'): string {
  return loginOf(reqString(p, field), s.deps.config.serverName);
}

export function roleOf(p: P, field = 'role'): ChatRole {
  const v = p[field];
  if (typeof v !== 'string' || !(CHAT_ROLES as readonly string[]).includes(v)) throw new BotError(E.ROLE_NOT_FOUND, `Unknown role: ${String(v)}`);
  return v as ChatRole;
}

const PARSE_MODES: readonly ParseMode[] = ['text', 'markdown', 'html'];

/** `content: {text, parseMode, buttons?}` of sendMessage/editMessage. */
export function textContentOf(p: P): { kind: 'text'; text: string; parseMode: ParseMode; buttons?: Button[][] } {
  const c = p.content;
  if (!c || typeof c !== 'object' || Array.isArray(c)) throw new BotError(E.INTERNAL_ERROR, 'content is required');
  const content = c as P;
  if (typeof content.text !== 'string') throw new BotError(E.INTERNAL_ERROR, 'content.text is required');
  const mode = content.parseMode ?? 'text';
  if (typeof mode !== 'string' || !(PARSE_MODES as readonly string[]).includes(mode)) throw new BotError(E.INTERNAL_ERROR, 'content.parseMode must be text, markdown or html');
  // Passed on as sent: the engine checks keyboards (engine/chat/buttons.ts), the same for every face.
  const buttons = content.buttons;
  return { kind: 'text', text: content.text, parseMode: mode as ParseMode, ...(buttons !== undefined && buttons !== null ? { buttons: buttons as Button[][] } : {}) };
}
