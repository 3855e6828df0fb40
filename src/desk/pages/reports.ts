import type { ParamValue } from '../../engine/events.ts';
import type { Lang } from '../../engine/session.ts';
import type { DurationUnit } from '../../domain/sla/duration.ts';
import { formatDate } from '../../i18n/i18n.ts';
import { barChart, CHART_COLOURS, shareChart } from '../../reports/charts.ts';
import type { MonthlyReport, OnTimeFigures, PolicyTimes, TimeMeasure } from '../../reports/compute.ts';
import { parseMonth, shiftMonth } from '../../reports/month.ts';
import { html, type Html } from '../html.ts';
import { label, type PageContext } from './context.ts';
import { layout, type Notice } from './layout.ts';

export interface ReportsPageData {
  report: MonthlyReport;
  /** The IST month under way: the navigation goes no further. */
  currentMonth: string;
  /** The profile's rubric, for the criteria's names. */
  rubric: ReadonlyArray<{ id: string; title: { en: string; hi: string } }>;
  /** Where the organisation declares departments: whose report this is, which the officer may open, and the split. */
  departments?: {
    /** `''`: the whole organisation. */
    current: string;
    choices: ReadonlyArray<{ id: string; name: { en: string; hi: string } }>;
    orgWide: boolean;
    split?: ReadonlyArray<{ department: string; name: { en: string; hi: string } | null; received: number; resolved: number; onTimeShare: number | null; openPastDue: number; escalations: number; transfersIn: number | null; transfersOut: number | null }>;
  };
}

/** A text of the `reports` namespace. */
function rt(ctx: PageContext, key: string, params: Record<string, ParamValue> = {}): string {
  return ctx.translator.t(ctx.lang, `reports:${key}`, params);
}

const LOCALES: Record<Lang, string> = { en: 'en-IN', hi: 'hi-IN' };
const NUMBER = new Map<Lang, Intl.NumberFormat>();
const PERCENT = new Map<Lang, Intl.NumberFormat>();
const MONTH_NAME = new Map<Lang, Intl.DateTimeFormat>();

function num(ctx: PageContext, n: number): string {
  let f = NUMBER.get(ctx.lang);
  if (!f) NUMBER.set(ctx.lang, (f = new Intl.NumberFormat(LOCALES[ctx.lang], { maximumFractionDigits: 2 })));
  return f.format(n);
}

function pct(ctx: PageContext, share: number | null): string {
  if (share === null) return '—';
  let f = PERCENT.get(ctx.lang);
  if (!f) PERCENT.set(ctx.lang, (f = new Intl.NumberFormat(LOCALES[ctx.lang], { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 })));
  return f.format(share);
}

/** "November 2026" / "नवंबर 2026". */
export function monthName(lang: Lang, month: string): string {
  const r = parseMonth(month);
  let f = MONTH_NAME.get(lang);
  if (!f) MONTH_NAME.set(lang, (f = new Intl.DateTimeFormat(LOCALES[lang], { month: 'long', year: 'numeric', timeZone: 'UTC' })));
  return f.format(new Date(Date.UTC(r.year, r.monthOfYear - 1, 15)));
}

function amount(ctx: PageContext, unit: DurationUnit, value: number): string {
  return rt(ctx, `unit.${unit}`, { count: value }).replace(String(value), num(ctx, value));
}

function rightName(ctx: PageContext, right: string): string {
  const key = `reports:right.${right}`;
  return ctx.translator.has(ctx.lang, key) ? ctx.translator.t(ctx.lang, key) : right;
}

function policyName(ctx: PageContext, p: Pick<PolicyTimes, 'policy' | 'title'>): string {
  return p.title ? p.title[ctx.lang] : p.policy;
}

function countsTable(ctx: PageContext, caption: string, colKey: string, rows: Array<[string, number]>): Html {
  return html`<table class="queue">
<caption class="sr">${caption}</caption>
<thead><tr><th scope="col">${rt(ctx, colKey)}</th><th scope="col">${rt(ctx, 'requests.col_count')}</th></tr></thead>
<tbody>${rows.map(([name, n]) => html`<tr><th scope="row">${name}</th><td>${num(ctx, n)}</td></tr>`)}</tbody>
</table>`;
}

