import http from 'node:http';
import type { App } from '../../app.ts';
import type { Config } from '../../config.ts';
import { AppError, ERROR_CODES } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { createTelegramAdapter, type TelegramChannel, type TelegramOptions } from './adapter.ts';
import { TELEGRAM_CHANNEL } from './parse.ts';

/**
 * The Telegram channel bound to an app that does not exist yet: createApp needs the adapter,
 * and the adapter needs the app's router and sender. Call `bind(app)` before `start()`.
 */
export interface LiveTelegram {
  channel: TelegramChannel;
  bind(app: App): void;
  /** Starts the channel, and in webhook mode a small HTTP server on the configured port. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function liveTelegram(config: NonNullable<Config['telegram']>, logger: Logger, options: TelegramOptions = {}): LiveTelegram {
  let app: App | undefined;
  const bound = (): App => {
    if (!app) throw new AppError(ERROR_CODES.TELEGRAM_START, 'The Telegram channel was used before bind(app).');
    return app;
  };
  const channel = createTelegramAdapter(
    config,
    {
      router: { handle: (msg) => bound().router.handle(msg) },
      drain: () => bound().sender.drain(TELEGRAM_CHANNEL),
      logger,
    },
    options,
  );
  let server: http.Server | undefined;
  return {
    channel,
    bind(a) {
      app = a;
    },
    async start() {
      bound();
      if (config.webhook && channel.webhookCallback) {
        // Until the desk's fastify server exists, the webhook gets a plain server of its own.
        const handler = channel.webhookCallback;
        const path = channel.webhookPath;
        const srv = http.createServer((req, res) => {
          if (req.url?.split('?')[0] !== path) {
            res.writeHead(404).end();
            return;
          }
          handler(req, res).catch(() => {
            if (!res.headersSent) res.writeHead(500);
            res.end();
          });
        });
        await new Promise<void>((resolve, reject) => {
          srv.once('error', (err) => reject(new AppError(ERROR_CODES.TELEGRAM_START, `Cannot listen on PORT ${config.webhook!.port} for the Telegram webhook (${err.message}).`, { cause: err })));
          srv.listen(config.webhook!.port, () => resolve());
        });
        server = srv;
      }
      try {
        await channel.start();
      } catch (err) {
        await this.stop().catch(() => undefined);
        throw err;
      }
    },
    async stop() {
      if (server) {
        const srv = server;
        server = undefined;
        await new Promise<void>((resolve) => {
          srv.close(() => resolve());
          srv.closeIdleConnections();
        });
      }
      await channel.stop();
    },
  };
}
