import type { EngineContext } from '../context.js';
import type { Users } from '../directory/users.js';
import { ChatStore } from './store.js';
import { ChatRules } from './rules.js';
import { ChatMessages } from './messages.js';
import { ChatFiles, type FilesOptions } from './files.js';
import { ChatCommands, type ButtonRef, type CommandAnswerMessage, type PressResult } from './commands.js';
import type { Presence } from '../directory/presence.js';
import type {
  Chat, ChatParticipant, ChatRole, ChatView, DownloadGrant, Message, NewContent, ParseMode, StoredFile, UploadLimits,
} from './types.js';

/**
 * The chat service (`engine.chats`). Every command takes the acting user's id first (a directory user id; a bot is
 * a user). Errors: not_found (entity chat/message/file/upload/user), not_participant, already_participant,
 * forbidden (role does not allow), invalid (field), file_too_large, file_not_ready.
 * Non-members get not_found for a chat they cannot see (TrueConf 304), except where a command names another user
 * (getChatParticipant of a non-member: not_participant).
 */
export class Chats {
  readonly store: ChatStore;
  private readonly rules: ChatRules;
  readonly messages: ChatMessages;
  readonly files: ChatFiles;
  /** Inline-button presses and bots' answers (`press`, `answerCommand`). */
  readonly commands: ChatCommands;

  /**
   * `presence` tells who is a bot: a user connected through the chatbot face (presence `via: 'chatbot'`). Only
   * bots may send inline keyboards; without presence nobody may.
   */
  constructor(private readonly ctx: EngineContext, users: Users, files: FilesOptions = {}, presence?: Presence) {
    this.store = new ChatStore(ctx);
    this.rules = new ChatRules(ctx, this.store, users);
    this.files = new ChatFiles(ctx, this.store, files);
    const isBot = (userId: string) => presence?.connections(userId).some((c) => c.via === 'chatbot') ?? false;
    this.messages = new ChatMessages(ctx, this.store, this.rules, this.files, isBot);
    this.commands = new ChatCommands(ctx, this.messages, users);
  }

  // ---- chats ----

  /** The P2P chat between two users; the same chat on every call (created reports whether it is new). */
  createP2P(userId: string, otherUserId: string): Promise<{ chat: Chat; created: boolean }> {
    return this.rules.createP2P(userId, otherUserId);
  }

  /** A group chat owned by userId. */
  createGroup(userId: string, title: string): Promise<Chat> {
    return this.rules.createTitled(userId, 'group', title);
  }

  /** A channel owned by userId (others join as readers, role `user`, unless given `writer`). */
  createChannel(userId: string, title: string): Promise<Chat> {
    return this.rules.createTitled(userId, 'channel', title);
  }

  /** The user's own favorites chat; one per user (idempotent). */
  createFavorites(userId: string): Promise<{ chat: Chat; created: boolean }> {
    return this.rules.createFavorites(userId);
  }

  /** Owner/admin only; group and channel only. */
  editTitle(userId: string, chatId: string, title: string): Promise<Chat> {
    return this.rules.editTitle(userId, chatId, title);
  }

  /** Owner/admin only; fileId from a finished upload, null removes the avatar. */
  editAvatar(userId: string, chatId: string, fileId: string | null): Promise<Chat> {
    return this.rules.editAvatar(userId, chatId, fileId);
  }

  /** forAll (owner/admin, or anyone in P2P) removes every message; otherwise hides them for this user only. */
  clearHistory(userId: string, chatId: string, forAll: boolean): Promise<void> {
    return this.rules.clearHistory(userId, chatId, forAll);
  }

  /** Owner removes the chat for all; in P2P/favorites any member may remove it. */
  remove(userId: string, chatId: string): Promise<void> {
    return this.rules.remove(userId, chatId);
  }

  /** Owner/admin add; role defaults to `user`. displayHistory false hides earlier messages from the newcomer. */
  addParticipant(userId: string, chatId: string, targetId: string, opts: { role?: ChatRole; displayHistory?: boolean } = {}): Promise<ChatParticipant> {
    return this.rules.addParticipant(userId, chatId, targetId, opts);
  }

  /** Owner/admin remove others; anyone may remove themselves (leave). */
  removeParticipant(userId: string, chatId: string, targetId: string): Promise<void> {
    return this.rules.removeParticipant(userId, chatId, targetId);
  }

  /** Owner/admin only; role must be one of CHAT_ROLES (invalid field 'role' otherwise). */
  changeRole(userId: string, chatId: string, targetId: string, role: ChatRole): Promise<ChatParticipant> {
    return this.rules.changeRole(userId, chatId, targetId, role);
  }

  /** A user deleted from the directory leaves their groups and channels (P2P chats stay; see ChatRules.dropUser). */
  dropUser(userId: string): Promise<void> {
    return this.rules.dropUser(userId);
  }

  get(userId: string, chatId: string): Promise<ChatView> {
    return this.rules.view(userId, chatId);
  }

  /** The user's chats, newest activity first; page starts at 1. */
  list(userId: string, count: number, page: number): Promise<ChatView[]> {
    return this.rules.list(userId, count, page);
  }