function countsFigure(ctx: PageContext, id: string, title: string, colKey: string, rows: Array<[string, number]>): Html {
  const chart = barChart({
    id,
    title,
    description: rows.map(([name, n]) => `${name}: ${num(ctx, n)}`).join('; '),
    bars: rows.map(([name, n]) => ({ label: name, value: n, text: num(ctx, n) })),
  });
  return html`<figure class="report-figure">
<figcaption><h3>${title}</h3></figcaption>
${chart}
${countsTable(ctx, title, colKey, rows)}
</figure>`;
}

function requestsSection(ctx: PageContext, r: MonthlyReport): Html {
  const byRight = Object.entries(r.requests.byRight).map(([k, n]) => [rightName(ctx, k), n] as [string, number]);
  const byChannel = Object.entries(r.requests.byChannel).map(([k, n]) => [label(ctx, 'channel', k), n] as [string, number]);
  const byLanguage = Object.entries(r.requests.byLanguage).map(([k, n]) => [label(ctx, 'lang', k), n] as [string, number]);
  return html`<section aria-labelledby="requests-h">
<h2 id="requests-h">${rt(ctx, 'requests.heading')}</h2>
<p class="report-total"><strong>${rt(ctx, 'requests.total', { count: r.requests.total })}</strong></p>
<div class="columns">
<div>${countsFigure(ctx, 'chart-right', rt(ctx, 'requests.by_right'), 'requests.col_right', byRight)}</div>
<div>${countsFigure(ctx, 'chart-channel', rt(ctx, 'requests.by_channel'), 'requests.col_channel', byChannel)}</div>
</div>
<h3>${rt(ctx, 'requests.by_language')}</h3>
${countsTable(ctx, rt(ctx, 'requests.by_language'), 'requests.col_language', byLanguage)}
</section>`;
}

function timeChart(ctx: PageContext, id: string, heading: string, title: string, m: TimeMeasure): Html {
  if (m.count === 0 || m.median === null || m.p90 === null) {
    return html`<h4>${heading}</h4><p class="muted">${rt(ctx, 'times.none')}${m.limit !== null ? ` (${rt(ctx, 'times.limit')}: ${amount(ctx, m.unit, m.limit)})` : ''}</p>`;
  }
  const limitText = m.limit !== null ? rt(ctx, 'times.limit_line', { value: amount(ctx, m.unit, m.limit) }) : rt(ctx, 'times.no_limit');
  const bars = [
    { label: rt(ctx, 'times.median'), value: m.median, text: amount(ctx, m.unit, m.median) },
    { label: rt(ctx, 'times.p90'), value: m.p90, text: amount(ctx, m.unit, m.p90), fill: CHART_COLOURS.secondary },
  ];
  return html`<h4>${heading}</h4>
${barChart({
  id,
  title,
  description: `${bars.map((b) => `${b.label}: ${b.text}`).join('; ')}; ${limitText}`,
  bars,
  limit: m.limit !== null ? { value: m.limit, text: limitText } : undefined,
})}
${m.limit === null ? html`<p class="hint">${rt(ctx, 'times.no_limit')}</p>` : ''}`;
}

function timesSection(ctx: PageContext, r: MonthlyReport): Html {
  const row = (key: string, m: TimeMeasure) => html`<tr>
<th scope="row">${rt(ctx, key)}</th>
<td>${num(ctx, m.count)}</td>
<td>${m.median === null ? '—' : amount(ctx, m.unit, m.median)}</td>
<td>${m.p90 === null ? '—' : amount(ctx, m.unit, m.p90)}</td>
<td>${m.limit === null ? rt(ctx, 'times.no_limit') : amount(ctx, m.unit, m.limit)}</td>
</tr>`;
  return html`<section aria-labelledby="times-h">
<h2 id="times-h">${rt(ctx, 'times.heading')}</h2>
<p class="hint">${rt(ctx, 'times.intro')}</p>
${r.times.map((p, i) => html`<section aria-labelledby="policy-${i}-h">
<h3 id="policy-${i}-h">${rt(ctx, 'times.policy', { policy: policyName(ctx, p) })}</h3>
<div class="columns">
<div>${timeChart(ctx, `chart-ack-${i}`, rt(ctx, 'times.acknowledge_heading'), rt(ctx, 'times.acknowledge_chart', { policy: policyName(ctx, p) }), p.acknowledge)}</div>
<div>${timeChart(ctx, `chart-resolve-${i}`, rt(ctx, 'times.resolve_heading'), rt(ctx, 'times.resolve_chart', { policy: policyName(ctx, p) }), p.resolve)}</div>
</div>
<table class="queue">
<caption class="sr">${rt(ctx, 'times.policy', { policy: policyName(ctx, p) })}</caption>
<thead><tr><th scope="col">${rt(ctx, 'times.col_measure')}</th><th scope="col">${rt(ctx, 'times.col_count')}</th><th scope="col">${rt(ctx, 'times.col_median')}</th><th scope="col">${rt(ctx, 'times.col_p90')}</th><th scope="col">${rt(ctx, 'times.col_limit')}</th></tr></thead>
<tbody>${row('times.acknowledged', p.acknowledge)}${row('times.resolved', p.resolve)}</tbody>
</table>
</section>`)}
</section>`;
}

