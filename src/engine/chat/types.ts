import type { Button } from './buttons.js';

/**
 * The chat domain: chats, participants, messages and stored files. Ids of users are directory user ids (login
 * names); adapters map them to their wire ids (TrueConf ID `login@server`). Every time is Unix milliseconds.
 */

export type ChatType = 'p2p' | 'group' | 'channel' | 'favorites' | 'system';

/**
 * Participant roles, named as the TrueConf chatbot wire spells them. In a channel `writer` may post and `user` is a
 * reader; in a group every participant posts. `owner`/`admin` manage the chat.
 */
export type ChatRole = 'owner' | 'admin' | 'user' | 'writer' | 'favorites_owner' | 'conf_owner' | 'conf_moderator';
export const CHAT_ROLES: readonly ChatRole[] = ['owner', 'admin', 'user', 'writer', 'favorites_owner', 'conf_owner', 'conf_moderator'];

export type ParseMode = 'text' | 'markdown' | 'html';

export interface Chat {
  id: string;
  type: ChatType;
  /** Group/channel title; null for P2P and favorites (views compute a title for those). */
  title: string | null;
  /** The conference whose chat this is (type group), or null. */
  conferenceId: string | null;
  avatarFileId: string | null;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  /** Sequence number of the newest message (0 = none yet). Messages are numbered 1, 2, ... per chat. */
  lastSeq: number;
}

export interface ChatParticipant {
  chatId: string;
  userId: string;
  role: ChatRole;
  joinedAt: number;
}

/** A chat as one member sees it (getChatByID, getChats). */
export interface ChatView extends Chat {
  /** The viewer's role. */
  role: ChatRole;
  /** For P2P, the other user's id; favorites: the owner. */
  peerId: string | null;
  /** Messages after the viewer's read position, not their own. */
  unread: number;
  lastMessage: Message | null;
}

/** What happened, for system messages (participant added, title changed, ...). */
export type SystemEvent = 'participant_added' | 'participant_removed' | 'title_changed' | 'avatar_changed' | 'history_cleared' | 'role_changed';

export type MessageContent =
  /** buttons: an inline keyboard (rows), validated by buttons.ts; only bots send them. */
  | { kind: 'text'; text: string; parseMode: ParseMode; buttons?: Button[][] }
  | { kind: 'file'; fileId: string; name: string; size: number; mimeType: string }
  | { kind: 'forward'; original: Message }
  /** Survey and location payloads are kept as sent (field names as on the TrueConf wire). */
  | { kind: 'survey'; data: Record<string, unknown> }
  | { kind: 'location'; data: Record<string, unknown> }
  | { kind: 'system'; event: SystemEvent; userId?: string; role?: ChatRole; title?: string; avatarFileId?: string | null; forAll?: boolean };

export interface Message {
  id: string;
  chatId: string;
  /** Per-chat sequence (TrueConf `box.id`). */
  seq: number;
  /** The user who wrote it; null for a system message (the server). */
  authorId: string | null;
  timestamp: number;
  editedAt: number | null;
  replyToId: string | null;
  content: MessageContent;
}

/** Input of a new text-like message. */
export type NewContent = Extract<MessageContent, { kind: 'text' | 'survey' | 'location' }>;

export interface StoredFile {
  id: string;
  ownerId: string;
  name: string;
  size: number;
  mimeType: string;
  /** Bytes are on disk and downloadable. */
  ready: boolean;
  createdAt: number;
}

export interface UploadLimits {
  /** Bytes; null = unlimited. */
  maxSize: number | null;
}

/** A self-authorising download: the raw token goes into the URL; only its hash is stored. */
export interface DownloadGrant {
  token: string;
  expiresAt: number;
}
