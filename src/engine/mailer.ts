/** Outgoing e-mail, as the engine needs it. The implementation (SMTP) lives outside the engine, in src/mail. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(msg: MailMessage): Promise<void>;
  close?(): void;
}
