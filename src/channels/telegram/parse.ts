import { telegramFileId } from './media.ts';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import type { InboundMessage } from '../types.ts';

/** The adapter name: the `channel` of every message and the outbox's channel. */
export const TELEGRAM_CHANNEL = 'telegram';

/**
 * Bot commands and the words the router already understands. Commands are shown in Telegram's
 * menu; the flows know only words, so each maps to one (`/start` greets like any first message).
 */
export const COMMAND_WORDS: Readonly<Record<string, string>> = {
  start: 'hello',
  menu: 'menu',
  status: 'status',
  language: 'language',
  help: 'help',
};

/**
 * A tapped button whose choice id did not fit Telegram's 64-byte callback_data carries the
 * option's number instead (see render.ts): `#3` reaches the router as the typed answer "3".
 */
export const NUMBERED_CALLBACK = /^#([1-9]\d{0,2})$/;

// Only the fields Nivaran reads are validated; everything else Telegram sends is ignored.
// Webhook bodies come from the network, so nothing is trusted before it passes these.
const chatId = z.union([z.number().int(), z.string().regex(/^-?\d{1,20}$/)]);
const user = z.object({
  id: z.number().int(),
  is_bot: z.boolean().optional(),
  language_code: z.string().max(35).optional(),
});
const chat = z.object({ id: chatId, type: z.string().max(32) });
const present = z.unknown().refine((v) => v !== undefined && v !== null);
const message = z.object({
  message_id: z.number().int(),
  date: z.number().int().nonnegative().optional(),
  edit_date: z.number().int().nonnegative().optional(),
  chat,
  from: user.optional(),
  text: z.string().max(65_536).optional(),
  contact: z
    .object({ phone_number: z.string().max(64), user_id: z.number().int().optional() })
    .optional(),
  photo: present.optional(),
  sticker: present.optional(),
  voice: present.optional(),
  video: present.optional(),
  video_note: present.optional(),
  audio: present.optional(),
  animation: present.optional(),
  document: present.optional(),
  location: present.optional(),
  venue: present.optional(),
  poll: present.optional(),
  dice: present.optional(),
});
const callbackQuery = z.object({
  id: z.string().min(1).max(128),
  from: user,
  message: z.object({ message_id: z.number().int(), chat }).optional(),
  data: z.string().max(256).optional(),
});
/** The update envelope; `update_id` alone is required, the rest is read when present. */
export const updateSchema = z.object({
  update_id: z.number().int().nonnegative(),
  message: message.optional(),
  edited_message: message.optional(),
  callback_query: callbackQuery.optional(),
});

type TgMessage = z.infer<typeof message>;

/** Media kinds, in the order they are checked; the first present names the message. */
const MEDIA_FIELDS = [
  ['photo', 'image'],
  ['sticker', 'sticker'],
  ['voice', 'voice'],
  ['audio', 'audio'],
  ['video', 'video'],
  ['video_note', 'video'],
  ['animation', 'video'],
  ['document', 'document'],
  ['venue', 'location'],
  ['location', 'location'],
  ['poll', 'poll'],
  ['dice', 'sticker'],
] as const satisfies ReadonlyArray<readonly [keyof TgMessage, string]>;

/** What one update means for Nivaran. */
export type ParsedUpdate =
  | {
      kind: 'message';
      message: InboundMessage;
      /** Set for a tapped button: Telegram shows a spinner until it is answered. */
      callbackQueryId?: string;
    }
  | {
      kind: 'ignored';
      /** For logs: a fixed word, never content. */
      reason: 'invalid' | 'unsupported' | 'not_private' | 'from_bot' | 'no_sender';
      /** Set when a callback query should still be answered so its spinner stops. */
      callbackQueryId?: string;
    };

/**
 * Turns a Telegram update (grammY's `ctx.update`, or a webhook body) into an InboundMessage.
 * Ids are derived from the update only, so a redelivered update yields the same `messageId` and
 * the router drops it. Only private chats are served: in a group, every member would read the
 * citizen's grievance and personal data.
 */
