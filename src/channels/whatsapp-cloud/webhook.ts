import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { InboundMessage } from '../types.ts';
import { parseWebhook, type DeliveryStatus } from './parse.ts';
import { BodyTooLarge, readBody } from '../../http/read-body.ts';

/** Where Meta posts (set the callback URL in the app dashboard to https://your.host + this). */
export const WHATSAPP_WEBHOOK_PATH = '/whatsapp/webhook';
/** Meta's signature header: `sha256=` + the hex HMAC-SHA256 of the raw body under the app secret. */
export const SIGNATURE_HEADER = 'x-hub-signature-256';
/** Batches are tens of KB at most; anything much larger is not from Meta. */
const MAX_BODY_BYTES = 3 * 1024 * 1024;

export interface WebhookResponse {
  status: number;
  body: string;
}

/** A POST as any framework can hand it over, with the body's bytes exactly as received. */
export interface WebhookPost {
  /** Header names in lower case, as Node and fastify give them. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The raw body: the signature covers these bytes, not a re-serialised JSON. */
  rawBody: Buffer;
}

export type VerifyHandler = (query: URLSearchParams) => WebhookResponse;
export type EventHandler = (req: WebhookPost) => Promise<WebhookResponse>;
export type NodeWebhookHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * Meta's one-time subscription check: GET with `hub.mode=subscribe`, `hub.verify_token` and
 * `hub.challenge`. The token is compared in constant time; the challenge is echoed as text.
 */
export function createVerifyHandler(opts: { verifyToken: string; logger: Logger }): VerifyHandler {
  const expected = digest(opts.verifyToken);
  return (query) => {
    const mode = query.get('hub.mode');
    const token = query.get('hub.verify_token');
    const challenge = query.get('hub.challenge');
    if (mode === 'subscribe' && token !== null && challenge !== null && timingSafeEqual(digest(token), expected)) {
      opts.logger.info('whatsapp webhook verified by Meta');
      return { status: 200, body: challenge };
    }
    opts.logger.warn('whatsapp webhook verification refused');
    return { status: 403, body: 'forbidden' };
  };
}

/**
 * True when `header` is `sha256=<hex>` and the hex is the HMAC-SHA256 of `rawBody` under
 * `appSecret`. Compared in constant time; a malformed header is simply false.
 */
export function verifySignature(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  if (header === undefined) return false;
  const m = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!m) return false;
  const given = Buffer.from(m[1]!, 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(given, expected);
}

/** The header a sender signs with (tests and tools). */
export function signBody(rawBody: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

export interface EventHandlerOptions {
  appSecret: string;
  /** Only changes for this business number are taken (see parseWebhook). */
  phoneNumberId: string;
  /** The app's router; each message goes through `handle`, in body order. */
  router: { handle(msg: InboundMessage): Promise<unknown> };
  /** Called before each message is handled: the 24-hour window opens at its time. */
  onInbound?: (msg: InboundMessage) => void;
  /** Each delivery status; failures are logged, never answered with an error. */
  onStatus?: (status: DeliveryStatus) => void | Promise<void>;
  /** After a body's messages were handled: send the replies now. */
  afterHandled?: () => void;
  logger: Logger;
}

/**
 * A signed POST: 401 before anything is parsed when the signature is missing or wrong; 400 for
 * bytes that are not JSON; 200 for a body that is not a WhatsApp webhook or holds nothing to
 * answer (Meta would only redeliver it); 500 when a message could not be handled, so that Meta
 * delivers the batch again (the router drops the messages it already has); 200 otherwise.
 */
export function createEventHandler(opts: EventHandlerOptions): EventHandler {
  return async (req) => {
    const raw = req.headers[SIGNATURE_HEADER];
    const header = Array.isArray(raw) ? raw[0] : raw;
    if (!verifySignature(req.rawBody, header, opts.appSecret)) {
      opts.logger.warn({ signed: header !== undefined }, 'whatsapp webhook post without a valid signature rejected');
      return { status: 401, body: 'unauthorized' };
    }
    let body: unknown;
    try {
      body = JSON.parse(req.rawBody.toString('utf8'));
    } catch {
      return { status: 400, body: 'invalid JSON' };
    }
    const parsed = parseWebhook(body, opts.phoneNumberId);
    if (!parsed.valid) {
      opts.logger.warn('whatsapp webhook body is not a WhatsApp Business Account event; ignored');
      return { status: 200, body: 'ignored' };
    }
    if (parsed.skipped > 0) opts.logger.debug({ skipped: parsed.skipped }, 'whatsapp webhook items skipped');

    for (const status of parsed.statuses) {
      // The wamid and the status only: the recipient's number is personal data.
      opts.logger.debug({ wamid: status.messageId, status: status.status, errorCode: status.errorCode }, 'whatsapp delivery status');
      try {
        await opts.onStatus?.(status);
      } catch (err) {
        opts.logger.warn({ wamid: status.messageId, error: describeError(err) }, 'recording a delivery status failed');
      }
    }

    let failed = false;
    for (const msg of parsed.messages) {
      opts.onInbound?.(msg);
      try {
        await opts.router.handle(msg);
      } catch (err) {
        // Stop here: handling later messages now would answer them before this one. Meta
        // delivers the whole batch again and the router drops the ones it already has.
        failed = true;
        opts.logger.error({ messageId: msg.messageId, error: describeError(err) }, 'whatsapp message failed; Meta will deliver it again');
        break;
      }
    }
    if (parsed.messages.length > 0) opts.afterHandled?.();
    return failed ? { status: 500, body: 'retry' } : { status: 200, body: 'ok' };
  };
}

/**
 * Both handlers on a plain `node:http` request: GET → verification, POST → events (the body is
 * read as bytes, bounded), anything else 405.
 */
export function nodeWebhookHandler(verify: VerifyHandler, events: EventHandler): NodeWebhookHandler {
  return async (req, res) => {
    const answer = (out: WebhookResponse) => {
      res.writeHead(out.status, { 'content-type': 'text/plain; charset=utf-8' }).end(out.body);
    };
    if (req.method === 'GET') {
      const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
      return answer(verify(query));
    }
    if (req.method !== 'POST') return answer({ status: 405, body: 'GET or POST only' });
    // Unsigned (or not even shaped like Meta's signature): refused before a byte of the body is
    // read, and the connection closed, so an unsigned sender cannot make us buffer 3 MiB.
    const sig = req.headers[SIGNATURE_HEADER];
    if (typeof sig !== 'string' || !/^sha256=[0-9a-f]{64}$/i.test(sig)) {
      res.setHeader('connection', 'close');
      return answer({ status: 401, body: 'unauthorized' });
    }
    let rawBody: Buffer;
    try {
      rawBody = await readBody(req, MAX_BODY_BYTES);
    } catch (err) {
      return answer(err instanceof BodyTooLarge ? { status: 413, body: 'too large' } : { status: 400, body: 'unreadable body' });
    }
    answer(await events({ headers: req.headers, rawBody }));
  };
}


/** Equal-length digests, so timingSafeEqual never throws and the length is not leaked either. */
function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
