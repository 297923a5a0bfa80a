import type { EngineContext } from '../context.js';
import type { Actor } from '../actor.js';
import { authorize } from '../access.js';
import { DomainError } from '../errors.js';
import type { Users } from '../directory/users.js';
import type { Mailer } from '../mailer.js';
import type { Conferences } from './conferences.js';
import { occurrence } from './schedule.js';

/**
 * "Notify all conference participants by email": every invited directory user with an e-mail address gets the
 * join link. Parley never pretends to send mail: without a configured mail server this is `unavailable`.
 */
export class ConferenceNotifier {
  constructor(
    private readonly ctx: EngineContext,
    private readonly conferences: Conferences,
    private readonly users: Users,
    private readonly mailer: Mailer | undefined,
    private readonly publicUrl: string,
  ) {}

  /** Sends the invitations; returns the addresses mailed. */
  async notify(actor: Actor, conferenceId: string): Promise<string[]> {
    const conf = await this.conferences.get(conferenceId);
    authorize(actor, 'conferences:read', { owner: conf.owner });
    if (!this.mailer) throw new DomainError('unavailable', 'No mail server is configured (PARLEY_SMTP_URL).');
    const users = await this.users.findMany(conf.invitations.map((i) => i.id));
    const link = `${this.publicUrl}/c/${encodeURIComponent(conf.id)}`;
    const slot = occurrence(conf.schedule, this.ctx.now());
    const when = slot ? `\nStart: ${new Date(slot.start * 1000).toISOString().replace('.000Z', 'Z')}` : '';
    const about = conf.description ? `\n\n${conf.description}` : '';
    const sent: string[] = [];
    for (const inv of conf.invitations) {
      const u = users.get(inv.id);
      if (!u?.email || !u.isActive) continue;
      try {
        await this.mailer.send({
          to: u.email,
          subject: `Video conference "${conf.topic}"`,
          text: `Hello ${inv.display_name},\n\nyou are invited to the video conference "${conf.topic}".${when}\n` +
            `Join: ${link}${about}\n`,
        });
      } catch (e) {
        throw new DomainError('unavailable', `Mail server refused the message: ${(e as Error).message}`);
      }
      sent.push(u.email);
    }
    this.ctx.bus.emit('conference.notify', { conferenceId: conf.id, recipients: sent });
    return sent;
  }
}
