import { EventEmitter } from 'node:events';
import type { PresenceStatus } from './directory/presence.js';
import type { LiveParticipant } from './sessions/types.js';
import type { ChatRole, Message } from './chat/types.js';

/**
 * Every domain event the engine emits. Push channels (SSE, WebSocket notifications, terminal updates, CTI events)
 * are projections of these; nothing else is pushed.
 */
export interface DomainEvents {
  'user.created': { userId: string };
  'user.updated': { userId: string; credentialsChanged: boolean };
  'user.deleted': { userId: string };
  /** An administrator asked for all of a user's connections to be dropped. */
  'user.disconnect': { userId: string };
  'presence.changed': { userId: string; status: PresenceStatus };
  'group.changed': { groupId: string };
  'conference.created': { conferenceId: string };
  'conference.updated': { conferenceId: string };
  'conference.deleted': { conferenceId: string };
  'session.started': { conferenceId: string; streamId: string };
  'session.ended': { conferenceId: string; streamId: string; termReason: number };
  'session.updated': { conferenceId: string; streamId: string };
  /** A user is rung into a running conference; their connected clients should alert and answer. */
  'call.invited': { conferenceId: string; streamId: string; userId: string; inviter: string; participantId: string };
  'participant.joined': { conferenceId: string; streamId: string; participant: LiveParticipant };
  'participant.updated': { conferenceId: string; streamId: string; participant: LiveParticipant };
  'participant.left': { conferenceId: string; streamId: string; participant: LiveParticipant; reason: string };
  /** The podium (role-based stage) offered to a participant who must confirm. */
  'podium.offered': { conferenceId: string; streamId: string; participantId: string };
  'recording.changed': { conferenceId: string; streamId: string; state: 'recording' | 'paused' | 'stopped' };
  'conference.notify': { conferenceId: string; recipients: string[] };
  /** A newcomer is held in the waiting room of a locked conference (state 'waiting'); admitting emits participant.joined. */
  'participant.waiting': { conferenceId: string; streamId: string; participant: LiveParticipant };
  /** A chat message to the whole conference from a participant (type text/plain or application/json). */
  'conference.message': { conferenceId: string; streamId: string; from: LiveParticipant; type: string; payload: string };
  /** DTMF digits sent to a participant (no media yet: only listeners see them). */
  'participant.dtmf': { conferenceId: string; streamId: string; participantId: string; digits: string };
  /**
   * A host moved a participant to another conference with a role; participant.left (reason 'transferred')
   * follows. Adapters give the client what it needs to rejoin there (Pexip: a one-time token and `refer`).
   */
  'participant.transferred': {
    conferenceId: string; streamId: string; participant: LiveParticipant;
    targetConferenceId: string; targetAlias: string; role: 'host' | 'guest';
  };
  /** Stage order or voice activity changed (engine/sessions/stage.ts). */
  'session.stage': { conferenceId: string; streamId: string; orderChanged: boolean };
  /** A presentation started (presenterId) or stopped (null); previousId = who presented before. */
  'presentation.changed': { conferenceId: string; streamId: string; presenterId: string | null; previousId: string | null };
  /** A new image of the presentation can be fetched (MediaCalls.presentationImage); `seq` counts them per session. */
  'presentation.frame': { conferenceId: string; streamId: string; seq: number };
  /** A media call was opened, became active (acked), or ended; `reason` when the server ended it. */
  'media.call': {
    conferenceId: string; streamId: string; participantId: string; callId: string;
    kind: 'main' | 'present-send' | 'present-receive'; state: 'offered' | 'active' | 'ended'; reason?: string;
  };
  /** Multistream: the participants a call's video slots show changed (mid -> participant, null = empty). */
  'media.slots': {
    conferenceId: string; streamId: string; participantId: string; callId: string;
    slots: Array<{ mid: string; participantId: string | null }>;
  };
  /** The requested or produced layout of a session changed (session.layout). */
  'session.layout': { conferenceId: string; streamId: string };
  // Chats: `userIds` are the members to notify (for a removal, including the one who left or was removed);
  // `by` is the acting user id (null = the server). Times in ms.
  'chat.created': { chatId: string; userIds: string[]; by: string | null };
  'chat.updated': { chatId: string; userIds: string[]; by: string | null; field: 'title' | 'avatar'; title: string | null; avatarFileId: string | null; timestamp: number };
  'chat.removed': { chatId: string; userIds: string[]; by: string | null };
  'chat.participant_added': { chatId: string; userIds: string[]; by: string | null; userId: string; role: ChatRole; timestamp: number };
  'chat.participant_removed': { chatId: string; userIds: string[]; by: string | null; userId: string; timestamp: number };
  'chat.participant_role_changed': { chatId: string; userIds: string[]; by: string | null; userId: string; role: ChatRole; timestamp: number };
  'chat.history_cleared': { chatId: string; userIds: string[]; by: string; forAll: boolean };
  /** A new message, system messages (content.kind 'system') included. */
  'message.created': { chatId: string; userIds: string[]; message: Message; /** Set when it came from a conference.message. */ origin?: 'conference' };
  'message.edited': { chatId: string; userIds: string[]; message: Message };
  /** forAll false: only `userIds` = [the user who hid it]. */
  'message.removed': { chatId: string; userIds: string[]; by: string; messageId: string; forAll: boolean };
  /**
   * A user pressed a `command` button (engine/chat/commands.ts): `botId` receives it; `message` is the message
   * carrying the button. The bot may answer once, within COMMAND_TTL_MS.
   */
  'chat.command': {
    commandId: string; botId: string; userId: string; chatId: string; message: Message;
    buttonId: string | null; command: string; customData: string | null; waitReply: boolean;
  };
  /** A bot answered a command; `userId` pressed the button and is the one to show the answer to. */
  'chat.command_answered': {
    commandId: string; botId: string; userId: string; chatId: string; messageId: string;
    answerType: 'complete' | 'timeout' | 'cancel' | 'message';
    message: { text: string; status?: string; visibility?: string; level?: string } | null; timestamp: number;
  };
}

export type EventName = keyof DomainEvents;

/** Typed wrapper over EventEmitter; listeners run synchronously in emit order. */
export class EventBus {
  private readonly ee = new EventEmitter();

  constructor() {
    // Every adapter connection may subscribe; the default limit of 10 would only produce warnings.
    this.ee.setMaxListeners(0);
  }

  emit<K extends EventName>(name: K, payload: DomainEvents[K]): void {
    this.ee.emit(name, payload);
  }

  on<K extends EventName>(name: K, fn: (payload: DomainEvents[K]) => void): () => void {
    this.ee.on(name, fn as (p: unknown) => void);
    return () => this.ee.off(name, fn as (p: unknown) => void);
  }

  /** Listeners of one event, or of all events (leak checks in tests and metrics). */
  listenerCount(name?: EventName): number {
    if (name) return this.ee.listenerCount(name);
    return this.ee.eventNames().reduce((n, e) => n + this.ee.listenerCount(e), 0);
  }
}
