import type { QualityService } from '../../quality/quality-service.ts';
import { html, type Html } from '../html.ts';
import type { PageContext } from './context.ts';
import { layout, type Notice } from './layout.ts';
import { periodLabel, qt, qualityLinks, qualityNav, score, type Rubric } from './quality.ts';

type Trends = Awaited<ReturnType<QualityService['trends']>>;

/** The prompt of a step in the officer's language (undefined: the step asks nothing). */
export type PromptOf = (flow: string, step: string) => string | undefined;

/**
 * A small line of the overall average per period (1 at the bottom, 5 at the top), one point per
 * period of the table; a period without reviews leaves a gap. The values are also in the table
 * and in the image's accessible name.
 */
export function sparkline(ctx: PageContext, periods: readonly string[], byPeriod: ReadonlyArray<{ period: string; overall: number | null }>): Html {
  const w = 128;
  const h = 32;
  const values = new Map(byPeriod.map((p) => [p.period, p.overall]));
  const step = periods.length > 1 ? (w - 8) / (periods.length - 1) : 0;
  const x = (i: number) => (periods.length > 1 ? 4 + i * step : w / 2);
  const y = (v: number) => h - 4 - ((v - 1) / 4) * (h - 8);
  const segments: string[][] = [];
  let current: string[] = [];
  const dots: Array<{ cx: number; cy: number }> = [];
  periods.forEach((p, i) => {
    const v = values.get(p);
    if (v === null || v === undefined) {
      if (current.length) segments.push(current);
      current = [];
      return;
    }
    const pt = { cx: Math.round(x(i) * 10) / 10, cy: Math.round(y(v) * 10) / 10 };
    dots.push(pt);
    current.push(`${pt.cx},${pt.cy}`);
  });
  if (current.length) segments.push(current);
  const described = periods
    .filter((p) => values.get(p) !== null && values.get(p) !== undefined)
    .map((p) => `${periodLabel(ctx, p)}: ${score(ctx, values.get(p))}`)
    .join('; ');
  const name = qt(ctx, 'trends.trend_label', { values: described });
  return html`<svg width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${name}"><title>${name}</title>
<line x1="0" y1="${y(3)}" x2="${w}" y2="${y(3)}" stroke="#c8c8c8" stroke-dasharray="2 2"/>
${segments.filter((s) => s.length > 1).map((s) => html`<polyline points="${s.join(' ')}" fill="none" stroke="#12345a" stroke-width="2"/>`)}
${dots.map((d) => html`<circle cx="${d.cx}" cy="${d.cy}" r="2.5" fill="#12345a"/>`)}
</svg>`;
}

function officerName(ctx: PageContext, o: { name: string } | null): string {
  return o ? o.name : qt(ctx, 'trends.nobody');
}

function stepCell(ctx: PageContext, promptOf: PromptOf, flow: string, step: string): Html {
  const prompt = promptOf(flow, step);
  return html`<td data-label="${qt(ctx, 'trends.question')}">${prompt ?? html`<span class="muted">${qt(ctx, 'trends.no_question')}</span>`}</td>`;
}

