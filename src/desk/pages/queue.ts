import { CHAT_CHANNELS } from '../../channels/by-number.ts';
import { TICKET_KINDS } from '../../profile/schema.ts';
import { OPEN_STATUSES } from '../../storage/desk-queries.ts';
import type { DeskService, QueueFilters } from '../desk-service.ts';
import { html, type Html } from '../html.ts';
import { worksTickets } from '../access.ts';
import { label, t, when, type PageContext } from './context.ts';
import { layout, type Notice } from './layout.ts';

type Queue = Awaited<ReturnType<DeskService['queue']>>;

/** The channels a ticket may come from, as the channels name themselves (a filter on any other matches nothing). */
const CHANNELS = CHAT_CHANNELS;

function select(ctx: PageContext, name: string, labelKey: string, current: string, options: ReadonlyArray<{ value: string; text: string }>): Html {
  return html`<div class="field"><label for="f-${name}">${t(ctx, labelKey)}</label>
  <select id="f-${name}" name="${name}">
    <option value="">${t(ctx, 'queue.any')}</option>
    ${options.map((o) => html`<option value="${o.value}"${o.value === current ? html` selected` : ''}>${o.text}</option>`)}
  </select></div>`;
}

function query(filters: QueueFilters, page: number): string {
  const p = new URLSearchParams();
  for (const k of ['kind', 'status', 'channel', 'language', 'department'] as const) if (filters[k]) p.set(k, filters[k]);
  if (filters.assignee !== 'any') p.set('assignee', String(filters.assignee));
  if (page > 1) p.set('page', String(page));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** The queue: counts at the top, filters, then open tickets nearest deadline first. */
export function queuePage(ctx: PageContext, q: Queue, filters: QueueFilters, notice?: Notice): Html {
  const officer = ctx.officer!;
  if (!worksTickets(officer.role)) {
    return layout(ctx, t(ctx, 'queue.title'), html`<h1>${t(ctx, 'queue.title')}</h1><p>${t(ctx, 'queue.reviewer_note')}</p>`, { notice, current: '/queue' });
  }
  const c = q.counts;
  const count = (key: string, n: number, href: string, cls = '') =>
    html`<li class="${cls}"><a href="${href}"><span class="n">${n}</span> ${t(ctx, key)}</a></li>`;
  const assignee = String(filters.assignee);
  const body = html`<h1>${t(ctx, 'queue.title')}</h1>
<section aria-labelledby="counts-h"><h2 id="counts-h" class="sr">${t(ctx, 'queue.counts')}</h2>
<ul class="counts">
  ${count('queue.total', c.total, '/queue')}
  ${count('queue.breached', c.breached, '/queue', c.breached > 0 ? 'bad' : '')}
  ${count('queue.due_soon', c.due_soon, '/queue', c.due_soon > 0 ? 'warn' : '')}
  ${count('queue.unassigned', c.unassigned, '/queue?assignee=none')}
  ${count('queue.mine', c.mine, '/queue?assignee=me')}
</ul>
${q.waitingChats > 0 ? html`<p class="notice warn"><a href="/chats">${t(ctx, 'queue.chats_waiting', { count: q.waitingChats })}</a></p>` : ''}
</section>
<details class="filters"${filters.kind || filters.status || filters.channel || filters.language || filters.assignee !== 'any' ? html` open` : ''}>
<summary>${t(ctx, 'queue.filters')}</summary>
<form method="get" action="/queue" class="row">
  ${select(ctx, 'kind', 'queue.kind', filters.kind, TICKET_KINDS.map((k) => ({ value: k, text: label(ctx, 'kind', k) })))}
  ${select(ctx, 'status', 'queue.status', filters.status, OPEN_STATUSES.map((s) => ({ value: s, text: label(ctx, 'status', s) })))}
  ${select(ctx, 'channel', 'queue.channel', filters.channel, CHANNELS.map((s) => ({ value: s, text: label(ctx, 'channel', s) })))}
  ${select(ctx, 'language', 'queue.language', filters.language, ['en', 'hi'].map((s) => ({ value: s, text: label(ctx, 'lang', s) })))}
  ${q.departments.length > 1 ? select(ctx, 'department', 'filter.department', filters.department ?? '', q.departments.map((d) => ({ value: d.id, text: d.name[ctx.lang] }))) : ''}
  <div class="field"><label for="f-assignee">${t(ctx, 'queue.assignee')}</label>
  <select id="f-assignee" name="assignee">
    <option value="any">${t(ctx, 'queue.any')}</option>
    <option value="me"${assignee === 'me' ? html` selected` : ''}>${t(ctx, 'queue.me')}</option>
    <option value="none"${assignee === 'none' ? html` selected` : ''}>${t(ctx, 'queue.nobody')}</option>
  </select></div>
  <div class="field buttons"><button type="submit">${t(ctx, 'queue.apply')}</button> <a href="/queue">${t(ctx, 'queue.clear')}</a></div>
</form>
</details>
<p class="hint">${t(ctx, 'queue.sorted')}</p>
${q.items.length === 0
  ? html`<p>${t(ctx, 'queue.empty')}</p>`
  : html`<table class="queue">
<thead><tr><th scope="col">${t(ctx, 'queue.number')}</th><th scope="col">${t(ctx, 'queue.kind')}</th><th scope="col">${t(ctx, 'queue.status')}</th><th scope="col">${t(ctx, 'queue.due')}</th><th scope="col">${t(ctx, 'queue.level')}</th><th scope="col">${t(ctx, 'queue.assignee')}</th><th scope="col">${t(ctx, 'queue.channel')}</th></tr></thead>
<tbody>
${q.items.map((i) => html`<tr class="${i.breached ? 'bad' : i.dueSoon ? 'warn' : ''}">
  <th scope="row" data-label="${t(ctx, 'queue.number')}"><a href="/tickets/${i.number}">${i.number}</a>${i.departmentName ? html`<br><span class="muted">${i.departmentName[ctx.lang]}</span>` : ''}</th>
  <td data-label="${t(ctx, 'queue.kind')}">${label(ctx, 'kind', i.kind)}</td>
  <td data-label="${t(ctx, 'queue.status')}">${label(ctx, 'status', i.status)}${i.paused ? html` <span class="tag">${t(ctx, 'queue.paused')}</span>` : ''}</td>
  <td data-label="${t(ctx, 'queue.due')}"><time datetime="${i.nextDue}">${when(ctx, i.nextDue)}</time>${i.breached ? html` <span class="tag bad">${t(ctx, 'queue.breached')}</span>` : i.dueSoon ? html` <span class="tag warn">${t(ctx, 'queue.due_soon')}</span>` : ''}</td>
  <td data-label="${t(ctx, 'queue.level')}">${i.levelRole ? label(ctx, 'role', i.levelRole) : ''}</td>
  <td data-label="${t(ctx, 'queue.assignee')}">${i.assignee ? i.assignee.name : html`<span class="muted">${t(ctx, 'queue.nobody')}</span>`}</td>
  <td data-label="${t(ctx, 'queue.channel')}">${label(ctx, 'channel', i.channel)} · ${label(ctx, 'lang', i.language)}</td>
</tr>`)}
</tbody></table>`}
<nav class="pages" aria-label="${t(ctx, 'queue.page', { page: q.page })}">
  ${q.page > 1 ? html`<a href="/queue${query(filters, q.page - 1)}">${t(ctx, 'queue.prev')}</a>` : ''}
  <span>${t(ctx, 'queue.page', { page: q.page })}</span>
  ${q.page * q.pageSize < c.total ? html`<a href="/queue${query(filters, q.page + 1)}">${t(ctx, 'queue.next')}</a>` : ''}
</nav>`;
  return layout(ctx, t(ctx, 'queue.title'), body, { notice, current: '/queue' });
}
