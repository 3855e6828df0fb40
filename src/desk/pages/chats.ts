import type { DeskService } from '../desk-service.ts';
import { html, type Html } from '../html.ts';
import { label, t, when, type PageContext } from './context.ts';
import { csrfField, layout, type Notice } from './layout.ts';
import { transcriptList } from './transcript.ts';

type Chats = Awaited<ReturnType<DeskService['chats']>>;
type Chat = Awaited<ReturnType<DeskService['chat']>>;

function reason(ctx: PageContext, r: string): string {
  const key = `desk:chats.reason_${r}`;
  return ctx.translator.has(ctx.lang, key) ? ctx.translator.t(ctx.lang, key) : r;
}

/** Citizens waiting for an officer and chats officers hold; the list refreshes itself when one changes. */
export function chatsPage(ctx: PageContext, chats: Chats, notice?: Notice): Html {
  const body = html`<h1>${t(ctx, 'chats.title')}</h1>
<div id="chat-list" data-stream="/chats/events">
${chats.length === 0
  ? html`<p>${t(ctx, 'chats.empty')}</p>`
  : html`<table class="queue"><thead><tr><th scope="col">#</th><th scope="col">${t(ctx, 'queue.status')}</th><th scope="col">${t(ctx, 'chats.since')}</th><th scope="col">${t(ctx, 'chats.reason')}</th><th scope="col">${t(ctx, 'queue.channel')}</th><th scope="col"></th></tr></thead><tbody>
${chats.map((c) => html`<tr>
  <th scope="row" data-label="#"><a href="/chats/${c.id}">${c.id}</a></th>
  <td data-label="${t(ctx, 'queue.status')}">${c.status === 'waiting' ? t(ctx, 'chats.waiting') : t(ctx, 'chats.held_by', { name: c.officer?.name ?? '?' })}${c.timeoutNotifiedAt ? html` <span class="tag warn">${t(ctx, 'chats.told_busy')}</span>` : ''}</td>
  <td data-label="${t(ctx, 'chats.since')}"><time datetime="${c.createdAt}">${when(ctx, c.createdAt)}</time></td>
  <td data-label="${t(ctx, 'chats.reason')}">${reason(ctx, c.reason)}</td>
  <td data-label="${t(ctx, 'queue.channel')}">${label(ctx, 'channel', c.channel)} · ${label(ctx, 'lang', c.language)}</td>
  <td>${c.status === 'waiting'
    ? html`<form method="post" action="/chats/${c.id}/take" class="inline">${csrfField(ctx)}<button type="submit">${t(ctx, 'chats.take')}</button></form>`
    : html`<a href="/chats/${c.id}">${t(ctx, 'chats.open')}</a>`}</td>
</tr>`)}
</tbody></table>`}
</div>`;
  return layout(ctx, t(ctx, 'chats.title'), body, { notice, script: true, current: '/chats' });
}

/** One live chat: the conversation, updated as messages arrive, and the officer's message box. */
export function chatPage(ctx: PageContext, c: Chat, opts: { notice?: Notice; draft?: string } = {}): Html {
  const lastId = c.transcript.at(-1)?.id ?? 0;
  const body = html`<p><a href="/chats">← ${t(ctx, 'chats.title')}</a></p>
<h1>${t(ctx, 'chats.chat_title', { id: c.id })} <span class="tag">${c.status === 'waiting' ? t(ctx, 'chats.waiting') : c.status === 'taken' ? t(ctx, 'chats.held_by', { name: c.officer?.name ?? '?' }) : t(ctx, 'chats.closed')}</span></h1>
<p class="meta">${label(ctx, 'channel', c.channel)} · ${label(ctx, 'lang', c.language)} · ${reason(ctx, c.reason)} · <time datetime="${c.createdAt}">${when(ctx, c.createdAt)}</time></p>
${c.tickets.length > 0 ? html`<p>${t(ctx, 'chats.tickets')}: ${c.tickets.map((tk, i) => html`${i > 0 ? ', ' : ''}<a href="/tickets/${tk.number}">${tk.number}</a> (${label(ctx, 'status', tk.status)})`)}</p>` : ''}
${transcriptList(ctx, c.transcript, { stream: `/chats/${c.id}/events`, lastId, status: `${c.status}:${c.officer?.id ?? ''}` })}
<p class="notice warn" id="changed" hidden>${t(ctx, 'ticket.changed')} <a href="/chats/${c.id}">${t(ctx, 'ticket.reload')}</a></p>
${c.status === 'closed'
  ? html`<p>${t(ctx, 'chats.ended')}</p>`
  : c.status === 'waiting'
    ? html`<p>${t(ctx, 'chats.take_first')}</p><form method="post" action="/chats/${c.id}/take">${csrfField(ctx)}<button type="submit">${t(ctx, 'chats.take')}</button></form>`
    : c.mine
      ? html`<form method="post" action="/chats/${c.id}/say" class="stack" id="say-form">${csrfField(ctx)}
  <label for="say">${t(ctx, 'chats.say_label')}</label>
  <textarea id="say" name="text" rows="3" required>${opts.draft ?? ''}</textarea>
  <button type="submit">${t(ctx, 'chats.send')}</button>
</form>
<form method="post" action="/chats/${c.id}/release">${csrfField(ctx)}<button type="submit" class="secondary">${t(ctx, 'chats.release')}</button></form>`
      : html`<p>${t(ctx, 'chats.not_yours', { name: c.officer?.name ?? '?' })}</p>`}`;
  return layout(ctx, t(ctx, 'chats.chat_title', { id: c.id }), body, { notice: opts.notice, script: true, current: '/chats' });
}
