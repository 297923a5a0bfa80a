import { randomUUID } from 'node:crypto';
import { sql, type Insertable, type Selectable, type Transaction } from 'kysely';
import type { EngineContext } from '../context.js';
import type { ChatsTable, Database, MessagesTable } from '../../store/schema.js';
import type { Chat, ChatParticipant, ChatRole, ChatType, Message, MessageContent } from './types.js';

const toChat = (r: Selectable<ChatsTable>): Chat => ({
  id: r.id, type: r.type as ChatType, title: r.title, conferenceId: r.conference_id, avatarFileId: r.avatar_file_id,
  createdBy: r.created_by, createdAt: Number(r.created_at), updatedAt: Number(r.updated_at), lastSeq: Number(r.last_seq),
});

export const toMessage = (r: Selectable<MessagesTable>): Message => ({
  id: r.id, chatId: r.chat_id, seq: Number(r.seq), authorId: r.author_id, timestamp: Number(r.created_at),
  editedAt: r.edited_at === null ? null : Number(r.edited_at), replyToId: r.reply_to_id,
  content: { kind: r.kind, ...JSON.parse(r.content) } as MessageContent,
});

/** The text a message log and search see. */
export function plainText(c: MessageContent): string {
  switch (c.kind) {
    case 'text': return c.text;
    case 'file': return c.name;
    case 'forward': return plainText(c.original.content);
    case 'survey': return String(c.data.title ?? '');
    case 'location': return String(c.data.title ?? c.data.description ?? '');
    default: return '';
  }
}

/** Rows of the chat domain; no rules here. Member lists are cached (only this process writes chats). */
export class ChatStore {
  private readonly members = new Map<string, Map<string, ChatRole>>();

  constructor(private readonly ctx: EngineContext) {}

  private get db() { return this.ctx.db; }

  /** Chat rows by id (only this process writes chats; every write below drops the entry). */
  private readonly chats = new Map<string, Chat>();

  async chat(id: string): Promise<Chat | undefined> {
    let c = this.chats.get(id);
    if (!c) {
      const r = await this.db.selectFrom('chats').selectAll().where('id', '=', id).executeTakeFirst();
      if (!r) return undefined;
      c = toChat(r);
      if (this.chats.size > 10_000) this.chats.clear();
      this.chats.set(id, c);
    }
    return this.withSeq(c);
  }

  /** A chat row with the sequence numbers handed out but not yet committed. */
  private withSeq(c: Chat): Chat {
    const seq = this.seqs.get(c.id);
    return seq !== undefined && seq > c.lastSeq ? { ...c, lastSeq: seq } : c;
  }

  async chatByKey(key: string): Promise<Chat | undefined> {
    const r = await this.db.selectFrom('chats').selectAll().where('unique_key', '=', key).executeTakeFirst();
    return r ? this.withSeq(toChat(r)) : undefined;
  }

  async chatOfConference(conferenceId: string): Promise<Chat | undefined> {
    const r = await this.db.selectFrom('chats').selectAll().where('conference_id', '=', conferenceId).executeTakeFirst();
    return r ? this.withSeq(toChat(r)) : undefined;
  }

