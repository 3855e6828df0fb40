import { autoRetry } from '@grammyjs/auto-retry';
import { apiThrottler } from '@grammyjs/transformer-throttler';
import { Bot, GrammyError, HttpError } from 'grammy';
import type { BotCommand } from 'grammy/types';
import type { Lang } from '../../engine/session.ts';
import { AppError, describeError, ERROR_CODES } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { ChannelAdapter, Delivery, InboundMessage, OutboundMessage } from '../types.ts';
import { DrainLoop } from '../drain-loop.ts';
import { parseUpdate, TELEGRAM_CHANNEL } from './parse.ts';
import { renderOutbound } from './render.ts';
import { createWebhookHandler, nodeWebhookHandler, TELEGRAM_WEBHOOK_PATH, type NodeWebhookHandler, type WebhookHandler } from './webhook.ts';

/** What config.ts reads from TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT, PUBLIC_URL and TELEGRAM_WEBHOOK_SECRET. */
export interface TelegramConfig {
  token: string;
  /** A self-hosted Bot API server (or a test double); Telegram's by default. */
  apiRoot?: string | undefined;
  /** Webhook mode: Telegram posts to `${publicUrl}/telegram/webhook` with this secret header. */
  webhook?: { publicUrl: string; secretToken: string } | undefined;
}

export interface TelegramDeps {
  /** The app's router; only `handle` is used, so it may be bound after the app is built. */
  router: { handle(msg: InboundMessage): Promise<unknown> };
  /** Sends this channel's committed replies: `() => app.sender.drain('telegram')`. */
  drain: () => Promise<unknown>;
  logger: Logger;
}

/** Tuning, mostly for tests; the defaults follow Telegram's limits. */
export interface TelegramOptions {
  /** Minimum gap between two messages to one chat (Telegram: about 1/s). */
  perChatMs?: number;
  /** Messages per second over all chats (Telegram: about 30/s). */
  perSecond?: number;
  /** How often queued replies are looked for besides the drain after each update. */
  drainIntervalMs?: number;
  /** Long-polling timeout, seconds. */
  pollTimeoutSeconds?: number;
  /** The longest `retry_after` waited for inside a send; longer ones fail back to the outbox. */
  maxRetryAfterSeconds?: number;
  /** First pause before handling a failed update again (doubling, HANDLE_ATTEMPTS in all). */
  handleRetryBaseMs?: number;
}

export interface TelegramChannel {
  adapter: ChannelAdapter;
  /** Checks the token (getMe), registers the commands, then polls or sets the webhook. */
  start(): Promise<void>;
  /** Stops taking updates, then delivers what is already committed. */
  stop(): Promise<void>;
  /** Webhook mode only: the framework-neutral handler (headers + parsed body → status). */
  handleWebhook?: WebhookHandler;
  /** Webhook mode only: the same for `node:http` (request, response). */
  webhookCallback?: NodeWebhookHandler;
  /** Where the webhook must be mounted (webhook mode). */
  webhookPath?: string;
  /** Processes one update as if it had arrived (both modes; tests and replays). */
  processUpdate(update: unknown): Promise<void>;
  /** Resolves when no delivery pass is running or pending. */
  idle(): Promise<void>;
}

/** Commands in Telegram's "/" menu; each maps to a router word (parse.ts COMMAND_WORDS). */
const COMMANDS: Record<Lang, BotCommand[]> = {
  en: [
    { command: 'start', description: 'Start or greet the desk' },
    { command: 'menu', description: 'Main menu' },
    { command: 'status', description: "A ticket's status" },
    { command: 'language', description: 'Change the language / भाषा बदलें' },
    { command: 'help', description: 'What you can type' },
  ],
  hi: [
    { command: 'start', description: 'शुरू करें' },
    { command: 'menu', description: 'मुख्य मेनू' },
    { command: 'status', description: 'टिकट की स्थिति' },
    { command: 'language', description: 'भाषा बदलें / Change language' },
    { command: 'help', description: 'आप क्या लिख सकते हैं' },
  ],
};

const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query'] as const;
const HANDLE_ATTEMPTS = 4;

