import { NOTIFY_KINDS, NOTIFY_MODES, modeOf, type NotifySettings } from '../../notify/kinds.ts';
import { html, type Html } from '../html.ts';
import type { PageContext } from './context.ts';
import { csrfField, layout, type Notice } from './layout.ts';

function op(ctx: PageContext, key: string): string {
  return ctx.translator.t(ctx.lang, `operations:${key}`);
}

/** My account → notifications: per kind at once, in the daily summary, or not at all; the summary's time (IST). */
export function notificationsPage(ctx: PageContext, settings: NotifySettings, opts: { emailOn: boolean; notice?: Notice }): Html {
  const body = html`<h1>${op(ctx, 'settings.title')}</h1>
<p>${op(ctx, 'settings.intro')}</p>
${opts.emailOn ? '' : html`<p class="notice error" role="status">${op(ctx, 'settings.no_email')}</p>`}
<form method="post" action="/account/notifications">${csrfField(ctx)}
<table class="queue"><thead><tr><th scope="col">${op(ctx, 'settings.kind')}</th><th scope="col">${op(ctx, 'settings.mode')}</th></tr></thead><tbody>
${NOTIFY_KINDS.map((kind) => {
  const current = modeOf(settings, kind);
  return html`<tr><th scope="row"><label for="mode-${kind}">${op(ctx, `notify.kind.${kind}`)}</label></th><td><select id="mode-${kind}" name="mode_${kind}">
${NOTIFY_MODES.map((m) => html`<option value="${m}"${m === current ? html` selected` : ''}>${op(ctx, `settings.mode_${m}`)}</option>`)}
</select></td></tr>`;
})}
</tbody></table>
<div class="row"><div class="field"><label for="digest-time">${op(ctx, 'settings.digest_time')}</label><input id="digest-time" name="digest_time" type="time" value="${settings.digestTime}" required></div>
<div class="field buttons"><button type="submit">${op(ctx, 'settings.save')}</button></div></div>
</form>`;
  return layout(ctx, op(ctx, 'settings.title'), body, { notice: opts.notice, current: '/account' });
}
