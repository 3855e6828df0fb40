import type { BreachProgress, BreachView } from '../../breach/breach-service.ts';
import type { BreachRow } from '../../breach/queries.ts';
import type { ParamValue } from '../../engine/events.ts';
import { html, type Html } from '../html.ts';
import { when, type PageContext } from './context.ts';
import { csrfField, layout, type Notice } from './layout.ts';

/** A text of the `law` namespace's desk part, in the officer's language. */
export function lt(ctx: PageContext, key: string, params: Record<string, ParamValue> = {}): string {
  return ctx.translator.t(ctx.lang, `law:desk.${key}`, params);
}

type Values = Partial<Record<string, string>>;

function field(ctx: PageContext, name: string, values: Values, opts: { rows?: number; max?: number; type?: string } = {}): Html {
  const id = `f-${name.replace(/\./g, '-')}`;
  const label = html`<label for="${id}">${lt(ctx, `field.${name}`)}</label>`;
  if (opts.type) return html`${label}<input id="${id}" name="${name}" type="${opts.type}" required value="${values[name] ?? ''}">`;
  return html`${label}<textarea id="${id}" name="${name}" rows="${opts.rows ?? 2}" required minlength="5" maxlength="${opts.max ?? 1000}">${values[name] ?? ''}</textarea>`;
}

function progressBar(ctx: PageContext, p: BreachProgress): Html {
  const reachable = p.total - p.unreachable;
  return html`<p><progress max="${Math.max(reachable, 1)}" value="${p.sent}" aria-label="${lt(ctx, 'progress_label')}">${p.sent}/${reachable}</progress>
${lt(ctx, 'progress', { sent: p.sent, reachable, pending: p.pending + (p.queued - p.sent - p.failed), failed: p.failed, unreachable: p.unreachable })}</p>`;
}

/** The list of breaches and the form to record one (Rule 7(1) items in both languages). */
export function breachesPage(ctx: PageContext, rows: Array<BreachRow & { progress: BreachProgress }>, opts: { notice?: Notice; values?: Values } = {}): Html {
  const v = opts.values ?? {};
  const notice = (lang: 'en' | 'hi') => html`<fieldset><legend>${lt(ctx, `notice_${lang}`)}</legend>
${field(ctx, `notice.${lang}.what`, v)}${field(ctx, `notice.${lang}.consequences`, v)}${field(ctx, `notice.${lang}.mitigation`, v)}${field(ctx, `notice.${lang}.safety`, v)}</fieldset>`;
  const body = html`<h1>${lt(ctx, 'title')}</h1>
<p class="hint">${lt(ctx, 'intro')}</p>
<section aria-labelledby="list-h"><h2 id="list-h">${lt(ctx, 'recorded')}</h2>
${rows.length === 0 ? html`<p>${lt(ctx, 'none')}</p>` : html`<table class="queue"><thead><tr><th scope="col">${lt(ctx, 'col_breach')}</th><th scope="col">${lt(ctx, 'col_found')}</th><th scope="col">${lt(ctx, 'col_board')}</th><th scope="col">${lt(ctx, 'col_told')}</th></tr></thead><tbody>
${rows.map((b) => html`<tr><th scope="row"><a href="/breaches/${b.id}">${lt(ctx, 'breach_n', { id: b.id })}</a></th>
<td>${when(ctx, b.found_at)}</td>
<td>${b.board_reported_at ? lt(ctx, 'reported_at', { when: when(ctx, b.board_reported_at) }) : lt(ctx, 'due_at', { when: when(ctx, b.board_due_at) })}</td>
<td>${b.progress.sent} / ${b.progress.total - b.progress.unreachable}</td></tr>`)}
</tbody></table>`}
</section>
<section aria-labelledby="new-h"><h2 id="new-h">${lt(ctx, 'record')}</h2>
<form method="post" action="/breaches" class="stack narrow">${csrfField(ctx)}
${field(ctx, 'foundAt', v, { type: 'datetime-local' })}
${field(ctx, 'occurred', v)}${field(ctx, 'dataAffected', v)}${field(ctx, 'peopleAffected', v)}
${notice('en')}${notice('hi')}
<button type="submit">${lt(ctx, 'record_button')}</button>
</form></section>`;
  return layout(ctx, lt(ctx, 'title'), body, { notice: opts.notice, current: '/breaches' });
}

