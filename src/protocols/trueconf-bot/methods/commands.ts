import type { Method } from '../methods.js';
import type { CommandAnswerMessage } from '../../../engine/chat/commands.js';
import { BotError, E } from '../codes.js';
import { reqString } from '../params.js';

/**
 * `answerCommand` (digest §5.3, 5.5.6+): the bot's answer to a `command` notification. The engine checks the
 * command is this bot's and still pending and keeps the answer for the user who pressed (chat.command_answered).
 */
export const commandMethods: Record<string, Method> = {
  async answerCommand(s, p) {
    const m = p.message;
    if (m !== undefined && m !== null && (typeof m !== 'object' || Array.isArray(m))) throw new BotError(E.INTERNAL_ERROR, 'message must be an object');
    s.deps.engine.chats.answerCommand(s.user.id, reqString(p, 'commandId'), reqString(p, 'answerType'), (m ?? null) as CommandAnswerMessage | null);
    return {};
  },
};
