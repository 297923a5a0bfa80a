import type { Db } from '../store/db.js';
import { EventBus } from './events.js';
import type { EngineContext } from './context.js';
import { AuditLog } from './history/audit.js';
import { CallHistory } from './history/calls.js';
import { Users } from './directory/users.js';
import { Presence } from './directory/presence.js';
import { Groups } from './directory/groups.js';
import { Contacts } from './directory/contacts.js';
import { Avatars } from './directory/avatars.js';
import { OAuth } from './auth/oauth.js';
import { Conferences } from './conferences/conferences.js';
import { Sessions } from './sessions/sessions.js';
import { LiveControls } from './sessions/controls.js';
import { Recordings } from './recordings/recordings.js';
import { Logs } from './history/queries.js';
import { Templates } from './conferences/templates.js';
import { Presets } from './broadcast/presets.js';
import { ConferenceNotifier } from './conferences/notify.js';
import type { Mailer } from './mailer.js';
import { Chats } from './chat/chats.js';
import type { FilesOptions } from './chat/files.js';
import { chatMessageSource } from './chat/log.js';
import { ConferenceChats } from './chat/conference.js';
import { MediaCalls } from './media/calls.js';

export interface EngineOptions {
  db: Db;
  serverName: string;
  dataDir: string;
  now?: () => number;
  /** Outgoing mail (conference notifications); absent = e-mail is unavailable. */
  mailer?: Mailer;
  /** Base of links put in e-mails (`https://<server name>` by default). */
  publicUrl?: string;
  /** Chat file uploads: size limit and download token lifetime. */
  chatFiles?: FilesOptions;
}

/**
 * The engine: all state and every rule, behind commands that take an actor, with typed domain events.
 * It never imports a protocol adapter.
 */
export class Engine {
  readonly bus = new EventBus();
  readonly ctx: EngineContext;
  readonly audit: AuditLog;
  readonly history: CallHistory;
  readonly users: Users;
  readonly presence: Presence;
  readonly groups: Groups;
  readonly contacts: Contacts;
  readonly avatars: Avatars;
  readonly oauth: OAuth;
  readonly conferences: Conferences;
  readonly recordings: Recordings;
  readonly sessions: Sessions;
  /** Joins by alias/PIN and the host controls of live conferences (lock, mute, waiting room, transfer...). */
  readonly controls: LiveControls;
  /** Read side of every log (calls, recordings, events, settings, messages). */
  readonly logs: Logs;
  readonly templates: Templates;
  readonly presets: Presets;
  readonly notifier: ConferenceNotifier;
  /** Chats, messages and chat files (issue #5). */
  readonly chats: Chats;
  /** Media calls, stage and presentation; the media plane attaches itself (issue #6). */
  readonly media: MediaCalls;
  private readonly mailer?: Mailer;

  constructor(opts: EngineOptions) {
    this.ctx = { db: opts.db, bus: this.bus, serverName: opts.serverName, dataDir: opts.dataDir, now: opts.now ?? Date.now };
    this.audit = new AuditLog(this.ctx);
    this.history = new CallHistory(this.ctx);
    this.presence = new Presence(this.ctx);
    this.users = new Users(this.ctx, this.audit, this.presence);
    this.groups = new Groups(this.ctx, this.users, this.audit);
    this.contacts = new Contacts(this.ctx, this.users);
    this.avatars = new Avatars(this.ctx, this.users);
    this.oauth = new OAuth(this.ctx, this.users);
    this.conferences = new Conferences(this.ctx, this.users, this.audit);
    this.recordings = new Recordings(this.ctx, this.conferences);
    this.templates = new Templates(this.ctx, this.users, this.audit);
    this.presets = new Presets(this.ctx, this.audit);
    this.conferences.attachTemplates(this.templates);
    this.conferences.attachPresets(this.presets);
    this.mailer = opts.mailer;
    this.notifier = new ConferenceNotifier(this.ctx, this.conferences, this.users, opts.mailer, opts.publicUrl ?? `https://${opts.serverName}`);
    this.sessions = new Sessions(this.ctx, this.conferences, this.users, this.presence, this.history, this.recordings);
    this.controls = new LiveControls(this.ctx, this.sessions, this.conferences, this.users);
    this.logs = new Logs(this.ctx, this.recordings);
    this.media = new MediaCalls(this.ctx, this.sessions);
    this.chats = new Chats(this.ctx, this.users, opts.chatFiles, this.presence);
    // A conference has a chat: conference messages are stored there and members' texts reach the conference.
    new ConferenceChats(this.ctx, this.chats.store, this.conferences, this.sessions).attach();
    this.logs.messages.use(chatMessageSource(this.ctx));
    // A deleted or disabled user, or one whose password changed, loses live connections and issued tokens.
    this.bus.on('user.deleted', ({ userId }) => { this.presence.dropAll(userId); });
    // The delete already removed the rows; this drops cached grants at once.
    this.bus.on('user.deleted', ({ userId }) => { this.oauth.revokeUser(userId).catch(() => undefined); });
    // A deleted user leaves their chats; the other members are told (removeChatParticipant on the chatbot wire).
    this.bus.on('user.deleted', ({ userId }) => { this.chats.dropUser(userId).catch(() => undefined); });
    this.bus.on('user.updated', ({ userId, credentialsChanged }) => {
      if (!credentialsChanged) return;
      this.oauth.revokeUser(userId).catch(() => undefined);
      // Disabled (not merely a new password): live connections go too, as for a delete.
      this.users.find(userId).then((u) => { if (u && !u.isActive) this.presence.dropAll(userId); }).catch(() => undefined);
    });
  }

  /** Whether a user holds operator rights through one of their groups (user-bound actors carry the answer). */
  isOperator(userId: string): Promise<boolean> {
    return this.groups.userHasRight(userId, 'operator_rights');
  }

  /** Start-up housekeeping: close history left open by an unclean stop, drop expired tokens. */
  async start(): Promise<void> {
    await this.history.closeDangling(this.ctx.now());
    await this.oauth.purgeExpired();
  }

  async stop(): Promise<void> {
    await this.sessions.shutdown();
    this.mailer?.close?.();
  }
}