/** Trends for reviewers and the admin: scores per officer and period, and where citizens give up or ask for an officer. */
export function trendsPage(ctx: PageContext, v: Trends, rubric: Rubric, promptOf: PromptOf, opts: { periods: number; notice?: Notice }): Html {
  const body = html`<h1>${qt(ctx, 'trends.heading')}</h1>
${qualityNav(ctx, '/quality/trends', qualityLinks({ reviewer: true, worker: ctx.officer?.role === 'admin' }))}
<form method="get" action="/quality/trends" class="row" aria-label="${qt(ctx, 'trends.options')}">
  <div class="field"><label for="periods">${qt(ctx, 'trends.periods')}</label><input id="periods" name="periods" type="number" min="1" max="52" value="${opts.periods}" inputmode="numeric"></div>
  <div class="field"><label for="idleDays">${qt(ctx, 'trends.idle_days')}</label><input id="idleDays" name="idleDays" type="number" min="1" max="365" value="${v.idleDays}" inputmode="numeric"></div>
  <div class="field"><label for="sinceDays">${qt(ctx, 'trends.since_days')}</label><input id="sinceDays" name="sinceDays" type="number" min="1" max="365" value="${v.sinceDays}" inputmode="numeric"></div>
  <button type="submit">${qt(ctx, 'trends.apply')}</button>
</form>

<section aria-labelledby="off-h"><h2 id="off-h">${qt(ctx, 'trends.officers')}</h2>
<p class="hint">${qt(ctx, 'trends.intro', { from: periodLabel(ctx, v.from) })}</p>
${v.officers.length === 0
  ? html`<p>${qt(ctx, 'trends.officers_empty')}</p>`
  : html`<table class="queue" id="by-officer"><thead><tr>
  <th scope="col">${qt(ctx, 'trends.officer')}</th><th scope="col">${qt(ctx, 'trends.reviews')}</th>
  ${rubric.map((c) => html`<th scope="col">${c.title[ctx.lang]}</th>`)}
  <th scope="col">${qt(ctx, 'trends.overall')}</th><th scope="col">${qt(ctx, 'trends.trend')}</th>
</tr></thead><tbody>
${v.officers.map((o) => html`<tr>
  <th scope="row" data-label="${qt(ctx, 'trends.officer')}">${officerName(ctx, o.officer)}</th>
  <td data-label="${qt(ctx, 'trends.reviews')}">${o.count}</td>
  ${rubric.map((c) => html`<td data-label="${c.title[ctx.lang]}">${score(ctx, o.average[c.id])}</td>`)}
  <td data-label="${qt(ctx, 'trends.overall')}"><strong>${score(ctx, o.overall)}</strong></td>
  <td data-label="${qt(ctx, 'trends.trend')}">${sparkline(ctx, v.periods, o.byPeriod)}</td>
</tr>`)}
</tbody></table>

<h3 id="per-h">${qt(ctx, 'trends.by_period')}</h3>
<table class="queue" id="by-period" aria-labelledby="per-h"><thead><tr>
  <th scope="col">${qt(ctx, 'trends.officer')}</th><th scope="col">${qt(ctx, 'trends.period')}</th><th scope="col">${qt(ctx, 'trends.reviews')}</th>
  ${rubric.map((c) => html`<th scope="col">${c.title[ctx.lang]}</th>`)}
  <th scope="col">${qt(ctx, 'trends.overall')}</th>
</tr></thead><tbody>
${v.officers.map((o) => o.byPeriod.map((p) => html`<tr>
  <th scope="row" data-label="${qt(ctx, 'trends.officer')}">${officerName(ctx, o.officer)}</th>
  <td data-label="${qt(ctx, 'trends.period')}"><time datetime="${p.period}">${periodLabel(ctx, p.period)}</time></td>
  <td data-label="${qt(ctx, 'trends.reviews')}">${p.count}</td>
  ${rubric.map((c) => html`<td data-label="${c.title[ctx.lang]}">${score(ctx, p.average[c.id])}</td>`)}
  <td data-label="${qt(ctx, 'trends.overall')}">${score(ctx, p.overall)}</td>
</tr>`))}
</tbody></table>`}
</section>

<section aria-labelledby="gu-h"><h2 id="gu-h">${qt(ctx, 'trends.steps')}</h2>
<p class="hint">${qt(ctx, 'trends.steps_intro', { days: v.idleDays })}</p>
${v.giveUps.length === 0
  ? html`<p>${qt(ctx, 'trends.steps_empty')}</p>`
  : html`<table class="queue" id="give-ups"><thead><tr>
  <th scope="col">${qt(ctx, 'trends.step')}</th><th scope="col">${qt(ctx, 'trends.question')}</th><th scope="col">${qt(ctx, 'trends.conversations')}</th>
</tr></thead><tbody>
${v.giveUps.map((g) => html`<tr>
  <th scope="row" data-label="${qt(ctx, 'trends.step')}"><code class="nowrap">${g.flow}/${g.step}</code></th>
  ${stepCell(ctx, promptOf, g.flow, g.step)}
  <td data-label="${qt(ctx, 'trends.conversations')}">${g.count}</td>
</tr>`)}
</tbody></table>`}
</section>

<section aria-labelledby="ho-h"><h2 id="ho-h">${qt(ctx, 'trends.handoffs')}</h2>
<p class="hint">${qt(ctx, 'trends.handoffs_intro', { days: v.sinceDays })}</p>
${v.handoffs.length === 0
  ? html`<p>${qt(ctx, 'trends.handoffs_empty')}</p>`
  : html`<table class="queue" id="handoffs"><thead><tr>
  <th scope="col">${qt(ctx, 'trends.step')}</th><th scope="col">${qt(ctx, 'trends.question')}</th>
  <th scope="col">${qt(ctx, 'trends.asked')}</th><th scope="col">${qt(ctx, 'trends.stuck')}</th>${v.handoffs.some((x) => x.other > 0) ? html`<th scope="col">${qt(ctx, 'trends.other')}</th>` : ''}<th scope="col">${qt(ctx, 'trends.total')}</th>
</tr></thead><tbody>
${v.handoffs.map((x) => html`<tr>
  ${x.known
    ? html`<th scope="row" data-label="${qt(ctx, 'trends.step')}"><code class="nowrap">${x.flow}/${x.step}</code></th>${stepCell(ctx, promptOf, x.flow, x.step)}`
    : html`<th scope="row" data-label="${qt(ctx, 'trends.step')}">${qt(ctx, 'trends.unknown_step')}</th><td data-label="${qt(ctx, 'trends.question')}">—</td>`}
  <td data-label="${qt(ctx, 'trends.asked')}">${x.citizenAsked}</td>
  <td data-label="${qt(ctx, 'trends.stuck')}">${x.stuck}</td>
  ${v.handoffs.some((y) => y.other > 0) ? html`<td data-label="${qt(ctx, 'trends.other')}">${x.other}</td>` : ''}
  <td data-label="${qt(ctx, 'trends.total')}"><strong>${x.total}</strong></td>
</tr>`)}
</tbody></table>`}
</section>`;
  return layout(ctx, qt(ctx, 'trends.heading'), body, { notice: opts.notice, current: '/quality' });
}
