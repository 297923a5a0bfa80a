import { sql } from 'kysely';
import { DomainError, invalid, missing, notFound } from '../errors.js';
import type { EngineContext } from '../context.js';
import type { ChatStore } from './store.js';
import { isManager, type ChatRules } from './rules.js';
import type { ChatFiles } from './files.js';
import type { DownloadGrant, Message, NewContent, ParseMode, StoredFile } from './types.js';
import { checkButtons } from './buttons.js';

const PARSE_MODES: ReadonlySet<string> = new Set(['text', 'markdown', 'html']);
const MAX_TEXT = 65_536;

/** Validates a new text/survey/location content. */
function checkContent(c: NewContent): NewContent {
  if (!c || typeof c !== 'object') throw missing('content');
  if (c.kind === 'text') {
    if (typeof c.text !== 'string' || c.text === '') throw missing('text');
    if (c.text.length > MAX_TEXT) throw invalid('text', `text is longer than ${MAX_TEXT} characters`);
    const parseMode = (c.parseMode ?? 'text') as ParseMode;
    if (!PARSE_MODES.has(parseMode)) throw invalid('parseMode', `unknown parseMode ${String(parseMode)}`);
    const buttons = checkButtons(c.buttons);
    return buttons === undefined ? { kind: 'text', text: c.text, parseMode } : { kind: 'text', text: c.text, parseMode, buttons };
  }
  if (c.kind === 'survey' || c.kind === 'location') {
    if (!c.data || typeof c.data !== 'object') throw missing('content');
    return { kind: c.kind, data: c.data };
  }
  throw invalid('content', 'unsupported content');
}

/** Messages: post, forward, edit, remove, read state, history and unread delivery. */
export class ChatMessages {
  constructor(
    private readonly ctx: EngineContext, private readonly store: ChatStore, private readonly rules: ChatRules,
    private readonly files: ChatFiles,
    /** Whether a user is a bot (signed in through a chatbot face): only bots may send inline keyboards. */
    private readonly isBot: (userId: string) => boolean = () => false,
  ) {}

  private checkKeyboard(userId: string, c: NewContent): void {
    if (c.kind === 'text' && c.buttons && !this.isBot(userId)) {
      throw new DomainError('forbidden', 'only bots may send buttons', { field: 'buttons' });
    }
  }

  private async poster(userId: string, chatId: string) {
    const m = await this.rules.member(userId, chatId);
    if (!this.rules.canPost(m.chat, m.role)) throw new DomainError('forbidden', 'not enough rights to post in this chat');
    return m;
  }

  /** A message the user can see (not_found otherwise, also when its chat is hidden from them). */
  private async visible(userId: string, messageId: string): Promise<Message> {
    const msg = typeof messageId === 'string' && messageId !== '' ? await this.store.message(messageId) : undefined;
    if (!msg) throw notFound('message', String(messageId ?? ''));
    const roles = await this.store.roles(msg.chatId);
    if (!roles.has(userId)) throw notFound('message', messageId);
    const rs = await this.store.readState(msg.chatId, userId);
    if (msg.seq <= rs.hiddenSeq || await this.store.isHidden(msg.id, userId)) throw notFound('message', messageId);
    return msg;
  }

  private async replyTo(chatId: string, replyToId: string | null): Promise<string | null> {
    if (replyToId === null || replyToId === undefined || replyToId === '') return null;
    const r = await this.store.message(replyToId);
    if (!r || r.chatId !== chatId) throw notFound('message', replyToId);
    return r.id;
  }

  private async post(userId: string, chatId: string, content: Message['content'], replyToId: string | null, members: string[]): Promise<Message> {
    const message = await this.store.insertMessage(chatId, userId, content, replyToId);
    // The sender has read their own message.
    this.ctx.bus.emit('message.created', { chatId, userIds: members, message });
    return message;
  }

  async send(userId: string, chatId: string, content: NewContent, replyToId: string | null): Promise<Message> {
    const c = checkContent(content);
    this.checkKeyboard(userId, c);
    const { roles } = await this.poster(userId, chatId);
    const reply = await this.replyTo(chatId, replyToId);
    return this.post(userId, chatId, c, reply, [...roles.keys()]);
  }

  async sendFile(userId: string, chatId: string, fileId: string, opts: { replyToId?: string | null; caption?: { text: string; parseMode: ParseMode } }): Promise<{ message: Message; caption: Message | null }> {
    if (typeof fileId !== 'string' || fileId === '') throw missing('temporalFileId');
    const { roles } = await this.poster(userId, chatId);
    const file = await this.files.file(fileId);
    if (!file || (file.ownerId !== userId && !(await this.canSee(userId, fileId)))) throw notFound('file', fileId);
    if (!file.ready) throw new DomainError('file_not_ready', `file ${fileId} is not uploaded yet`, { id: fileId }, 'file');
    const caption = opts.caption ? checkContent({ kind: 'text', text: opts.caption.text, parseMode: opts.caption.parseMode }) : null;
    const reply = await this.replyTo(chatId, opts.replyToId ?? null);
    const members = [...roles.keys()];
    const message = await this.post(userId, chatId, { kind: 'file', fileId: file.id, name: file.name, size: file.size, mimeType: file.mimeType }, reply, members);
    const cap = caption ? await this.post(userId, chatId, caption, null, members) : null;
    return { message, caption: cap };
  }

  async forward(userId: string, chatId: string, messageId: string): Promise<Message> {
    const original = await this.visible(userId, messageId);
    if (original.content.kind === 'system') throw invalid('messageId', 'a system message cannot be forwarded');
    const { roles } = await this.poster(userId, chatId);
    // Forwarding a forward keeps the first original.
    const root = original.content.kind === 'forward' ? original.content.original : original;
    return this.post(userId, chatId, { kind: 'forward', original: root }, null, [...roles.keys()]);
  }