function onTimeSection(ctx: PageContext, r: MonthlyReport): Html {
  const titles = new Map(r.times.map((p) => [p.policy, policyName(ctx, p)]));
  const rows: Array<[string, OnTimeFigures]> = [[rt(ctx, 'on_time.all'), r.onTime], ...r.onTime.byPolicy.map((p) => [titles.get(p.policy) ?? p.policy, p] as [string, OnTimeFigures])];
  const text = (f: OnTimeFigures) => rt(ctx, 'on_time.bar', { share: pct(ctx, f.share), on_time: num(ctx, f.onTime), resolved: num(ctx, f.resolved) });
  const open = r.complete ? rt(ctx, 'on_time.open_past_due') : rt(ctx, 'on_time.open_past_due_now', { date: formatDate(ctx.lang, r.asOf) });
  return html`<section aria-labelledby="ontime-h">
<h2 id="ontime-h">${rt(ctx, 'on_time.heading')}</h2>
<p class="hint">${rt(ctx, 'on_time.intro')}</p>
${r.onTime.resolved === 0
  ? html`<p>${rt(ctx, 'on_time.none')}</p>`
  : html`${shareChart({
      id: 'chart-on-time',
      title: rt(ctx, 'on_time.chart'),
      description: rows.map(([name, f]) => `${name}: ${text(f)}`).join('; '),
      legend: [{ text: rt(ctx, 'on_time.on_time'), fill: CHART_COLOURS.good }, { text: rt(ctx, 'on_time.late'), fill: CHART_COLOURS.bad }],
      rows: rows.map(([name, f]) => ({ label: name, text: text(f), parts: [{ value: f.onTime, fill: CHART_COLOURS.good }, { value: f.late, fill: CHART_COLOURS.bad }] })),
    })}
<table class="queue">
<caption class="sr">${rt(ctx, 'on_time.chart')}</caption>
<thead><tr><th scope="col">${rt(ctx, 'on_time.col_policy')}</th><th scope="col">${rt(ctx, 'on_time.col_resolved')}</th><th scope="col">${rt(ctx, 'on_time.col_on_time')}</th><th scope="col">${rt(ctx, 'on_time.col_late')}</th><th scope="col">${rt(ctx, 'on_time.col_share')}</th></tr></thead>
<tbody>${rows.map(([name, f]) => html`<tr><th scope="row">${name}</th><td>${num(ctx, f.resolved)}</td><td>${num(ctx, f.onTime)}</td><td>${num(ctx, f.late)}</td><td>${pct(ctx, f.share)}</td></tr>`)}</tbody>
</table>`}
<p><strong>${open}: <span class="report-open-past-due">${num(ctx, r.onTime.openPastDue.count)}</span></strong></p>
</section>`;
}

function ticketLink(number: string): Html {
  return html`<a href="/tickets/${number}">${number}</a>`;
}

