import { html, type Html } from '../html.ts';
import { t, type PageContext } from './context.ts';
import { csrfField, layout, type Notice } from './layout.ts';

export function loginPage(ctx: PageContext, opts: { email?: string; next?: string; notice?: Notice }): Html {
  const other = ctx.lang === 'en' ? 'hi' : 'en';
  const body = html`<section class="narrow">
  <h1>${t(ctx, 'login.title')}</h1>
  <form method="post" action="/login" class="stack">
    ${csrfField(ctx)}
    <input type="hidden" name="next" value="${opts.next ?? '/queue'}">
    <input type="hidden" name="lang" value="${ctx.lang}">
    <label for="email">${t(ctx, 'login.email')}</label>
    <input id="email" name="email" type="email" autocomplete="username" required value="${opts.email ?? ''}" autofocus>
    <label for="password">${t(ctx, 'login.password')}</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    <button type="submit">${t(ctx, 'login.submit')}</button>
  </form>
  <p><a href="/login?lang=${other}" lang="${other}">${t(ctx, 'app.switch_lang')}</a></p>
</section>`;
  return layout(ctx, t(ctx, 'login.title'), body, { notice: opts.notice });
}