/**
 * The Telegram channel on grammY. Inbound updates go through parse.ts to the router, which
 * commits the replies to the outbox; a DrainLoop delivers them through `adapter.send`, so a
 * crash between the two loses nothing. Platform types stay in this folder.
 *
 * Long polling uses grammY's built-in `bot.start()`, not @grammyjs/runner: it confirms an
 * update only after handling it, so a crash means redelivery (which the router dedups), never
 * loss; the runner fetches ahead and confirms early. Handling is one transaction of a few ms
 * and sending happens elsewhere, so sequential handling is not the bottleneck.
 */
export function createTelegramAdapter(config: TelegramConfig, deps: TelegramDeps, options: TelegramOptions = {}): TelegramChannel {
  const logger = deps.logger.child({ channel: TELEGRAM_CHANNEL });
  const bot = new Bot(config.token, config.apiRoot ? { client: { apiRoot: config.apiRoot } } : {});
  // Installed first, so it runs innermost: every attempt auto-retry makes is throttled too.
  bot.api.config.use(
    apiThrottler({
      // minTime spreads the 30 a second evenly: the reservoir alone lets 30 leave at once at each
      // refill, so up to 60 could reach Telegram within one second (429s, measured by the bench).
      global: {
        reservoir: options.perSecond ?? 30, reservoirRefreshAmount: options.perSecond ?? 30, reservoirRefreshInterval: 1000,
        minTime: Math.ceil(1000 / (options.perSecond ?? 30)),
      },
      out: { maxConcurrent: 1, minTime: options.perChatMs ?? 1000 },
      group: { maxConcurrent: 1, minTime: Math.max(options.perChatMs ?? 1000, 3000) },
    }),
  );
  bot.api.config.use(
    autoRetry({
      maxRetryAttempts: 3,
      maxDelaySeconds: options.maxRetryAfterSeconds ?? 120,
      // Network failures and 5xx go back to the outbox, which retries with its own back-off
      // and records the attempts; waiting here would hold up every other chat's replies.
      rethrowHttpErrors: true,
      rethrowInternalServerErrors: true,
    }),
  );

  const drainLoop = new DrainLoop(deps.drain, options.drainIntervalMs ?? 200, logger);
  let polling: Promise<void> | undefined;

  async function sendRaw(conversationId: string, message: OutboundMessage, delivery?: Delivery): Promise<void> {
    const chatId = /^-?\d{1,15}$/.test(conversationId) ? Number(conversationId) : conversationId;
    const parts = renderOutbound(message, { requestContact: message.requestContact });
    // A long reply is several messages: each is recorded as Telegram takes it, so a retry sends
    // only the rest (docs/delivery.md).
    for (let i = delivery?.partsSent ?? 0; i < parts.length; i++) {
      const part = parts[i]!;
      await delivery?.sending(i);
      try {
        await bot.api.sendMessage(chatId, part.text, {
          ...(part.reply_markup ? { reply_markup: part.reply_markup } : {}),
          link_preview_options: { is_disabled: true },
        });
      } catch (err) {
        // The description is Telegram's ("Forbidden: bot was blocked by the user"), never the text.
        const why = err instanceof GrammyError ? `${err.error_code}: ${err.description}` : err instanceof HttpError ? 'network error' : describeError(err);
        throw new AppError(ERROR_CODES.TELEGRAM_SEND, `Telegram did not take the message (${why}).`, { cause: err });
      }
      await delivery?.accepted(i, i === parts.length - 1);
    }
  }

  async function answerCallback(id: string): Promise<void> {
    try {
      await bot.api.answerCallbackQuery(id);
    } catch (err) {
      // Only the spinner on the button depends on it; the answer itself goes on.
      logger.debug({ error: describeError(err) }, 'answerCallbackQuery failed');
    }
  }

  async function handleWithRetry(msg: InboundMessage): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await deps.router.handle(msg);
        return;
      } catch (err) {
        if (attempt >= HANDLE_ATTEMPTS) throw err;
        logger.warn({ attempt, messageId: msg.messageId, error: describeError(err) }, 'handling an update failed; retrying');
        await new Promise((r) => setTimeout(r, (options.handleRetryBaseMs ?? 250) * 2 ** attempt));
      }
    }
  }

  async function processUpdate(update: unknown): Promise<void> {
    const parsed = parseUpdate(update);
    switch (parsed.kind) {
      case 'ignored':
        logger.debug({ reason: parsed.reason }, 'update ignored');
        if (parsed.callbackQueryId) await answerCallback(parsed.callbackQueryId);
        return;
      case 'message':
        if (parsed.callbackQueryId) await answerCallback(parsed.callbackQueryId);
        await handleWithRetry(parsed.message);
        drainLoop.kick();
        return;
    }
  }

  bot.use(async (ctx) => processUpdate(ctx.update));
  bot.catch((err) => {
    // Polling goes on; the update is lost only after HANDLE_ATTEMPTS failures of the store.
    logger.error({ error: describeError(err.error) }, 'telegram update dropped after retries');
  });

  async function registerCommands(): Promise<void> {
    for (const lang of ['en', 'hi'] as const) {
      try {
        await bot.api.setMyCommands(COMMANDS[lang], lang === 'en' ? {} : { language_code: lang });
      } catch (err) {
        // Emulators and some self-hosted servers do not implement it; the commands still work typed.
        logger.warn({ lang, error: describeError(err) }, 'setMyCommands failed; the command menu may be missing');
      }
    }
  }

  const webhook = config.webhook;
  const handleWebhook = webhook ? createWebhookHandler({ secretToken: webhook.secretToken, process: processUpdate, logger }) : undefined;

  return {
    // Each chat gets one message a second, so 30 a second overall needs 30 chats in flight; twice
    // that keeps the rate up while some chats wait for their next second.
    adapter: { name: TELEGRAM_CHANNEL, send: sendRaw, reportsParts: true, concurrency: 2 * Math.ceil(((options.perSecond ?? 30) * (options.perChatMs ?? 1000)) / 1000) },
    processUpdate,
    idle: () => drainLoop.idle(),
    ...(handleWebhook
      ? { handleWebhook, webhookCallback: nodeWebhookHandler(handleWebhook), webhookPath: TELEGRAM_WEBHOOK_PATH }
      : {}),

    async start() {
      try {
        await bot.init();
      } catch (err) {
        throw new AppError(ERROR_CODES.TELEGRAM_START, `Telegram did not accept TELEGRAM_BOT_TOKEN, or the Bot API is unreachable (${describeError(err)}).`, { cause: err });
      }
      await registerCommands();
      drainLoop.start();
      // Replies committed while the bot was down go out now.
      drainLoop.kick();
      if (webhook) {
        const url = `${webhook.publicUrl.replace(/\/+$/, '')}${TELEGRAM_WEBHOOK_PATH}`;
        try {
          await bot.api.setWebhook(url, { secret_token: webhook.secretToken, allowed_updates: [...ALLOWED_UPDATES] });
        } catch (err) {
          await drainLoop.stop();
          throw new AppError(ERROR_CODES.TELEGRAM_START, `Telegram refused the webhook at PUBLIC_URL (${describeError(err)}).`, { cause: err });
        }
        logger.info({ mode: 'webhook' }, 'telegram channel started');
        return;
      }
      await new Promise<void>((resolve, reject) => {
        polling = bot
          .start({
            allowed_updates: [...ALLOWED_UPDATES],
            timeout: options.pollTimeoutSeconds ?? 30,
            onStart: () => resolve(),
          })
          .catch((err: unknown) => {
            // Before onStart this rejects start(); after it (another instance polling the
            // same token: 409), the channel stops taking updates and says so.
            reject(new AppError(ERROR_CODES.TELEGRAM_START, `Telegram long polling stopped (${describeError(err)}).`, { cause: err }));
            logger.error({ error: describeError(err) }, 'telegram long polling stopped');
          });
      });
      logger.info({ mode: 'polling' }, 'telegram channel started');
    },

    async stop() {
      // The webhook stays set while stopped: Telegram keeps the updates until we are back.
      if (bot.isRunning()) await bot.stop();
      await polling;
      await drainLoop.stop();
      try {
        await deps.drain();
      } catch (err) {
        logger.warn({ error: describeError(err) }, 'final outbox drain failed');
      }
    },
  };
}