function extensionsSection(ctx: PageContext, r: MonthlyReport): Html {
  const e = r.extensions;
  return html`<section aria-labelledby="ext-h">
<h2 id="ext-h">${rt(ctx, 'extensions.heading')}</h2>
${e.count === 0
  ? html`<p>${rt(ctx, 'extensions.none')}</p>`
  : html`<p><strong>${rt(ctx, 'extensions.count', { count: e.count })}</strong></p>
<table class="queue">
<caption class="sr">${rt(ctx, 'extensions.heading')}</caption>
<thead><tr><th scope="col">${rt(ctx, 'extensions.col_ticket')}</th><th scope="col">${rt(ctx, 'extensions.col_date')}</th><th scope="col">${rt(ctx, 'extensions.col_duration')}</th><th scope="col">${rt(ctx, 'extensions.col_reason')}</th></tr></thead>
<tbody>${e.items.map((x) => html`<tr><th scope="row">${ticketLink(x.number)}</th><td><time datetime="${x.at}">${formatDate(ctx.lang, x.at)}</time></td><td>${x.duration ? amount(ctx, x.duration.unit, x.duration.value) : '—'}</td><td class="pre">${x.reason}</td></tr>`)}</tbody>
</table>`}
</section>`;
}

function escalationsSection(ctx: PageContext, r: MonthlyReport): Html {
  const e = r.escalations;
  return html`<section aria-labelledby="esc-h">
<h2 id="esc-h">${rt(ctx, 'escalations.heading')}</h2>
<dl class="grid">
<dt>${rt(ctx, 'escalations.count')}</dt><dd>${num(ctx, e.count)}</dd>
<dt>${rt(ctx, 'escalations.automatic')}</dt><dd>${num(ctx, e.automatic)}</dd>
<dt>${rt(ctx, 'escalations.by_officers')}</dt><dd>${num(ctx, e.byOfficers)}</dd>
<dt>${rt(ctx, 'escalations.appeals')}</dt><dd>${num(ctx, e.appeals)}</dd>
<dt>${rt(ctx, 'escalations.board')}</dt><dd>${num(ctx, r.board.count)}</dd>
</dl>
${e.byLevel.length > 0
  ? html`<table class="queue">
<caption class="sr">${rt(ctx, 'escalations.count')}</caption>
<thead><tr><th scope="col">${rt(ctx, 'escalations.col_level')}</th><th scope="col">${rt(ctx, 'escalations.col_count')}</th></tr></thead>
<tbody>${e.byLevel.map((l) => html`<tr><th scope="row">${label(ctx, 'role', l.role)}</th><td>${num(ctx, l.count)}</td></tr>`)}</tbody>
</table>`
  : ''}
<h3>${rt(ctx, 'escalations.board')}</h3>
<p class="hint">${rt(ctx, 'escalations.board_note')}</p>
${r.board.count === 0
  ? html`<p>${rt(ctx, 'escalations.board_none')}</p>`
  : html`<table class="queue">
<caption class="sr">${rt(ctx, 'escalations.board')}</caption>
<thead><tr><th scope="col">${rt(ctx, 'escalations.col_ticket')}</th><th scope="col">${rt(ctx, 'escalations.col_date')}</th></tr></thead>
<tbody>${r.board.items.map((b) => html`<tr><th scope="row">${ticketLink(b.number)}</th><td><time datetime="${b.at}">${formatDate(ctx.lang, b.at)}</time></td></tr>`)}</tbody>
</table>`}
</section>`;
}

