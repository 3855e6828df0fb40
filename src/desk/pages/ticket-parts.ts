import { html, type Html } from '../html.ts';
import { label, t, when, type PageContext } from './context.ts';

/** An event of a ticket's history as the desk shows it (see `ticketDetail`). */
export interface HistoryItem {
  at: string;
  actor: string;
  kind: string;
  from: string | null;
  to: string | null;
  reason: string | null;
}

/** `citizen`, `system` or `officer:<id>` as a name the officer can read. */
export function actorName(ctx: PageContext, officers: ReadonlyArray<{ id: number; name: string }>, actor: string): string {
  if (actor === 'citizen') return t(ctx, 'actor.citizen');
  if (actor === 'system') return t(ctx, 'actor.system');
  const id = Number(actor.replace(/^officer:/, ''));
  return officers.find((o) => o.id === id)?.name ?? (Number.isFinite(id) ? t(ctx, 'actor.unknown', { id }) : actor);
}

/** The request's fields with the desk's names for them (an unknown field keeps its own). */
export function fieldRows(ctx: PageContext, fields: unknown): Array<[string, string]> {
  if (!fields || typeof fields !== 'object') return [];
  return Object.entries(fields as Record<string, unknown>)
    .filter(([k, v]) => v !== null && v !== undefined && v !== '' && k !== 'principal_id')
    .map(([k, v]) => [label(ctx, 'field', k), typeof v === 'string' ? v : JSON.stringify(v)]);
}

/** The request's fields as a definition list. */
export function fieldList(ctx: PageContext, fields: unknown): Html {
  return html`<dl class="grid">${fieldRows(ctx, fields).map(([k, val]) => html`<dt>${k}</dt><dd class="pre">${val}</dd>`)}</dl>`;
}

/** A ticket's history: when, what, the change of state, who, and the reason. */
export function historyList(ctx: PageContext, history: readonly HistoryItem[], officers: ReadonlyArray<{ id: number; name: string }>): Html {
  return html`<ol class="history">
${history.map((e) => html`<li><time datetime="${e.at}">${when(ctx, e.at)}</time> · <strong>${t(ctx, `event.${e.kind}`)}</strong>${e.from && e.to && e.from !== e.to ? html` (${label(ctx, 'status', e.from)} → ${label(ctx, 'status', e.to)})` : ''} · ${actorName(ctx, officers, e.actor)}${e.reason ? html`<br><span class="pre">${e.reason}</span>` : ''}</li>`)}
</ol>`;
}
