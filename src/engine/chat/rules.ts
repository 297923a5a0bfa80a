import { DomainError, invalid, missing, notFound } from '../errors.js';
import type { EngineContext } from '../context.js';
import type { Users } from '../directory/users.js';
import type { ChatStore } from './store.js';
import { CHAT_ROLES, type Chat, type ChatParticipant, type ChatRole, type ChatView, type MessageContent } from './types.js';

const MANAGERS: ReadonlySet<ChatRole> = new Set(['owner', 'admin', 'conf_owner', 'conf_moderator', 'favorites_owner']);
export const isManager = (role: ChatRole | undefined): boolean => role !== undefined && MANAGERS.has(role);

export function notParticipant(chatId: string, userId: string): DomainError {
  return new DomainError('not_participant', `user ${userId} is not a participant of chat ${chatId}`, { id: chatId, user_id: userId }, 'chat');
}

const forbidden = (what: string) => new DomainError('forbidden', `not enough rights to ${what}`);

function title(v: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw missing('title');
  if (v.length > 256) throw invalid('title', 'title is longer than 256 characters');
  return v.trim();
}

/** Chat management rules: who may see, create, rename, add, remove, change roles. */
export class ChatRules {
  constructor(private readonly ctx: EngineContext, private readonly store: ChatStore, private readonly users: Users) {}

  /** The chat and the user's role in it; not_found when it does not exist or the user is not a member. */
  async member(userId: string, chatId: string): Promise<{ chat: Chat; role: ChatRole; roles: Map<string, ChatRole> }> {
    const chat = typeof chatId === 'string' && chatId !== '' ? await this.store.chat(chatId) : undefined;
    if (!chat) throw notFound('chat', String(chatId ?? ''));
    const roles = await this.store.roles(chat.id);
    const role = roles.get(userId);
    if (role === undefined) throw notFound('chat', chatId);
    return { chat, role, roles };
  }

  async manager(userId: string, chatId: string, what: string) {
    const m = await this.member(userId, chatId);
    if (!isManager(m.role) || m.chat.type === 'p2p') throw forbidden(what);
    return m;
  }

  /** Whether a member may post into the chat. */
  canPost(chat: Chat, role: ChatRole): boolean {
    if (chat.type === 'channel') return isManager(role) || role === 'writer';
    if (chat.type === 'system') return false;
    return true;
  }

  private async userId(id: string): Promise<string> {
    if (typeof id !== 'string' || id.trim() === '') throw missing('userId');
    const u = await this.users.find(id);
    if (!u) throw notFound('user', id);
    return u.id;
  }

  /** Writes a system message and emits message.created (adapters decide whether to show it). */
  private async system(chat: Chat, by: string | null, content: Extract<MessageContent, { kind: 'system' }>, userIds: string[]): Promise<void> {
    const message = await this.store.insertMessage(chat.id, by, content, null);
    this.ctx.bus.emit('message.created', { chatId: chat.id, userIds, message });
  }

  async createP2P(userId: string, other: string): Promise<{ chat: Chat; created: boolean }> {
    const otherId = await this.userId(other);
    const pair = [userId, otherId].sort();
    const key = `p2p:${pair[0]}|${pair[1]}`;
    const found = await this.store.chatByKey(key);
    if (found) return { chat: found, created: false };
    const members: [string, ChatRole][] = userId === otherId ? [[userId, 'owner']] : [[userId, 'owner'], [otherId, 'owner']];
    const chat = await this.store.createChat({ type: 'p2p', title: null, key, by: userId, members });
    this.ctx.bus.emit('chat.created', { chatId: chat.id, userIds: members.map(([u]) => u), by: userId });
    return { chat, created: true };
  }

  async createTitled(userId: string, type: 'group' | 'channel', t: string, conferenceId?: string): Promise<Chat> {
    const chat = await this.store.createChat({ type, title: title(t), key: null, conferenceId, by: userId, members: [[userId, 'owner']] });
    this.ctx.bus.emit('chat.created', { chatId: chat.id, userIds: [userId], by: userId });
    return chat;
  }

  async createFavorites(userId: string): Promise<{ chat: Chat; created: boolean }> {
    const key = `fav:${userId}`;
    const found = await this.store.chatByKey(key);
    if (found) return { chat: found, created: false };
    const chat = await this.store.createChat({ type: 'favorites', title: null, key, by: userId, members: [[userId, 'favorites_owner']] });
    this.ctx.bus.emit('chat.created', { chatId: chat.id, userIds: [userId], by: userId });
    return { chat, created: true };
  }

