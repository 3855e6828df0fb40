import { splitText } from '../telegram/render.ts';
import type { OutboundMessage } from '../types.ts';
import { NUMBERED_CHOICE } from './parse.ts';

/** WhatsApp's limits (Cloud API reference, messages and interactive objects), in UTF-16 units. */
export const LIMITS = {
  text: 4096,
  interactiveBody: 1024,
  buttons: 3,
  buttonTitle: 20,
  buttonId: 256,
  rows: 10,
  rowTitle: 24,
  rowDescription: 72,
  rowId: 200,
  listButton: 20,
  templateParameter: 1024,
} as const;

type Choice = OutboundMessage['choices'][number];

/** One POST to /messages, without `messaging_product` and `to` (the adapter adds them). */
export type GraphMessage =
  | { type: 'text'; text: { body: string; preview_url: false } }
  | {
      type: 'interactive';
      interactive: {
        type: 'button';
        body: { text: string };
        action: { buttons: Array<{ type: 'reply'; reply: { id: string; title: string } }> };
      };
    }
  | {
      type: 'interactive';
      interactive: {
        type: 'list';
        body: { text: string };
        action: { button: string; sections: Array<{ rows: Array<{ id: string; title: string; description?: string }> }> };
      };
    }
  | {
      type: 'template';
      template: { name: string; language: { code: string }; components: Array<{ type: 'body'; parameters: Array<{ type: 'text'; text: string }> }> };
    };

/** Devanagari anywhere: the reply is in Hindi (the outbox row does not carry the language). */
export function looksHindi(text: string): boolean {
  return /[\u0900-\u097F]/.test(text);
}

/**
 * An OutboundMessage as one or more Cloud API messages, inside the 24-hour window:
 * - no choices: text, split at 4096 characters;
 * - up to 3 choices whose labels fit 20 characters (and differ): reply buttons;
 * - up to 10: a list; a label over 24 characters is cut in the row title and given whole in
 *   the row's description (72);
 * - more: numbered lines in the text, which the engine reads as typed numbers.
 * An interactive body holds 1024 characters, so a longer text goes first as plain text and the
 * buttons hang under its last paragraph, the question they answer.
 */
export function renderOutbound(message: OutboundMessage): GraphMessage[] {
  const choices = message.choices;
  if (choices.length === 0 || choices.length > LIMITS.rows) {
    const numbered = choices.map((c, i) => `${i + 1}. ${c.label}`).join('\n');
    const text = [message.text.trim() === '' ? '' : message.text, numbered].filter((s) => s !== '').join('\n\n');
    return textMessages(text === '' ? '…' : text);
  }
  const { before, body } = splitBody(message.text);
  const interactive = fitsButtons(choices) ? buttons(body, choices) : list(body, choices, looksHindi(message.text) ? 'विकल्प' : 'Options');
  return [...(before === '' ? [] : textMessages(before)), interactive];
}

/** The text (and numbered choices) as the template's one body parameter, before it is checked. */
function templateText(message: OutboundMessage): string {
  const numbered = message.choices.map((c, i) => `${i + 1}. ${c.label}`).join(' ');
  return [message.text, numbered].filter((s) => s.trim() !== '').join(' ').replace(/\s+/g, ' ').trim();
}

/** True when the whole reply, choices included, fits the template's parameter without a cut. */
export function fitsTemplate(message: OutboundMessage): boolean {
  return templateText(message).length <= LIMITS.templateParameter;
}

/** The template sent outside the window: the text (and numbered choices) as its one body parameter. */
export function renderTemplate(message: OutboundMessage, template: { name: string; languageCode: string }): GraphMessage {
  const numbered = message.choices.map((c, i) => `${i + 1}. ${c.label}`).join(' ');
  return {
    type: 'template',
    template: {
      name: template.name,
      language: { code: template.languageCode },
      components: [{ type: 'body', parameters: [{ type: 'text', text: templateParameter([message.text, numbered].filter((s) => s.trim() !== '').join(' ')) }] }],
    },
  };
}

/**
 * WhatsApp refuses a template parameter with a line break, a tab or more than four spaces in a
 * row (error 132018), or over 1024 characters: whitespace is folded and the end cut with "…".
 */
export function templateParameter(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const safe = flat === '' ? '…' : flat;
  return truncate(safe, LIMITS.templateParameter);
}

function textMessages(text: string): GraphMessage[] {
  return splitText(text, LIMITS.text).map((body) => ({ type: 'text', text: { body, preview_url: false } }));
}

/** The part that goes as plain text first, and the interactive body (≤ 1024, never empty). */
function splitBody(text: string): { before: string; body: string } {
  if (text.trim() === '') return { before: '', body: '⬇️' };
  if (text.length <= LIMITS.interactiveBody) return { before: '', body: text };
  const at = text.lastIndexOf('\n\n');
  const last = at >= 0 ? text.slice(at + 2).trim() : '';
  if (last !== '' && last.length <= LIMITS.interactiveBody) return { before: text.slice(0, at).trimEnd(), body: last };
  return { before: text, body: '⬇️' };
}

function fitsButtons(choices: readonly Choice[]): boolean {
  if (choices.length > LIMITS.buttons) return false;
  if (!choices.every((c) => c.label.trim() !== '' && c.label.length <= LIMITS.buttonTitle)) return false;
  // WhatsApp rejects two buttons with the same title.
  return new Set(choices.map((c) => c.label)).size === choices.length;
}

function buttons(body: string, choices: readonly Choice[]): GraphMessage {
  return {
    type: 'interactive',
    interactive: {
      type: 'button',
      body: { text: body },
      action: { buttons: choices.map((c, i) => ({ type: 'reply', reply: { id: choiceId(c.id, i, LIMITS.buttonId), title: c.label } })) },
    },
  };
}

function list(body: string, choices: readonly Choice[], button: string): GraphMessage {
  const rows = choices.map((c, i) => {
    const label = c.label.trim() === '' ? String(i + 1) : c.label;
    const row: { id: string; title: string; description?: string } = { id: choiceId(c.id, i, LIMITS.rowId), title: truncate(label, LIMITS.rowTitle) };
    if (label.length > LIMITS.rowTitle) row.description = truncate(label, LIMITS.rowDescription);
    return row;
  });
  return { type: 'interactive', interactive: { type: 'list', body: { text: body }, action: { button: truncate(button, LIMITS.listButton), sections: [{ rows }] } } };
}

/**
 * The choice's id when WhatsApp can carry it; otherwise `#n`, which parse.ts turns back into the
 * typed number n (a cut id would match nothing, or the wrong option).
 */
export function choiceId(id: string, index: number, max: number): string {
  if (id !== '' && id.length <= max && !NUMBERED_CHOICE.test(id)) return id;
  return `#${index + 1}`;
}

/** At most `max` UTF-16 units, ending in "…" when cut; never splits a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let at = max - 1;
  const code = text.charCodeAt(at - 1);
  if (code >= 0xd800 && code <= 0xdbff) at -= 1;
  return `${text.slice(0, at).trimEnd()}…`;
}