  /** A named participant (not_participant when targetId is not in the chat). */
  participant(userId: string, chatId: string, targetId: string): Promise<ChatParticipant> {
    return this.rules.participant(userId, chatId, targetId);
  }

  /** Participants in join order; pageNumber 1-based (0 is also the first page). */
  participants(userId: string, chatId: string, pageSize: number, pageNumber: number): Promise<ChatParticipant[]> {
    return this.rules.participants(userId, chatId, pageSize, pageNumber);
  }

  hasParticipant(userId: string, chatId: string, targetId: string): Promise<boolean> {
    return this.rules.hasParticipant(userId, chatId, targetId);
  }

  /** Member ids of a chat (no rights check: for adapters routing events). */
  memberIds(chatId: string): Promise<string[]> {
    return this.store.memberIds(chatId);
  }

  // ---- messages ----

  /** Text, survey or location. Channel: only owner/admin/writer post. */
  send(userId: string, chatId: string, content: NewContent, replyToId?: string | null): Promise<Message> {
    return this.messages.send(userId, chatId, content, replyToId ?? null);
  }

  /** A file message for an uploaded file; a caption is a separate text message sent after it. */
  sendFile(userId: string, chatId: string, fileId: string, opts: { replyToId?: string | null; caption?: { text: string; parseMode: ParseMode } } = {}): Promise<{ message: Message; caption: Message | null }> {
    return this.messages.sendFile(userId, chatId, fileId, opts);
  }

  /** Forwards a message the user can see into a chat they may post in. */
  forward(userId: string, chatId: string, messageId: string): Promise<Message> {
    return this.messages.forward(userId, chatId, messageId);
  }

  /** Author only; full overwrite of a text (or survey) content. */
  edit(userId: string, messageId: string, content: NewContent): Promise<Message> {
    return this.messages.edit(userId, messageId, content);
  }

  /** forAll: the author or a chat owner/admin; otherwise hides it for this user. */
  removeMessage(userId: string, messageId: string, forAll: boolean): Promise<{ chatId: string }> {
    return this.messages.remove(userId, messageId, forAll);
  }

  getMessage(userId: string, messageId: string): Promise<Message> {
    return this.messages.get(userId, messageId);
  }

  /** Newest first, going back from fromMessageId (exclusive; null = from the newest). */
  history(userId: string, chatId: string, count: number, fromMessageId: string | null): Promise<Message[]> {
    return this.messages.history(userId, chatId, count, fromMessageId);
  }

  /** Marks the chat read up to and including this message (e.g. when a notification is acked). */
  markRead(userId: string, messageId: string): Promise<void> {
    return this.messages.markRead(userId, messageId);
  }

  /** The user acked the notification of this (emitted) message: read up to it, without looking it up again. */
  markDelivered(userId: string, message: Message): Promise<void> {
    return this.messages.markDelivered(userId, message);
  }

  /** Messages by others in the user's chats after their read position, oldest first (receiveUnread). */
  unread(userId: string, limit?: number): Promise<Message[]> {
    return this.messages.unread(userId, limit);
  }

  // ---- inline buttons ----

  /**
   * A user pressed a button of a message they can see (by the button's `id`, or 0-based row and column).
   * command: the bot gets `chat.command`; message: its text is sent as the user; url/copy/share: invalid (client-side).
   */
  press(userId: string, messageId: string, button: ButtonRef): Promise<PressResult> {
    return this.commands.press(userId, messageId, button);
  }

  /** A bot answers a pending command of its own, once (not_found entity command otherwise). */
  answerCommand(botId: string, commandId: string, answerType: string, message: CommandAnswerMessage | null): void {
    this.commands.answer(botId, commandId, answerType, message);
  }

  // ---- files ----

  uploadLimits(): UploadLimits {
    return this.files.limits();
  }

  /** Starts an upload; returns the task id the HTTP upload presents (file_too_large over the limit). */
  createUpload(userId: string, fileName: string | null, fileSize: number): Promise<string> {
    return this.files.createUpload(userId, fileName, fileSize);
  }

  /** Stores the bytes of an upload task; returns the file (its id is the temporalFileId). */
  completeUpload(taskId: string, data: Buffer, opts: { name?: string; mimeType?: string }): Promise<StoredFile> {
    return this.files.completeUpload(taskId, data, opts);
  }

  /** A file the user uploaded or can see in one of their chats. */
  fileInfo(userId: string, fileId: string): Promise<StoredFile> {
    return this.messages.fileFor(userId, fileId);
  }

  /** A self-authorising download token for a file the user may see (default lifetime one hour). */
  grantDownload(userId: string, fileId: string, ttlMs?: number): Promise<DownloadGrant> {
    return this.messages.grantDownload(userId, fileId, ttlMs);
  }

  /** The file and its path on disk for a download token, or undefined when unknown or expired. */
  openDownload(token: string): Promise<{ file: StoredFile; path: string } | undefined> {
    return this.files.openDownload(token);
  }
}
