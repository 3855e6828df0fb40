import type { OutboundMessage } from '../types.ts';

/** Numbered choices under the text: what a terminal (and whatsapp-web.js) can show. */
export function renderNumbered(m: OutboundMessage): string {
  if (m.choices.length === 0) return m.text;
  return `${m.text}\n${m.choices.map((c, i) => `  ${i + 1}. ${c.label}`).join('\n')}`;
}

/** One line of JSON per bot message, for scripts: `{"text": "...", "choices": [...]}`. */
export function renderJsonLine(m: OutboundMessage): string {
  return JSON.stringify({ text: m.text, choices: m.choices.map((c) => ({ id: c.id, label: c.label })) });
}
