import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { BodyTooLarge, readBody } from '../../http/read-body.ts';

/** Where Telegram posts updates, under PUBLIC_URL. No secret in the path: the header carries it. */
export const TELEGRAM_WEBHOOK_PATH = '/telegram/webhook';
/** The header Telegram sets to the `secret_token` given to setWebhook. */
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
/** Updates are a few KB; anything much larger is not from Telegram. */
const MAX_BODY_BYTES = 1024 * 1024;

/** A webhook request as any HTTP framework can hand it over (fastify: `request.headers`, `request.body`). */
export interface WebhookRequest {
  /** Header names in lower case, as Node and fastify give them. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed JSON body. */
  body: unknown;
}

export interface WebhookResponse {
  status: number;
  body: string;
}

export type WebhookHandler = (req: WebhookRequest) => Promise<WebhookResponse>;
export type NodeWebhookHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * The framework-neutral webhook: 401 unless the secret header matches (compared in constant
 * time), 400 for a body that is not an update, 500 when processing failed, so that Telegram
 * delivers the update again (the router drops what it already has), and 200 otherwise.
 */
export function createWebhookHandler(opts: {
  secretToken: string;
  process: (update: unknown) => Promise<void>;
  logger: Logger;
}): WebhookHandler {
  const expected = digest(opts.secretToken);
  return async (req) => {
    const raw = req.headers[SECRET_HEADER];
    const given = Array.isArray(raw) ? raw[0] : raw;
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      opts.logger.warn('telegram webhook request without the right secret token rejected');
      return { status: 401, body: 'unauthorized' };
    }
    const body = req.body;
    if (typeof body !== 'object' || body === null || typeof (body as { update_id?: unknown }).update_id !== 'number') {
      return { status: 400, body: 'not a Telegram update' };
    }
    try {
      await opts.process(body);
      return { status: 200, body: 'ok' };
    } catch (err) {
      opts.logger.error({ error: describeError(err) }, 'telegram update failed; Telegram will deliver it again');
      return { status: 500, body: 'retry' };
    }
  };
}

/**
 * The same handler for a plain `node:http` server (or fastify's `reply.hijack()` + raw req/res):
 * POST only, a bounded JSON body.
 */
export function nodeWebhookHandler(handler: WebhookHandler): NodeWebhookHandler {
  return async (req, res) => {
    const answer = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
    };
    if (req.method !== 'POST') return answer(405, 'POST only');
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, MAX_BODY_BYTES)).toString('utf8'));
    } catch (err) {
      return err instanceof BodyTooLarge ? answer(413, 'too large') : answer(400, 'invalid JSON');
    }
    const out = await handler({ headers: req.headers, body });
    answer(out.status, out.body);
  };
}


/** Equal-length digests, so timingSafeEqual never throws and the length is not leaked either. */
function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
