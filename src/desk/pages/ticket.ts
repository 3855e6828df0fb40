import type { EvidenceRow } from '../../files/evidence.ts';
import { ticketFilesSection } from './ticket-files.ts';
import { DURATION_UNITS, describeDuration } from '../../domain/sla/duration.ts';
import { isAdmin } from '../access.ts';
import type { DeskService } from '../desk-service.ts';
import { html, type Html } from '../html.ts';
import { label, t, when, type PageContext } from './context.ts';
import { ticketHoldBlock } from './holds.ts';
import { csrfField, layout, type Notice } from './layout.ts';
import { transcriptList } from './transcript.ts';
import { fieldList, historyList } from './ticket-parts.ts';

type TicketView = Awaited<ReturnType<DeskService['ticket']>>;

/** What the officer typed, kept when a form comes back with an error. */
export type FormValues = Partial<Record<string, string>>;

function actionForm(ctx: PageContext, v: TicketView, type: string, inner: Html, button: string, open: boolean): Html {
  return html`<details class="action"${open ? html` open` : ''}><summary>${t(ctx, `action.${type}`)}</summary>
<form method="post" action="/tickets/${v.number}/actions/${type}" class="stack">${csrfField(ctx)}${inner}<button type="submit">${button}</button></form></details>`;
}

function actions(ctx: PageContext, v: TicketView, values: FormValues, failed: string | undefined): Html {
  const has = (a: string) => v.actions.includes(a);
  const val = (k: string) => (failed ? (values[k] ?? '') : '');
  const textarea = (name: string, labelKey: string, required = true) =>
    html`<label for="${failed ?? 'a'}-${name}-${labelKey}">${t(ctx, labelKey)}</label><textarea id="${failed ?? 'a'}-${name}-${labelKey}" name="${name}" rows="4"${required ? html` required` : ''}>${val(name)}</textarea>`;
  const parts: Html[] = [];
  if (has('take')) {
    parts.push(html`<form method="post" action="/tickets/${v.number}/actions/take" class="inline">${csrfField(ctx)}<button type="submit">${t(ctx, 'action.take')}</button></form>`);
  }
  if (has('acknowledge')) {
    parts.push(html`<form method="post" action="/tickets/${v.number}/actions/acknowledge" class="inline">${csrfField(ctx)}<button type="submit">${t(ctx, 'action.acknowledge')}</button></form>`);
  }
  if (has('reply')) parts.push(actionForm(ctx, v, 'reply', textarea('text', 'action.reply_label'), t(ctx, 'action.send'), failed === 'reply'));
  if (has('ask')) parts.push(actionForm(ctx, v, 'ask', textarea('question', 'action.ask_label'), t(ctx, 'action.send'), failed === 'ask'));
  if (has('extend')) {
    parts.push(actionForm(ctx, v, 'extend', html`<div class="row">
  <div class="field"><label for="x-value">${t(ctx, 'action.extend_value')}</label><input id="x-value" name="value" type="number" min="1" max="90" required value="${val('value') || '15'}" inputmode="numeric"></div>
  <div class="field"><label for="x-unit">${t(ctx, 'action.extend_unit')}</label><select id="x-unit" name="unit">${DURATION_UNITS.map((u) => html`<option value="${u}"${(val('unit') || 'calendar_days') === u ? html` selected` : ''}>${t(ctx, `unit.${u}`)}</option>`)}</select></div>
</div>${textarea('reason', 'action.extend_reason')}`, t(ctx, 'action.confirm'), failed === 'extend'));
  }
  if (has('resolve')) parts.push(actionForm(ctx, v, 'resolve', textarea('reason', 'action.resolve_label'), t(ctx, 'action.confirm'), failed === 'resolve'));
  if (has('escalate')) parts.push(actionForm(ctx, v, 'escalate', textarea('reason', 'action.escalate_label'), t(ctx, 'action.confirm'), failed === 'escalate'));
  if (has('close')) parts.push(actionForm(ctx, v, 'close', textarea('reason', 'action.close_label', false), t(ctx, 'action.confirm'), failed === 'close'));
  if (has('transfer') && v.transferTo.length > 0) {
    parts.push(actionForm(ctx, v, 'transfer', html`<label for="tr-department">${t(ctx, 'action.transfer_to')}</label>
<select id="tr-department" name="department">${v.transferTo.map((d) => html`<option value="${d.id}"${val('department') === d.id ? html` selected` : ''}>${d.name[ctx.lang]}</option>`)}</select>
${textarea('reason', 'action.transfer_reason')}`, t(ctx, 'action.confirm'), failed === 'transfer'));
  }
  if (has('assign')) {
    parts.push(actionForm(ctx, v, 'assign', html`<label for="as-officer">${t(ctx, 'action.assign_to')}</label>
<select id="as-officer" name="officerId">
  ${v.assignee ? html`<option value="0">${t(ctx, 'action.unassign')}</option>` : ''}
  ${v.assignable.map((o) => html`<option value="${o.id}">${o.name} (${label(ctx, 'role', o.role)})</option>`)}
</select>`, t(ctx, 'action.assign'), failed === 'assign'));
  }
  return parts.length === 0 ? html`<p>${t(ctx, 'ticket.no_actions')}</p>` : html`${parts}`;
}

