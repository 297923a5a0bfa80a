import type { Method } from '../methods.js';
import { chatObject, tcId } from '../views.js';
import { chatIdOf, optBool, optInt, optString, roleOf, userIdOf } from '../params.js';
import { BotError, E } from '../codes.js';

const ids = (s: Parameters<Method>[0]) => ({ serverName: s.deps.config.serverName });

/** `createGroupChat` takes `title` (Python, Java) or `name` (the seed) (§10 #2). */
function titleOf(p: Record<string, unknown>): string {
  const t = optString(p, 'title') ?? optString(p, 'name');
  if (!t) throw new BotError(E.INTERNAL_ERROR, 'title is required');
  return t;
}

/** The chat requests of digest §5.2. */
export const chatMethods: Record<string, Method> = {
  async createP2PChat(s, p) {
    const { chat } = await s.deps.engine.chats.createP2P(s.user.id, userIdOf(s, p));
    return { chatId: chat.id };
  },
  async createGroupChat(s, p) {
    return { chatId: (await s.deps.engine.chats.createGroup(s.user.id, titleOf(p))).id };
  },
  async createChannel(s, p) {
    return { chatId: (await s.deps.engine.chats.createChannel(s.user.id, titleOf(p))).id };
  },
  async createFavoritesChat(s) {
    return { chatId: (await s.deps.engine.chats.createFavorites(s.user.id)).chat.id };
  },
  async editChatTitle(s, p) {
    const title = optString(p, 'title');
    if (!title) throw new BotError(E.INTERNAL_ERROR, 'title is required');
    const chat = await s.deps.engine.chats.editTitle(s.user.id, chatIdOf(p), title);
    return { chatId: chat.id, timestamp: chat.updatedAt };
  },
  async editChatAvatar(s, p) {
    await s.deps.engine.chats.editAvatar(s.user.id, chatIdOf(p), optString(p, 'temporalFileId'));
    return {};
  },
  async clearHistory(s, p) {
    await s.deps.engine.chats.clearHistory(s.user.id, chatIdOf(p), optBool(p, 'forAll', false));
    return {};
  },
  async removeChat(s, p) {
    const chatId = chatIdOf(p);
    await s.deps.engine.chats.remove(s.user.id, chatId);
    return { chatId };
  },
  async addChatParticipant(s, p) {
    await s.deps.engine.chats.addParticipant(s.user.id, chatIdOf(p), userIdOf(s, p), {
      displayHistory: optBool(p, 'displayHistory', true),
      ...(p.role !== undefined && p.role !== null ? { role: roleOf(p) } : {}),
    });
    return {};
  },
  async removeChatParticipant(s, p) {
    await s.deps.engine.chats.removeParticipant(s.user.id, chatIdOf(p), userIdOf(s, p));
    return {};
  },
  async changeParticipantRole(s, p) {
    await s.deps.engine.chats.changeRole(s.user.id, chatIdOf(p), userIdOf(s, p), roleOf(p));
    return {};
  },
  async getChatByID(s, p) {
    return chatObject(ids(s), await s.deps.engine.chats.get(s.user.id, chatIdOf(p)), s.user.id);
  },
  async getChats(s, p) {
    const views = await s.deps.engine.chats.list(s.user.id, optInt(p, 'count', 10, 1), optInt(p, 'page', 1, 0) || 1);
    return views.map((v) => chatObject(ids(s), v, s.user.id));
  },
  async getChatParticipant(s, p) {
    const part = await s.deps.engine.chats.participant(s.user.id, chatIdOf(p), userIdOf(s, p));
    return { userId: tcId(ids(s), part.userId), role: part.role, type: 1 };
  },
  async getChatParticipants(s, p) {
    const list = await s.deps.engine.chats.participants(s.user.id, chatIdOf(p), optInt(p, 'pageSize', 100, 1), optInt(p, 'pageNumber', 1, 0));
    return { participants: list.map((x) => ({ userId: tcId(ids(s), x.userId), role: x.role, type: 1 })) };
  },
  async hasChatParticipant(s, p) {
    return { result: await s.deps.engine.chats.hasParticipant(s.user.id, chatIdOf(p), userIdOf(s, p)) };
  },
};
