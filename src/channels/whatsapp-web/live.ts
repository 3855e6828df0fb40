import type { App } from '../../app.ts';
import type { Config } from '../../config.ts';
import { describeError, ERROR_CODES } from '../../errors.ts';
import { ChannelLease } from '../../outbox/channel-lease.ts';
import { appBinding } from '../app-binding.ts';
import type { Logger } from '../../logger.ts';
import { createWhatsAppWebChannel, type WhatsAppWebChannel, type WhatsAppWebOptions } from './adapter.ts';
import { WHATSAPP_WEB_CHANNEL } from './parse.ts';

/**
 * The WhatsApp Web channel bound to an app that does not exist yet: createApp needs the
 * adapter, and the adapter needs the app's router and sender. Call `bind(app)` before `start()`.
 */
export interface LiveWhatsAppWeb {
  channel: WhatsAppWebChannel;
  bind(app: App): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The channel when WHATSAPP_WEB is on (`config.whatsappWeb`), otherwise undefined. */
export function liveWhatsAppWeb(config: Config, logger: Logger, options: WhatsAppWebOptions = {}): LiveWhatsAppWeb | undefined {
  if (!config.whatsappWeb) return undefined;
  const binding = appBinding(WHATSAPP_WEB_CHANNEL, 'WhatsApp Web', ERROR_CODES.WHATSAPP_WEB_START);
  const bound = binding.app;
  const channel = createWhatsAppWebChannel(
    { dataDir: config.dataDir, chromiumPath: config.whatsappWeb.chromiumPath },
    {
      router: binding.router,
      drain: binding.drain,
      logger,
    },
    options,
  );
  let lease: ChannelLease | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let told = false;
  /** Takes or renews the lease; starts the browser when it was just taken, stops it when it was lost. */
  const tick = async (): Promise<void> => {
    const held = await lease!.take();
    if (held && !running) {
      running = true;
      told = false;
      logger.info('this instance holds the WhatsApp Web channel');
      await channel.start();
    } else if (!held && running) {
      running = false;
      logger.error('another instance took the WhatsApp Web channel over (this one could not renew its lease in time); this one leaves it');
      await channel.stop();
    } else if (!held && !told) {
      told = true;
      logger.info('another instance holds the WhatsApp Web channel; this one leaves it, and takes it over if that one stops');
    }
  };
  return {
    channel,
    bind: binding.bind,
    async start() {
      const app = bound();
      // SQLite is one process (the lock in DATA_DIR). On PostgreSQL instances may run on several
      // machines: one browser session per number means exactly one of them drives it, by a lease
      // in the database (docs/delivery.md).
      if (!app.config.databaseUrl) return channel.start();
      lease = new ChannelLease(app.store, WHATSAPP_WEB_CHANNEL, app.sender.owner, () => new Date(), app.config.outboxLeaseMs);
      await tick();
      timer = setInterval(() => {
        tick().catch((err: unknown) => logger.warn({ error: describeError(err) }, 'renewing the WhatsApp Web lease failed; trying again'));
      }, Math.max(1000, Math.floor(app.config.outboxLeaseMs / 3)));
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (!lease || running) await channel.stop();
      running = false;
      await lease?.release().catch(() => undefined);
    },
  };
}
