import type { ParamValue } from '../../engine/events.ts';
import type { HoldItem } from '../../retention/holds.ts';
import { html, type Html } from '../html.ts';
import { when, type PageContext } from './context.ts';
import { csrfField, layout, type Notice } from './layout.ts';

/** A text of the `retention` namespace in the officer's language. */
export function rt(ctx: PageContext, key: string, params: Record<string, ParamValue> = {}): string {
  return ctx.translator.t(ctx.lang, `retention:${key}`, params);
}

export interface HoldsPageData {
  active: HoldItem[];
  released: HoldItem[];
  /** Only the holds of this ticket's conversation are shown. */
  ticket?: string;
}

function subject(ctx: PageContext, h: HoldItem): Html {
  return h.ticketNumber
    ? html`<a href="/tickets/${h.ticketNumber}">${h.ticketNumber}</a><br><span class="hint">${h.conversationKey}</span>`
    : html`${h.conversationKey}<br><span class="hint">${rt(ctx, 'holds.no_ticket')}</span>`;
}

function activeTable(ctx: PageContext, holds: HoldItem[], values: Partial<Record<string, string>>, failedId: number | undefined): Html {
  if (holds.length === 0) return html`<p>${rt(ctx, 'holds.none_active')}</p>`;
  return html`<table class="queue"><thead><tr><th scope="col">${rt(ctx, 'holds.col_subject')}</th><th scope="col">${rt(ctx, 'holds.col_reason')}</th><th scope="col">${rt(ctx, 'holds.col_set')}</th><th scope="col">${rt(ctx, 'holds.col_action')}</th></tr></thead><tbody>
${holds.map((h) => html`<tr><th scope="row" data-label="${rt(ctx, 'holds.col_subject')}">${subject(ctx, h)}</th>
<td data-label="${rt(ctx, 'holds.col_reason')}" class="pre">${h.reason}</td>
<td data-label="${rt(ctx, 'holds.col_set')}">${rt(ctx, 'holds.by', { when: when(ctx, h.setAt), name: h.setBy })}</td>
<td data-label="${rt(ctx, 'holds.col_action')}"><details class="action"${failedId === h.id ? html` open` : ''}><summary>${rt(ctx, 'holds.release')}</summary>
<form method="post" action="/holds/${h.id}/release" class="stack">${csrfField(ctx)}
<label for="rel-${h.id}">${rt(ctx, 'holds.release_reason')}</label><textarea id="rel-${h.id}" name="reason" rows="2" required minlength="5" maxlength="500">${failedId === h.id ? (values.reason ?? '') : ''}</textarea>
<button type="submit">${rt(ctx, 'holds.release_button')}</button></form></details></td></tr>`)}
</tbody></table>`;
}

function releasedTable(ctx: PageContext, holds: HoldItem[]): Html {
  if (holds.length === 0) return html`<p>${rt(ctx, 'holds.none_released')}</p>`;
  return html`<table class="queue"><thead><tr><th scope="col">${rt(ctx, 'holds.col_subject')}</th><th scope="col">${rt(ctx, 'holds.col_reason')}</th><th scope="col">${rt(ctx, 'holds.col_set')}</th><th scope="col">${rt(ctx, 'holds.col_released')}</th></tr></thead><tbody>
${holds.map((h) => html`<tr><th scope="row" data-label="${rt(ctx, 'holds.col_subject')}">${subject(ctx, h)}</th>
<td data-label="${rt(ctx, 'holds.col_reason')}" class="pre">${h.reason}</td>
<td data-label="${rt(ctx, 'holds.col_set')}">${rt(ctx, 'holds.by', { when: when(ctx, h.setAt), name: h.setBy })}</td>
<td data-label="${rt(ctx, 'holds.col_released')}">${rt(ctx, 'holds.by', { when: when(ctx, h.releasedAt), name: h.releasedBy ?? '' })}${h.releaseReason ? html`<br><span class="pre">${h.releaseReason}</span>` : ''}</td></tr>`)}
</tbody></table>`;
}

