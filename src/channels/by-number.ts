import { TELEGRAM_CHANNEL } from './telegram/parse.ts';
import { WHATSAPP_CLOUD_CHANNEL, whatsappCloudKeyOf } from './whatsapp-cloud/parse.ts';
import { WHATSAPP_WEB_CHANNEL, whatsappWebKeyOf } from './whatsapp-web/parse.ts';

/**
 * What other parts of Nivaran may know of the channels' conversation keys without knowing any
 * platform: which channels there are, and which chats a mobile number has. (Breach notices find
 * the people to tell by these.)
 */

/** The channels a conversation key may name (`telegram:12345`, `whatsapp-cloud:919812345678`). */
export const CHAT_CHANNELS = ['console', TELEGRAM_CHANNEL, WHATSAPP_CLOUD_CHANNEL, WHATSAPP_WEB_CHANNEL] as const;

/**
 * The conversation keys a mobile number (E.164) has on the channels that name a chat by the
 * number: WhatsApp through the Cloud API and through WhatsApp Web. (Telegram names a chat by its
 * own id, not a number.)
 */
export function conversationKeysOfMobile(mobile: string): string[] {
  return [whatsappCloudKeyOf(mobile), whatsappWebKeyOf(mobile)];
}
