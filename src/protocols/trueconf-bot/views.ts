import type { Chat, ChatType, ChatView, Message, MessageContent } from '../../engine/chat/types.js';

/** `ChatTypeEnum` (digest §3.2). */
export const CHAT_TYPE: Record<ChatType, number> = { p2p: 1, group: 2, system: 3, favorites: 5, channel: 6 };

/** Ids on this wire: directory user id ⇄ TrueConf ID `login@server_name`. */
export interface IdMap {
  serverName: string;
}
export const tcId = (ids: IdMap, userId: string) => (userId.includes('@') ? userId : `${userId}@${ids.serverName}`);

/**
 * The title a viewer sees: group/channel title; for P2P the other user's TrueConf ID; favorites have none
 * (`null` only where the seed shows it, in the creation notification; `""` in responses, §11.16).
 */
export function chatTitle(ids: IdMap, chat: Chat, viewerId: string, peerId: string | null, favoritesNull = false): string | null {
  if (chat.type === 'p2p') return tcId(ids, peerId ?? viewerId);
  if (chat.type === 'favorites') return favoritesNull ? null : '';
  return chat.title ?? '';
}

/** The `author` object (§3.3): a user, or the server for system messages. */
export const authorOf = (ids: IdMap, userId: string | null) =>
  userId ? { id: tcId(ids, userId), type: 1 } : { id: ids.serverName, type: 0 };

/** What a viewer needs to render envelopes: the chat and, for P2P, the other member. */
export interface ChatContext {
  chat: Chat;
  peerId: string | null;
}

/** `type` and `content` of an envelope (§3.4, §4.3). */
export function contentOf(ids: IdMap, c: MessageContent, ctx: ChatContext, viewerId: string): { type: number; content: Record<string, unknown> } {
  switch (c.kind) {
    case 'text':
      return { type: 200, content: { text: c.text, parseMode: c.parseMode, ...(c.buttons ? { buttons: c.buttons } : {}) } };
    case 'file':
      return { type: 202, content: { name: c.name, size: c.size, mimeType: c.mimeType, fileId: c.fileId, readyState: 2 } };
    case 'forward': {
      const inner = envelope(ids, c.original, ctx, viewerId);
      // Python reads the nested envelope; the TS client reads text/parseMode at the top (§11.4).
      const top = c.original.content.kind === 'text' ? { text: c.original.content.text, parseMode: c.original.content.parseMode } : {};
      return { type: 201, content: { ...inner, ...top } };
    }
    case 'survey':
      return { type: 204, content: { ...c.data } };
    case 'location': {
      const d = c.data as Record<string, unknown>;
      const label = d.title ?? d.description;
      return { type: 203, content: { ...d, ...(label !== undefined ? { title: label, description: label } : {}) } };
    }
    case 'system':
      switch (c.event) {
        case 'participant_added': return { type: 1, content: { userId: tcId(ids, c.userId ?? ''), role: c.role ?? 'user' } };
        case 'participant_removed': return { type: 2, content: { userId: tcId(ids, c.userId ?? '') } };
        case 'title_changed': return { type: 21, content: { title: c.title ?? '' } };
        case 'avatar_changed': return { type: 22, content: { avatarUrl: null } };
        case 'history_cleared': return { type: 23, content: { forAll: c.forAll === true } };
        case 'role_changed': return { type: 110, content: { userId: tcId(ids, c.userId ?? ''), role: c.role ?? 'user' } };
      }
  }
}

/** The Envelope of §4.1 as one viewer sees it (the P2P chat title depends on who looks). */
export function envelope(ids: IdMap, m: Message, ctx: ChatContext, viewerId: string): Record<string, unknown> {
  const { type, content } = contentOf(ids, m.content, ctx, viewerId);
  return {
    messageId: m.id,
    chatId: m.chatId,
    chat: { chatId: ctx.chat.id, chatTitle: chatTitle(ids, ctx.chat, viewerId, ctx.peerId), chatType: CHAT_TYPE[ctx.chat.type] },
    timestamp: m.timestamp,
    ...(m.replyToId ? { replyMessageId: m.replyToId } : {}),
    isEdited: m.editedAt !== null,
    type,
    author: authorOf(ids, m.authorId),
    box: { id: m.seq, position: String(m.seq) },
    content,
  };
}

/** The chat object of §4.2 for a member's view (getChatByID, getChats). */
export function chatObject(ids: IdMap, v: ChatView, viewerId: string): Record<string, unknown> {
  const ctx: ChatContext = { chat: v, peerId: v.peerId };
  return {
    chatId: v.id,
    title: chatTitle(ids, v, viewerId, v.peerId),
    chatType: CHAT_TYPE[v.type],
    unreadMessages: v.unread,
    avatarUrl: null,
    lastMessage: v.lastMessage ? envelope(ids, v.lastMessage, ctx, viewerId) : null,
  };
}
