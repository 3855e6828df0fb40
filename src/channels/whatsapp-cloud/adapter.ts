import type { Config } from '../../config.ts';
import { describeError, ERROR_CODES } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { Profile } from '../../profile/schema.ts';
import { DrainLoop } from '../drain-loop.ts';
import { ChannelRefusedError, ChannelRetryError } from '../errors.ts';
import type { ChannelAdapter, Delivery, InboundMessage, OutboundMessage } from '../types.ts';
import { WHATSAPP_CLOUD_CHANNEL, type DeliveryStatus } from './parse.ts';
import { fitsTemplate, looksHindi, renderOutbound, renderTemplate, type GraphMessage } from './render.ts';
import {
  createEventHandler,
  createVerifyHandler,
  nodeWebhookHandler,
  WHATSAPP_WEBHOOK_PATH,
  type EventHandler,
  type NodeWebhookHandler,
  type VerifyHandler,
} from './webhook.ts';
import { createPacer } from './pacer.ts';
import { isWindowOpen, ServiceWindows } from './window.ts';

/** The Graph API version the adapter speaks. */
export const GRAPH_VERSION = 'v21.0';
/** WhatsApp's pair limit is about one message per 6 s to the same user (error 131056). */
export const PAIR_LIMIT_WAIT_MS = 6000;
/** Graph error codes that mean "slow down": throughput (130429), pair limit (131056), account (80007), app (4). */
const RATE_LIMIT_CODES = new Set([4, 80007, 130429, 131056]);
/** "More than 24 hours have passed since the recipient last replied." */
const WINDOW_CLOSED_CODE = 131047;
/** Used only when no translator is bound (a bare adapter in a test). */
const SHORT_FORM_FALLBACK = {
  en: 'You have a new message from us. Please reply to this message to read it.',
  hi: 'आपके लिए हमारा एक नया संदेश है। उसे पढ़ने के लिए कृपया इस संदेश का उत्तर दें।',
} as const;
/** Graph errors worth another try later: temporary (1, 2), service unavailable (131000, 131016), access token (190, after the operator renews it). */
const TRANSIENT_CODES = new Set([1, 2, 131000, 131016, 190]);

export type WhatsAppCloudConfig = Pick<NonNullable<Config['whatsappCloud']>, 'token' | 'phoneNumberId' | 'appSecret' | 'verifyToken' | 'apiRoot'>;

/** The profile's template catalogue (`whatsapp.templates`). */
export type TemplateCatalogue = NonNullable<Profile['whatsapp']>['templates'];

export interface WhatsAppCloudDeps {
  /** The app's router; only `handle` is used, so it may be bound after the app is built. */
  router: { handle(msg: InboundMessage): Promise<unknown> };
  /** Sends this channel's committed replies: `() => app.sender.drain('whatsapp-cloud')`. */
  drain: () => Promise<unknown>;
  /** The templates for a closed window, read at send time (the profile is loaded with the app). */
  templates?: () => TemplateCatalogue | undefined;
  /** The template's short form in the citizen's language (`delivery.template_short`). */
  shortForm?: (lang: 'en' | 'hi') => string;
  /**
   * Each delivery status from the webhook. Statuses are only logged (wamid and status) until a
   * table keeps them; this is where that store plugs in.
   */
  onStatus?: (status: DeliveryStatus) => void | Promise<void>;
  logger: Logger;
  /** The time the 24-hour window is judged at; the app's clock. */
  clock?: () => Date;
  /** For tests and proxies; the global fetch by default. */
  fetch?: typeof fetch;
}

export interface WhatsAppCloudOptions {
  /** How often queued replies are looked for besides the drain after each webhook post. */
  drainIntervalMs?: number;
  /** One Graph request's time limit. */
  timeoutMs?: number;
  /** Conversations whose last inbound time is kept in memory. */
  windowCapacity?: number;
  /**
   * Messages per second this process sends, evenly spaced: the Cloud API's throughput per
   * business number is 80/s by default (error 130429 past it). A number Meta raised may set more.
   */
  perSecond?: number;
}

/** The Cloud API's default throughput per business phone number. */
export const DEFAULT_MESSAGES_PER_SECOND = 80;
/** Added to the second in which at most perSecond messages leave: the platform counts arrivals. */
const PACING_MARGIN_MS = 25;

export interface WhatsAppCloudChannel {
  adapter: ChannelAdapter;
  /** Starts delivering committed replies (the webhook is served by whoever mounts it). */
  start(): Promise<void>;
  /** Stops the delivery loop, then delivers what is already committed. */
  stop(): Promise<void>;
  /** The framework-neutral handlers: GET verification and signed POSTs. */
  handleVerify: VerifyHandler;
  handleEvents: EventHandler;
  /** Both, for `node:http` (or fastify's raw req/res). */
  webhookCallback: NodeWebhookHandler;
  webhookPath: string;
  /** The last inbound time per conversation (the 24-hour window). */
  windows: ServiceWindows;
  /** Resolves when no delivery pass is running or pending. */
  idle(): Promise<void>;
}