  async editTitle(userId: string, chatId: string, t: string): Promise<Chat> {
    const { chat, roles } = await this.manager(userId, chatId, 'rename the chat');
    if (chat.type === 'favorites') throw forbidden('rename the chat');
    const value = title(t);
    await this.store.updateChat(chat.id, { title: value });
    const updated = { ...chat, title: value, updatedAt: this.ctx.now() };
    const userIds = [...roles.keys()];
    this.ctx.bus.emit('chat.updated', { chatId, userIds, by: userId, field: 'title', title: value, avatarFileId: chat.avatarFileId, timestamp: updated.updatedAt });
    await this.system(chat, userId, { kind: 'system', event: 'title_changed', title: value }, userIds);
    return updated;
  }

  async editAvatar(userId: string, chatId: string, fileId: string | null): Promise<Chat> {
    const { chat, roles } = await this.manager(userId, chatId, 'change the avatar');
    if (fileId !== null) {
      // The temporalFileId of the user's own finished upload.
      const f = await this.ctx.db.selectFrom('files').select(['id', 'ready', 'owner_id']).where('id', '=', String(fileId)).executeTakeFirst();
      if (!f || f.owner_id !== userId) throw notFound('file', String(fileId));
      if (f.ready !== 1) throw new DomainError('file_not_ready', `file ${fileId} is not uploaded yet`, { id: String(fileId) }, 'file');
    }
    await this.store.updateChat(chat.id, { avatar_file_id: fileId });
    const updated = { ...chat, avatarFileId: fileId, updatedAt: this.ctx.now() };
    const userIds = [...roles.keys()];
    this.ctx.bus.emit('chat.updated', { chatId, userIds, by: userId, field: 'avatar', title: chat.title, avatarFileId: fileId, timestamp: updated.updatedAt });
    await this.system(chat, userId, { kind: 'system', event: 'avatar_changed', avatarFileId: fileId }, userIds);
    return updated;
  }

  async clearHistory(userId: string, chatId: string, forAll: boolean): Promise<void> {
    const { chat, role, roles } = await this.member(userId, chatId);
    if (forAll) {
      if (chat.type !== 'p2p' && chat.type !== 'favorites' && !isManager(role)) throw forbidden('clear the history for all');
      await this.store.deleteAllMessages(chat.id);
      this.ctx.bus.emit('chat.history_cleared', { chatId, userIds: [...roles.keys()], by: userId, forAll: true });
    } else {
      await this.store.setReadState(chat.id, userId, { hiddenSeq: chat.lastSeq });
      this.ctx.bus.emit('chat.history_cleared', { chatId, userIds: [userId], by: userId, forAll: false });
    }
  }

  async remove(userId: string, chatId: string): Promise<void> {
    const { chat, role, roles } = await this.member(userId, chatId);
    const personal = chat.type === 'p2p' || chat.type === 'favorites';
    if (!personal && role !== 'owner') throw forbidden('remove the chat');
    const userIds = [...roles.keys()];
    await this.store.deleteChat(chat.id);
    this.ctx.bus.emit('chat.removed', { chatId, userIds, by: userId });
  }

  async addParticipant(userId: string, chatId: string, target: string, opts: { role?: ChatRole; displayHistory?: boolean }): Promise<ChatParticipant> {
    const { chat, roles } = await this.manager(userId, chatId, 'add participants');
    if (chat.type === 'favorites') throw forbidden('add participants');
    const targetId = await this.userId(target);
    if (roles.has(targetId)) {
      throw new DomainError('already_participant', `user ${targetId} is already a participant of chat ${chatId}`, { id: chatId, user_id: targetId }, 'chat');
    }
    const role = opts.role ?? 'user';
    if (!CHAT_ROLES.includes(role)) throw invalid('role', `unknown role ${String(role)}`);
    const p = await this.store.addParticipant(chat.id, targetId, role, opts.displayHistory === false ? chat.lastSeq : 0);
    const userIds = await this.store.memberIds(chat.id);
    this.ctx.bus.emit('chat.participant_added', { chatId, userIds, by: userId, userId: targetId, role, timestamp: p.joinedAt });
    await this.system(chat, userId, { kind: 'system', event: 'participant_added', userId: targetId, role }, userIds);
    return p;
  }

  async removeParticipant(userId: string, chatId: string, target: string): Promise<void> {
    const { chat, role, roles } = await this.member(userId, chatId);
    const targetId = this.users.idOf(String(target ?? ''));
    if (targetId === '') throw missing('userId');
    if (targetId !== userId && (!isManager(role) || chat.type === 'p2p' || chat.type === 'favorites')) throw forbidden('remove participants');
    const targetRole = roles.get(targetId);
    if (targetRole === undefined) throw notParticipant(chatId, targetId);
    if (targetRole === 'owner' && role !== 'owner') throw forbidden('remove the owner');
    const userIds = [...roles.keys()];
    await this.store.removeParticipant(chat.id, targetId);
    const timestamp = this.ctx.now();
    this.ctx.bus.emit('chat.participant_removed', { chatId, userIds, by: userId, userId: targetId, timestamp });
    await this.system(chat, userId, { kind: 'system', event: 'participant_removed', userId: targetId }, userIds.filter((u) => u !== targetId));
  }

