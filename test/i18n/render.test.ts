import path from 'node:path';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config.ts';
import { compileTemplate, flattenKeys, formatDate, formatDateTime, formattedDatesKept, NAMESPACES, readLocales, Translator } from '../../src/i18n/i18n.ts';
import { LANGS } from '../../src/engine/session.ts';

const resources = readLocales(path.join(PACKAGE_ROOT, 'locales'));
// Globals as the app passes them (the organisation, a law text), one holding what i18next could expand.
const globals = {
  en: { org_name: 'Jal Board', contact_line: 'Write to {{org_name}} $t(main.menu)' },
  hi: { org_name: 'जल बोर्ड', contact_line: 'लिखें {{org_name}}' },
};

/** i18next as the Translator configures it: the reference the fast path must agree with. */
function reference() {
  const i18n = i18next.createInstance();
  void i18n.init({
    initAsync: false, resources, lng: 'en', fallbackLng: false, supportedLngs: [...LANGS], ns: [...NAMESPACES], defaultNS: 'flows',
    interpolation: { escapeValue: false }, returnNull: false,
  });
  return i18n;
}

describe('texts with parameters', () => {
  it('render exactly as i18next renders them, for every text in both languages, values taken as they are', () => {
    const ref = reference();
    const translator = new Translator(resources, globals);
    let compared = 0;
    for (const lang of LANGS) {
      for (const ns of NAMESPACES) {
        for (const full of flattenKeys(ns, resources[lang][ns])) {
          const key = ns === 'flows' ? full.slice('flows:'.length) : full;
          const raw = ref.getResource(lang, ns, full.slice(ns.length + 1));
          if (typeof raw !== 'string' || !raw.includes('{{')) continue;
          const names = [...raw.matchAll(/\{\{(.+?)\}\}/g)].map((m) => m[1]!.trim()).filter((n) => n !== 'count' && !(n in globals[lang]));
          // Values a citizen could type: placeholders and nesting must come out as typed.
          const params = Object.fromEntries(names.map((n, i) => [n, `${n}-{{${n}}} $t(main.menu) ${i}`]));
          expect(translator.t(lang, key, params), `${lang} ${key}`).toBe(ref.t(key, { lng: lang, ...globals[lang], ...params }));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(50);
  });

  it('leave to i18next what only it renders: nesting, formats, a missing value', () => {
    expect(compileTemplate('Hello {{name}}, {{ org }}!')).toEqual({ parts: ['Hello ', ', ', '!'], names: ['name', 'org'] });
    expect(compileTemplate('See $t(main.menu) {{name}}')).toBeNull();
    expect(compileTemplate('{{- name}}')).toBeNull();
    expect(compileTemplate('{{when, datetime}}')).toBeNull();
    expect(compileTemplate(undefined)).toBeNull();
    const translator = new Translator(resources, globals);
    // i18next keeps a placeholder it has no value for.
    expect(translator.t('en', 'grievance.ack', { number: 'GRV-2026-000001' })).toBe(reference().t('grievance.ack', { lng: 'en', ...globals.en, number: 'GRV-2026-000001' }));
    expect(translator.t('en', 'grievance.ack', { number: 'GRV-2026-000001' })).toContain('{{due}}');
  });
});

describe('dates', () => {
  it('a date formatted again (kept) reads as the formatter gives it, per language, a date and a date-time of one instant apart', () => {
    const iso = '2026-12-22T05:15:00.000Z';
    for (let round = 0; round < 2; round++) {
      expect(formatDate('en', iso)).toBe('22 December 2026');
      expect(formatDate('hi', iso)).toBe('22 दिसंबर 2026');
      expect(formatDate('en', '2026-12-22')).toBe('22 December 2026');
      expect(formatDateTime('en', iso)).toBe(new Intl.DateTimeFormat('en-IN', { day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: 'Asia/Kolkata' }).format(new Date(iso)));
      expect(formatDateTime('en', iso)).not.toBe(formatDate('en', iso));
    }
  });

  it('keeps a bounded number of formatted dates however many distinct ones pass', () => {
    const day = Date.UTC(2020, 0, 1);
    for (let i = 0; i < 5000; i++) formatDate(i % 2 ? 'hi' : 'en', new Date(day + i * 86_400_000).toISOString());
    expect(formattedDatesKept()).toBeGreaterThan(0);
    expect(formattedDatesKept()).toBeLessThanOrEqual(2048);
    expect(formatDate('en', new Date(day).toISOString())).toBe('1 January 2020');
  });
});

describe('texts kept once rendered', () => {
  it('are kept per language: the same key in English, Hindi and English again, with and without parameters', () => {
    const translator = new Translator(resources, globals);
    const plain = ['en', 'hi', 'en', 'hi'].map((l) => translator.t(l as 'en' | 'hi', 'common:share_contact'));
    expect(plain).toEqual(['📱 Share my number', '📱 मेरा नंबर साझा करें', '📱 Share my number', '📱 मेरा नंबर साझा करें']);
    const ack = (l: 'en' | 'hi', number: string) => translator.t(l, 'grievance.ack', { number, due: '1 January 2027' });
    expect(ack('en', 'GRV-1')).toContain('Ticket number: GRV-1');
    expect(ack('hi', 'GRV-2')).not.toContain('Ticket number');
    expect(ack('hi', 'GRV-2')).toContain('GRV-2');
    expect(ack('en', 'GRV-3')).toContain('Ticket number: GRV-3');
  });
});
