import type { Method } from '../methods.js';
import type { BotSession } from '../connection.js';
import type { Message } from '../../../engine/chat/types.js';
import { envelope } from '../views.js';
import { chatIdOf, messageIdOf, optBool, optInt, optString, reqString, textContentOf, userIdOf } from '../params.js';
import { BotError, E } from '../codes.js';

const ACTIVITIES = ['typing', 'choosing_sticker', 'uploading_file'];

/** Envelopes as the session's user sees them (the chat view gives the P2P peer for the title). */
async function envelopesFor(s: BotSession, chatId: string, messages: Message[]) {
  const view = await s.deps.engine.chats.get(s.user.id, chatId);
  const ctx = { chat: view, peerId: view.peerId };
  return messages.map((m) => envelope({ serverName: s.deps.config.serverName }, m, ctx, s.user.id));
}

/** The message requests of digest §5.3, plus getUserDisplayName (§5.6). */
export const messageMethods: Record<string, Method> = {
  async sendMessage(s, p) {
    const m = await s.deps.engine.chats.send(s.user.id, chatIdOf(p), textContentOf(p), optString(p, 'replyMessageId'));
    return { chatId: m.chatId, messageId: m.id, timestamp: m.timestamp };
  },
  async editMessage(s, p) {
    const m = await s.deps.engine.chats.edit(s.user.id, messageIdOf(p), textContentOf(p));
    return { messageId: m.id, timestamp: m.editedAt ?? m.timestamp };
  },
  async removeMessage(s, p) {
    await s.deps.engine.chats.removeMessage(s.user.id, messageIdOf(p), optBool(p, 'forAll', false));
    return {};
  },
  async forwardMessage(s, p) {
    const m = await s.deps.engine.chats.forward(s.user.id, chatIdOf(p), messageIdOf(p));
    return { chatId: m.chatId, messageId: m.id, timestamp: m.timestamp };
  },
  async getMessageById(s, p) {
    const m = await s.deps.engine.chats.getMessage(s.user.id, messageIdOf(p));
    return (await envelopesFor(s, m.chatId, [m]))[0];
  },
  async getChatHistory(s, p) {
    const chatId = chatIdOf(p);
    const list = await s.deps.engine.chats.history(s.user.id, chatId, optInt(p, 'count', 50, 1), optString(p, 'fromMessageId'));
    return { chatId, count: list.length, messages: await envelopesFor(s, chatId, list) };
  },
  async sendChatActivity(s, p) {
    const chatId = chatIdOf(p);
    const activityType = reqString(p, 'activityType');
    if (!ACTIVITIES.includes(activityType)) throw new BotError(E.INTERNAL_ERROR, `Unknown activityType: ${activityType}`);
    await s.deps.engine.chats.get(s.user.id, chatId); // members only; Parley does not relay activity yet
    return { chatId, activityType, retryAfter: 5000 };
  },
  async getUserDisplayName(s, p) {
    const user = await s.deps.engine.users.find(userIdOf(s, p));
    if (!user) throw new BotError(E.INTERNAL_ERROR, 'User not found');
    return { displayName: user.displayName };
  },
};
