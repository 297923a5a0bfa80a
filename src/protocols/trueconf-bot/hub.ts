import { AsyncLocalStorage } from 'node:async_hooks';
import type { Engine } from '../../engine/engine.js';
import type { DomainEvents } from '../../engine/events.js';
import type { Chat, ChatType, Message } from '../../engine/chat/types.js';
import { RenderedPayload, type BotConnection } from './connection.js';
import { limitsPayload } from './methods/files.js';
import { authorOf, chatObject, envelope, tcId, type IdMap } from './views.js';

/** Milliseconds between server pings; a connection that did not pong since the last one is dropped. */
export const PING_INTERVAL_MS = 30_000;

const CREATED_METHOD: Record<ChatType, string | undefined> = {
  p2p: 'createP2PChat', group: 'createGroupChat', channel: 'createChannel', favorites: 'createFavoritesChat', system: undefined,
};

/**
 * Every signed-in bot connection, by user, and the projection of the engine's chat events onto them as
 * notifications (digest §6). Events are rendered in emit order through one queue, so a bot sees a chat's
 * messages in sequence. The connection whose request caused an event does not get it back (§11.8); the user's
 * other connections do.
 */
export class BotHub {
  /** The connection whose request is being handled (set around each method call). */
  readonly origin = new AsyncLocalStorage<BotConnection>();
  private readonly byUser = new Map<string, Set<BotConnection>>();
  private readonly offs: (() => void)[] = [];
  private queue: Promise<void> = Promise.resolve();
  private readonly pinger: NodeJS.Timeout;
  private readonly ids: IdMap;

  constructor(private readonly engine: Engine, serverName: string, private readonly onError: (err: unknown) => void) {
    this.ids = { serverName };
    this.pinger = setInterval(() => this.ping(), PING_INTERVAL_MS);
    this.pinger.unref();
    this.subscribe();
  }

  add(c: BotConnection): void {
    const userId = c.session!.user.id;
    let set = this.byUser.get(userId);
    if (!set) this.byUser.set(userId, (set = new Set()));
    set.add(c);
  }

  remove(c: BotConnection): void {
    const userId = c.session?.user.id;
    if (!userId) return;
    const set = this.byUser.get(userId);
    if (!set) return;
    set.delete(c);
    if (set.size === 0) this.byUser.delete(userId);
  }

  get size(): number {
    let n = 0;
    for (const s of this.byUser.values()) n += s.size;
    return n;
  }

  /** After a successful `auth`: the upload limits push, then (when asked) the unread backlog. */
  afterAuth(c: BotConnection, receiveUnread: boolean): void {
    c.notify('getFileUploadLimits', limitsPayload(this.engine));
    if (!receiveUnread) return;
    const userId = c.session!.user.id;
    this.enqueue(async () => {
      const missed = await this.engine.chats.unread(userId);
      const chats = new Map<string, { chat: Chat; members: string[] } | undefined>();
      for (const m of missed) {
        if (m.content.kind === 'system' && !c.systemEnvelopes) continue;
        if (!chats.has(m.chatId)) chats.set(m.chatId, await this.chatWithMembers(m.chatId));
        const info = chats.get(m.chatId);
        if (info) this.deliverMessage(c, info.chat, info.members, m);
      }
    });
  }

  close(): void {
    clearInterval(this.pinger);
    for (const off of this.offs) off();
  }

  private ping(): void {
    for (const set of this.byUser.values()) {
      for (const c of set) {
        if (!c.alive) { c.socket.terminate(); continue; }
        c.alive = false;
        c.socket.ping();
      }
    }
  }

  private enqueue(job: () => Promise<void>): void {
    this.queue = this.queue.then(job).catch((err) => this.onError(err));
  }

  /** Connections of these users, except the one whose request caused the event. */
  private targets(userIds: string[]): BotConnection[] {
    const origin = this.origin.getStore();
    const out: BotConnection[] = [];
    for (const u of userIds) for (const c of this.byUser.get(u) ?? []) if (c !== origin) out.push(c);
    return out;
  }

  private async chatWithMembers(chatId: string): Promise<{ chat: Chat; members: string[] } | undefined> {
    const chat = await this.engine.chats.store.chat(chatId);
    if (!chat) return undefined;
    return { chat, members: await this.engine.chats.memberIds(chatId) };
  }

  /** `rendered`: the envelope serialised once for every viewer (not for P2P, whose title depends on who looks). */
  private deliverMessage(c: BotConnection, chat: Chat, members: string[], m: Message, rendered?: RenderedPayload): void {
    const viewer = c.session!.user.id;
    const peerId = chat.type === 'p2p' ? members.find((x) => x !== viewer) ?? viewer : null;
    c.notify('sendMessage', rendered ?? envelope(this.ids, m, { chat, peerId }, viewer), () => {
      this.engine.chats.markDelivered(viewer, m).catch((err) => this.onError(err));
    });
  }

