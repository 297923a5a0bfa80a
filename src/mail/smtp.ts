import nodemailer from 'nodemailer';
import type { Mailer, MailMessage } from '../engine/mailer.js';

/**
 * A Mailer over SMTP. `url` is `smtp://user:pass@host:port` (or `smtps://` for implicit TLS); nodemailer upgrades
 * with STARTTLS when the server offers it.
 */
export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(msg: MailMessage) {
      await transport.sendMail({ from, to: msg.to, subject: msg.subject, text: msg.text });
    },
    close() {
      transport.close();
    },
  };
}
