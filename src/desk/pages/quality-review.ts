import type { QualityService } from '../../quality/quality-service.ts';
import { NOTES_MAX } from '../../quality/quality-service.ts';
import { html, type Html } from '../html.ts';
import { label, t, when, type PageContext } from './context.ts';
import { csrfField, layout, type Notice } from './layout.ts';
import { periodLabel, qt, stratumLabel, type Rubric } from './quality.ts';
import { transcriptList } from './transcript.ts';
import { fieldList, historyList } from './ticket-parts.ts';

type Review = Awaited<ReturnType<QualityService['review']>>;

/** What the reviewer sent, kept when the form comes back with an error. */
export interface ScoreFormState {
  scores: Partial<Record<string, number>>;
  notes: string;
  /** Criteria left without a score. */
  missing: readonly string[];
  notesTooLong: boolean;
}

/** One radio group per criterion, in a fieldset whose legend names it; 1–5 with words. */
function scoreForm(ctx: PageContext, v: Review, rubric: Rubric, state: ScoreFormState | undefined): Html {
  const missing = new Set(state?.missing ?? []);
  return html`<form method="post" action="/quality/reviews/${v.id}" class="stack" novalidate>${csrfField(ctx)}
<p class="hint">${qt(ctx, 'review.form_intro')}</p>
${rubric.map((c) => {
  const bad = missing.has(c.id);
  const described = [c.description ? `d-${c.id}` : '', bad ? `e-${c.id}` : ''].filter(Boolean).join(' ');
  return html`<fieldset id="c-${c.id}" class="criterion${bad ? ' bad' : ''}">
  <legend><strong>${c.title[ctx.lang]}</strong></legend>
  ${c.description ? html`<p class="hint" id="d-${c.id}">${c.description[ctx.lang]}</p>` : ''}
  ${bad ? html`<p class="notice error" id="e-${c.id}">${qt(ctx, 'error.missing_field')}</p>` : ''}
  <div class="scale">
  ${[1, 2, 3, 4, 5].map((n) => html`<label><input type="radio" name="score_${c.id}" value="${n}" required${state?.scores[c.id] === n ? html` checked` : ''}${described ? html` aria-describedby="${described}"` : ''}${bad ? html` aria-invalid="true"` : ''}> ${n} — ${qt(ctx, `review.scale_${n}`)}</label>`)}
  </div>
</fieldset>`;
})}
<label for="notes">${qt(ctx, 'review.notes')}</label>
<p class="hint tight" id="notes-hint">${qt(ctx, 'review.notes_hint')}</p>
${state?.notesTooLong ? html`<p class="notice error tight" id="notes-error">${qt(ctx, 'error.notes_long', { max: NOTES_MAX })}</p>` : ''}
<textarea id="notes" name="notes" rows="4" maxlength="${NOTES_MAX}" aria-describedby="notes-hint${state?.notesTooLong ? ' notes-error' : ''}"${state?.notesTooLong ? html` aria-invalid="true"` : ''}>${state?.notes ?? ''}</textarea>
<button type="submit">${qt(ctx, 'review.submit')}</button>
</form>`;
}

function givenScores(ctx: PageContext, v: Review, rubric: Rubric): Html {
  return html`${v.reviewer && v.reviewedAt ? html`<p class="meta">${qt(ctx, 'review.by', { name: v.reviewer.name, at: when(ctx, v.reviewedAt) })}</p>` : ''}
<table class="queue"><caption>${qt(ctx, 'review.scores')}</caption>
<thead><tr><th scope="col">${qt(ctx, 'review.criterion')}</th><th scope="col">${qt(ctx, 'review.score')}</th></tr></thead><tbody>
${rubric.map((c) => {
  const s = v.scores?.[c.id];
  return html`<tr><th scope="row">${c.title[ctx.lang]}</th><td data-label="${qt(ctx, 'review.score')}">${typeof s === 'number' ? html`${qt(ctx, 'review.score_of', { score: s })} (${qt(ctx, `review.scale_${s}`)})` : '—'}</td></tr>`;
})}
</tbody></table>
${v.notes ? html`<h3>${qt(ctx, 'mine.notes')}</h3><p class="pre">${v.notes}</p>` : ''}`;
}