  async createChat(input: { type: ChatType; title: string | null; key: string | null; conferenceId?: string | null; by: string; members: [string, ChatRole][] }): Promise<Chat> {
    const now = this.ctx.now();
    const chat: Chat = {
      id: randomUUID(), type: input.type, title: input.title, conferenceId: input.conferenceId ?? null, avatarFileId: null,
      createdBy: input.by, createdAt: now, updatedAt: now, lastSeq: 0,
    };
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('chats').values({
        id: chat.id, type: chat.type, title: chat.title, unique_key: input.key, conference_id: chat.conferenceId,
        avatar_file_id: null, created_by: chat.createdBy, created_at: now, updated_at: now, last_seq: 0,
      }).execute();
      for (const [userId, role] of input.members) {
        await tx.insertInto('chat_participants').values({ chat_id: chat.id, user_id: userId, role, joined_at: now }).execute();
      }
    });
    this.members.set(chat.id, new Map(input.members));
    return chat;
  }

  async updateChat(id: string, patch: { title?: string | null; avatar_file_id?: string | null }): Promise<void> {
    this.chats.delete(id);
    await this.db.updateTable('chats').set({ ...patch, updated_at: this.ctx.now() }).where('id', '=', id).execute();
  }

  async deleteChat(id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('message_hidden').where('message_id', 'in', tx.selectFrom('messages').select('id').where('chat_id', '=', id)).execute();
      await tx.deleteFrom('messages').where('chat_id', '=', id).execute();
      await tx.deleteFrom('read_state').where('chat_id', '=', id).execute();
      await tx.deleteFrom('chat_participants').where('chat_id', '=', id).execute();
      await tx.deleteFrom('chats').where('id', '=', id).execute();
    });
    this.members.delete(id);
    this.seqs.delete(id);
    this.chats.delete(id);
    this.dropPendingRead(id);
  }

  /** userId -> role of every member. */
  async roles(chatId: string): Promise<Map<string, ChatRole>> {
    let m = this.members.get(chatId);
    if (!m) {
      const rows = await this.db.selectFrom('chat_participants').select(['user_id', 'role']).where('chat_id', '=', chatId)
        .orderBy('joined_at').orderBy('user_id').execute();
      m = new Map(rows.map((r) => [r.user_id, r.role as ChatRole]));
      this.members.set(chatId, m);
    }
    return m;
  }

  async memberIds(chatId: string): Promise<string[]> {
    return [...(await this.roles(chatId)).keys()];
  }

  async participants(chatId: string, limit: number, offset: number): Promise<ChatParticipant[]> {
    const rows = await this.db.selectFrom('chat_participants').selectAll().where('chat_id', '=', chatId)
      .orderBy('joined_at').orderBy('user_id').limit(limit).offset(offset).execute();
    return rows.map((r) => ({ chatId: r.chat_id, userId: r.user_id, role: r.role as ChatRole, joinedAt: Number(r.joined_at) }));
  }

  async addParticipant(chatId: string, userId: string, role: ChatRole, hiddenSeq: number): Promise<ChatParticipant> {
    const now = this.ctx.now();
    this.dropPendingRead(chatId, userId);
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('chat_participants').values({ chat_id: chatId, user_id: userId, role, joined_at: now }).execute();
      await tx.deleteFrom('read_state').where('chat_id', '=', chatId).where('user_id', '=', userId).execute();
      await tx.insertInto('read_state').values({ chat_id: chatId, user_id: userId, read_seq: hiddenSeq, hidden_seq: hiddenSeq }).execute();
    });
    this.members.delete(chatId);
    return { chatId, userId, role, joinedAt: now };
  }

  async removeParticipant(chatId: string, userId: string): Promise<void> {
    this.dropPendingRead(chatId, userId);
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('chat_participants').where('chat_id', '=', chatId).where('user_id', '=', userId).execute();
      await tx.deleteFrom('read_state').where('chat_id', '=', chatId).where('user_id', '=', userId).execute();
    });
    this.members.delete(chatId);
  }

  async setRole(chatId: string, userId: string, role: ChatRole): Promise<void> {
    await this.db.updateTable('chat_participants').set({ role }).where('chat_id', '=', chatId).where('user_id', '=', userId).execute();
    this.members.delete(chatId);
  }

  /** Chats of a user, most recent activity first. */
  async chatsOf(userId: string, limit: number, offset: number): Promise<Chat[]> {
    const rows = await this.db.selectFrom('chats').innerJoin('chat_participants as p', 'p.chat_id', 'chats.id')
      .selectAll('chats').where('p.user_id', '=', userId)
      .orderBy('chats.updated_at', 'desc').orderBy('chats.id').limit(limit).offset(offset).execute();
    return rows.map((r) => this.withSeq(toChat(r)));
  }

  async chatIdsOf(userId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('chat_participants').select('chat_id').where('user_id', '=', userId).execute();
    return rows.map((r) => r.chat_id);
  }

  /** Appends a message with the chat's next sequence number (resolves once committed). */
  async insertMessage(chatId: string, authorId: string | null, content: MessageContent, replyToId: string | null): Promise<Message> {
    const seq = await this.nextSeq(chatId);
    const now = this.ctx.now();
    const { kind, ...rest } = content;
    const id = randomUUID();
    await this.write({
      id, chat_id: chatId, seq, author_id: authorId, created_at: now, edited_at: null, reply_to_id: replyToId,
      kind, content: JSON.stringify(rest), text: plainText(content),
    });
    return { id, chatId, seq, authorId, timestamp: now, editedAt: null, replyToId, content };
  }

  // Sequence numbers are handed out in memory (only this process writes chats) and messages are written in
  // batches: every message posted in the same turn of the event loop commits in one transaction.
  private readonly seqs = new Map<string, number>();
  private batch: { rows: Insertable<MessagesTable>[]; done: Promise<void> } | undefined;

  private async nextSeq(chatId: string): Promise<number> {
    let last = this.seqs.get(chatId);
    if (last === undefined) {
      const r = await this.db.selectFrom('chats').select('last_seq').where('id', '=', chatId).executeTakeFirst();
      if (!r) throw new Error(`chat ${chatId} does not exist`);
      last = this.seqs.get(chatId) ?? Number(r.last_seq);
    }
    this.seqs.set(chatId, last + 1);
    return last + 1;
  }

  private write(row: Insertable<MessagesTable>): Promise<void> {
    if (!this.batch) {
      const rows: Insertable<MessagesTable>[] = [];
      const done = new Promise<void>((resolve, reject) => {
        setImmediate(() => {
          this.batch = undefined;
          this.flush(rows).then(resolve, reject);
        });
      });
      this.batch = { rows, done };
    }
    this.batch.rows.push(row);
    return this.batch.done;
  }

  private async flush(all: Insertable<MessagesTable>[]): Promise<void> {
    // A chat removed while its messages waited takes them with it.
    const ids = [...new Set(all.map((r) => r.chat_id))];
    const live = new Set((await this.db.selectFrom('chats').select('id').where('id', 'in', ids).execute()).map((r) => r.id));
    const rows = all.filter((r) => live.has(r.chat_id));
    const last = new Map<string, { seq: number; at: number }>();
    for (const r of rows) last.set(r.chat_id, { seq: Math.max(Number(r.seq), last.get(r.chat_id)?.seq ?? 0), at: Number(r.created_at) });
    let reads: PendingRead[] = [];
    await this.db.transaction().execute(async (tx) => {
      for (let i = 0; i < rows.length; i += 500) await tx.insertInto('messages').values(rows.slice(i, i + 500)).execute();
      for (const [chatId, v] of last) {
        await tx.updateTable('chats').set({ last_seq: v.seq, updated_at: v.at }).where('id', '=', chatId).where('last_seq', '<', v.seq).execute();
      }
      // Read positions acked meanwhile share this commit (a commit is most of a small transaction's cost).
      reads = [...this.pendingRead.entries()].map(([key, v]) => ({ key, ...v }));
      await this.writeReads(tx, reads);
    });
    this.readsCommitted(reads);
    for (const [chatId, v] of last) {
      const c = this.chats.get(chatId);
      if (c) this.chats.set(chatId, { ...c, lastSeq: Math.max(c.lastSeq, v.seq), updatedAt: v.at });
    }
  }

  async message(id: string): Promise<Message | undefined> {
    const r = await this.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toMessage(r) : undefined;
  }

  async updateMessage(m: Message): Promise<void> {
    const { kind, ...rest } = m.content;
    await this.db.updateTable('messages').set({ content: JSON.stringify(rest), kind, text: plainText(m.content), edited_at: m.editedAt })
      .where('id', '=', m.id).execute();
  }

  async deleteMessage(id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('message_hidden').where('message_id', '=', id).execute();
      await tx.deleteFrom('messages').where('id', '=', id).execute();
    });
  }

  async hideMessage(id: string, userId: string): Promise<void> {
    await this.db.insertInto('message_hidden').values({ message_id: id, user_id: userId }).onConflict((oc) => oc.doNothing()).execute();
  }

  async isHidden(id: string, userId: string): Promise<boolean> {
    return !!(await this.db.selectFrom('message_hidden').select('message_id').where('message_id', '=', id).where('user_id', '=', userId).executeTakeFirst());
  }

  async deleteAllMessages(chatId: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('message_hidden').where('message_id', 'in', tx.selectFrom('messages').select('id').where('chat_id', '=', chatId)).execute();
      await tx.deleteFrom('messages').where('chat_id', '=', chatId).execute();
    });
  }

  async readState(chatId: string, userId: string): Promise<{ readSeq: number; hiddenSeq: number }> {
    const r = await this.db.selectFrom('read_state').select(['read_seq', 'hidden_seq']).where('chat_id', '=', chatId).where('user_id', '=', userId).executeTakeFirst();
    const pending = this.pendingRead.get(readKey(chatId, userId))?.seq ?? 0;
    return { readSeq: Math.max(Number(r?.read_seq ?? 0), pending), hiddenSeq: Number(r?.hidden_seq ?? 0) };
  }

  // Read positions from acks are coalesced: every advance made in the same turn of the event loop is written in one
  // transaction, without reading the row first (an ack per delivered message was a read and a write each: the
  // chatbot benchmark's hot spot). A position stays in `pendingRead` until committed and readState() merges it, so
  // no reader sees the delay. Only members' positions are written (a member removed meanwhile gets no row).
  private readonly pendingRead = new Map<string, Omit<PendingRead, 'key'>>();
  private readFlush: Promise<void> | undefined;

  /** Moves a member's read position up to `seq` (never down). Resolves once committed. */
  advanceRead(chatId: string, userId: string, seq: number): Promise<void> {
    const key = readKey(chatId, userId);
    const p = this.pendingRead.get(key);
    if (!p) this.pendingRead.set(key, { chatId, userId, seq });
    else if (seq > p.seq) p.seq = seq;
    // Messages wait to be written in this turn: the position goes into their transaction.
    if (this.batch) return this.batch.done;
    this.readFlush ??= new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        this.readFlush = undefined;
        this.flushRead().then(resolve, reject);
      });
    });
    return this.readFlush;
  }

  private async flushRead(): Promise<void> {
    const rows = [...this.pendingRead.entries()].map(([key, v]) => ({ key, ...v }));
    if (rows.length === 0) return;
    await this.db.transaction().execute((tx) => this.writeReads(tx, rows));
    this.readsCommitted(rows);
  }

  /** One statement per 200 positions (a statement per row was most of the flush's cost in Kysely). */
  private async writeReads(tx: Transaction<Database>, rows: PendingRead[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 200) {
      const values = sql.join(rows.slice(i, i + 200).map((r) => sql`(${r.chatId}, ${r.userId}, ${r.seq})`));
      await sql`insert into read_state (chat_id, user_id, read_seq, hidden_seq)
        select v.column1, v.column2, v.column3, 0 from (values ${values}) as v
        where exists (select 1 from chat_participants p where p.chat_id = v.column1 and p.user_id = v.column2)
        on conflict (chat_id, user_id) do update set read_seq =
          case when read_state.read_seq < excluded.read_seq then excluded.read_seq else read_state.read_seq end`.execute(tx);
    }
  }

  /** Keeps what advanced again while these were being written (that goes into the next flush). */
  private readsCommitted(rows: PendingRead[]): void {
    for (const r of rows) if (this.pendingRead.get(r.key)?.seq === r.seq) this.pendingRead.delete(r.key);
  }

  /** Membership changed: a position acked under the old membership must not be written. */
  private dropPendingRead(chatId: string, userId?: string): void {
    for (const [key, v] of this.pendingRead) if (v.chatId === chatId && (userId === undefined || v.userId === userId)) this.pendingRead.delete(key);
  }

  async setReadState(chatId: string, userId: string, patch: { readSeq?: number; hiddenSeq?: number }): Promise<void> {
    const cur = await this.readState(chatId, userId);
    const readSeq = Math.max(cur.readSeq, patch.readSeq ?? 0, patch.hiddenSeq ?? 0);
    const hiddenSeq = Math.max(cur.hiddenSeq, patch.hiddenSeq ?? 0);
    await this.db.insertInto('read_state').values({ chat_id: chatId, user_id: userId, read_seq: readSeq, hidden_seq: hiddenSeq })
      .onConflict((oc) => oc.columns(['chat_id', 'user_id']).doUpdateSet({ read_seq: readSeq, hidden_seq: hiddenSeq })).execute();
  }

  /** Messages of a chat visible to a user: seq in (after, before), newest first. */
  async visible(chatId: string, userId: string, opts: { afterSeq: number; beforeSeq?: number; limit: number; asc?: boolean; notBy?: string }): Promise<Message[]> {
    let q = this.db.selectFrom('messages').selectAll().where('chat_id', '=', chatId).where('seq', '>', opts.afterSeq)
      .where('id', 'not in', this.db.selectFrom('message_hidden').select('message_id').where('user_id', '=', userId));
    if (opts.beforeSeq !== undefined) q = q.where('seq', '<', opts.beforeSeq);
    if (opts.notBy !== undefined) q = q.where((eb) => eb.or([eb('author_id', 'is', null), eb('author_id', '!=', opts.notBy!)]));
    const rows = await q.orderBy('seq', opts.asc ? 'asc' : 'desc').limit(opts.limit).execute();
    return rows.map(toMessage);
  }

  async countVisible(chatId: string, userId: string, afterSeq: number): Promise<number> {
    const r = await this.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('chat_id', '=', chatId).where('seq', '>', afterSeq)
      .where((eb) => eb.or([eb('author_id', 'is', null), eb('author_id', '!=', userId)]))
      .where('id', 'not in', this.db.selectFrom('message_hidden').select('message_id').where('user_id', '=', userId))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}

const readKey = (chatId: string, userId: string) => `${chatId}\u0000${userId}`;
interface PendingRead { key: string; chatId: string; userId: string; seq: number }
