import type { App } from '../../app.ts';
import type { Config } from '../../config.ts';
import { ERROR_CODES } from '../../errors.ts';
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
  return {
    channel,
    bind: binding.bind,
    async start() {
      bound();
      await channel.start();
    },
    stop: () => channel.stop(),
  };
}
