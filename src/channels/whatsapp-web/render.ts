import { renderNumbered } from '../console/render.ts';
import { splitText } from '../telegram/render.ts';
import type { OutboundMessage } from '../types.ts';

/**
 * Where a long reply is cut. WhatsApp accepts about 65,000 characters, but long messages are
 * folded behind "Read more" on phones; 4000 keeps each part readable at once.
 */
export const MAX_TEXT = 4000;

/**
 * An OutboundMessage as the texts to send, in order. whatsapp-web.js cannot send buttons or
 * lists any more (WhatsApp removed them for unofficial clients), so choices are numbered under
 * the text, as on the console; the flows accept the number, the id or the label.
 */
export function renderWweb(message: OutboundMessage, maxText = MAX_TEXT): string[] {
  const text = renderNumbered(message);
  // WhatsApp drops an empty message silently; the citizen would wait for nothing.
  return splitText(text.trim() === '' ? '…' : text, maxText);
}
