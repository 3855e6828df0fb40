import type nodemailer from 'nodemailer';
import { AppError, ERROR_CODES } from '../../errors.ts';
import { codeMessageTexts, type CodeDispatch } from '../otp.ts';
import type { CodeSender } from './index.ts';

/** SMTP_URL and SMTP_FROM, as config.ts validated them. */
export interface SmtpSettings {
  /** `smtp://user:password@host:587` (STARTTLS when offered) or `smtps://…:465` (TLS from the start). */
  url: string;
  /** `Nivaran <no-reply@example.in>` or a bare address. */
  from: string;
}

/** What an operator can do about each nodemailer error code. */
const HINTS: Record<string, string> = {
  EAUTH: 'check the user and password in SMTP_URL',
  ECONNECTION: 'check the host and port in SMTP_URL and that the server accepts connections from here',
  ETIMEDOUT: 'the mail server did not answer in time; check the host and port in SMTP_URL',
  ESOCKET: 'check the host and port in SMTP_URL, and smtp:// (STARTTLS) versus smtps:// (TLS)',
  ETLS: 'the TLS handshake failed; check smtp:// (STARTTLS) versus smtps:// (TLS) in SMTP_URL',
  EENVELOPE: 'the server refused the sender or the recipient; check SMTP_FROM',
  EMESSAGE: 'the server refused the message',
};

/**
 * Sends one-time codes by email (OTP_SENDER=smtp) through nodemailer. The message is in the
 * citizen's language first and the other language below it, since a mailbox may be read by
 * someone who chose the other one in chat.
 */
export class SmtpCodeSender implements CodeSender {
  private transport: Promise<ReturnType<typeof nodemailer.createTransport>> | undefined;
  private readonly timeoutMs: number;

  constructor(private readonly settings: SmtpSettings, opts: { timeoutMs?: number } = {}) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  /**
   * nodemailer is loaded with the first code sent, not at start-up: it is a large library that
   * most starts never use, and loading it made `nivaran start` slower (SMTP_URL itself is checked
   * by config.ts when the configuration is loaded, not here).
   */
  private open(): Promise<ReturnType<typeof nodemailer.createTransport>> {
    const timeout = this.timeoutMs;
    // Bounded waits: the router sends codes after its commit, and a hung server must not hold
    // the citizen's reply for nodemailer's default of minutes.
    this.transport ??= import('nodemailer').then(({ default: mailer }) => mailer.createTransport({
      url: this.settings.url,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout * 3,
    }));
    return this.transport;
  }

  async send(d: CodeDispatch): Promise<void> {
    if (d.via !== 'email') {
      throw new AppError(ERROR_CODES.CODE_SEND_FAILED, `The SMTP sender sends codes by email only, and this code was for ${d.via}; set OTP_SENDER=sms for SMS.`);
    }
    const texts = codeMessageTexts(d);
    const [first, second] = d.lang === 'hi' ? [texts.hi, texts.en] : [texts.en, texts.hi];
    const transport = await this.open();
    try {
      await transport.sendMail({
        from: this.settings.from,
        to: d.to,
        subject: `${first.subject} / ${second.subject}`,
        text: `${first.body}\n\n${second.body}\n`,
      });
    } catch (err: unknown) {
      // The library's own message may quote the recipient's address, so it is not passed on
      // (not even as `cause`): only its code, the SMTP reply code and what to check.
      const e = err as { code?: unknown; responseCode?: unknown };
      const code = typeof e.code === 'string' ? e.code : 'error';
      const reply = typeof e.responseCode === 'number' ? ` (SMTP reply ${e.responseCode})` : '';
      const hint = HINTS[code] ?? 'check SMTP_URL and SMTP_FROM';
      throw new AppError(ERROR_CODES.CODE_SEND_FAILED, `The one-time code email was not sent: ${code}${reply}; ${hint}.`);
    }
  }

  /** Closes pooled connections (none by default); for orderly shutdown and tests. */
  close(): void {
    void this.transport?.then((t) => t.close());
  }
}
