import type { ParamValue } from '../../engine/events.ts';
import { formatDate } from '../../i18n/i18n.ts';
import type { Profile } from '../../profile/schema.ts';
import type { QualityService } from '../../quality/quality-service.ts';
import { html, type Html } from '../html.ts';
import { label, when, type PageContext } from './context.ts';
import { layout, type Notice } from './layout.ts';

type Queue = Awaited<ReturnType<QualityService['queue']>>;
type Mine = Awaited<ReturnType<QualityService['myScores']>>;
export type Rubric = Profile['quality']['rubric'];

/** A text of the `quality` namespace in the officer's language. */
export function qt(ctx: PageContext, key: string, params: Record<string, ParamValue> = {}): string {
  return ctx.translator.t(ctx.lang, `quality:${key}`, params);
}

/** An average as the desk shows it: one or two decimals, or a dash when nothing was scored. */
export function score(ctx: PageContext, n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return new Intl.NumberFormat(ctx.lang === 'hi' ? 'hi-IN' : 'en-IN', { minimumFractionDigits: 1, maximumFractionDigits: 2 }).format(n);
}

/** A period by its first day: "16 November 2026". */
export function periodLabel(ctx: PageContext, period: string): string {
  return formatDate(ctx.lang, period);
}

/** `channel|language|kind` in words. */
export function stratumLabel(ctx: PageContext, stratum: string): string {
  const [channel = '', language = '', kind = ''] = stratum.split('|');
  return `${label(ctx, 'channel', channel)} · ${label(ctx, 'lang', language)} · ${label(ctx, 'kind', kind)}`;
}

/** The sub-navigation of the quality pages; `current` is marked for assistive technology. */
export function qualityNav(ctx: PageContext, current: string, links: ReadonlyArray<{ href: string; key: string }>): Html {
  if (links.length < 2) return html``;
  return html`<nav aria-label="${qt(ctx, 'nav.label')}"><ul class="counts">${links.map((l) => html`<li><a href="${l.href}"${l.href === current ? html` aria-current="page"` : ''}>${qt(ctx, l.key)}</a></li>`)}</ul></nav>`;
}

export function qualityLinks(opts: { reviewer: boolean; worker: boolean }): Array<{ href: string; key: string }> {
  const out: Array<{ href: string; key: string }> = [];
  if (opts.reviewer) out.push({ href: '/quality', key: 'nav.queue' });
  if (opts.worker) out.push({ href: opts.reviewer ? '/quality#mine-h' : '/quality', key: 'nav.mine' });
  if (opts.reviewer) out.push({ href: '/quality/trends', key: 'nav.trends' });
  return out;
}

function queueSection(ctx: PageContext, q: Queue, everyDays: number): Html {
  return html`<section aria-labelledby="queue-h"><h2 id="queue-h">${qt(ctx, 'queue.heading')}</h2>
<p class="hint">${qt(ctx, 'queue.intro', { days: everyDays })}</p>
${q.total === 0
  ? html`<p>${qt(ctx, 'queue.empty')}</p>`
  : html`<p>${qt(ctx, 'queue.count', { count: q.total })}</p>
<table class="queue"><thead><tr>
  <th scope="col">${qt(ctx, 'queue.ticket')}</th><th scope="col">${qt(ctx, 'queue.stratum')}</th><th scope="col">${qt(ctx, 'queue.finished')}</th>
  <th scope="col">${qt(ctx, 'queue.officer')}</th><th scope="col">${qt(ctx, 'queue.period')}</th><th scope="col">${qt(ctx, 'queue.since')}</th><th scope="col"><span class="sr">${qt(ctx, 'queue.open')}</span></th>
</tr></thead><tbody>
${q.items.map((r) => html`<tr>
  <th scope="row" data-label="${qt(ctx, 'queue.ticket')}">${r.number}</th>
  <td data-label="${qt(ctx, 'queue.stratum')}">${stratumLabel(ctx, r.stratum)}</td>
  <td data-label="${qt(ctx, 'queue.finished')}">${when(ctx, r.finishedAt)}</td>
  <td data-label="${qt(ctx, 'queue.officer')}">${r.officer ? r.officer.name : qt(ctx, 'review.nobody')}</td>
  <td data-label="${qt(ctx, 'queue.period')}">${periodLabel(ctx, r.period)}</td>
  <td data-label="${qt(ctx, 'queue.since')}"><time datetime="${r.createdAt}">${when(ctx, r.createdAt)}</time></td>
  <td><a href="/quality/reviews/${r.id}" aria-label="${qt(ctx, 'queue.open_label', { number: r.number })}">${qt(ctx, 'queue.open')}</a></td>
</tr>`)}
</tbody></table>`}
</section>`;
}