/** A ticket: its clock, the request, the conversation (updated live), the history, and the actions. */
export function ticketPage(ctx: PageContext, v: TicketView, opts: { notice?: Notice; values?: FormValues; failed?: string; files?: readonly EvidenceRow[]; formKey?: string } = {}): Html {
  const ext = v.extension;
  const lastId = v.transcript.at(-1)?.id ?? 0;
  const hours = Math.round(v.pausedMs / 3_600_000);
  const body = html`<p><a href="/queue">← ${t(ctx, 'ticket.back')}</a></p>
<h1>${t(ctx, 'ticket.title', { number: v.number })} <span class="tag">${label(ctx, 'status', v.status)}</span></h1>
<p class="meta">${v.departmentInfo.declared ? html`${t(ctx, 'ticket.department')}: <strong>${v.departmentInfo.name[ctx.lang]}</strong> · ` : ''}${label(ctx, 'kind', v.kind)} · ${label(ctx, 'channel', v.channel)} · ${label(ctx, 'lang', v.language)} · ${t(ctx, 'ticket.assignee')}: ${v.assignee ? v.assignee.name : t(ctx, 'ticket.unassigned')}</p>
${v.breachedAt ? html`<p class="notice error">${t(ctx, 'ticket.breached', { at: when(ctx, v.breachedAt) })}</p>` : ''}
${v.paused ? html`<p class="notice warn">${t(ctx, 'ticket.paused_now')}</p>` : ''}
${v.handoff ? html`<p class="notice warn">${t(ctx, 'ticket.chat_live')} <a href="/chats/${v.handoff.id}">${t(ctx, 'ticket.open_chat')}</a></p>` : ''}
<div class="columns">
<div>
<section aria-labelledby="clock-h"><h2 id="clock-h">${t(ctx, 'ticket.clock')}</h2>
<dl class="grid">
  <dt>${t(ctx, 'ticket.policy')}</dt><dd>${v.policy.title} (${describeDuration(v.policy.resolve, ctx.lang)})</dd>
  <dt>${t(ctx, 'ticket.received')}</dt><dd>${when(ctx, v.createdAt)}</dd>
  ${v.ackDueAt ? html`<dt>${t(ctx, 'ticket.ack_due')}</dt><dd>${when(ctx, v.ackDueAt)}</dd>` : ''}
  <dt>${t(ctx, 'ticket.acknowledged')}</dt><dd>${when(ctx, v.acknowledgedAt)}</dd>
  <dt>${t(ctx, 'ticket.level')}</dt><dd>${v.levelTitle[ctx.lang]}</dd>
  <dt>${t(ctx, 'ticket.level_due')}</dt><dd>${when(ctx, v.levelDueAt)}</dd>
  <dt>${t(ctx, 'ticket.due')}</dt><dd><strong>${when(ctx, v.dueAt)}</strong></dd>
  <dt>${t(ctx, 'ticket.paused_for')}</dt><dd>${hours} h</dd>
  <dt>${t(ctx, 'ticket.extension')}</dt><dd>${ext ? html`${describeDuration(ext.duration, ctx.lang)}: ${ext.reason}` : t(ctx, 'ticket.not_extended')}</dd>
</dl>
${v.boardNotifiedAt ? html`<p>${t(ctx, 'ticket.board', { at: when(ctx, v.boardNotifiedAt) })}</p>` : ''}
</section>
<section aria-labelledby="req-h"><h2 id="req-h">${t(ctx, 'ticket.request')}</h2>
${fieldList(ctx, v.fields)}
</section>
${opts.files ? ticketFilesSection(ctx, v.number, opts.files, v.actions.includes('reply'), opts.formKey) : ''}
<section aria-labelledby="act-h"><h2 id="act-h">${t(ctx, 'ticket.actions')}</h2>
${actions(ctx, v, opts.values ?? {}, opts.failed)}
</section>
${ctx.officer && isAdmin(ctx.officer) ? ticketHoldBlock(ctx, v.number) : ''}
</div>
<div>
<section aria-labelledby="tr-h" class="transcript-box"><h2 id="tr-h">${t(ctx, 'ticket.transcript')}</h2>
<p class="hint">${t(ctx, 'ticket.transcript_note')} ${t(ctx, 'ticket.live')}</p>
${transcriptList(ctx, v.transcript, { stream: `/tickets/${v.number}/events`, lastId, status: v.status })}
<p class="notice warn" id="changed" hidden>${t(ctx, 'ticket.changed')} <a href="/tickets/${v.number}">${t(ctx, 'ticket.reload')}</a></p>
</section>
<section aria-labelledby="hist-h"><h2 id="hist-h">${t(ctx, 'ticket.history')}</h2>
${historyList(ctx, v.history, v.officers)}
</section>
</div>
</div>`;
  return layout(ctx, t(ctx, 'ticket.title', { number: v.number }), body, { notice: opts.notice, script: true });
}
