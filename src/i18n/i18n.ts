import fs from 'node:fs';
import path from 'node:path';
import i18next, { type i18n as I18n } from 'i18next';
import { AppError, ERROR_CODES } from '../errors.ts';
import type { ParamValue } from '../engine/events.ts';
import { LANGS, type Lang } from '../engine/session.ts';
import { matchForm } from '../text/normalize.ts';

export const NAMESPACES = ['common', 'flows', 'desk', 'quality', 'reports', 'retention', 'law', 'delivery', 'departments', 'operations', 'understanding', 'security', 'updates'] as const;
export type Resources = Record<Lang, Record<(typeof NAMESPACES)[number], Record<string, unknown>>>;

/** Reads locales/{en,hi}/{common,flows}.json. A missing or malformed file stops start-up. */
export function readLocales(dir: string): Resources {
  const out = {} as Resources;
  for (const lang of LANGS) {
    out[lang] = {} as Resources[Lang];
    for (const ns of NAMESPACES) {
      const file = path.join(dir, lang, `${ns}.json`);
      try {
        out[lang][ns] = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
      } catch (cause) {
        throw new AppError(ERROR_CODES.LOCALE_INVALID, `Cannot read the locale file ${file}: it must exist and be valid JSON.`, { cause });
      }
    }
  }
  return out;
}

/** Every leaf key of a namespace as `ns:dotted.key` (plural suffixes folded). */
export function flattenKeys(ns: string, tree: Record<string, unknown>, prefix = ''): string[] {
  const keys: string[] = [];
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object') keys.push(...flattenKeys(ns, v as Record<string, unknown>, key));
    else keys.push(`${ns}:${key.replace(/_(zero|one|two|few|many|other)$/, '')}`);
  }
  return keys;
}

/**
 * Translation for the citizen's language. Keys without a namespace are flow texts; the engine's
 * own texts are `common:…`. Organisation values (its name) are passed to every text.
 */
export class Translator {
  private readonly i18n: I18n;
  private readonly labelCache = new Map<string, readonly string[]>();
  /**
   * Texts without parameters (most prompts and labels) rendered once, a map per language: keyed by
   * the text's key itself (a string the flows hold, whose hash V8 keeps), not by a string joined
   * with the language at every call, which had to be built and hashed anew each time: a menu
   * with six choices looked up seven.
   */
  private readonly plainCache: Record<Lang, Map<string, string>> = { en: new Map(), hi: new Map() };
  /** Texts with parameters, split at their placeholders once per language (null: i18next renders it). */
  private readonly templates: Record<Lang, Map<string, Template | null>> = { en: new Map(), hi: new Map() };
  /** A global value named like an i18next option would change how i18next renders: then it always does. */
  private readonly globalsAreOptions: boolean;

  constructor(
    readonly resources: Resources,
    private readonly globals: Record<Lang, Record<string, string>>,
  ) {
    this.i18n = i18next.createInstance();
    void this.i18n.init({
      initAsync: false,
      resources,
      lng: 'en',
      fallbackLng: false,
      supportedLngs: [...LANGS],
      ns: [...NAMESPACES],
      defaultNS: 'flows',
      interpolation: { escapeValue: false },
      returnNull: false,
    });
    this.globalsAreOptions = LANGS.some((l) => Object.keys(globals[l]).some((k) => I18NEXT_OPTIONS.has(k)));
  }

  has(lang: Lang, key: string): boolean {
    return this.i18n.exists(key, { lng: lang });
  }

  t(lang: Lang, key: string, params: Record<string, ParamValue> = {}): string {
    if (isEmpty(params)) {
      const cache = this.plainCache[lang] as Map<string, string> | undefined;
      // A language outside LANGS (not expected: sessions hold a checked one) is rendered uncached.
      if (cache === undefined) return this.render(lang, key, params);
      let hit = cache.get(key);
      if (hit === undefined) {
        hit = this.render(lang, key, params);
        cache.set(key, hit);
      }
      return hit;
    }
    return this.render(lang, key, params);
  }

  private render(lang: Lang, key: string, params: Record<string, ParamValue>): string {
    const fast = this.fastRender(lang, key, params);
    if (fast !== undefined) return fast;
    const values: Record<string, string | number> = { ...this.globals[lang] };
    for (const [k, v] of Object.entries(params)) values[k] = this.value(lang, v);
    if (typeof values.count !== 'number' && typeof params.count === 'number') values.count = params.count;
    return this.i18n.t(key, { lng: lang, ...values });
  }

  /**
   * A text with parameters, rendered without i18next when that gives the same string: the text is
   * plain apart from `{{name}}` placeholders (no nesting, formatting, plural or context), and
   * every placeholder has a value. i18next is configured not to escape, and it inserts values as
   * they are (`skipOnVariables`: a value holding `{{x}}` or `$t(…)` is not expanded), so
   * concatenating the parts is what it would return. In the message path i18next costs about
   * 80 µs per text with parameters (its options object, key resolution and regular expressions);
   * this costs one or two. Anything else, or a missing value, goes to i18next as before.
   */
  private fastRender(lang: Lang, key: string, params: Record<string, ParamValue>): string | undefined {
    const templates = this.templates[lang] as Map<string, Template | null> | undefined;
    if (templates === undefined) return undefined;
    let tpl = templates.get(key);
    if (tpl === undefined) {
      tpl = this.globalsAreOptions ? null : compileTemplate(this.rawText(lang, key));
      templates.set(key, tpl);
    }
    if (tpl === null) return undefined;
    for (const name in params) if (I18NEXT_OPTIONS.has(name)) return undefined;
    const globals = this.globals[lang];
    let out = tpl.parts[0]!;
    for (let i = 0; i < tpl.names.length; i++) {
      const name = tpl.names[i]!;
      const param = Object.hasOwn(params, name) ? params[name] : undefined;
      const v = param !== undefined ? this.value(lang, param) : Object.hasOwn(globals, name) ? globals[name] : undefined;
      if (v === undefined) return undefined;
      out += String(v) + tpl.parts[i + 1]!;
    }
    return out;
  }