function qualitySection(ctx: PageContext, r: MonthlyReport, rubric: ReportsPageData['rubric']): Html {
  const q = r.quality;
  const names = new Map(rubric.map((c) => [c.id, c.title[ctx.lang]]));
  const criteria = q.criteria.map((c) => ({ name: names.get(c.id) ?? c.id, ...c }));
  const ratings = Object.entries(r.ratings.distribution).map(([k, n]) => [rt(ctx, 'ratings.value', { rating: k }), n] as [string, number]);
  return html`<section aria-labelledby="quality-h">
<h2 id="quality-h">${rt(ctx, 'quality.heading')}</h2>
${q.reviews === 0
  ? html`<p>${rt(ctx, 'quality.no_reviews')}</p>`
  : html`<p><strong>${rt(ctx, 'quality.reviews', { count: q.reviews })}</strong>${q.overall !== null ? html`. ${rt(ctx, 'quality.overall', { average: num(ctx, q.overall) })}` : ''}</p>
${barChart({
  id: 'chart-quality',
  title: rt(ctx, 'quality.chart'),
  description: criteria.map((c) => `${c.name}: ${c.average === null ? '—' : num(ctx, c.average)}`).join('; '),
  bars: criteria.map((c) => ({ label: c.name, value: c.average ?? 0, text: c.average === null ? '—' : num(ctx, c.average) })),
  max: 5,
})}
<table class="queue">
<caption class="sr">${rt(ctx, 'quality.chart')}</caption>
<thead><tr><th scope="col">${rt(ctx, 'quality.col_criterion')}</th><th scope="col">${rt(ctx, 'quality.col_average')}</th><th scope="col">${rt(ctx, 'quality.col_count')}</th></tr></thead>
<tbody>${criteria.map((c) => html`<tr><th scope="row">${c.name}</th><td>${c.average === null ? '—' : num(ctx, c.average)}</td><td>${num(ctx, c.count)}</td></tr>`)}</tbody>
</table>`}
<h3>${rt(ctx, 'ratings.heading')}</h3>
${r.ratings.count === 0
  ? html`<p>${rt(ctx, 'ratings.none')}</p>`
  : html`<p><strong>${rt(ctx, 'ratings.count', { count: r.ratings.count })}</strong>. ${rt(ctx, 'ratings.average', { average: num(ctx, r.ratings.average ?? 0) })}</p>
${barChart({
  id: 'chart-ratings',
  title: rt(ctx, 'ratings.chart'),
  description: ratings.map(([name, n]) => `${name}: ${num(ctx, n)}`).join('; '),
  bars: ratings.map(([name, n]) => ({ label: name, value: n, text: num(ctx, n) })),
})}
<table class="queue">
<caption class="sr">${rt(ctx, 'ratings.chart')}</caption>
<thead><tr><th scope="col">${rt(ctx, 'ratings.col_rating')}</th><th scope="col">${rt(ctx, 'ratings.col_count')}</th></tr></thead>
<tbody>${ratings.map(([name, n]) => html`<tr><th scope="row">${name}</th><td>${num(ctx, n)}</td></tr>`)}</tbody>
</table>`}
</section>`;
}

function monthNav(ctx: PageContext, month: string, currentMonth: string, typed?: string, department?: string): Html {
  const prev = shiftMonth(month, -1);
  const next = shiftMonth(month, 1);
  const dq = department === undefined ? '' : `&department=${encodeURIComponent(department)}`;
  return html`<nav aria-label="${rt(ctx, 'nav.label')}" class="row report-nav">
<a href="/reports?month=${prev}${dq}" rel="prev" aria-label="${rt(ctx, 'nav.prev_label', { month: monthName(ctx.lang, prev) })}">${rt(ctx, 'nav.prev', { month: monthName(ctx.lang, prev) })}</a>
${next <= currentMonth ? html`<a href="/reports?month=${next}${dq}" rel="next" aria-label="${rt(ctx, 'nav.next_label', { month: monthName(ctx.lang, next) })}">${rt(ctx, 'nav.next', { month: monthName(ctx.lang, next) })}</a>` : ''}
<form method="get" action="/reports" class="row">
${department === undefined ? '' : html`<input type="hidden" name="department" value="${department}">`}
<div class="field"><label for="report-month">${rt(ctx, 'nav.month')}</label>
<input id="report-month" name="month" type="month" value="${typed ?? month}" max="${currentMonth}" pattern="[0-9]{4}-[0-9]{2}"></div>
<div class="field"><button type="submit">${rt(ctx, 'nav.show')}</button></div>
</form>
</nav>`;
}