/** The parts of a Graph error body Nivaran reads. */
interface GraphErrorBody {
  error?: { message?: unknown; code?: unknown; error_subcode?: unknown; error_data?: { details?: unknown } };
}

/**
 * A refusal from the Graph API, before it is classified: kept apart so that `send` can tell a
 * closed window (131047) from other refusals and fall back to the template.
 */
class GraphError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number | undefined,
    readonly description: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(description);
  }
}

/**
 * The WhatsApp Cloud API channel. Inbound posts go through webhook.ts (signature, parse) to the
 * router, which commits replies to the outbox; a DrainLoop delivers them through `adapter.send`,
 * which speaks Graph's /messages endpoint. Throttling is the outbox's: a rate-limit answer
 * becomes a ChannelRetryError with the wait, so one citizen's pair limit does not stall others.
 */
export function createWhatsAppCloudAdapter(config: WhatsAppCloudConfig, deps: WhatsAppCloudDeps, options: WhatsAppCloudOptions = {}): WhatsAppCloudChannel {
  const logger = deps.logger.child({ channel: WHATSAPP_CLOUD_CHANNEL });
  const clock = deps.clock ?? (() => new Date());
  const doFetch = deps.fetch ?? fetch;
  const windows = new ServiceWindows(options.windowCapacity);
  const drainLoop = new DrainLoop(deps.drain, options.drainIntervalMs ?? 200, logger);
  const url = `${config.apiRoot}/${GRAPH_VERSION}/${config.phoneNumberId}/messages`;

  // Messages leave at the configured rate, paced across every conversation the outbox sends to at once (pacer.ts).
  const paced = createPacer(options.perSecond ?? DEFAULT_MESSAGES_PER_SECOND, PACING_MARGIN_MS);

  /** One POST to /messages; resolves with the wamid WhatsApp gave the message. */
  async function post(to: string, message: GraphMessage): Promise<string | undefined> {
    await paced();
    let res: Response;
    try {
      res = await doFetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${config.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to, ...message }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      });
    } catch (err) {
      throw new ChannelRetryError(ERROR_CODES.WHATSAPP_SEND, `The Graph API could not be reached (${err instanceof Error ? err.name : 'network error'}).`, { cause: err });
    }
    const text = await res.text().catch(() => '');
    if (res.ok) {
      const wamid = readWamid(text);
      logger.debug({ wamid, type: message.type }, 'whatsapp message accepted');
      return wamid;
    }
    const body = safeJson(text) as GraphErrorBody | undefined;
    const code = typeof body?.error?.code === 'number' ? body.error.code : undefined;
    const description = cleanDescription(body?.error?.message);
    throw new GraphError(res.status, code, description, parseRetryAfter(res.headers.get('retry-after'), clock()));
  }

  /** A Graph refusal as the error the outbox understands. */
  function classify(err: unknown): unknown {
    if (!(err instanceof GraphError)) return err;
    const what = `HTTP ${err.httpStatus}${err.code !== undefined ? `, code ${err.code}` : ''}: ${err.description}`;
    if (err.httpStatus === 429 || (err.code !== undefined && RATE_LIMIT_CODES.has(err.code))) {
      return new ChannelRetryError(ERROR_CODES.WHATSAPP_RATE_LIMITED, `WhatsApp asked to slow down (${what}).`, {
        retryAfterMs: err.retryAfterMs ?? PAIR_LIMIT_WAIT_MS,
        details: { graphCode: err.code },
      });
    }
    if (err.httpStatus >= 500 || err.httpStatus === 401 || (err.code !== undefined && TRANSIENT_CODES.has(err.code))) {
      return new ChannelRetryError(ERROR_CODES.WHATSAPP_SEND, `WhatsApp did not take the message for now (${what}).`, {
        retryAfterMs: err.retryAfterMs,
        details: { graphCode: err.code },
      });
    }
    return new ChannelRefusedError(ERROR_CODES.WHATSAPP_SEND, `WhatsApp refused the message (${what}).`, { details: { graphCode: err.code } });
  }

  /**
   * The template that stands for a reply outside the window: the whole reply as its parameter
   * when it fits, otherwise the short form, which asks the citizen to write (reopening the
   * window) and holds the reply until they do. Never a cut text: a cut consent notice would lose
   * its question.
   */
  function templateFor(message: OutboundMessage): { part: GraphMessage; short: boolean } {
    const notification = deps.templates?.()?.notification;
    if (!notification) {
      throw new ChannelRefusedError(
        ERROR_CODES.WHATSAPP_WINDOW_CLOSED,
        'The citizen has not written in the last 24 hours, so WhatsApp allows only an approved template, and the profile names none (whatsapp.templates.notification). The reply stays in the transcript.',
      );
    }
    const lang = looksHindi(message.text) ? 'hi' : 'en';
    const template = { name: notification.name, languageCode: notification.language[lang] };
    if (fitsTemplate(message)) return { part: renderTemplate(message, template), short: false };
    const short = deps.shortForm?.(lang) ?? SHORT_FORM_FALLBACK[lang];
    return { part: renderTemplate({ text: short, choices: [] }, template), short: true };
  }

  /** Sends the parts not yet accepted, recording each as WhatsApp accepts it. */
  async function sendParts(to: string, parts: readonly GraphMessage[], from: number, delivery: Delivery | undefined): Promise<number> {
    let sent = from;
    for (let i = from; i < parts.length; i++) {
      await delivery?.sending(i);
      await post(to, parts[i]!);
      sent = i + 1;
      await delivery?.accepted(i, i === parts.length - 1);
    }
    return sent;
  }

  async function sendTemplate(to: string, message: OutboundMessage, delivery: Delivery | undefined): Promise<void> {
    const { part, short } = templateFor(message);
    try {
      await sendParts(to, [part], 0, delivery);
    } catch (err) {
      throw classify(err);
    }
    // The short form announced the reply: it waits for the citizen's answer, then goes whole.
    if (short) delivery?.hold();
    logger.debug({ template: deps.templates?.()?.notification?.name, short }, 'whatsapp template sent outside the 24-hour window');
  }

  /**
   * Is the 24-hour window open? From the database when the outbox says (every instance and a
   * restart see the same), else from this process's memory (a direct call, as in tests).
   */
  function windowOpen(conversationId: string, delivery: Delivery | undefined): boolean {
    if (!delivery) return windows.isOpen(conversationId, clock());
    return isWindowOpen(delivery.lastInboundAt, clock());
  }

  async function send(conversationId: string, message: OutboundMessage, delivery?: Delivery): Promise<void> {
    // The conversation id is the citizen's wa_id; anything else did not come from this channel.
    if (!/^\d{6,15}$/.test(conversationId)) {
      throw new ChannelRefusedError(ERROR_CODES.WHATSAPP_SEND, 'The conversation id is not a WhatsApp id (digits); the reply cannot be addressed.');
    }
    if (!windowOpen(conversationId, delivery)) return sendTemplate(conversationId, message, delivery);
    const from = delivery?.partsSent ?? 0;
    let sentParts = from;
    try {
      sentParts = await sendParts(conversationId, renderOutbound(message), from, delivery);
    } catch (err) {
      // Our clock or memory thought the window open; WhatsApp knows better. With nothing sent
      // yet, the template goes at once instead of a retry that would be refused the same way.
      if (err instanceof GraphError && err.code === WINDOW_CLOSED_CODE && sentParts === 0) {
        windows.close(conversationId);
        await delivery?.windowClosed();
        return sendTemplate(conversationId, message, delivery);
      }
      throw classify(err);
    }
  }

  const handleVerify = createVerifyHandler({ verifyToken: config.verifyToken, logger });
  const handleEvents = createEventHandler({
    appSecret: config.appSecret,
    phoneNumberId: config.phoneNumberId,
    router: deps.router,
    onInbound: (msg) => windows.touch(msg.conversationId, msg.at),
    ...(deps.onStatus ? { onStatus: deps.onStatus } : {}),
    afterHandled: () => drainLoop.kick(),
    logger,
  });

  return {
    // Four times the outbox's default: each message also costs the outbox two or three commits,
    // and eight conversations at a time fell short of 80 a second on a loaded 2-core machine.
    adapter: { name: WHATSAPP_CLOUD_CHANNEL, send, reportsParts: true, concurrency: 32 },
    handleVerify,
    handleEvents,
    webhookCallback: nodeWebhookHandler(handleVerify, handleEvents),
    webhookPath: WHATSAPP_WEBHOOK_PATH,
    windows,
    idle: () => drainLoop.idle(),
    async start() {
      drainLoop.start();
      // Replies committed while the channel was down go out now (as templates: their windows
      // are unknown after a restart).
      drainLoop.kick();
      logger.info('whatsapp cloud channel started');
    },
    async stop() {
      await drainLoop.stop();
      try {
        await deps.drain();
      } catch (err) {
        logger.warn({ error: describeError(err) }, 'final outbox drain failed');
      }
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function readWamid(text: string): string | undefined {
  const body = safeJson(text) as { messages?: Array<{ id?: unknown }> } | undefined;
  const id = body?.messages?.[0]?.id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Graph's error message, for operators' logs: at most 200 characters, with anything that looks
 * like a phone number masked, since a few messages quote the recipient.
 */
function cleanDescription(message: unknown): string {
  const text = typeof message === 'string' && message.trim() !== '' ? message.trim() : 'no description';
  return text.replace(/\+?\d[\d\s-]{5,}\d/g, '[number]').slice(0, 200);
}

/** Retry-After in seconds or as an HTTP date → milliseconds; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: Date): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
