import type { Accounts } from '../accounts.ts';
import { html, type Html } from '../html.ts';
import { label, t, when, type PageContext } from './context.ts';
import { csrfField, layout, type Notice } from './layout.ts';

type Tokens = Awaited<ReturnType<Accounts['apiTokens']>>;

const st = (ctx: PageContext, key: string) => ctx.translator.t(ctx.lang, `security:${key}`);

/** The officer's own settings: desk language and API tokens (a new token is shown once). */
export function accountPage(ctx: PageContext, tokens: Tokens, opts: { notice?: Notice; newToken?: string } = {}): Html {
  const o = ctx.officer!;
  const body = html`<h1>${t(ctx, 'account.title')}</h1>
<p>${o.name} · ${o.email} · ${label(ctx, 'role', o.role)}</p>
<p><a href="/account/notifications">${ctx.translator.t(ctx.lang, 'operations:settings.link')}</a></p>
<section aria-labelledby="lang-h"><h2 id="lang-h">${t(ctx, 'account.language')}</h2>
<form method="post" action="/account/lang" class="row">${csrfField(ctx)}
  <div class="field"><label for="lang">${t(ctx, 'account.language')}</label>
  <select id="lang" name="lang"><option value="en"${ctx.lang === 'en' ? html` selected` : ''}>English</option><option value="hi"${ctx.lang === 'hi' ? html` selected` : ''} lang="hi">हिंदी</option></select></div>
  <div class="field buttons"><button type="submit">${t(ctx, 'account.save')}</button></div>
</form></section>
<section aria-labelledby="tok-h"><h2 id="tok-h">${t(ctx, 'account.tokens')}</h2>
<p class="hint">${t(ctx, 'account.tokens_note')} <a href="/api/docs">${t(ctx, 'account.api_docs')}</a></p>
${opts.newToken ? html`<div class="notice ok" role="status"><p>${t(ctx, 'account.token_once')}</p><p><code id="new-token">${opts.newToken}</code></p></div>` : ''}
${tokens.length === 0 ? html`<p>${t(ctx, 'account.none')}</p>` : html`<table class="queue"><thead><tr><th scope="col">${t(ctx, 'account.token_label')}</th><th scope="col">${t(ctx, 'account.created')}</th><th scope="col">${t(ctx, 'account.last_used')}</th><th scope="col">${st(ctx, 'token_expires')}</th><th scope="col"></th></tr></thead><tbody>
${tokens.map((tk) => html`<tr><th scope="row" data-label="${t(ctx, 'account.token_label')}">${tk.label}</th><td data-label="${t(ctx, 'account.created')}">${when(ctx, tk.createdAt)}</td><td data-label="${t(ctx, 'account.last_used')}">${tk.lastUsedAt ? when(ctx, tk.lastUsedAt) : t(ctx, 'account.never')}</td><td data-label="${st(ctx, 'token_expires')}">${tk.expiresAt ? when(ctx, tk.expiresAt) : ''}</td>
<td>${tk.revokedAt ? t(ctx, 'account.revoked') : html`<form method="post" action="/account/tokens/${tk.id}/revoke" class="inline">${csrfField(ctx)}<button type="submit" class="secondary">${t(ctx, 'account.revoke')}</button></form>`}</td></tr>`)}
</tbody></table>`}
<form method="post" action="/account/tokens" class="row">${csrfField(ctx)}
  <div class="field"><label for="tok-label">${t(ctx, 'account.token_label')}</label><input id="tok-label" name="label" maxlength="80" required></div>
  <div class="field buttons"><button type="submit">${t(ctx, 'account.create_token')}</button></div>
</form></section>
<section aria-labelledby="pw-h"><h2 id="pw-h">${st(ctx, 'change_password')}</h2>
<p class="hint">${st(ctx, 'password_rule')}</p>
<form method="post" action="/account/password" class="stack narrow">${csrfField(ctx)}
  <label for="pw-current">${st(ctx, 'current_password')}</label><input id="pw-current" name="current" type="password" required autocomplete="current-password">
  <label for="pw-new">${st(ctx, 'new_password')}</label><input id="pw-new" name="password" type="password" minlength="12" required autocomplete="new-password">
  <button type="submit">${st(ctx, 'change_password')}</button>
</form></section>`;
  return layout(ctx, t(ctx, 'account.title'), body, { notice: opts.notice, current: '/account' });
}