/**
 * The admin's legal holds: those in force (each with its release form), the latest released,
 * and the form to place one by ticket number or conversation key.
 */
export function holdsPage(
  ctx: PageContext,
  data: HoldsPageData,
  opts: { notice?: Notice; values?: Partial<Record<string, string>>; failed?: 'place' | number } = {},
): Html {
  const v = opts.values ?? {};
  const placeValues = opts.failed === 'place' ? v : {};
  const failedId = typeof opts.failed === 'number' ? opts.failed : undefined;
  const body = html`<h1>${data.ticket ? rt(ctx, 'holds.filtered', { number: data.ticket }) : rt(ctx, 'holds.title')}</h1>
${data.ticket ? html`<p><a href="/tickets/${data.ticket}">← ${rt(ctx, 'holds.back_ticket', { number: data.ticket })}</a> · <a href="/holds">${rt(ctx, 'holds.show_all')}</a></p>` : ''}
<p class="hint">${rt(ctx, 'holds.intro')}</p>
<section aria-labelledby="active-h"><h2 id="active-h">${rt(ctx, 'holds.active')}</h2>
${activeTable(ctx, data.active, v, failedId)}
</section>
<section aria-labelledby="place-h"><h2 id="place-h">${rt(ctx, 'holds.place')}</h2>
<p class="hint" id="place-hint">${rt(ctx, 'holds.place_hint')}</p>
<form method="post" action="/holds" class="stack narrow" aria-describedby="place-hint">${csrfField(ctx)}
  <label for="h-ticket">${rt(ctx, 'holds.ticket')}</label><input id="h-ticket" name="ticket" maxlength="20" autocomplete="off" value="${placeValues.ticket ?? data.ticket ?? ''}">
  <label for="h-conversation">${rt(ctx, 'holds.conversation')}</label><input id="h-conversation" name="conversation" maxlength="300" autocomplete="off" value="${placeValues.conversation ?? ''}">
  <label for="h-reason">${rt(ctx, 'holds.reason')}</label><textarea id="h-reason" name="reason" rows="3" required minlength="5" maxlength="500">${placeValues.reason ?? ''}</textarea>
  <button type="submit">${rt(ctx, 'holds.place_button')}</button>
</form></section>
<section aria-labelledby="released-h"><h2 id="released-h">${rt(ctx, 'holds.released')}</h2>
${releasedTable(ctx, data.released)}
</section>`;
  return layout(ctx, rt(ctx, 'holds.title'), body, { notice: opts.notice, current: '/holds' });
}

/** The ticket page's block for admins: place a hold on the ticket's conversation, or release its holds. */
export function ticketHoldBlock(ctx: PageContext, number: string): Html {
  return html`<section aria-labelledby="hold-h"><h2 id="hold-h">${rt(ctx, 'ticket_block.title')}</h2>
<p class="hint">${rt(ctx, 'ticket_block.hint')} <a href="/holds?ticket=${number}">${rt(ctx, 'ticket_block.see')}</a></p>
<details class="action"><summary>${rt(ctx, 'ticket_block.place')}</summary>
<form method="post" action="/holds" class="stack">${csrfField(ctx)}<input type="hidden" name="ticket" value="${number}">
<label for="hold-reason">${rt(ctx, 'holds.reason')}</label><textarea id="hold-reason" name="reason" rows="2" required minlength="5" maxlength="500"></textarea>
<button type="submit">${rt(ctx, 'holds.place_button')}</button></form></details>
<details class="action"><summary>${rt(ctx, 'ticket_block.release')}</summary>
<form method="post" action="/holds/release" class="stack">${csrfField(ctx)}<input type="hidden" name="ticket" value="${number}">
<label for="hold-release-reason">${rt(ctx, 'holds.release_reason')}</label><textarea id="hold-release-reason" name="reason" rows="2" required minlength="5" maxlength="500"></textarea>
<button type="submit">${rt(ctx, 'holds.release_button')}</button></form></details>
</section>`;
}