/** One breach: the Board's clock, who has been told, those to tell by other means, the reports. */
export function breachPage(ctx: PageContext, v: BreachView, opts: { notice?: Notice; values?: Values } = {}): Html {
  const b = v.breach;
  const values = opts.values ?? {};
  const n = b.notice[ctx.lang];
  const clock = b.board_reported_at
    ? lt(ctx, 'reported_at', { when: when(ctx, b.board_reported_at) })
    : v.hoursLeft !== null && v.hoursLeft < 0 ? lt(ctx, 'board_late', { when: when(ctx, b.board_due_at) }) : lt(ctx, 'board_left', { hours: v.hoursLeft ?? 0, when: when(ctx, b.board_due_at) });
  const body = html`<h1>${lt(ctx, 'breach_n', { id: b.id })}</h1>
<p><a href="/breaches">← ${lt(ctx, 'title')}</a></p>
<p class="${b.board_reported_at ? '' : 'notice error'}">${clock}</p>
<dl class="facts">
<dt>${lt(ctx, 'field.foundAt')}</dt><dd>${when(ctx, b.found_at)}</dd>
<dt>${lt(ctx, 'field.occurred')}</dt><dd class="pre">${b.occurred}</dd>
<dt>${lt(ctx, 'field.dataAffected')}</dt><dd class="pre">${b.data_affected}</dd>
<dt>${lt(ctx, 'field.peopleAffected')}</dt><dd class="pre">${b.people_affected}</dd>
<dt>${lt(ctx, 'what')}</dt><dd class="pre">${n.what}</dd>
</dl>
<section aria-labelledby="told-h"><h2 id="told-h">${lt(ctx, 'told')}</h2>
${progressBar(ctx, v.progress)}
<form method="post" action="/breaches/${b.id}/affected" class="stack narrow">${csrfField(ctx)}
<label for="affected">${lt(ctx, 'affected')}</label>
<p class="hint" id="affected-hint">${lt(ctx, 'affected_hint')}</p>
<textarea id="affected" name="affected" rows="6" required aria-describedby="affected-hint">${values.affected ?? ''}</textarea>
<button type="submit">${lt(ctx, 'affected_button')}</button></form>
${v.otherMeans.length > 0 ? html`<h3>${lt(ctx, 'other_means')}</h3><p class="hint">${lt(ctx, 'other_means_hint')}</p>
<table class="queue"><thead><tr><th scope="col">${lt(ctx, 'col_identifier')}</th><th scope="col">${lt(ctx, 'col_reason')}</th></tr></thead><tbody>
${v.otherMeans.map((o) => html`<tr><td>${o.identifier}</td><td>${lt(ctx, `reason.${o.reason}`)}</td></tr>`)}</tbody></table>` : ''}
</section>
<section aria-labelledby="board-h"><h2 id="board-h">${lt(ctx, 'board')}</h2>
<p><a href="/breaches/${b.id}/report">${lt(ctx, 'report_print')}</a> · <a href="/breaches/${b.id}/report.json">${lt(ctx, 'report_json')}</a></p>
${v.reports.length === 0 ? html`<p>${lt(ctx, 'no_reports')}</p>` : html`<ul>${v.reports.map((r) => html`<li>${lt(ctx, `kind.${r.kind}`)} · ${when(ctx, r.at)}</li>`)}</ul>`}
<form method="post" action="/breaches/${b.id}/reports" class="stack narrow">${csrfField(ctx)}
<label for="f-kind">${lt(ctx, 'field.kind')}</label><select id="f-kind" name="kind">
<option value="detailed"${values.kind === 'followup' ? '' : html` selected`}>${lt(ctx, 'kind.detailed')}</option>
<option value="followup"${values.kind === 'followup' ? html` selected` : ''}>${lt(ctx, 'kind.followup')}</option></select>
${field(ctx, 'description', values, { rows: 3, max: 5000 })}${field(ctx, 'facts', values, { rows: 3, max: 5000 })}${field(ctx, 'mitigation', values, { rows: 3, max: 5000 })}
<label for="f-findings">${lt(ctx, 'field.findings')}</label><textarea id="f-findings" name="findings" rows="2" maxlength="5000">${values.findings ?? ''}</textarea>
${field(ctx, 'remedial', values, { rows: 3, max: 5000 })}
<button type="submit">${lt(ctx, 'report_button')}</button></form>
</section>`;
  return layout(ctx, lt(ctx, 'breach_n', { id: b.id }), body, { notice: opts.notice, current: '/breaches' });
}

/** The report to the Board as a page to print (Rule 7(2)). */
export function boardReportPage(ctx: PageContext, report: Record<string, unknown>): Html {
  const rows = (o: Record<string, unknown>): Html => html`<dl class="facts">${Object.entries(o).map(([k, val]) => html`<dt>${k}</dt><dd class="pre">${val === null || val === undefined ? '—' : typeof val === 'object' ? JSON.stringify(val, null, 2) : String(val)}</dd>`)}</dl>`;
  const reports = (report.reports as Array<Record<string, unknown>>) ?? [];
  const body = html`<h1>${lt(ctx, 'report_title')}</h1>
<p>${String(report.rule)}</p>
<h2>${lt(ctx, 'report_fiduciary')}</h2>${rows(report.dataFiduciary as Record<string, unknown>)}
<h2>${lt(ctx, 'report_breach')}</h2>${rows(report.breach as Record<string, unknown>)}
${reports.map((r, i) => html`<h2>${lt(ctx, 'report_n', { n: i + 1 })}</h2>${rows(r)}`)}
<h2>${lt(ctx, 'report_intimations')}</h2>${rows(report.intimations as Record<string, unknown>)}`;
  return layout(ctx, lt(ctx, 'report_title'), body, { current: '/breaches' });
}
