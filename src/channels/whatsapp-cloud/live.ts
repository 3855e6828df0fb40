import { cloudMediaFile } from './media.ts';
import type { App } from '../../app.ts';
import type { Config } from '../../config.ts';
import { AppError, ERROR_CODES } from '../../errors.ts';
import { appBinding } from '../app-binding.ts';
import { WebhookServer } from '../../http/webhook-server.ts';
import type { Logger } from '../../logger.ts';
import { createWhatsAppCloudAdapter, GRAPH_VERSION, type WhatsAppCloudChannel, type WhatsAppCloudDeps, type WhatsAppCloudOptions } from './adapter.ts';
import { WHATSAPP_CLOUD_CHANNEL } from './parse.ts';

/**
 * The WhatsApp Cloud channel bound to an app that does not exist yet (createApp needs the
 * adapter; the adapter needs the app's router, sender, profile and clock). Call `bind(app)`
 * before `start()`.
 */
export interface LiveWhatsAppCloud {
  channel: WhatsAppCloudChannel;
  bind(app: App): void;
  /** Starts delivery, and listens on the configured port unless a shared server was given. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function liveWhatsAppCloud(
  config: NonNullable<Config['whatsappCloud']>,
  logger: Logger,
  options: WhatsAppCloudOptions & { onStatus?: WhatsAppCloudDeps['onStatus']; clock?: () => Date; fetch?: typeof fetch } = {},
  sharedServer?: WebhookServer,
): LiveWhatsAppCloud {
  const binding = appBinding(WHATSAPP_CLOUD_CHANNEL, 'WhatsApp Cloud', ERROR_CODES.WHATSAPP_START);
  const bound = binding.app;
  const { onStatus, clock, fetch, ...tuning } = options;
  const channel = createWhatsAppCloudAdapter(
    config,
    {
      // A photo, document or voice note is fetched from the media endpoint if the router takes it.
      router: { handle: (msg) => binding.router.handle(msg.fileRef ? { ...msg, file: cloudMediaFile({ token: config.token, apiRoot: config.apiRoot, version: GRAPH_VERSION }, msg.fileRef) } : msg) },
      drain: binding.drain,
      templates: () => bound().content.profile.whatsapp?.templates,
      shortForm: (lang) => bound().content.translator.t(lang, 'delivery:template_short'),
      // Delivery statuses are recorded (the outbox only knows that WhatsApp accepted a message).
      onStatus: async (status) => {
        await bound().store.transaction((uow) =>
          uow.deliveryStatuses.add({
            channel: WHATSAPP_CLOUD_CHANNEL, platform_message_id: status.messageId, status: status.status,
            at: status.at.toISOString(), error_code: status.errorCode ?? null,
          }));
        await onStatus?.(status);
      },
      // Give the app's clock (createApp's `clock`), so the window is judged on the same time.
      ...(clock ? { clock } : {}),
      ...(fetch ? { fetch } : {}),
      logger,
    },
    tuning,
  );
  const ownServer = sharedServer ? undefined : new WebhookServer(logger);
  (sharedServer ?? ownServer)!.register({ path: channel.webhookPath, handle: channel.webhookCallback });
  return {
    channel,
    bind: binding.bind,
    async start() {
      requireTemplate(bound());
      if (ownServer) await ownServer.listen(config.port, { errorCode: ERROR_CODES.WHATSAPP_START });
      await channel.start();
    },
    async stop() {
      await ownServer?.close();
      await channel.stop();
    },
  };
}

/**
 * WhatsApp allows only an approved template once a citizen has been silent for 24 hours, and
 * replies queued across a restart or by the scheduler often are: without a template they could
 * never be delivered. So the channel does not start without one.
 */
function requireTemplate(app: App): void {
  if (app.content.profile.whatsapp?.templates.notification) return;
  throw new AppError(
    ERROR_CODES.WHATSAPP_START,
    `WhatsApp Cloud is configured (WA_CLOUD_*) but the profile ${app.config.profileFile} names no template for replies outside the 24-hour window: ` +
      'set whatsapp.templates.notification (name, and language per citizen language) to a UTILITY template approved in WhatsApp Manager with one body parameter {{1}} (see docs/delivery.md).',
  );
}