/** The monthly report: figures, charts with their tables, downloads and month navigation. */
export function reportsPage(ctx: PageContext, data: ReportsPageData): Html {
  const r = data.report;
  const title = rt(ctx, 'heading', { month: monthName(ctx.lang, r.month) });
  const notice: Notice | undefined = r.complete ? undefined : { kind: 'ok', text: rt(ctx, 'under_way', { date: formatDate(ctx.lang, r.asOf) }) };
  const d = data.departments;
  const dq = d === undefined ? '' : `&department=${encodeURIComponent(d.current)}`;
  const body = html`<h1>${title}</h1>
${d ? departmentNav(ctx, r.month, d) : ''}
${monthNav(ctx, r.month, data.currentMonth, undefined, d?.current)}
<p>${rt(ctx, 'nav.downloads')}: <a href="/reports.csv?month=${r.month}${dq}" download>${rt(ctx, 'nav.csv')}</a> · <a href="/reports.json?month=${r.month}${dq}" download>${rt(ctx, 'nav.json')}</a></p>
${d?.split ? splitSection(ctx, r.month, d.split) : ''}
<p class="hint">${rt(ctx, 'intro')}</p>
${requestsSection(ctx, r)}
${timesSection(ctx, r)}
${onTimeSection(ctx, r)}
${extensionsSection(ctx, r)}
${escalationsSection(ctx, r)}
${qualitySection(ctx, r, data.rubric)}
<section aria-labelledby="method-h">
<h2 id="method-h">${rt(ctx, 'method.heading')}</h2>
<p>${rt(ctx, 'method.months')}</p>
<p>${rt(ctx, 'method.times')}</p>
<p>${rt(ctx, 'method.percentiles')}</p>
<p>${rt(ctx, 'method.on_time')}</p>
</section>`;
  return layout(ctx, title, body, { notice, current: '/reports' });
}

/** A month not written YYYY-MM: the month form again, with what was typed and the reason. */
export function badMonthPage(ctx: PageContext, typed: string, currentMonth: string): Html {
  const title = rt(ctx, 'title');
  return layout(ctx, title, html`<h1>${title}</h1>${monthNav(ctx, currentMonth, currentMonth, typed)}`, {
    notice: { kind: 'error', text: rt(ctx, 'bad_month') },
    current: '/reports',
  });
}

/** A text of the `departments` namespace's report section. */
function dt(ctx: PageContext, key: string, params: Record<string, ParamValue> = {}): string {
  return ctx.translator.t(ctx.lang, `departments:report.${key}`, params);
}

/** Whose report: the whole organisation (for those who may read it) or one of the officer's departments. */
function departmentNav(ctx: PageContext, month: string, d: NonNullable<ReportsPageData['departments']>): Html {
  const link = (id: string, name: string) =>
    id === d.current ? html`<strong aria-current="page">${name}</strong>` : html`<a href="/reports?month=${month}&department=${encodeURIComponent(id)}">${name}</a>`;
  return html`<nav aria-label="${dt(ctx, 'nav_label')}" class="row report-nav">
${d.orgWide ? link('', dt(ctx, 'whole')) : ''}
${d.choices.map((c) => link(c.id, c.name[ctx.lang]))}
</nav>`;
}

/** The month's headline figures per department beside the organisation's. */
function splitSection(ctx: PageContext, month: string, split: NonNullable<NonNullable<ReportsPageData['departments']>['split']>): Html {
  const n = (x: number | null) => (x === null ? '—' : num(ctx, x));
  return html`<section aria-labelledby="split-h">
<h2 id="split-h">${dt(ctx, 'split_heading')}</h2>
<table class="queue">
<thead><tr><th scope="col">${dt(ctx, 'col_department')}</th><th scope="col">${dt(ctx, 'col_received')}</th><th scope="col">${dt(ctx, 'col_resolved')}</th><th scope="col">${dt(ctx, 'col_on_time')}</th><th scope="col">${dt(ctx, 'col_open_past_due')}</th><th scope="col">${dt(ctx, 'col_escalations')}</th><th scope="col">${dt(ctx, 'col_transfers_in')}</th><th scope="col">${dt(ctx, 'col_transfers_out')}</th></tr></thead>
<tbody>${split.map((s) => html`<tr><th scope="row">${s.department === 'all' ? dt(ctx, 'whole') : html`<a href="/reports?month=${month}&department=${encodeURIComponent(s.department)}">${s.name ? s.name[ctx.lang] : s.department}</a>`}</th><td>${num(ctx, s.received)}</td><td>${num(ctx, s.resolved)}</td><td>${pct(ctx, s.onTimeShare)}</td><td>${num(ctx, s.openPastDue)}</td><td>${num(ctx, s.escalations)}</td><td>${n(s.transfersIn)}</td><td>${n(s.transfersOut)}</td></tr>`)}</tbody>
</table>
</section>`;
}
