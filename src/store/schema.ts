import type { Generated } from 'kysely';

// Row types of every table. JSON columns hold text; timestamps are Unix seconds (integers) so that SQL stays
// portable between SQLite and PostgreSQL.

export interface UsersTable {
  id: string; // login name, lower-case
  login_name: string;
  password_hash: string;
  email: string | null;
  display_name: string;
  first_name: string;
  last_name: string;
  company: string;
  mobile_phone: string;
  work_phone: string;
  home_phone: string;
  is_active: number;
  created_at: number;
  updated_at: number;
}

export interface AvatarsTable {
  user_id: string;
  content_type: string;
  data: Buffer;
  updated_at: number;
}

export interface GroupsTable {
  id: string;
  display_name: string;
  rights: string; // JSON string[]
  created_at: number;
}

export interface GroupMembersTable {
  group_id: string;
  user_id: string;
  added_at: number;
}

export interface ContactsTable {
  owner_id: string;
  contact_id: string;
  display_name: string;
  created_at: number;
}

export interface ConferencesTable {
  id: string;
  owner: string;
  topic: string;
  /** Full definition as JSON (see engine/conferences/types.ts). */
  data: string;
  created_at: number;
  updated_at: number;
}

export interface ConferenceAliasesTable {
  alias: string;
  conference_id: string;
}

export interface TemplatesTable {
  id: string;
  name: string;
  object: string; // JSON
  creator_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface PresetsTable {
  id: string;
  name: string;
  type: string;
  payload: string; // JSON
  created_at: number;
}

export interface OAuthClientsTable {
  id: string;
  name: string;
  secret_hash: string;
  scopes: string; // space-separated
  redirect_uris: string; // JSON string[]
  created_at: number;
}

export interface OAuthTokensTable {
  token_hash: string;
  kind: string; // access | refresh | code
  client_id: string;
  user_id: string | null;
  scopes: string;
  /** Refresh tokens: rotation family, so that a reused refresh token can revoke its successors. */
  family: string | null;
  redirect_uri: string | null;
  expires_at: number;
  created_at: number;
}

export interface CallsTable {
  id: string; // session (stream) id
  named_conf_id: string | null;
  topic: string | null;
  class: number;
  type: number;
  subtype: number;
  owner: string;
  participant_count: number;
  start_time: number; // milliseconds
  end_time: number | null; // milliseconds
  term_reason: number;
}

export interface CallParticipantsTable {
  id: Generated<number>;
  call_id: string;
  participant_call_id: string;
  display_name: string;
  app_id: string;
  join_time: number; // ms
  leave_time: number | null; // ms
  leave_reason: number | null;
}

export interface CallInvitesTable {
  id: Generated<number>;
  call_id: string;
  inviter_call_id: string;
  invited_call_id: string;
  invite_time: number; // ms
  is_accepted: number;
}

export interface RecordingsTable {
  id: Generated<number>;
  name: string;
  stream_id: string;
  conference_id: string;
  topic: string;
  owner: string;
  started_at: number;
  stopped_at: number | null;
  deleted_at: number | null;
  size: number;
  path: string;
}

export interface EventLogTable {
  id: Generated<number>;
  event_type: string;
  object_type: string;
  object_name: string;
  payload: string; // JSON
  severity: string;
  invoker_ip: string | null;
  created_at: number; // ms
}

export interface SettingsLogTable {
  id: Generated<number>;
  user_name: string;
  object_type: string;
  object_id: number;
  action_type: string;
  comment: string;
  old_value: string | null;
  new_value: string | null;
  created_at: number; // ms
}

export interface CountersTable {
  name: string;
  value: number;
}

// Chats (migration 004). Chat and message times are Unix milliseconds (the chatbot wire needs ms precision).
export interface ChatsTable {
  id: string;
  type: string;
  title: string | null;
  /** Unique key of a one-per-pair/one-per-user chat: `p2p:<a>|<b>` (sorted) or `fav:<user>`; null otherwise. */
  unique_key: string | null;
  conference_id: string | null;
  avatar_file_id: string | null;
  created_by: string;
  created_at: number;
  updated_at: number;
  last_seq: number;
}

export interface ChatParticipantsTable {
  chat_id: string;
  user_id: string;
  role: string;
  joined_at: number;
}

export interface MessagesTable {
  id: string;
  chat_id: string;
  seq: number;
  author_id: string | null;
  created_at: number;
  edited_at: number | null;
  reply_to_id: string | null;
  kind: string;
  /** JSON of the content (MessageContent without `kind`). */
  content: string;
  /** Plain text for search (the /logs/messages text filter). */
  text: string;
}

/** Per member: read position and what they cleared or may not see (sequence numbers). */
export interface ReadStateTable {
  chat_id: string;
  user_id: string;
  read_seq: number;
  /** Messages with seq <= this are hidden for the user (clear history for me, joined without history). */
  hidden_seq: number;
}

/** A message removed for one user only. */
export interface MessageHiddenTable {
  message_id: string;
  user_id: string;
}

export interface FilesTable {
  id: string;
  owner_id: string;
  name: string;
  size: number;
  mime_type: string;
  ready: number;
  /** The upload task that fills it (null once uploaded). */
  upload_task: string | null;
  created_at: number;
}

export interface FileTokensTable {
  token_hash: string;
  file_id: string;
  expires_at: number;
}

export interface Database {
  users: UsersTable;
  avatars: AvatarsTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  contacts: ContactsTable;
  conferences: ConferencesTable;
  conference_aliases: ConferenceAliasesTable;
  templates: TemplatesTable;
  presets: PresetsTable;
  oauth_clients: OAuthClientsTable;
  oauth_tokens: OAuthTokensTable;
  calls: CallsTable;
  call_participants: CallParticipantsTable;
  call_invites: CallInvitesTable;
  recordings: RecordingsTable;
  event_log: EventLogTable;
  settings_log: SettingsLogTable;
  counters: CountersTable;
  chats: ChatsTable;
  chat_participants: ChatParticipantsTable;
  messages: MessagesTable;
  read_state: ReadStateTable;
  message_hidden: MessageHiddenTable;
  files: FilesTable;
  file_tokens: FileTokensTable;
}