  /**
   * A user deleted from the directory leaves every group and channel, as if the server removed them (by null: the
   * server is the actor, so members see `removedBy` the server); a chat left without members, such as their
   * favorites, is deleted. A P2P chat stays as it is: it is the other member's conversation and history too.
   */
  async dropUser(userId: string): Promise<void> {
    for (const chatId of await this.store.chatIdsOf(userId)) {
      const chat = await this.store.chat(chatId);
      if (!chat || chat.type === 'p2p') continue;
      const userIds = [...(await this.store.roles(chat.id)).keys()];
      const others = userIds.filter((u) => u !== userId);
      if (others.length === 0) {
        await this.store.deleteChat(chat.id);
        this.ctx.bus.emit('chat.removed', { chatId, userIds, by: null });
        continue;
      }
      await this.store.removeParticipant(chat.id, userId);
      this.ctx.bus.emit('chat.participant_removed', { chatId, userIds, by: null, userId, timestamp: this.ctx.now() });
      await this.system(chat, null, { kind: 'system', event: 'participant_removed', userId }, others);
    }
  }

  async changeRole(userId: string, chatId: string, target: string, newRole: ChatRole): Promise<ChatParticipant> {
    if (!CHAT_ROLES.includes(newRole)) throw invalid('role', `unknown role ${String(newRole)}`);
    const { chat, role, roles } = await this.manager(userId, chatId, 'change roles');
    const targetId = this.users.idOf(String(target ?? ''));
    const targetRole = roles.get(targetId);
    if (targetRole === undefined) throw notParticipant(chatId, targetId);
    if ((targetRole === 'owner' || newRole === 'owner') && role !== 'owner') throw forbidden('change the owner');
    await this.store.setRole(chat.id, targetId, newRole);
    const userIds = [...roles.keys()];
    const timestamp = this.ctx.now();
    this.ctx.bus.emit('chat.participant_role_changed', { chatId, userIds, by: userId, userId: targetId, role: newRole, timestamp });
    await this.system(chat, userId, { kind: 'system', event: 'role_changed', userId: targetId, role: newRole }, userIds);
    const p = (await this.store.participants(chat.id, 10_000, 0)).find((x) => x.userId === targetId);
    return p ?? { chatId, userId: targetId, role: newRole, joinedAt: timestamp };
  }

  async toView(userId: string, chat: Chat, role: ChatRole, roles: Map<string, ChatRole>): Promise<ChatView> {
    const rs = await this.store.readState(chat.id, userId);
    const [last] = await this.store.visible(chat.id, userId, { afterSeq: rs.hiddenSeq, limit: 1 });
    const unread = await this.store.countVisible(chat.id, userId, Math.max(rs.readSeq, rs.hiddenSeq));
    const peerId = chat.type === 'p2p' ? ([...roles.keys()].find((u) => u !== userId) ?? userId) : chat.type === 'favorites' ? userId : null;
    return { ...chat, role, peerId, unread, lastMessage: last ?? null };
  }

  async view(userId: string, chatId: string): Promise<ChatView> {
    const { chat, role, roles } = await this.member(userId, chatId);
    return this.toView(userId, chat, role, roles);
  }

  async list(userId: string, count: number, page: number): Promise<ChatView[]> {
    const size = Number.isInteger(count) && count > 0 ? Math.min(count, 1000) : 10;
    const p = Number.isInteger(page) && page > 0 ? page : 1;
    const chats = await this.store.chatsOf(userId, size, (p - 1) * size);
    const out: ChatView[] = [];
    for (const chat of chats) {
      const roles = await this.store.roles(chat.id);
      out.push(await this.toView(userId, chat, roles.get(userId) ?? 'user', roles));
    }
    return out;
  }

  async participant(userId: string, chatId: string, target: string): Promise<ChatParticipant> {
    await this.member(userId, chatId);
    const targetId = this.users.idOf(String(target ?? ''));
    const p = (await this.store.participants(chatId, 100_000, 0)).find((x) => x.userId === targetId);
    if (!p) throw notParticipant(chatId, targetId);
    return p;
  }

  async participants(userId: string, chatId: string, pageSize: number, pageNumber: number): Promise<ChatParticipant[]> {
    await this.member(userId, chatId);
    const size = Number.isInteger(pageSize) && pageSize > 0 ? Math.min(pageSize, 10_000) : 100;
    const page = Number.isInteger(pageNumber) && pageNumber > 1 ? pageNumber : 1;
    return this.store.participants(chatId, size, (page - 1) * size);
  }

  async hasParticipant(userId: string, chatId: string, target: string): Promise<boolean> {
    const { roles } = await this.member(userId, chatId);
    return roles.has(this.users.idOf(String(target ?? '')));
  }
}