  /** Subscribes to the chat events; each handler captures its targets now and renders in order. */
  private subscribe(): void {
    const bus = this.engine.bus;
    const on = this.offs.push.bind(this.offs);
    on(bus.on('message.created', ({ chatId, userIds, message }) => {
      const to = this.targets(userIds).filter((c) => message.content.kind !== 'system' || c.systemEnvelopes);
      if (to.length === 0) return;
      this.enqueue(async () => {
        const info = await this.chatWithMembers(chatId);
        if (!info) return;
        // Outside P2P every member sees the same envelope (the group title, not a peer's id): serialise it once.
        const rendered = info.chat.type !== 'p2p' && to.length > 1
          ? new RenderedPayload(JSON.stringify(envelope(this.ids, message, { chat: info.chat, peerId: null }, to[0].session!.user.id)))
          : undefined;
        for (const c of to) this.deliverMessage(c, info.chat, info.members, message, rendered);
      });
    }));
    on(bus.on('message.edited', ({ chatId, userIds, message }) => {
      const to = this.targets(userIds);
      if (to.length === 0) return;
      this.enqueue(async () => {
        const info = await this.chatWithMembers(chatId);
        for (const c of to) {
          const viewer = c.session!.user.id;
          const peerId = info?.chat.type === 'p2p' ? info.members.find((x) => x !== viewer) ?? viewer : null;
          const env = info ? envelope(this.ids, message, { chat: info.chat, peerId }, viewer) : undefined;
          c.notify('editMessage', { chatId, messageId: message.id, timestamp: message.editedAt ?? message.timestamp, content: env?.content ?? {} });
        }
      });
    }));
    on(bus.on('message.removed', ({ chatId, userIds, by, messageId }) => {
      this.fanOut(userIds, 'removeMessage', { chatId, messageId, removedBy: authorOf(this.ids, by) });
    }));
    on(bus.on('chat.command', (e) => this.commandPressed(e)));
    // A user deleted or disconnected by an administrator (presence.dropAll) loses its bot sockets too; a deleted
    // user's reconnect then fails auth with 201.
    on(bus.on('user.disconnect', ({ userId }) => {
      for (const c of [...this.byUser.get(userId) ?? []]) c.socket.close(1008, 'User disconnected by the server');
    }));
    on(bus.on('chat.created', ({ chatId, userIds }) => this.chatCreated(this.targets(userIds), chatId)));
    on(bus.on('chat.updated', ({ chatId, userIds, field, title }) => {
      if (field === 'title') this.fanOut(userIds, 'editChatTitle', { chatId, title });
      else this.fanOut(userIds, 'editChatAvatar', { chatId, avatarUrl: null });
    }));
    on(bus.on('chat.removed', ({ chatId, userIds }) => this.fanOut(userIds, 'removeChat', { chatId })));
    on(bus.on('chat.history_cleared', ({ chatId, userIds, forAll }) => this.fanOut(userIds, 'clearHistory', { chatId, forAll })));
    on(bus.on('chat.participant_added', ({ chatId, userIds, by, userId, role, timestamp }) => {
      // The newcomer learns of the chat as "added to a new group chat / channel" (§6), then everyone of the addition.
      this.chatCreated(this.targets([userId]), chatId);
      this.fanOut(userIds, 'addChatParticipant', { chatId, userId: tcId(this.ids, userId), userRole: role, addedBy: authorOf(this.ids, by), timestamp });
    }));
    on(bus.on('chat.participant_removed', ({ chatId, userIds, by, userId, timestamp }) => {
      this.fanOut(userIds, 'removeChatParticipant', { chatId, userId: tcId(this.ids, userId), removedBy: authorOf(this.ids, by), timestamp });
    }));
    on(bus.on('chat.participant_role_changed', ({ chatId, userIds, userId, role, timestamp }) => {
      this.fanOut(userIds, 'changeParticipantRole', { chatId, userId: tcId(this.ids, userId), role, timestamp });
    }));
  }

  /** The chat object as each viewer sees it, as `createP2PChat`/`createGroupChat`/`createChannel`/`createFavoritesChat`. */
  private chatCreated(to: BotConnection[], chatId: string): void {
    if (to.length === 0) return;
    this.enqueue(async () => {
      for (const c of to) {
        const viewer = c.session!.user.id;
        const view = await this.engine.chats.get(viewer, chatId).catch(() => undefined);
        const method = view && CREATED_METHOD[view.type];
        if (!view || !method) continue;
        const obj = chatObject(this.ids, view, viewer);
        if (view.type === 'favorites') obj.title = null;
        if (obj.lastMessage && typeof obj.lastMessage === 'object') delete (obj.lastMessage as Record<string, unknown>).box;
        c.notify(method, obj);
      }
    });
  }

  /**
   * The `command` notification (§6) to every connection of the bot the button addresses. The source type
   * `"button"` is Parley's choice: the digest names the field but not its values.
   */
  private commandPressed(e: DomainEvents['chat.command']): void {
    const to = this.targets([e.botId]);
    if (to.length === 0) return;
    this.enqueue(async () => {
      const info = await this.chatWithMembers(e.chatId);
      if (!info) return;
      for (const c of to) {
        const viewer = c.session!.user.id;
        const peerId = info.chat.type === 'p2p' ? info.members.find((x) => x !== viewer) ?? viewer : null;
        c.notify('command', {
          commandId: e.commandId,
          commandSource: {
            type: 'button', message: envelope(this.ids, e.message, { chat: info.chat, peerId }, viewer),
            ...(e.buttonId !== null ? { buttonId: e.buttonId } : {}), ...(e.waitReply ? { waitReply: true } : {}),
          },
          commandPayload: { type: 'command', command: e.command, ...(e.customData !== null ? { customData: e.customData } : {}) },
        });
      }
    });
  }

  /** A payload that is the same for every recipient, in order with the rendered ones. */
  private fanOut(userIds: string[], method: string, payload: unknown): void {
    const to = this.targets(userIds);
    if (to.length === 0) return;
    this.enqueue(async () => { for (const c of to) c.notify(method, payload); });
  }
}
