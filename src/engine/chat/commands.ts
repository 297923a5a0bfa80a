import { randomUUID } from 'node:crypto';
import type { EngineContext } from '../context.js';
import { invalid, missing, notFound } from '../errors.js';
import { loginOf } from '../directory/ids.js';
import type { Users } from '../directory/users.js';
import type { ChatMessages } from './messages.js';
import type { Button } from './buttons.js';
import type { Message } from './types.js';

/** Which button of a message: its `id`, or its place (0-based row and column) when it has none. */
export type ButtonRef = { buttonId: string } | { row: number; column: number };

/** What pressing a button did. `draft`: a message button with draft: the client puts the text in its input box. */
export type PressResult =
  | { type: 'command'; commandId: string; botId: string }
  | { type: 'message'; message: Message }
  | { type: 'draft'; text: string };

export const ANSWER_TYPES = ['complete', 'timeout', 'cancel', 'message'] as const;
export type AnswerType = typeof ANSWER_TYPES[number];
const STATUSES: ReadonlySet<string> = new Set(['unknown', 'pending', 'running', 'ok', 'failed', 'canceled', 'timeout']);
const VISIBILITIES: ReadonlySet<string> = new Set(['default', 'toast', 'sticky', 'alert']);
const LEVELS: ReadonlySet<string> = new Set(['info', 'warning', 'error', 'critical']);
const ASCII = /^[\x20-\x7e]+$/;

/** A bot's short status line for the user who pressed (digest §5.3 answerCommand). */
export interface CommandAnswerMessage {
  text: string;
  status?: string;
  visibility?: string;
  level?: string;
}

interface Pending {
  commandId: string;
  botId: string;
  userId: string;
  chatId: string;
  messageId: string;
  expiresAt: number;
}

/** How long a bot may take to answer a command; the client apps show a spinner meanwhile. */
export const COMMAND_TTL_MS = 15 * 60_000;
/** Bound on commands awaiting an answer (a bot that never answers must not grow memory without limit). */
const MAX_PENDING = 10_000;

/**
 * Inline-button presses and bots' answers. Pending commands are live state, held in memory with an expiry (like
 * presence): a restart forgets them, and a late answer then gets not_found, as after the expiry.
 */
export class ChatCommands {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly ctx: EngineContext, private readonly messages: ChatMessages, private readonly users: Users) {}

  /**
   * A user pressed a button of a message they can see. `command`: the bot (the message's author, or the button's
   * `to`) gets a `chat.command` event and may answer; `message`: the text is sent as the user into that chat.
   * url, copy and share buttons act in the client only (invalid here).
   */
  async press(userId: string, messageId: string, ref: ButtonRef): Promise<PressResult> {
    const msg = await this.messages.get(userId, messageId);
    const button = findButton(msg, ref);
    if (button.type === 'message') {
      if (button.draft) return { type: 'draft', text: button.message! };
      const message = await this.messages.send(userId, msg.chatId, { kind: 'text', text: button.message!, parseMode: 'text' }, null);
      return { type: 'message', message };
    }
    if (button.type !== 'command') throw invalid('button', `a ${button.type} button acts in the client`);
    const botId = button.to ? loginOf(button.to, this.ctx.serverName) : msg.authorId;
    if (!botId || !(await this.users.find(botId))) throw notFound('user', button.to ?? '');
    const now = this.ctx.now();
    this.sweep(now);
    const commandId = randomUUID();
    this.pending.set(commandId, { commandId, botId, userId, chatId: msg.chatId, messageId: msg.id, expiresAt: now + COMMAND_TTL_MS });
    this.ctx.bus.emit('chat.command', {
      commandId, botId, userId, chatId: msg.chatId, message: msg, buttonId: button.id ?? null,
      command: button.command!, customData: button.customData ?? null, waitReply: button.waitReply === true,
    });
    return { type: 'command', commandId, botId };
  }

  /**
   * The bot answers a command it received (once). The answer is emitted as `chat.command_answered` for the
   * user who pressed, whose client shows it; not_found (entity command) when unknown, expired, already answered
   * or sent to another bot.
   */
  answer(botId: string, commandId: string, answerType: string, message: CommandAnswerMessage | null): void {
    if (typeof commandId !== 'string' || commandId === '') throw missing('commandId');
    if (!(ANSWER_TYPES as readonly string[]).includes(answerType)) throw invalid('answerType', `unknown answerType ${String(answerType)}`);
    const msg = message === null ? null : checkAnswerMessage(message);
    if (answerType === 'message' && !msg) throw missing('message');
    const now = this.ctx.now();
    const p = this.pending.get(commandId);
    if (!p || p.botId !== botId || p.expiresAt <= now) throw notFound('command', commandId);
    this.pending.delete(commandId);
    this.ctx.bus.emit('chat.command_answered', {
      commandId, botId, userId: p.userId, chatId: p.chatId, messageId: p.messageId,
      answerType: answerType as AnswerType, message: msg, timestamp: now,
    });
  }

  /** Drops expired entries (insertion order is expiry order) and the oldest beyond the bound. */
  private sweep(now: number): void {
    for (const [id, p] of this.pending) {
      if (p.expiresAt > now && this.pending.size < MAX_PENDING) break;
      this.pending.delete(id);
    }
  }
}

function findButton(msg: Message, ref: ButtonRef): Button {
  const rows = msg.content.kind === 'text' ? msg.content.buttons : undefined;
  if (!rows) throw invalid('button', 'the message has no buttons');
  let b: Button | undefined;
  if ('buttonId' in ref) {
    b = rows.flat().find((x) => x.id !== undefined && x.id === ref.buttonId);
  } else if (Number.isInteger(ref.row) && Number.isInteger(ref.column)) {
    b = rows[ref.row]?.[ref.column];
  }
  if (!b) throw invalid('button', 'no such button on the message');
  return b;
}

function checkAnswerMessage(m: CommandAnswerMessage): CommandAnswerMessage {
  if (!m || typeof m !== 'object') throw invalid('message', 'message must be an object');
  const { text, status, visibility, level } = m;
  if (typeof text !== 'string' || text.length < 1 || text.length > 255 || !ASCII.test(text)) {
    throw invalid('message', 'message.text must be 1–255 ASCII characters');
  }
  const out: CommandAnswerMessage = { text };
  const opt = (v: unknown, allowed: ReadonlySet<string>, field: 'status' | 'visibility' | 'level') => {
    if (v === undefined || v === null) return;
    if (typeof v !== 'string' || !allowed.has(v)) throw invalid('message', `unknown message.${field} ${String(v)}`);
    out[field] = v;
  };
  opt(status, STATUSES, 'status');
  opt(visibility, VISIBILITIES, 'visibility');
  opt(level, LEVELS, 'level');
  return out;
}
