import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs to stderr, so that the console chat on stdout stays clean and scriptable.
 * Log lines carry ids and counts, never message text or other personal data.
 *
 * Three fields could still carry a citizen's contact, so they are scrubbed here, for every caller:
 * - `conversation`: a conversation key names the citizen's chat, and on WhatsApp that is their
 *   mobile number (`whatsapp:919876543210`); it is logged as the channel and the last 4
 *   characters (`whatsapp:…3210`), enough to tell conversations apart in one incident;
 * - `error` and `detail`: a platform's or mail server's message may quote the recipient ("550 <asha@…>
 *   rejected"); email addresses and runs of 7 or more digits are masked in it.
 */
export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(2)): Logger {
  return pino({ level, base: { app: 'nivaran' }, serializers: { conversation: maskConversationKey, error: scrubContacts, detail: scrubContacts } }, destination);
}

/** `whatsapp:919876543210` → `whatsapp:…3210`. */
export function maskConversationKey(key: unknown): unknown {
  if (typeof key !== 'string') return key;
  const i = key.indexOf(':');
  const id = i < 0 ? key : key.slice(i + 1);
  const channel = i < 0 ? '' : key.slice(0, i + 1);
  return id.length <= 4 ? `${channel}…` : `${channel}…${id.slice(-4)}`;
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
/** 7 or more digits, possibly split by spaces or dashes, in any script (a mobile number, an account); not by dots, so an IP address stays. */
const LONG_NUMBER = /\+?\p{Nd}(?:[\s\-\u00a0]?\p{Nd}){6,}/gu;

/** An error's text with email addresses and long numbers masked. */
export function scrubContacts(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  return text.replace(EMAIL, '[email]').replace(LONG_NUMBER, '[number]');
}