export function parseUpdate(raw: unknown): ParsedUpdate {
  const parsed = updateSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'ignored', reason: 'invalid' };
  const update = parsed.data;

  if (update.message) {
    const parsedMessage = parseMessage(update.message);
    // Evidence: the file's id, for the channel to download if the router takes it.
    const fileRef = parsedMessage.kind === 'message' && parsedMessage.message.media ? telegramFileId(raw) : undefined;
    return fileRef && parsedMessage.kind === 'message' ? { ...parsedMessage, message: { ...parsedMessage.message, fileRef } } : parsedMessage;
  }

  if (update.edited_message) {
    // The flow has moved on, so an edit is not taken as an answer: it reaches the router as
    // media "edited" (the engine asks for a new message, in the transcript like any turn). Each
    // edit is a message of its own: the id carries the edit time.
    const parsed = parseMessage(update.edited_message);
    if (parsed.kind !== 'message') return parsed;
    const m = update.edited_message;
    const { contact: _c, attested: _a, ...rest } = parsed.message;
    return { kind: 'message', message: { ...rest, text: '', media: 'edited', messageId: `edit:${m.message_id}:${m.edit_date ?? 0}` } };
  }

  if (update.callback_query) {
    const q = update.callback_query;
    // A button under an inline-mode message has no chat; Nivaran sends none, so none is expected.
    if (!q.message) return { kind: 'ignored', reason: 'unsupported', callbackQueryId: q.id };
    if (q.message.chat.type !== 'private') return { kind: 'ignored', reason: 'not_private', callbackQueryId: q.id };
    if (q.from.is_bot) return { kind: 'ignored', reason: 'from_bot', callbackQueryId: q.id };
    const data = q.data ?? '';
    if (data === '') return { kind: 'ignored', reason: 'unsupported', callbackQueryId: q.id };
    const numbered = NUMBERED_CALLBACK.exec(data);
    return {
      kind: 'message',
      callbackQueryId: q.id,
      message: {
        channel: TELEGRAM_CHANNEL,
        conversationId: String(q.message.chat.id),
        senderId: String(q.from.id),
        // The query id is unique per tap and repeated on redelivery: the router's dedup key.
        messageId: `cb:${q.id}`,
        text: numbered ? numbered[1]! : '',
        choiceId: numbered ? undefined : data,
        at: new Date(),
      },
    };
  }

  return { kind: 'ignored', reason: 'unsupported' };
}

function parseMessage(m: TgMessage): ParsedUpdate {
  if (m.chat.type !== 'private') return { kind: 'ignored', reason: 'not_private' };
  if (!m.from) return { kind: 'ignored', reason: 'no_sender' };
  if (m.from.is_bot) return { kind: 'ignored', reason: 'from_bot' };
  const base = {
    channel: TELEGRAM_CHANNEL,
    conversationId: String(m.chat.id),
    senderId: String(m.from.id),
    messageId: String(m.message_id),
    at: m.date !== undefined ? new Date(m.date * 1000) : new Date(),
  };

  if (m.contact) {
    const phone = toE164(m.contact.phone_number);
    // A number that cannot be read is answered like any other unsupported attachment.
    if (!phone) return { kind: 'message', message: { ...base, text: '', media: 'contact' } };
    // Telegram sets user_id only when the contact is a Telegram user; equal to the sender's id,
    // it is the card of their own account, shared with the "share my number" button.
    const own = m.contact.user_id !== undefined && m.contact.user_id === m.from.id;
    return {
      kind: 'message',
      message: {
        ...base,
        text: '',
        contact: { phone, own },
        ...(own ? { attested: { phone, method: 'telegram_contact' as const } } : {}),
      },
    };
  }

  if (m.text !== undefined) return { kind: 'message', message: { ...base, text: commandToWord(m.text) } };

  // Attachments are not kept; a caption is not taken as the answer either, since the citizen
  // would believe the photo itself was received with it.
  for (const [field, kind] of MEDIA_FIELDS) {
    if (m[field] !== undefined) return { kind: 'message', message: { ...base, text: '', media: kind } };
  }
  // A service message (a member joined, a pinned message…) or a type Nivaran does not know.
  return { kind: 'ignored', reason: 'unsupported' };
}

/**
 * `/menu` or `/menu@NivaranBot` → "menu"; `/status GRV-2026-000001` keeps its argument; the
 * payload of `/start` (a deep link) is dropped. Other text, unknown commands included, is unchanged.
 */
export function commandToWord(text: string): string {
  const m = /^\/([a-z_]{1,32})(?:@\w{1,64})?(?:\s+([\s\S]*))?$/i.exec(text.trim());
  if (!m) return text;
  const name = m[1]!.toLowerCase();
  const word = COMMAND_WORDS[name];
  if (word === undefined) return text;
  const arg = (m[2] ?? '').trim();
  return name === 'start' || arg === '' ? word : `${word} ${arg}`;
}

/**
 * A contact's number in E.164. Telegram sends the user's own number as international digits
 * without "+" ("919812345678"), and contacts from the address book as the user wrote them
 * ("098123 45678"), so both readings are tried, India by default.
 */
export function toE164(raw: string): string | undefined {
  const digits = raw.replace(/[\s().-]/g, '');
  if (/^\d{11,15}$/.test(digits)) {
    const international = parsePhoneNumberFromString(`+${digits}`);
    if (international?.isValid()) return international.number;
  }
  const parsed = parsePhoneNumberFromString(raw, 'IN');
  return parsed?.isValid() ? parsed.number : undefined;
}