  async edit(userId: string, messageId: string, content: NewContent): Promise<Message> {
    const msg = await this.visible(userId, messageId);
    if (msg.authorId !== userId || msg.content.kind === 'system') throw new DomainError('forbidden', 'only the author may edit a message');
    const c = checkContent(content);
    this.checkKeyboard(userId, c);
    if (c.kind !== msg.content.kind) throw invalid('content', `a ${msg.content.kind} message cannot become ${c.kind}`);
    const edited: Message = { ...msg, content: c, editedAt: this.ctx.now() };
    await this.store.updateMessage(edited);
    this.ctx.bus.emit('message.edited', { chatId: msg.chatId, userIds: await this.store.memberIds(msg.chatId), message: edited });
    return edited;
  }

  async remove(userId: string, messageId: string, forAll: boolean): Promise<{ chatId: string }> {
    const msg = await this.visible(userId, messageId);
    if (forAll) {
      const roles = await this.store.roles(msg.chatId);
      const chat = await this.store.chat(msg.chatId);
      const mayAll = msg.authorId === userId || (chat?.type !== 'p2p' && isManager(roles.get(userId)));
      if (!mayAll) throw new DomainError('forbidden', 'not enough rights to remove this message for all');
      await this.store.deleteMessage(msg.id);
      this.ctx.bus.emit('message.removed', { chatId: msg.chatId, userIds: [...roles.keys()], by: userId, messageId: msg.id, forAll: true });
    } else {
      await this.store.hideMessage(msg.id, userId);
      this.ctx.bus.emit('message.removed', { chatId: msg.chatId, userIds: [userId], by: userId, messageId: msg.id, forAll: false });
    }
    return { chatId: msg.chatId };
  }

  get(userId: string, messageId: string): Promise<Message> {
    return this.visible(userId, messageId);
  }

  async history(userId: string, chatId: string, count: number, fromMessageId: string | null): Promise<Message[]> {
    await this.rules.member(userId, chatId);
    const limit = Number.isInteger(count) && count > 0 ? Math.min(count, 1000) : 50;
    let beforeSeq: number | undefined;
    if (fromMessageId !== null && fromMessageId !== undefined && fromMessageId !== '') {
      const from = await this.store.message(fromMessageId);
      if (!from || from.chatId !== chatId) throw notFound('message', fromMessageId);
      beforeSeq = from.seq;
    }
    const rs = await this.store.readState(chatId, userId);
    return this.store.visible(chatId, userId, { afterSeq: rs.hiddenSeq, beforeSeq, limit });
  }

  async markRead(userId: string, messageId: string): Promise<void> {
    const msg = typeof messageId === 'string' && messageId !== '' ? await this.store.message(messageId) : undefined;
    if (!msg) throw notFound('message', String(messageId ?? ''));
    if (!(await this.store.roles(msg.chatId)).has(userId)) throw notFound('message', messageId);
    await this.store.advanceRead(msg.chatId, userId, msg.seq);
  }

  /**
   * The user acked the notification of a message the engine emitted: no look-up of the message (the caller has it
   * from the event), one coalesced write. A user who left the chat meanwhile is ignored.
   */
  async markDelivered(userId: string, message: Message): Promise<void> {
    if (!(await this.store.roles(message.chatId)).has(userId)) return;
    await this.store.advanceRead(message.chatId, userId, message.seq);
  }

  async unread(userId: string, limit = 1000): Promise<Message[]> {
    const out: Message[] = [];
    for (const chatId of await this.store.chatIdsOf(userId)) {
      const rs = await this.store.readState(chatId, userId);
      out.push(...await this.store.visible(chatId, userId, { afterSeq: Math.max(rs.readSeq, rs.hiddenSeq), limit, asc: true, notBy: userId }));
    }
    return out.sort((a, b) => a.timestamp - b.timestamp || a.seq - b.seq).slice(0, limit);
  }

  /** Whether a file appears in a message (or is the avatar) of a chat the user is in. */
  private async canSee(userId: string, fileId: string): Promise<boolean> {
    const pattern = `%"fileId":${JSON.stringify(fileId)}%`;
    const inMessage = await this.ctx.db.selectFrom('messages').innerJoin('chat_participants as p', 'p.chat_id', 'messages.chat_id')
      .select('messages.id').where('p.user_id', '=', userId).where(sql<boolean>`messages.content like ${pattern}`).limit(1).executeTakeFirst();
    if (inMessage) return true;
    const avatar = await this.ctx.db.selectFrom('chats').innerJoin('chat_participants as p', 'p.chat_id', 'chats.id')
      .select('chats.id').where('p.user_id', '=', userId).where('chats.avatar_file_id', '=', fileId).limit(1).executeTakeFirst();
    return !!avatar;
  }

  async fileFor(userId: string, fileId: string): Promise<StoredFile> {
    const f = await this.files.file(fileId);
    if (!f || (f.ownerId !== userId && !(await this.canSee(userId, fileId)))) throw notFound('file', String(fileId ?? ''));
    return f;
  }

  async grantDownload(userId: string, fileId: string, ttlMs?: number): Promise<DownloadGrant> {
    const f = await this.fileFor(userId, fileId);
    if (!f.ready) throw new DomainError('file_not_ready', `file ${fileId} is not uploaded yet`, { id: fileId }, 'file');
    return this.files.grant(f.id, ttlMs);
  }
}
