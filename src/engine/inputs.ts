import { DateTime } from 'luxon';
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import { z } from 'zod';
import { cleanText, hasWords, matchForm, toAsciiDigits, visibleLength } from '../text/normalize.ts';
import { parseTicketNumber } from '../domain/tickets/ticket-number.ts';
import type { InputSpec } from './schema.ts';
import type { Json } from './session.ts';
import { IST } from '../domain/time/ist.ts';

/**
 * How each ask kind reads an answer. A bad answer is an expected outcome with a reason (an
 * i18n key under `common:input.`), never an exception.
 */
export type Parsed =
  | { ok: true; value: Json; next?: string }
  | { ok: false; reason: string; params?: Record<string, string | number> };

export interface Answer {
  text: string;
  choiceId?: string;
  contact?: { phone: string; own: boolean };
}

/** Every language's label for a key, in match form; given by the host from the locales. */
export type LabelLookup = (key: string) => readonly string[];

const YES = new Set(['yes', 'y', 'yeah', 'yep', 'ok', 'okay', 'sure', 'haan', 'haa', 'han', 'ha', 'hanji', 'haanji', 'ji', 'ji haan', 'theek hai', 'thik hai', 'हाँ', 'हां', 'हा', 'जी', 'जी हाँ', 'जी हां', 'हाँ जी', 'हां जी', 'ठीक है']);
const NO = new Set(['no', 'n', 'nope', 'nahi', 'nahin', 'nhi', 'na', 'nai', 'ji nahi', 'नहीं', 'नही', 'ना', 'जी नहीं', 'नहीं जी']);
const YES_NO_OPTIONS = [
  { id: 'yes', label: 'common:answer.yes' },
  { id: 'no', label: 'common:answer.no' },
] as const;
/** The one choice an optional text question offers. */
const SKIP_OPTIONS = [{ id: 'skip', label: 'common:answer.skip' }] as const;
/** Words that skip an optional text question (besides the "Skip" label in either language). */
const SKIP = new Set(['skip', 'no', 'nahi', 'nahin', 'na', 'none', 'nothing', 'no comment', 'chhodo', 'नहीं', 'नही', 'ना', 'छोड़ें', 'छोड़ दें', 'छोड़ो', 'कुछ नहीं']);

const DATE_FORMATS = ['d/M/yyyy', 'd-M-yyyy', 'd.M.yyyy', 'yyyy-M-d', 'd/M/yy', 'd-M-yy'];
const TODAY = new Set(['today', 'aaj', 'आज']);
const YESTERDAY = new Set(['yesterday', 'beeta kal', 'बीता कल', 'कल (बीता)']);
const emailSchema = z.email();

/** The options an ask step shows: its own for a choice, yes/no for yes_no, none otherwise. */
export function optionsOf(input: InputSpec): ReadonlyArray<{ id: string; label: string; aliases?: string[]; next?: string }> {
  if (input.kind === 'choice') return input.options;
  if (input.kind === 'yes_no') return YES_NO_OPTIONS;
  if (input.kind === 'text' && input.optional) return SKIP_OPTIONS;
  return [];
}

export function parseAnswer(input: InputSpec, answer: Answer, labels: LabelLookup, now: Date): Parsed {
  switch (input.kind) {
    case 'choice':
    case 'yes_no':
      return parseChoice(input, answer, labels);
    case 'text':
      if (input.optional && skips(answer, labels)) return { ok: true, value: null };
      return parseText(answer.text, input.min, input.max);
    case 'phone':
      return parsePhone(answer);
    case 'email': {
      const email = cleanText(answer.text).toLowerCase();
      return emailSchema.safeParse(email).success ? { ok: true, value: email } : { ok: false, reason: 'invalid_email' };
    }
    case 'number':
      return parseNumber(answer.text, input);
    case 'date':
      return parseDate(answer.text, input, now);
    case 'ticket_ref': {
      const n = parseTicketNumber(answer.text);
      return n ? { ok: true, value: n } : { ok: false, reason: 'invalid_ticket_ref' };
    }
    case 'otp': {
      const code = toAsciiDigits(cleanText(answer.text)).replace(/[\s-]/g, '');
      return /^\d{4,8}$/.test(code) ? { ok: true, value: code } : { ok: false, reason: 'invalid_code' };
    }
  }
}

/** Words that ask for a new one-time code. */
const RESEND = new Set(['resend', 'send again', 'new code', 'dobara bhejo', 'फिर से भेजें', 'दोबारा भेजें', 'नया कोड']);
export function asksForResend(text: string): boolean {
  return RESEND.has(matchForm(text));
}

