import { createHash } from 'node:crypto';
import type { EngineContext } from '../context.js';
import type { Conferences } from '../conferences/conferences.js';
import type { Sessions } from '../sessions/sessions.js';
import type { LiveParticipant } from '../sessions/types.js';
import type { ChatStore } from './store.js';
import type { Chat, ChatRole, Message } from './types.js';

/** A stable uuid-shaped id for a chat member who speaks in a conference without being a live participant. */
function authorUuid(conferenceId: string, userId: string): string {
  const h = createHash('sha1').update(`chat-author:${conferenceId}:${userId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A conference has a chat (a group chat tagged with the conference id). Conference messages (Pexip `message`)
 * are stored in it; a text a member posts into it is sent to the conference (Pexip `message_received`).
 * Members: the conference owner (owner role) and the participants who are directory users.
 */
export class ConferenceChats {
  private readonly pending = new Map<string, Promise<Chat>>();
  /** True while this bridge emits conference.message (listeners run synchronously): no echo back into the chat. */
  private emitting = false;
  /** chat id -> conference id of every conference chat (loaded once; this bridge creates the new ones). */
  private known?: Promise<Map<string, string>>;

  constructor(
    private readonly ctx: EngineContext, private readonly store: ChatStore,
    private readonly conferences: Conferences, private readonly sessions: Sessions,
  ) {}

  /** Subscribes to the bus; returns the unsubscribe function. */
  attach(): () => void {
    const offs = [
      this.ctx.bus.on('conference.message', (e) => {
        if (this.emitting) return;
        this.fromConference(e.conferenceId, e.from, e.type, e.payload).catch(() => undefined);
      }),
      this.ctx.bus.on('message.created', (e) => {
        if (e.origin === 'conference') return;
        this.toConference(e.chatId, e.message).catch(() => undefined);
      }),
      this.ctx.bus.on('participant.joined', (e) => {
        if (e.participant.userId) this.join(e.conferenceId, e.participant.userId).catch(() => undefined);
      }),
    ];
    return () => { for (const off of offs) off(); };
  }

  /** The conference's chat, created on first use (one creation even when messages race). */
  chatOf(conferenceId: string): Promise<Chat> {
    let p = this.pending.get(conferenceId);
    if (!p) {
      p = this.create(conferenceId).finally(() => this.pending.delete(conferenceId));
      this.pending.set(conferenceId, p);
    }
    return p;
  }

  private async create(conferenceId: string): Promise<Chat> {
    const found = await this.store.chatOfConference(conferenceId);
    if (found) return found;
    const conf = await this.conferences.find(conferenceId);
    const owner = conf?.owner ?? '';
    const members = new Map<string, ChatRole>();
    if (owner !== '') members.set(owner, 'owner');
    const s = this.sessions.byConferenceId(conferenceId);
    for (const p of s?.participants.values() ?? []) {
      if (p.userId && !members.has(p.userId) && p.state === 'connected') members.set(p.userId, 'user');
    }
    const title = conf?.topic && conf.topic !== '' ? conf.topic : conferenceId;
    const chat = await this.store.createChat({
      type: 'group', title, key: `conf:${conferenceId}`, conferenceId, by: owner || this.ctx.serverName, members: [...members],
    });
    (await this.conferenceChats()).set(chat.id, conferenceId);
    this.ctx.bus.emit('chat.created', { chatId: chat.id, userIds: [...members.keys()], by: null });
    return chat;
  }

  /** Adds a user who joined the conference to its chat, if the chat exists. */
  private async join(conferenceId: string, userId: string): Promise<void> {
    const chat = await this.store.chatOfConference(conferenceId);
    if (!chat) return;
    const roles = await this.store.roles(chat.id);
    if (roles.has(userId)) return;
    const p = await this.store.addParticipant(chat.id, userId, 'user', 0);
    this.ctx.bus.emit('chat.participant_added', {
      chatId: chat.id, userIds: await this.store.memberIds(chat.id), by: null, userId, role: 'user', timestamp: p.joinedAt,
    });
  }

  private async fromConference(conferenceId: string, from: LiveParticipant, type: string, payload: string): Promise<void> {
    const chat = await this.chatOf(conferenceId);
    if (from.userId) await this.join(conferenceId, from.userId);
    // A guest is named by their call id (`#guest:...@server`): adapters show it as is.
    const author = from.userId ?? from.callId;
    // application/json payloads are kept as their text.
    void type;
    const message = await this.store.insertMessage(chat.id, author, { kind: 'text', text: payload, parseMode: 'text' }, null);
    this.ctx.bus.emit('message.created', { chatId: chat.id, userIds: await this.store.memberIds(chat.id), message, origin: 'conference' });
  }

  private async toConference(chatId: string, message: Message): Promise<void> {
    if (message.content.kind !== 'text' || message.authorId === null) return;
    const conferenceId = (await this.conferenceChats()).get(chatId);
    const s = conferenceId === undefined ? undefined : this.sessions.byConferenceId(conferenceId);
    if (!s) return;
    const chat = { conferenceId: s.conferenceId };
    const userId = message.authorId;
    const live = [...s.participants.values()].find((p) => p.userId === userId && p.state === 'connected');
    const from: LiveParticipant = live ?? {
      id: authorUuid(chat.conferenceId, userId), conferenceId: chat.conferenceId, streamId: s.streamId,
      callId: userId.includes('@') ? userId : `${userId}@${this.ctx.serverName}`, userId,
      displayName: (await this.displayName(userId)), role: 'guest', state: 'connected', joinIndex: 0,
      invitedAt: null, joinedAt: null, podium: false, audioMuted: false, videoMuted: false, handRaisedAt: null,
      spotlightAt: null, via: 'chat', isOwner: false,
    };
    this.emitting = true;
    try {
      this.ctx.bus.emit('conference.message', { conferenceId: chat.conferenceId, streamId: s.streamId, from, type: 'text/plain', payload: message.content.text });
    } finally {
      this.emitting = false;
    }
  }

  private conferenceChats(): Promise<Map<string, string>> {
    this.known ??= this.ctx.db.selectFrom('chats').select(['id', 'conference_id']).where('conference_id', 'is not', null).execute()
      .then((rows) => new Map(rows.map((r) => [r.id, r.conference_id as string])));
    return this.known;
  }

  private async displayName(userId: string): Promise<string> {
    const r = await this.ctx.db.selectFrom('users').select('display_name').where('id', '=', userId).executeTakeFirst();
    return r?.display_name || userId;
  }
}