/** A sampled conversation: the ticket, its history, the redacted transcript, and the scores form (or the scores given). */
export function reviewPage(ctx: PageContext, v: Review, rubric: Rubric, opts: { notice?: Notice; state?: ScoreFormState } = {}): Html {
  const tk = v.ticket;
  const title = qt(ctx, 'review.title', { number: tk.number });
  const body = html`<p><a href="/quality">← ${qt(ctx, 'review.back')}</a></p>
<h1>${title} <span class="tag">${v.status === 'done' ? qt(ctx, 'review.done') : qt(ctx, 'review.pending')}</span></h1>
<p class="meta">${stratumLabel(ctx, v.stratum)} · ${qt(ctx, 'review.period', { date: periodLabel(ctx, v.period) })}</p>
<div class="columns">
<div>
<section aria-labelledby="sum-h"><h2 id="sum-h">${qt(ctx, 'review.summary')}</h2>
<dl class="grid">
  <dt>${qt(ctx, 'review.status')}</dt><dd>${label(ctx, 'status', tk.status)}</dd>
  <dt>${qt(ctx, 'review.kind')}</dt><dd>${label(ctx, 'kind', tk.kind)}</dd>
  <dt>${qt(ctx, 'review.channel')}</dt><dd>${label(ctx, 'channel', tk.channel)}</dd>
  <dt>${qt(ctx, 'review.language')}</dt><dd>${label(ctx, 'lang', tk.language)}</dd>
  <dt>${qt(ctx, 'review.received')}</dt><dd>${when(ctx, tk.createdAt)}</dd>
  <dt>${qt(ctx, 'review.due')}</dt><dd>${when(ctx, tk.dueAt)}</dd>
  <dt>${qt(ctx, 'review.acknowledged')}</dt><dd>${when(ctx, tk.acknowledgedAt)}</dd>
  <dt>${qt(ctx, 'review.resolved')}</dt><dd>${when(ctx, tk.resolvedAt)}</dd>
  <dt>${qt(ctx, 'review.closed')}</dt><dd>${when(ctx, tk.closedAt)}</dd>
  <dt>${qt(ctx, 'review.officer')}</dt><dd>${v.officer ? v.officer.name : qt(ctx, 'review.nobody')}</dd>
</dl>
${tk.breachedAt ? html`<p class="notice error">${t(ctx, 'ticket.breached', { at: when(ctx, tk.breachedAt) })}</p>` : ''}
</section>
<section aria-labelledby="req-h"><h2 id="req-h">${qt(ctx, 'review.request')}</h2>
${fieldList(ctx, tk.fields)}
</section>
<section aria-labelledby="hist-h"><h2 id="hist-h">${qt(ctx, 'review.history')}</h2>
${historyList(ctx, v.history, v.officers)}
</section>
</div>
<div>
<section aria-labelledby="tr-h" class="transcript-box"><h2 id="tr-h">${qt(ctx, 'review.transcript')}</h2>
<p class="hint">${qt(ctx, 'review.transcript_note')}</p>
${v.transcript.length === 0
  ? html`<p>${qt(ctx, 'review.transcript_empty')}</p>`
  : transcriptList(ctx, v.transcript, { stream: '', lastId: v.transcript.at(-1)?.id ?? 0, status: tk.status })}
</section>
<section aria-labelledby="form-h"><h2 id="form-h">${qt(ctx, 'review.form')}</h2>
${v.status === 'done'
  ? givenScores(ctx, v, rubric)
  : v.canScore
    ? scoreForm(ctx, v, rubric, opts.state)
    : html`<p>${qt(ctx, 'review.own')}</p>`}
</section>
</div>
</div>`;
  return layout(ctx, title, body, { notice: opts.notice, current: '/quality' });
}
