import { html, type Html } from '../html.ts';
import { canSeeReports, isAdmin } from '../access.ts';
import { canHandleBreaches } from '../../breach/breach-service.ts';
import { label, t, type PageContext } from './context.ts';

/** Hidden form field with the page's CSRF token: every POST form carries one. */
export function csrfField(ctx: PageContext): Html {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;
}

export interface Notice {
  kind: 'ok' | 'error';
  text: string;
}

/** The page frame: skip link, navigation, language switch, notices, then the page's own content. */
export function layout(ctx: PageContext, title: string, body: Html, opts: { notice?: Notice | undefined; script?: boolean; current?: string } = {}): Html {
  const o = ctx.officer;
  const nav = (href: string, key: string, extra: Html | string = '') =>
    html`<li><a href="${href}"${opts.current === href ? html` aria-current="page"` : ''}>${key.includes(':') ? ctx.translator.t(ctx.lang, key) : t(ctx, key)}${extra}</a></li>`;
  return html`<!doctype html>
<html lang="${ctx.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${t(ctx, 'app.title')}</title>
<link rel="stylesheet" href="/assets/desk.css">
</head>
<body>
<a class="skip" href="#main">${t(ctx, 'app.skip')}</a>
<header class="top">
  <span class="brand">${t(ctx, 'app.title')}</span>
  ${o
    ? html`<nav aria-label="${t(ctx, 'app.main_nav')}"><ul>
      ${nav('/queue', 'app.nav_queue')}
      ${nav('/chats', 'app.nav_chats', ctx.waitingChats ? html` <span class="badge">${ctx.waitingChats}</span>` : '')}
      ${nav('/quality', 'app.nav_quality')}
      ${canSeeReports(o) ? nav('/reports', 'app.nav_reports') : ''}
      ${isAdmin(o) ? nav('/holds', 'app.nav_holds') : ''}
      ${canHandleBreaches(o) ? nav('/breaches', 'law:desk.nav') : ''}
      ${nav('/account', 'app.nav_account')}
      ${isAdmin(o) ? nav('/officers', 'app.nav_officers') : ''}
      ${isAdmin(o) && ctx.departments ? nav('/departments', 'app.nav_departments') : ''}
    </ul></nav>
    <div class="who">
      <span>${t(ctx, 'app.signed_in', { name: o.name, role: label(ctx, 'role', o.role) })}</span>
      <form method="post" action="/account/lang" class="inline">${csrfField(ctx)}<input type="hidden" name="lang" value="${ctx.lang === 'en' ? 'hi' : 'en'}"><button class="link" type="submit" lang="${ctx.lang === 'en' ? 'hi' : 'en'}">${t(ctx, 'app.switch_lang')}</button></form>
      <form method="post" action="/logout" class="inline">${csrfField(ctx)}<button class="link" type="submit">${t(ctx, 'app.logout')}</button></form>
    </div>`
    : ''}
</header>
<main id="main" tabindex="-1">
${(ctx.missingHolidays ?? []).map((m) => html`<p class="notice warn" role="status">${t(ctx, 'app.holidays_missing', { year: m.year })} <code>${m.command}</code></p>`)}
${opts.notice ? html`<p class="notice ${opts.notice.kind}" role="${opts.notice.kind === 'error' ? 'alert' : 'status'}">${opts.notice.text}</p>` : ''}
${body}
</main>
${opts.script ? html`<script src="/assets/desk.js" defer></script>` : ''}
</body>
</html>`;
}