function parseChoice(input: InputSpec, answer: Answer, labels: LabelLookup): Parsed {
  const options = optionsOf(input);
  if (answer.choiceId) {
    const hit = options.find((o) => o.id === answer.choiceId);
    return hit ? pick(hit) : { ok: false, reason: 'invalid_choice', params: { count: options.length } };
  }
  const said = matchForm(answer.text);
  if (said === '') return { ok: false, reason: 'empty' };
  const index = /^\d{1,2}$/.test(said) ? Number(said) : Number.NaN;
  if (index >= 1 && index <= options.length) return pick(options[index - 1]!);
  for (const o of options) {
    if (o.id === said || labels(o.label).includes(said) || o.aliases?.some((a) => matchForm(a) === said)) return pick(o);
  }
  if (input.kind === 'yes_no') {
    if (YES.has(said)) return { ok: true, value: 'yes' };
    if (NO.has(said)) return { ok: true, value: 'no' };
    return { ok: false, reason: 'invalid_yes_no' };
  }
  return { ok: false, reason: 'invalid_choice', params: { count: options.length } };
}

function pick(o: { id: string; next?: string }): Parsed {
  return o.next ? { ok: true, value: o.id, next: o.next } : { ok: true, value: o.id };
}

/** "Skip" tapped or typed (its number, its label in either language, or a word that means it). */
function skips(answer: Answer, labels: LabelLookup): boolean {
  if (answer.choiceId !== undefined) return answer.choiceId === 'skip';
  const said = matchForm(answer.text);
  return said === '1' || SKIP.has(said) || labels(SKIP_OPTIONS[0].label).includes(said);
}

function parseText(raw: string, min: number, max: number): Parsed {
  const text = cleanText(raw);
  if (text === '') return { ok: false, reason: 'empty' };
  if (!hasWords(text)) return { ok: false, reason: 'no_words' };
  const length = visibleLength(text);
  if (length > max) return { ok: false, reason: 'too_long', params: { max, length } };
  if (length < min) return { ok: false, reason: 'too_short', params: { min } };
  return { ok: true, value: text };
}

function parsePhone(answer: Answer): Parsed {
  // A contact shared from the citizen's own account is the strongest form of the answer.
  const source = answer.contact?.phone ?? toAsciiDigits(cleanText(answer.text));
  if (source === '') return { ok: false, reason: 'empty' };
  const phone = parsePhoneNumberFromString(source, 'IN');
  if (!phone || !phone.isValid()) return { ok: false, reason: 'invalid_phone' };
  return { ok: true, value: phone.number };
}

function parseNumber(raw: string, input: Extract<InputSpec, { kind: 'number' }>): Parsed {
  const s = toAsciiDigits(cleanText(raw)).replace(/[,\s]/g, '');
  if (s === '') return { ok: false, reason: 'empty' };
  if (!/^-?\d+(\.\d+)?$/.test(s)) return { ok: false, reason: 'invalid_number' };
  const n = Number(s);
  if (input.integer && !Number.isInteger(n)) return { ok: false, reason: 'invalid_integer' };
  if (input.min !== undefined && n < input.min) return { ok: false, reason: 'number_too_small', params: { min: input.min } };
  if (input.max !== undefined && n > input.max) return { ok: false, reason: 'number_too_large', params: { max: input.max } };
  return { ok: true, value: n };
}

function parseDate(raw: string, input: Extract<InputSpec, { kind: 'date' }>, now: Date): Parsed {
  const said = matchForm(raw);
  if (said === '') return { ok: false, reason: 'empty' };
  const today = DateTime.fromJSDate(now, { zone: IST }).startOf('day');
  let date: DateTime | undefined;
  if (TODAY.has(said)) date = today;
  else if (YESTERDAY.has(said)) date = today.minus({ days: 1 });
  else {
    for (const f of DATE_FORMATS) {
      const d = DateTime.fromFormat(said, f, { zone: IST });
      if (d.isValid) {
        date = d.year < 100 ? d.plus({ years: 2000 }) : d;
        break;
      }
    }
  }
  if (!date) return { ok: false, reason: 'invalid_date' };
  if (!input.allowFuture && date > today) return { ok: false, reason: 'date_in_future' };
  if (!input.allowPast && date < today) return { ok: false, reason: 'date_in_past' };
  return { ok: true, value: date.toISODate() };
}
