import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config.ts';
import { readLocales, Translator } from '../../src/i18n/i18n.ts';
import type { ParamValue } from '../../src/engine/events.ts';

/**
 * A Hindi date and time already ends in its own postposition: "22 नवंबर 2026 को सुबह 11:00 बजे".
 * A text that adds "को" or "की स्थिति" after it read "… बजे को बीत गई", "… बजे की स्थिति के अनुसार".
 * Each text below is filled with a date and time where the app fills it (src/desk/pages/context.ts
 * `when`, src/citizen-data/page.ts, the flows' `|datetime`).
 */
const AT: ParamValue = { datetime: '2026-11-22T05:30:00.000Z' };
const FILLED: Array<[string, Record<string, ParamValue>]> = [
  ['desk:ticket.breached', { at: AT }],
  ['desk:ticket.board', { at: AT }],
  ['law:desk.reported_at', { when: AT }],
  ['law:desk.due_at', { when: AT }],
  ['common:own_data_page.intro', { at: AT, channel: 'कंसोल', org: 'जल बोर्ड' }],
  ['common:own_data_page.valid', { until: AT }],
  ['identity.locked', { until: AT }],
  ['rights.ack_erasure', { until: AT, number: 'DPR-2026-000001', due: { date: '2026-12-22T18:29:59.000Z' } }],
  ['mydata.copy_sent', { until: AT, hours: 72, url: 'https://example.org/x' }],
];

describe('Hindi texts filled with a date and time', () => {
  const translator = new Translator(readLocales(path.join(PACKAGE_ROOT, 'locales')), { en: {}, hi: {} });
  it.each(FILLED)('%s adds no second postposition after "बजे"', (key, params) => {
    const text = translator.t('hi', key, params);
    expect(text).toContain('22 नवंबर 2026 को सुबह 11:00 बजे');
    expect(text).not.toMatch(/बजे (को|की|का|के)(\s|$)/u);
  });
});
