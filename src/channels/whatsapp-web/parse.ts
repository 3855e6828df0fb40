import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { conversationKey, type InboundMessage } from '../types.ts';

/** The adapter name: the `channel` of every message and the outbox's channel. */
export const WHATSAPP_WEB_CHANNEL = 'whatsapp-web';

/**
 * The conversation key of the one-to-one chat with a mobile number (E.164, `+919812345678`):
 * WhatsApp Web names a person's chat by their number, `919812345678@c.us` (see `parseWwebMessage`).
 * A person whose number WhatsApp hides (`@lid`) has no key to find by number.
 */
export function whatsappWebKeyOf(mobile: string): string {
  return conversationKey(WHATSAPP_WEB_CHANNEL, `${mobile.replace(/^\+/, '')}@c.us`);
}

/**
 * The fields of a whatsapp-web.js `Message` that Nivaran reads. Declared here so the library's
 * own types never leave this folder, and so tests can build messages as plain objects.
 */
export interface WwebMessage {
  id: { _serialized: string };
  /** `919812345678@c.us` for a person, `…@g.us` for a group, `status@broadcast` for statuses. */
  from: string;
  fromMe: boolean;
  /** whatsapp-web.js MessageTypes: chat, ptt, audio, image, video, document, sticker, location, vcard… */
  type: string;
  body: string;
  /** Seconds since the epoch. */
  timestamp: number;
  /** The vCards of a shared contact (type `vcard` / `multi_vcard`). */
  vCards?: string[] | undefined;
  isStatus?: boolean | undefined;
}

/** What one message means for Nivaran. */
export type ParsedWwebMessage =
  | { kind: 'message'; message: InboundMessage }
  | {
      kind: 'ignored';
      /** For logs: a fixed word, never content. */
      reason: 'invalid' | 'from_me' | 'group' | 'status' | 'not_private' | 'unsupported';
    };

/** Message types with no readable text, and the `media` word the engine answers politely. */
const MEDIA_TYPES: Readonly<Record<string, string>> = {
  ptt: 'voice',
  audio: 'voice',
  image: 'image',
  album: 'image',
  video: 'video',
  document: 'document',
  sticker: 'sticker',
  location: 'location',
  multi_vcard: 'contact',
  poll_creation: 'poll',
};

/**
 * Turns a whatsapp-web.js message into an InboundMessage. Only one-to-one chats are served: in
 * a group every member would read the citizen's grievance. Our own messages (sent from the
 * linked phone or by this bot) and status updates are not citizen input.
 *
 * The id is WhatsApp's serialized message id, stable across redeliveries, so the router dedups.
 */
export function parseWwebMessage(m: WwebMessage): ParsedWwebMessage {
  if (typeof m.from !== 'string' || typeof m.id?._serialized !== 'string' || m.id._serialized === '') {
    return { kind: 'ignored', reason: 'invalid' };
  }
  if (m.fromMe) return { kind: 'ignored', reason: 'from_me' };
  if (m.isStatus || m.from === 'status@broadcast') return { kind: 'ignored', reason: 'status' };
  if (m.from.endsWith('@g.us')) return { kind: 'ignored', reason: 'group' };
  // `@c.us` is a phone number; `@lid` is WhatsApp's privacy id for a person whose number is
  // hidden from us. Anything else (newsletters, broadcast lists) is not a private chat.
  const person = /^(\d{6,15})@c\.us$/.exec(m.from);
  if (!person && !/^[\w.-]{1,64}@lid$/.test(m.from)) return { kind: 'ignored', reason: 'not_private' };

  const base: InboundMessage = {
    channel: WHATSAPP_WEB_CHANNEL,
    conversationId: m.from,
    senderId: m.from,
    messageId: m.id._serialized,
    text: '',
    at: Number.isFinite(m.timestamp) && m.timestamp > 0 ? new Date(m.timestamp * 1000) : new Date(),
    // WhatsApp itself verified the number when the account was registered: the sender's number
    // is the channel-level identity (README: identity by level). A `@lid` sender has none.
    ...(person ? { attested: { phone: `+${person[1]}`, method: 'whatsapp_sender' as const } } : {}),
  };

  if (m.type === 'chat') return { kind: 'message', message: { ...base, text: typeof m.body === 'string' ? m.body : '' } };
  if (m.type === 'vcard') {
    const phone = vcardPhone(m.vCards?.[0] ?? m.body);
    // A card without a readable number is answered like any other unsupported attachment.
    if (!phone) return { kind: 'message', message: { ...base, media: 'contact' } };
    // WhatsApp cannot say whether a shared card is the sender's own: it is never attestation.
    return { kind: 'message', message: { ...base, contact: { phone, own: false } } };
  }
  const media = MEDIA_TYPES[m.type];
  // Attachments are not kept; a caption is not taken as the answer either, since the citizen
  // would believe the attachment itself was received with it.
  if (media !== undefined) return { kind: 'message', message: { ...base, media } };
  // Revoked messages, notifications, call logs, undecrypted ciphertext…
  return { kind: 'ignored', reason: 'unsupported' };
}

/**
 * The first TEL of a vCard in E.164. WhatsApp adds `waid=<digits>` (the number's WhatsApp id)
 * to the TEL parameters; it is preferred over the value, which is written as the owner typed it.
 */
export function vcardPhone(vcard: string | undefined): string | undefined {
  if (typeof vcard !== 'string') return undefined;
  for (const line of vcard.split(/\r?\n/)) {
    const m = /^(?:item\d+\.)?TEL([^:]*):(.*)$/i.exec(line.trim());
    if (!m) continue;
    const waid = /waid=(\d{6,15})/i.exec(m[1] ?? '');
    const candidate = waid ? `+${waid[1]}` : (m[2] ?? '').trim();
    const phone = toE164(candidate);
    if (phone) return phone;
  }
  return undefined;
}

function toE164(raw: string): string | undefined {
  const digits = raw.replace(/[\s().-]/g, '');
  if (/^\+?\d{11,15}$/.test(digits)) {
    const international = parsePhoneNumberFromString(`+${digits.replace(/^\+/, '')}`);
    if (international?.isValid()) return international.number;
  }
  const parsed = parsePhoneNumberFromString(raw, 'IN');
  return parsed?.isValid() ? parsed.number : undefined;
}
