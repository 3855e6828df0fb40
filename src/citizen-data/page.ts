import { html, type Html } from '../desk/html.ts';
import type { Lang } from '../engine/session.ts';
import { formatDate, formatDateTime, type Translator } from '../i18n/i18n.ts';
import type { OwnDataExport } from './export.ts';

const P = 'common:own_data_page';
/** Request fields whose value is a date and time. */
const DATE_FIELDS = new Set(['cooling_off_until', 'erased_at']);
/** Where a field's coded value (a choice id) has its words. */
const VALUE_KEYS: Record<string, (v: string) => string> = {
  category: (v) => `flows:grievance.category.${v}`,
  relation: (v) => `flows:rights.relation.${v}`,
  evidence: (v) => `common:answer.${v}`,
  right: (v) => `${P}.value.right.${v}`,
  scope: (v) => `${P}.value.scope.${v}`,
  action: (v) => `${P}.value.action.${v}`,
};

/**
 * The citizen's data as a readable page in their language (rendered at download time), with the
 * link to the same data as a JSON file. Every value is escaped by `html`.
 */
export function ownDataPage(data: OwnDataExport, opts: { lang: Lang; translator: Translator; jsonHref: string; expiresAt: string }): Html {
  const { lang, translator } = opts;
  const t = (key: string, params: Record<string, string | number> = {}) => translator.t(lang, `${P}.${key}`, params);
  /** The words for a coded value, or the value itself when there are none. */
  const word = (key: string, fallback: string) => (translator.has(lang, key) ? translator.t(lang, key) : fallback);
  const when = (iso: string | null) => (iso ? formatDateTime(lang, iso) : '');
  const col = (key: string) => t(`col.${key}`);
  const section = (title: string, rows: readonly unknown[], table: () => Html) =>
    html`<section><h2>${title}</h2>${rows.length === 0 ? html`<p class="muted">${t('none')}</p>` : table()}</section>`;
  const cell = (label: string, value: Html | string | number) => html`<td data-label="${label}">${value}</td>`;
  const request = (fields: Record<string, unknown>) =>
    html`<dl class="grid">${Object.entries(fields).map(([k, v]) => {
      const value = typeof v === 'string' ? (DATE_FIELDS.has(k) ? when(v) : VALUE_KEYS[k] ? word(VALUE_KEYS[k](v), v) : v) : v === null ? '–' : JSON.stringify(v);
      return html`<dt>${word(`${P}.field.${k}`, k)}</dt><dd class="pre">${value}</dd>`;
    })}</dl>`;
  const channel = word(`${P}.channel.${data.channel.replace(/-/g, '_')}`, data.channel);

  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${t('title')}</title>
<link rel="stylesheet" href="/assets/desk.css">
</head>
<body>
<main id="main">
<h1>${t('heading')}</h1>
<p>${t('intro', { channel, at: when(data.exported_at) })}</p>
<p class="notice warn">${t('valid', { until: when(opts.expiresAt) })}</p>
<p><a href="${opts.jsonHref}" download>${t('download')}</a></p>
${section(t('tickets'), data.tickets, () => html`<table class="queue"><thead><tr>
  <th scope="col">${col('number')}</th><th scope="col">${col('kind')}</th><th scope="col">${col('status')}</th>
  <th scope="col">${col('created')}</th><th scope="col">${col('due')}</th><th scope="col">${col('request')}</th></tr></thead>
  <tbody>${data.tickets.map((x) => html`<tr><th scope="row">${x.number}</th>${cell(col('kind'), word(`${P}.kind.${x.kind}`, x.kind))}
    ${cell(col('status'), word(`flows:status.state.${x.status}`, x.status))}${cell(col('created'), formatDate(lang, x.created_at))}
    ${cell(col('due'), formatDate(lang, x.due_at))}${cell(col('request'), request(x.request))}</tr>`)}</tbody></table>`)}
${section(t('consent'), data.consent, () => html`<table class="queue"><thead><tr>
  <th scope="col">${col('at')}</th><th scope="col">${col('action')}</th><th scope="col">${col('version')}</th><th scope="col">${col('language')}</th></tr></thead>
  <tbody>${data.consent.map((c) => html`<tr><th scope="row">${when(c.at)}</th>${cell(col('action'), word(`${P}.consent_action.${c.action.replace(/\W/g, '_')}`, c.action))}
    ${cell(col('version'), c.notice_version)}${cell(col('language'), word(`${P}.lang.${c.language}`, c.language))}</tr>`)}</tbody></table>`)}
${section(t('verifications'), data.verifications, () => html`<table class="queue"><thead><tr>
  <th scope="col">${col('at')}</th><th scope="col">${col('level')}</th><th scope="col">${col('method')}</th></tr></thead>
  <tbody>${data.verifications.map((v) => html`<tr><th scope="row">${when(v.at)}</th>${cell(col('level'), word(`${P}.level.${v.level}`, v.level))}
    ${cell(col('method'), word(`${P}.method.${v.method}`, v.method))}</tr>`)}</tbody></table>`)}
${section(t('nominations'), data.nominations, () => html`<table class="queue"><thead><tr>
  <th scope="col">${col('name')}</th><th scope="col">${col('relation')}</th><th scope="col">${col('contact')}</th><th scope="col">${col('status')}</th><th scope="col">${col('at')}</th></tr></thead>
  <tbody>${data.nominations.map((n) => html`<tr><th scope="row">${n.nominee_name}</th>${cell(col('relation'), word(`flows:rights.relation.${n.relation}`, n.relation))}
    ${cell(col('contact'), n.contact)}${cell(col('status'), word(`${P}.nomination_status.${n.status}`, n.status))}${cell(col('at'), when(n.updated_at))}</tr>`)}</tbody></table>`)}
${section(t('ratings'), data.ratings, () => html`<table class="queue"><thead><tr>
  <th scope="col">${col('ticket')}</th><th scope="col">${col('rating')}</th><th scope="col">${col('comment')}</th><th scope="col">${col('at')}</th></tr></thead>
  <tbody>${data.ratings.map((r) => html`<tr><th scope="row">${r.ticket}</th>${cell(col('rating'), t('rating_value', { rating: r.rating }))}
    ${cell(col('comment'), html`<span class="pre">${r.comment ?? '–'}</span>`)}${cell(col('at'), when(r.at))}</tr>`)}</tbody></table>`)}
${section(t('transcript'), data.transcript, () => html`<ol class="transcript" tabindex="0" aria-label="${t('transcript')}">${data.transcript.map((m) =>
    html`<li class="${m.from === 'you' ? 'in' : 'out'}"><span class="who">${m.from === 'you' ? t('from_you') : t('from_us')} · ${when(m.at)}</span><span class="text">${m.text}</span></li>`)}</ol>`)}
</main>
</body>
</html>`;
}

/** An unknown or expired link: said in both languages, since the link no longer tells which. */
export function notFoundPage(translator: Translator): Html {
  const both = (key: string) => (['hi', 'en'] as const).map((l) => ({ lang: l, text: translator.t(l, `${P}.${key}`) }));
  const titles = both('not_found_title');
  return html`<!doctype html>
<html lang="hi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${titles.map((x) => x.text).join(' / ')}</title>
<link rel="stylesheet" href="/assets/desk.css">
</head>
<body>
<main id="main">
${both('not_found_title').map((x, i) => html`<section lang="${x.lang}"><h${i === 0 ? '1' : '2'}>${x.text}</h${i === 0 ? '1' : '2'}><p>${both('not_found')[i]!.text}</p></section>`)}
</main>
</body>
</html>`;
}
