import type nodemailer from 'nodemailer';
import { AppError, ERROR_CODES } from '../errors.ts';

/** One email to one officer. */
export interface OfficerMail {
  to: string;
  subject: string;
  text: string;
  /** A stable Message-ID, so a mail system that sees the same message twice can tell. */
  messageId: string;
}

export interface OfficerMailer {
  send(mail: OfficerMail): Promise<void>;
  close?(): void;
}

/** Posts one text to the officers' Telegram chat. */
export interface OfficersChat {
  post(text: string): Promise<void>;
}

/** Through nodemailer, on SMTP_URL / SMTP_FROM (the same server as one-time codes by email). */
export class SmtpOfficerMailer implements OfficerMailer {
  private transport: Promise<ReturnType<typeof nodemailer.createTransport>> | undefined;

  constructor(private readonly settings: { url: string; from: string }, private readonly timeoutMs = 10_000) {}

  async send(mail: OfficerMail): Promise<void> {
    // nodemailer is loaded with the first mail, not at start-up (see SmtpCodeSender).
    this.transport ??= import('nodemailer').then(({ default: mailer }) =>
      mailer.createTransport({ url: this.settings.url, connectionTimeout: this.timeoutMs, greetingTimeout: this.timeoutMs, socketTimeout: this.timeoutMs * 3 }));
    const transport = await this.transport;
    try {
      await transport.sendMail({ from: this.settings.from, to: mail.to, subject: mail.subject, text: mail.text, messageId: mail.messageId });
    } catch (err: unknown) {
      // The library's message may quote the address: only its code and the SMTP reply go on.
      const e = err as { code?: unknown; responseCode?: unknown };
      const code = typeof e.code === 'string' ? e.code : 'error';
      const reply = typeof e.responseCode === 'number' ? ` (SMTP reply ${e.responseCode})` : '';
      throw new AppError(ERROR_CODES.NOTIFY_SEND_FAILED, `The officer's notification email was not sent: ${code}${reply}; check SMTP_URL and SMTP_FROM. It is tried again.`);
    }
  }

  close(): void {
    void this.transport?.then((t) => t.close());
  }
}
