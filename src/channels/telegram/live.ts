import { telegramFile } from './media.ts';
import type { App } from '../../app.ts';
import type { Config } from '../../config.ts';
import { ERROR_CODES } from '../../errors.ts';
import { appBinding } from '../app-binding.ts';
import type { Logger } from '../../logger.ts';
import { WebhookServer } from '../../http/webhook-server.ts';
import { createTelegramAdapter, type TelegramChannel, type TelegramOptions } from './adapter.ts';
import { TELEGRAM_CHANNEL } from './parse.ts';

/**
 * The Telegram channel bound to an app that does not exist yet: createApp needs the adapter,
 * and the adapter needs the app's router and sender. Call `bind(app)` before `start()`.
 */
export interface LiveTelegram {
  channel: TelegramChannel;
  bind(app: App): void;
  /**
   * Starts the channel; in webhook mode also the HTTP server on the configured port, unless a
   * shared server was given (its owner listens and closes it).
   */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function liveTelegram(
  config: NonNullable<Config['telegram']>,
  logger: Logger,
  options: TelegramOptions = {},
  sharedServer?: WebhookServer,
): LiveTelegram {
  const binding = appBinding(TELEGRAM_CHANNEL, 'Telegram', ERROR_CODES.TELEGRAM_START);
  const bound = binding.app;
  const channel = createTelegramAdapter(
    config,
    {
      // A photo, document or voice note is downloaded through getFile if the router takes it.
      router: { handle: (msg) => binding.router.handle(msg.fileRef ? { ...msg, file: telegramFile(config.token, msg.fileRef, config.apiRoot) } : msg) },
      drain: binding.drain,
      logger,
    },
    options,
  );
  // The webhook is mounted now, so a shared server that is already listening serves it at once.
  const ownServer = config.webhook && channel.webhookCallback && !sharedServer ? new WebhookServer(logger) : undefined;
  const server = sharedServer ?? ownServer;
  if (config.webhook && channel.webhookCallback && channel.webhookPath && server) {
    server.register({ path: channel.webhookPath, handle: channel.webhookCallback });
  }
  return {
    channel,
    bind: binding.bind,
    async start() {
      bound();
      // Listening before setWebhook, so Telegram's first post finds the server up.
      if (ownServer) await ownServer.listen(config.webhook!.port, { errorCode: ERROR_CODES.TELEGRAM_START });
      try {
        await channel.start();
      } catch (err) {
        await this.stop().catch(() => undefined);
        throw err;
      }
    },
    async stop() {
      await ownServer?.close();
      await channel.stop();
    },
  };
}
