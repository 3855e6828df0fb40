import { html, type Html } from '../html.ts';
import { t, when, type PageContext } from './context.ts';

export interface TranscriptItem {
  id: number;
  direction: 'in' | 'out';
  text: string;
  at: string;
}

/**
 * The conversation as a list, citizen and assistant distinguished. `stream` is where desk.js
 * subscribes for new rows (Server-Sent Events); without JavaScript the list is still complete
 * at the time the page was loaded.
 */
export function transcriptList(ctx: PageContext, rows: readonly TranscriptItem[], live: { stream: string; lastId: number; status: string }): Html {
  // Focusable, so the scrolling list can be read with the keyboard alone (WCAG 2.1.1).
  return html`<ol class="transcript" id="transcript" tabindex="0" aria-label="${t(ctx, 'ticket.transcript')}" aria-live="polite" data-stream="${live.stream}" data-last-id="${live.lastId}" data-status="${live.status}"
  data-label-in="${t(ctx, 'ticket.citizen')}" data-label-out="${t(ctx, 'ticket.bot')}" data-lang="${ctx.lang}">
${rows.map((r) => html`<li class="${r.direction}" data-id="${r.id}"><span class="who">${r.direction === 'in' ? t(ctx, 'ticket.citizen') : t(ctx, 'ticket.bot')} · <time datetime="${r.at}">${when(ctx, r.at)}</time></span><span class="text">${r.text}</span></li>`)}
</ol>`;
}