  /** The text as stored for the language (`ns:key`, or a flow text's key), before interpolation. */
  private rawText(lang: Lang, key: string): unknown {
    const i = key.indexOf(':');
    const ns = i < 0 ? 'flows' : key.slice(0, i);
    if (!(NAMESPACES as readonly string[]).includes(ns)) return undefined;
    return this.i18n.getResource(lang, ns, i < 0 ? key : key.slice(i + 1));
  }

  /** Every language's text for a label, in match form: what a citizen may type to pick it. */
  labels = (key: string): readonly string[] => {
    let hit = this.labelCache.get(key);
    if (!hit) {
      hit = LANGS.map((l) => matchForm(this.t(l, key)));
      this.labelCache.set(key, hit);
    }
    return hit;
  };

  private value(lang: Lang, v: ParamValue): string | number {
    if (typeof v === 'string' || typeof v === 'number') return v;
    if ('t' in v) return this.t(lang, v.t);
    if ('datetime' in v) return formatDateTime(lang, v.datetime);
    return formatDate(lang, v.date);
  }
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

/** A text split at its placeholders: `parts[0] + v(names[0]) + parts[1] + …`. */
interface Template {
  parts: string[];
  names: string[];
}

/** Options i18next reads from the object `t` is given: a parameter so named is left to i18next. */
const I18NEXT_OPTIONS = new Set([
  'count', 'context', 'ordinal', 'lng', 'lngs', 'ns', 'defaultValue', 'replace', 'interpolation', 'returnObjects', 'returnDetails',
  'joinArrays', 'postProcess', 'fallbackLng', 'keySeparator', 'nsSeparator', 'skipInterpolation', 'nest', 'applyPostProcessor',
]);
const PLACEHOLDER = /\{\{(.+?)\}\}/g;
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A stored text as a template, or null when only i18next can render it (nesting, formats, plurals…). */
export function compileTemplate(raw: unknown): Template | null {
  if (typeof raw !== 'string' || raw.includes('$t(')) return null;
  const parts: string[] = [];
  const names: string[] = [];
  let at = 0;
  for (const m of raw.matchAll(PLACEHOLDER)) {
    const name = m[1]!.trim();
    if (!PLAIN_NAME.test(name)) return null;
    parts.push(raw.slice(at, m.index));
    names.push(name);
    at = m.index + m[0].length;
  }
  parts.push(raw.slice(at));
  return { parts, names };
}

/** Built once: creating an Intl formatter costs far more than using one. */
const DATE_FORMATS: Record<Lang, Intl.DateTimeFormat> = {
  en: new Intl.DateTimeFormat('en-IN', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Asia/Kolkata' }),
  hi: new Intl.DateTimeFormat('hi-IN', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Asia/Kolkata' }),
};

const DATE_TIME_EN = new Intl.DateTimeFormat('en-IN', { day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: 'Asia/Kolkata' });
/** Hindi's time of day by its part of the day ("सुबह 11:00", "शाम 6:35"): ICU's hi-IN date-time pattern says "11:00 am बजे". */
const TIME_HI = new Intl.DateTimeFormat('hi-IN', { hour: 'numeric', minute: '2-digit', hourCycle: 'h12', dayPeriod: 'long', timeZone: 'Asia/Kolkata' });

/**
 * Dates already formatted, by language, kind and ISO text. Formatting is a pure function of these
 * three (the formatters are fixed, in IST), and one `format` call took about 10 µs in the message
 * path, once for every acknowledgement's due date; the same few due dates recur all day. Emptied
 * when full, so it holds at most FORMATTED_MAX strings.
 */
const formatted = new Map<string, string>();
const FORMATTED_MAX = 2048;

function remember(cacheKey: string, make: () => string): string {
  let hit = formatted.get(cacheKey);
  if (hit === undefined) {
    hit = make();
    if (formatted.size >= FORMATTED_MAX) formatted.clear();
    formatted.set(cacheKey, hit);
  }
  return hit;
}

/** A date and time in IST: "22 November 2026 at 10:45 am" / "22 नवंबर 2026 को सुबह 10:45 बजे". */
export function formatDateTime(lang: Lang, iso: string): string {
  return remember(`${lang}\u0000t\u0000${iso}`, () => {
    const instant = new Date(iso);
    if (lang === 'en') return DATE_TIME_EN.format(instant);
    return `${DATE_FORMATS.hi.format(instant)} को ${TIME_HI.format(instant)} बजे`;
  });
}

/** A date as a citizen reads it: "22 December 2026" / "22 दिसंबर 2026", in IST. A bare date is a day in IST. */
export function formatDate(lang: Lang, iso: string): string {
  return remember(`${lang}\u0000d\u0000${iso}`, () => DATE_FORMATS[lang].format(iso.length === 10 ? new Date(`${iso}T12:00:00+05:30`) : new Date(iso)));
}

/** How many formatted dates are kept (for the test of the bound). */
export function formattedDatesKept(): number {
  return formatted.size;
}
