import type { InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup } from 'grammy/types';
import type { OutboundMessage } from '../types.ts';
import { NUMBERED_CALLBACK } from './parse.ts';

/** Telegram's limit on a message's text, in UTF-16 code units (after entity parsing; Nivaran sends plain text). */
export const MAX_TEXT = 4096;
/** Telegram's limit on a button's callback_data, in bytes. */
export const MAX_CALLBACK_BYTES = 64;
/** Labels up to this many characters may share a row (yes/no, the two languages). */
const SHORT_LABEL = 14;
const MAX_PER_ROW = 3;

/** One sendMessage call, without `chat_id`. */
export interface TelegramSendParams {
  text: string;
  reply_markup?: InlineKeyboardMarkup | ReplyKeyboardMarkup;
}

export interface RenderOptions {
  /**
   * Ask for the citizen's number with Telegram's "share my contact" button, labelled so (from
   * OutboundMessage.requestContact). Inline and reply keyboards cannot be combined, so the
   * choices then become reply-keyboard buttons, which send their label as text (the engine
   * accepts labels).
   */
  requestContact?: string | undefined;
  maxText?: number;
}

/**
 * An OutboundMessage as one or more sendMessage calls: text longer than Telegram allows is
 * split at paragraph, line or word boundaries, and the keyboard goes on the last part, under
 * the question it belongs to. Plain text (no parse_mode), so nothing needs escaping.
 */
export function renderOutbound(message: OutboundMessage, options: RenderOptions = {}): TelegramSendParams[] {
  // Telegram rejects an empty text; a keyboard alone still needs a line to hang from.
  const text = message.text.trim() === '' ? (message.choices.length > 0 ? '⬇️' : '…') : message.text;
  const parts = splitText(text, options.maxText ?? MAX_TEXT);
  const markup = options.requestContact !== undefined
    ? contactKeyboard(options.requestContact, message.choices)
    : message.choices.length > 0
      ? inlineKeyboard(message.choices)
      : undefined;
  return parts.map((p, i) => (i === parts.length - 1 && markup ? { text: p, reply_markup: markup } : { text: p }));
}

/**
 * Choices as inline buttons, numbered like the console's list (the prompts say "type the
 * option's number"). Short labels share a row; long ones get a row each so none is cut off.
 */
export function inlineKeyboard(choices: OutboundMessage['choices']): InlineKeyboardMarkup {
  const buttons: InlineKeyboardButton[] = choices.map((c, i) => ({ text: `${i + 1}. ${c.label}`, callback_data: callbackData(c.id, i) }));
  const short = choices.every((c) => [...c.label].length <= SHORT_LABEL);
  const perRow = short ? MAX_PER_ROW : 1;
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < buttons.length; i += perRow) rows.push(buttons.slice(i, i + perRow));
  return { inline_keyboard: rows };
}

/**
 * The id itself when it fits in 64 bytes (every shipped id does). Otherwise the option's
 * number, `#n`, which parse.ts turns back into the typed answer "n": cutting the id would
 * produce one that matches nothing, or the wrong option.
 */
export function callbackData(id: string, index: number): string {
  if (Buffer.byteLength(id, 'utf8') <= MAX_CALLBACK_BYTES && !NUMBERED_CALLBACK.test(id) && id !== '') return id;
  return `#${index + 1}`;
}

function contactKeyboard(label: string, choices: OutboundMessage['choices']): ReplyKeyboardMarkup {
  const keyboard: KeyboardButton[][] = [[{ text: label, request_contact: true }], ...choices.map((c) => [{ text: c.label }])];
  return { keyboard, one_time_keyboard: true, resize_keyboard: true };
}

/**
 * Cuts text into parts of at most `max` UTF-16 units, preferring a blank line, then a line
 * break, then a space in the second half of the window; never inside a surrogate pair.
 */
export function splitText(text: string, max = MAX_TEXT): string[] {
  if (max < 2) throw new RangeError('max must be at least 2');
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const floor = Math.floor(max / 2);
    let cut = -1;
    for (const sep of ['\n\n', '\n', ' ']) {
      const at = window.lastIndexOf(sep);
      if (at >= floor) {
        cut = at;
        break;
      }
    }
    let head: string;
    let tail: string;
    if (cut > 0) {
      head = rest.slice(0, cut);
      tail = rest.slice(cut).replace(/^\s+/, '');
    } else {
      let at = max;
      const code = rest.charCodeAt(at - 1);
      if (code >= 0xd800 && code <= 0xdbff) at -= 1; // keep a surrogate pair whole
      head = rest.slice(0, at);
      tail = rest.slice(at);
    }
    parts.push(head.trimEnd() === '' ? head : head.trimEnd());
    rest = tail;
  }
  if (rest !== '' || parts.length === 0) parts.push(rest);
  return parts;
}
