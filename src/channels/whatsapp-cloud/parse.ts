import { cloudMediaId } from './media.ts';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { conversationKey, type InboundMessage } from '../types.ts';
import { changeValueSchema, messageSchema, statusSchema, webhookBodySchema, type WaMessage } from './schema.ts';

export const WHATSAPP_CLOUD_CHANNEL = 'whatsapp-cloud';

/**
 * The conversation key of the chat with a mobile number (E.164, `+919812345678`): the Cloud API
 * names the sender by their number without the `+` (`from`, see `toInbound`).
 */
export function whatsappCloudKeyOf(mobile: string): string {
  return conversationKey(WHATSAPP_CLOUD_CHANNEL, mobile.replace(/^\+/, ''));
}

/** A choice sent as `#n` (its id was too long or empty) comes back as the typed number n. */
export const NUMBERED_CHOICE = /^#(\d{1,2})$/;

/** What WhatsApp said happened to a message Nivaran sent. */
export interface DeliveryStatus {
  /** The `wamid.…` the send returned. */
  messageId: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  at: Date;
  /** WhatsApp's error code when `failed` (e.g. 131047 outside the 24-hour window). */
  errorCode?: number | undefined;
}

export interface ParsedWebhook {
  messages: InboundMessage[];
  statuses: DeliveryStatus[];
  /** Items dropped as malformed, of another business number, or of a kind not answered; for logs. */
  skipped: number;
  /** False when the body is not a WhatsApp Business Account webhook at all. */
  valid: boolean;
}

/** Message types that carry no readable text, and the `media` word the engine answers. */
const MEDIA_TYPES: Record<string, string> = {
  image: 'image',
  video: 'video',
  document: 'document',
  sticker: 'sticker',
  location: 'location',
  // A poll, a view-once photo, an edited or deleted message… WhatsApp says "unsupported".
  unsupported: 'unsupported',
  unknown: 'unsupported',
  order: 'unsupported',
};

/**
 * A WhatsApp Cloud webhook body → inbound messages and delivery statuses, in body order.
 * `phoneNumberId`, when given, keeps only changes addressed to that business number: an app
 * subscribed for several numbers must not answer another number's citizens from this one.
 *
 * Every message carries `attested`: WhatsApp itself vouches that `from` is the sender's own
 * number, the first level of identity assurance.
 */
export function parseWebhook(raw: unknown, phoneNumberId?: string): ParsedWebhook {
  const body = webhookBodySchema.safeParse(raw);
  if (!body.success) return { messages: [], statuses: [], skipped: 0, valid: false };
  const out: ParsedWebhook = { messages: [], statuses: [], skipped: 0, valid: true };
  for (const entry of body.data.entry) {
    for (const change of entry.changes) {
      if (change.field !== 'messages') continue;
      const value = changeValueSchema.safeParse(change.value);
      if (!value.success) {
        out.skipped++;
        continue;
      }
      if (phoneNumberId !== undefined && value.data.metadata.phone_number_id !== phoneNumberId) {
        out.skipped += (value.data.messages?.length ?? 0) + (value.data.statuses?.length ?? 0);
        continue;
      }
      for (const item of value.data.messages ?? []) {
        const m = messageSchema.safeParse(item);
        const msg = m.success ? toInbound(m.data) : undefined;
        const fileRef = msg?.media ? cloudMediaId(item) : undefined;
        if (msg) out.messages.push(fileRef ? { ...msg, fileRef } : msg);
        else out.skipped++;
      }
      for (const item of value.data.statuses ?? []) {
        const s = statusSchema.safeParse(item);
        if (!s.success) {
          out.skipped++;
          continue;
        }
        const errorCode = s.data.errors?.[0]?.code;
        out.statuses.push({
          messageId: s.data.id,
          status: s.data.status,
          at: new Date(Number(s.data.timestamp) * 1000),
          ...(errorCode !== undefined ? { errorCode } : {}),
        });
      }
    }
  }
  return out;
}

/** One message, or undefined for a kind that is not answered (a reaction, a system notice). */
export function toInbound(m: WaMessage): InboundMessage | undefined {
  const phone = `+${m.from}`;
  const base = {
    channel: WHATSAPP_CLOUD_CHANNEL,
    conversationId: m.from,
    senderId: m.from,
    messageId: m.id,
    attested: { phone, method: 'whatsapp_sender' as const },
    at: new Date(Number(m.timestamp) * 1000),
  };
  switch (m.type) {
    case 'text':
      return m.text ? { ...base, text: m.text.body } : undefined;
    case 'interactive': {
      const reply = m.interactive?.button_reply ?? m.interactive?.list_reply;
      if (!reply) return undefined;
      const numbered = NUMBERED_CHOICE.exec(reply.id);
      return numbered ? { ...base, text: numbered[1]! } : { ...base, text: '', choiceId: reply.id };
    }
    case 'button':
      // A template's quick reply: its label is what the citizen chose, and every question
      // accepts an option's words; Nivaran's templates set no payload of their own.
      return m.button ? { ...base, text: m.button.text } : undefined;
    case 'contacts': {
      const card = m.contacts?.[0]?.phones?.[0];
      const shared = card ? contactPhone(card.wa_id, card.phone) : undefined;
      // Someone else's card as far as WhatsApp can vouch: only the sender's own number is attested.
      return shared ? { ...base, text: '', contact: { phone: shared, own: false } } : { ...base, text: '', media: 'contact' };
    }
    case 'audio':
      return { ...base, text: '', media: m.audio?.voice ? 'voice' : 'audio' };
    case 'reaction':
    case 'system':
    case 'ephemeral':
      return undefined;
    default: {
      const media = MEDIA_TYPES[m.type];
      return { ...base, text: '', media: media ?? 'unsupported' };
    }
  }
}

/** A shared card's number in E.164: WhatsApp's wa_id when the contact has WhatsApp, else the typed number (India by default). */
function contactPhone(waId: string | undefined, typed: string | undefined): string | undefined {
  if (waId && /^\d{6,15}$/.test(waId)) {
    const p = parsePhoneNumberFromString(`+${waId}`);
    if (p?.isValid()) return p.number;
  }
  if (!typed) return undefined;
  const p = parsePhoneNumberFromString(typed, 'IN');
  return p?.isValid() ? p.number : undefined;
}
