import { AppError, ERROR_CODES } from '../../errors.ts';
import { codeMessageTexts, type CodeDispatch } from '../otp.ts';
import type { CodeSender } from './index.ts';

/** SMS_GATEWAY_*, as config.ts validated them. */
export interface SmsGatewaySettings {
  /** URL template, e.g. `https://sms.example/send?to={to}&text={message}`. */
  url: string;
  method: 'GET' | 'POST';
  /** Body template for POST; JSON when it starts with `{` or `[`, otherwise form-encoded. */
  body?: string | undefined;
  /** Extra request headers (credentials), from `Name: value; Name2: value2`. */
  headers: Readonly<Record<string, string>>;
}

/**
 * The placeholders a template may use:
 * - `{to}`: the number in E.164 (`+919876543210`); `{to_digits}`: the same without `+`;
 * - `{message}`: the whole text in the citizen's language;
 * - `{code}`: the code alone, for gateways that fill a registered (DLT) template themselves;
 * - `{lang}`: `en` or `hi`.
 */
export const SMS_PLACEHOLDERS = ['to', 'to_digits', 'message', 'code', 'lang'] as const;
const PLACEHOLDER = /\{(to|to_digits|message|code|lang)\}/g;

/**
 * Sends one-time codes through an HTTP SMS gateway (OTP_SENDER=sms), configured by templates so
 * that any gateway with an HTTP API can be used without code. The SMS is in the citizen's
 * language only: Hindi already needs Unicode SMS (70 characters a part), and both would need three.
 */
export class HttpSmsCodeSender implements CodeSender {
  private readonly host: string;
  private readonly timeoutMs: number;
  private readonly bodyIsJson: boolean;

  constructor(private readonly settings: SmsGatewaySettings, opts: { timeoutMs?: number } = {}) {
    this.host = new URL(settings.url).host;
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.bodyIsJson = /^\s*[[{]/.test(settings.body ?? '');
  }

  async send(d: CodeDispatch): Promise<void> {
    if (d.via !== 'sms') {
      throw new AppError(ERROR_CODES.CODE_SEND_FAILED, `The SMS gateway sends codes by SMS only, and this code was for ${d.via}; set OTP_SENDER=smtp for email.`);
    }
    const texts = codeMessageTexts(d);
    const values: Record<(typeof SMS_PLACEHOLDERS)[number], string> = {
      to: d.to,
      to_digits: d.to.replace(/^\+/, ''),
      message: texts[d.lang].body,
      code: d.code,
      lang: d.lang,
    };
    const fill = (template: string, encode: (v: string) => string) =>
      template.replace(PLACEHOLDER, (_, name: keyof typeof values) => encode(values[name]));

    const url = fill(this.settings.url, encodeURIComponent);
    const headers = new Headers(this.settings.headers);
    let body: string | undefined;
    if (this.settings.method === 'POST' && this.settings.body !== undefined) {
      // Inside a JSON string a value needs JSON escaping (quotes, backslashes, newlines); in a
      // form body, URL encoding.
      body = this.bodyIsJson
        ? fill(this.settings.body, (v) => JSON.stringify(v).slice(1, -1))
        : fill(this.settings.body, encodeURIComponent);
      if (!headers.has('content-type')) {
        headers.set('content-type', this.bodyIsJson ? 'application/json; charset=utf-8' : 'application/x-www-form-urlencoded; charset=utf-8');
      }
    }

    let res: Response;
    try {
      res = await fetch(url, { method: this.settings.method, headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err: unknown) {
      // The error is described by its kind only: fetch errors can carry the URL, and the URL
      // carries the number and the code.
      const e = err as { name?: unknown; cause?: { code?: unknown } };
      const why = e.name === 'TimeoutError'
        ? `it did not answer within ${this.timeoutMs / 1000} s`
        : `it could not be reached${typeof e.cause?.code === 'string' ? ` (${e.cause.code})` : ''}`;
      throw new AppError(ERROR_CODES.CODE_SEND_FAILED, `The one-time code SMS was not sent: the SMS gateway at ${this.host} failed: ${why}. Check SMS_GATEWAY_URL and that the gateway is up.`);
    }
    // The answer's body is not read (some gateways echo the number); it is discarded so that the
    // connection can be reused.
    await res.body?.cancel().catch(() => undefined);
    if (!res.ok) {
      throw new AppError(
        ERROR_CODES.CODE_SEND_FAILED,
        `The one-time code SMS was not sent: the SMS gateway at ${this.host} answered HTTP ${res.status}. Check SMS_GATEWAY_URL, SMS_GATEWAY_HEADERS (credentials) and the gateway account.`,
      );
    }
  }
}