/** A table of the average per criterion (rows) with the overall average last. */
export function averageTable(ctx: PageContext, rubric: Rubric, avg: { average: Record<string, number | null>; overall: number | null; count: number }, caption: string): Html {
  return html`<table class="queue"><caption>${caption}</caption>
<thead><tr><th scope="col">${qt(ctx, 'mine.criterion')}</th><th scope="col">${qt(ctx, 'mine.mean')}</th></tr></thead><tbody>
${rubric.map((c) => html`<tr><th scope="row">${c.title[ctx.lang]}</th><td data-label="${qt(ctx, 'mine.mean')}">${score(ctx, avg.average[c.id])}</td></tr>`)}
<tr><th scope="row">${qt(ctx, 'mine.overall')}</th><td data-label="${qt(ctx, 'mine.mean')}"><strong>${score(ctx, avg.overall)}</strong></td></tr>
</tbody></table>`;
}

function mineSection(ctx: PageContext, m: Mine, rubric: Rubric): Html {
  return html`<section aria-labelledby="mine-h"><h2 id="mine-h">${qt(ctx, 'mine.heading')}</h2>
<p class="hint">${qt(ctx, 'mine.intro')}</p>
${m.items.length === 0
  ? html`<p>${qt(ctx, 'mine.empty')}</p>`
  : html`<h3>${qt(ctx, 'mine.average')}</h3>
${averageTable(ctx, rubric, m, qt(ctx, 'mine.average_caption', { count: m.count }))}
<table class="queue"><caption>${qt(ctx, 'mine.list')}</caption><thead><tr>
  <th scope="col">${qt(ctx, 'mine.ticket')}</th><th scope="col">${qt(ctx, 'queue.stratum')}</th><th scope="col">${qt(ctx, 'mine.reviewed')}</th>
  ${rubric.map((c) => html`<th scope="col">${c.title[ctx.lang]}</th>`)}
  <th scope="col">${qt(ctx, 'mine.notes')}</th>
</tr></thead><tbody>
${m.items.map((r) => html`<tr>
  <th scope="row" data-label="${qt(ctx, 'mine.ticket')}"><a href="/quality/reviews/${r.id}">${r.number}</a></th>
  <td data-label="${qt(ctx, 'queue.stratum')}">${stratumLabel(ctx, r.stratum)}</td>
  <td data-label="${qt(ctx, 'mine.reviewed')}">${when(ctx, r.reviewedAt)}</td>
  ${rubric.map((c) => html`<td data-label="${c.title[ctx.lang]}">${r.scores?.[c.id] ?? '—'}</td>`)}
  <td data-label="${qt(ctx, 'mine.notes')}" class="pre">${r.notes ?? qt(ctx, 'mine.no_notes')}</td>
</tr>`)}
</tbody></table>`}
</section>`;
}

/**
 * /quality: reviewers and the admin get the queue of sampled conversations; officers (and the
 * admin, who also works tickets) their own scores.
 */
export function qualityPage(ctx: PageContext, v: { queue?: Queue; mine?: Mine; rubric: Rubric; everyDays: number }, notice?: Notice): Html {
  const body = html`<h1>${qt(ctx, 'title')}</h1>
${qualityNav(ctx, '/quality', qualityLinks({ reviewer: v.queue !== undefined, worker: v.mine !== undefined }))}
${v.queue ? queueSection(ctx, v.queue, v.everyDays) : ''}
${v.mine ? mineSection(ctx, v.mine, v.rubric) : ''}`;
  return layout(ctx, qt(ctx, 'title'), body, { notice, current: '/quality' });
}
