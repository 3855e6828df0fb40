import { OFFICER_ROLES } from '../../storage/schema.ts';
import type { Accounts } from '../accounts.ts';
import { html, type Html } from '../html.ts';
import { label, t, when, type PageContext } from './context.ts';
import { csrfField, layout, type Notice } from './layout.ts';

type Officers = Awaited<ReturnType<Accounts['list']>>;

/** The admin's list of accounts and the form to add one. */
export function officersPage(ctx: PageContext, officers: Officers, opts: { notice?: Notice; values?: Partial<Record<string, string>> } = {}): Html {
  const v = opts.values ?? {};
  const body = html`<h1>${t(ctx, 'officers.title')}</h1>
<table class="queue"><thead><tr><th scope="col">${t(ctx, 'officers.name')}</th><th scope="col">${t(ctx, 'officers.email')}</th><th scope="col">${t(ctx, 'officers.role')}</th><th scope="col">${t(ctx, 'officers.active')}</th><th scope="col">${t(ctx, 'officers.last_login')}</th><th scope="col">${st(ctx, 'actions')}</th></tr></thead><tbody>
${officers.map((o) => html`<tr><th scope="row" data-label="${t(ctx, 'officers.name')}">${o.name}</th><td data-label="${t(ctx, 'officers.email')}">${o.email}</td><td data-label="${t(ctx, 'officers.role')}">${label(ctx, 'role', o.role)}</td><td data-label="${t(ctx, 'officers.active')}">${o.active ? t(ctx, 'officers.yes') : t(ctx, 'officers.no')}</td><td data-label="${t(ctx, 'officers.last_login')}">${when(ctx, o.lastLoginAt)}</td><td data-label="${st(ctx, 'actions')}">${officerActions(ctx, o)}</td></tr>`)}
</tbody></table>
<section aria-labelledby="add-h"><h2 id="add-h">${t(ctx, 'officers.add')}</h2>
<form method="post" action="/officers" class="stack narrow">${csrfField(ctx)}
  <label for="o-name">${t(ctx, 'officers.name')}</label><input id="o-name" name="name" required maxlength="120" value="${v.name ?? ''}">
  <label for="o-email">${t(ctx, 'officers.email')}</label><input id="o-email" name="email" type="email" required value="${v.email ?? ''}">
  <label for="o-role">${t(ctx, 'officers.role')}</label>
  <select id="o-role" name="role">${OFFICER_ROLES.map((r) => html`<option value="${r}"${v.role === r ? html` selected` : ''}>${label(ctx, 'role', r)}</option>`)}</select>
  <label for="o-lang">${t(ctx, 'officers.lang')}</label>
  <select id="o-lang" name="lang"><option value="en">English</option><option value="hi"${v.lang === 'hi' ? html` selected` : ''}>हिंदी</option></select>
  <label for="o-password">${t(ctx, 'officers.password')}</label><input id="o-password" name="password" type="password" minlength="12" required autocomplete="new-password">
  <button type="submit">${t(ctx, 'officers.add')}</button>
</form></section>`;
  return layout(ctx, t(ctx, 'officers.title'), body, { notice: opts.notice, current: '/officers' });
}

const st = (ctx: PageContext, key: string) => ctx.translator.t(ctx.lang, `security:${key}`);

/** Switch an officer off or on, and set a new password for them (not on the admin's own row). */
function officerActions(ctx: PageContext, o: Officers[number]): Html | string {
  if (o.id === ctx.officer?.id) return '';
  const toggle = o.active
    ? html`<form method="post" action="/officers/${o.id}/deactivate" class="inline">${csrfField(ctx)}<button type="submit" class="secondary">${st(ctx, 'deactivate')}</button></form>`
    : html`<form method="post" action="/officers/${o.id}/activate" class="inline">${csrfField(ctx)}<button type="submit" class="secondary">${st(ctx, 'activate')}</button></form>`;
  return html`${toggle}
<form method="post" action="/officers/${o.id}/password" class="inline">${csrfField(ctx)}<label for="pw-${o.id}">${st(ctx, 'new_password')}</label> <input id="pw-${o.id}" name="password" type="password" minlength="12" required autocomplete="new-password"> <button type="submit" class="secondary">${st(ctx, 'reset_password')}</button></form>`;
}

export function errorPage(ctx: PageContext, message: string, detail?: string): Html {
  return layout(ctx, t(ctx, 'error.title'), html`<h1>${t(ctx, 'error.title')}</h1><p>${message}</p>${detail ? html`<p class="hint">${t(ctx, 'error.detail', { detail })}</p>` : ''}<p><a href="/queue">${t(ctx, 'ticket.back')}</a></p>`);
}
