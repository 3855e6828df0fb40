import { digitRuns, digitValue, type RunDigit } from './digits.ts';

/**
 * Masks identifiers that must never be stored: an Aadhaar number (12 digits, first 2–9,
 * Verhoeff check digit) is kept as its last 4 digits; a 13–19 digit Luhn-valid card number
 * likewise; a CVV, password, PIN or one-time code written after the word naming it is dropped.
 * Runs before the transcript, the engine, the logs and the database see the text. (An answer to
 * the bot's own one-time-code question never gets this far: the router keeps it out entirely.)
 */

export type RedactionKind = 'aadhaar' | 'card' | 'secret';

export interface Redaction {
  text: string;
  kinds: RedactionKind[];
}

// A secret after the word that names it: "CVV 123", "password: hunter2", "PIN-4321", "OTP is 246810",
// "पासवर्ड abc", "ओटीपी २४६८१०". The word stays (so the sentence still reads); the secret goes.
const SECRET_AFTER_LABEL =
  /\b(cvv2?|cvc|card verification(?: value)?|pass ?word|passcode|otp|one[- ]time (?:code|password)|verification code)\b(\s*(?:is|was|:|=|-)?\s*)([^\s,.;]{3,64})/giu;
// A PIN only as four digits: "PIN 110092" in an address is a postal code and must stay.
const PIN_AFTER_LABEL = /\b(m?pin)\b(\s*(?:is|was|:|=|-)?\s*)(\p{Nd}{4})(?!\p{Nd})/giu;
const SECRET_AFTER_HINDI_LABEL = /(सीवीवी|पासवर्ड|ओटीपी)(\s*(?:है|था|:|=|-)?\s*)([^\s,।;]{3,64})/gu;
const PIN_AFTER_HINDI_LABEL = /(पिन)(\s*(?:है|था|:|=|-)?\s*)(\p{Nd}{4})(?!\p{Nd})/gu;

const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

export function verhoeffValid(digits: string): boolean {
  let c = 0;
  const n = digits.length;
  for (let i = 0; i < n; i++) {
    c = VERHOEFF_D[c]![VERHOEFF_P[i % 8]![Number(digits[n - 1 - i])]!]!;
  }
  return c === 0;
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = Number(digits[i]);
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** A number found in the text: which kind, where it stands, and the last four digits shown. */
export interface NumberSpan {
  kind: 'aadhaar' | 'card';
  /** UTF-16 positions in the text: from the first masked digit to just after the last. */
  start: number;
  end: number;
  last4: string;
  /** For a card: where the digits that follow it in the same run end (an expiry date, a CVV). */
  trailingEnd?: number;
}

interface Window {
  kind: 'aadhaar' | 'card';
  from: number;
  to: number; // inclusive digit indexes in the run
}

const MAX_TRAILING_AFTER_CARD = 7; // "12/28 123": an expiry and a CVV

/**
 * Every Aadhaar number (12 digits, first 2–9, Verhoeff), Aadhaar Virtual ID (16 digits, Verhoeff)
 * and card number (13–19 digits, Luhn) in
 * the text, looked for in every window of every digit run, not only whole runs: a mobile number
 * just before an Aadhaar number, or a CVV just after a card number, make one longer run.
 *
 * A window that starts and ends where the run's groups do ("9876543210 [2345 6789 0124]") is
 * taken first, best fit first. Every other valid window that does not overlap one taken is masked
 * too, overlapping ones together: in a long run of digits without groups a chance match only
 * widens the mask, it never leaves part of a number behind.
 */
export function findNumbers(text: string): NumberSpan[] {
  const spans: NumberSpan[] = [];
  for (const run of digitRuns(text)) {
    if (run.length < 12) continue;
    const digits = run.map((r) => r.d).join('');
    const windows: Window[] = [];
    for (let s = 0; s + 12 <= digits.length; s++) {
      if (digits[s]! >= '2' && verhoeffValid(digits.slice(s, s + 12))) windows.push({ kind: 'aadhaar', from: s, to: s + 11 });
      // An Aadhaar Virtual ID (VID): 16 digits with a Verhoeff check digit, which authenticates in
      // place of the number itself. A window that is also a valid card number is the card's.
      if (s + 16 <= digits.length) {
        const vid = digits.slice(s, s + 16);
        if (verhoeffValid(vid) && !luhnValid(vid)) windows.push({ kind: 'aadhaar', from: s, to: s + 15 });
      }
      if (digits[s] === '0') continue;
      for (let len = 13; len <= 19 && s + len <= digits.length; len++) {
        if (luhnValid(digits.slice(s, s + len))) windows.push({ kind: 'card', from: s, to: s + len - 1 });
      }
    }
    if (windows.length === 0) continue;
    const taken: Window[] = [];
    const overlaps = (w: Window) => taken.some((t) => w.from <= t.to && t.from <= w.to);
    const fitting = windows.filter((w) => startsGroup(run, w.from) && endsGroup(run, w.to)).sort((a, b) => fit(run, b) - fit(run, a) || a.from - b.from);
    const parts: Window[][] = [];
    for (const w of fitting) {
      if (overlaps(w)) continue;
      taken.push(w);
      parts.push([w]);
    }
    // The rest, merged where they overlap.
    const rest = windows.filter((w) => !overlaps(w)).sort((a, b) => a.from - b.from || a.to - b.to);
    let part: Window[] = [];
    let partEnd = -1;
    for (const w of rest) {
      if (part.length > 0 && w.from <= partEnd) {
        part.push(w);
        partEnd = Math.max(partEnd, w.to);
        continue;
      }
      if (part.length > 0) parts.push(part);
      part = [w];
      partEnd = w.to;
    }
    if (part.length > 0) parts.push(part);

    for (const p of parts.sort((x, y) => x[0]!.from - y[0]!.from)) {
      const anchor = p.reduce((best, w) => (fit(run, w) > fit(run, best) ? w : best));
      const from = Math.min(...p.map((w) => w.from));
      const to = Math.max(...p.map((w) => w.to));
      const span: NumberSpan = { kind: anchor.kind, start: run[from]!.start, end: run[to]!.end, last4: digits.slice(anchor.to - 3, anchor.to + 1) };
      const trailing = run.length - 1 - to;
      if (anchor.kind === 'card' && trailing > 0 && trailing <= MAX_TRAILING_AFTER_CARD) span.trailingEnd = run[run.length - 1]!.end;
      spans.push(span);
    }
  }
  return spans;
}

const startsGroup = (run: RunDigit[], i: number) => i === 0 || run[i - 1]!.group !== run[i]!.group;
const endsGroup = (run: RunDigit[], i: number) => i === run.length - 1 || run[i + 1]!.group !== run[i]!.group;

/**
 * How well a window fits the run's groups. Its end counts most (the last four digits shown come
 * from it); an Aadhaar number, then a 16-digit card, is the likelier reading.
 */
function fit(run: RunDigit[], w: Window): number {
  let s = 0;
  if (endsGroup(run, w.to)) s += 2;
  if (startsGroup(run, w.from)) s += 1;
  if (w.kind === 'aadhaar') s += 1.5;
  else if (w.to - w.from + 1 === 16) s += 0.5;
  return s;
}

export function maskedForm(kind: 'aadhaar' | 'card', last4: string): string {
  return kind === 'aadhaar' ? `XXXX XXXX ${last4}` : `XXXX XXXX XXXX ${last4}`;
}

/** Replaces each span with its masked form (and a card's trailing digits with `[hidden]`). */
function maskNumbers(text: string, spans: NumberSpan[], kinds: Set<RedactionKind>): string {
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + maskedForm(s.kind, s.last4);
    kinds.add(s.kind);
    at = s.end;
    if (s.trailingEnd !== undefined) {
      out += ' [hidden]';
      kinds.add('secret');
      at = s.trailingEnd;
    }
  }
  return out + text.slice(at);
}

export function redact(text: string): Redaction {
  const kinds = new Set<RedactionKind>();
  const hideSecret = (_m: string, label: string, gap: string) => {
    kinds.add('secret');
    return `${label}${gap}[hidden]`;
  };
  // Numbers first, so a label before one ("OTP 2345 6789 0124") cannot leave part of it behind.
  const out = maskNumbers(text, findNumbers(text), kinds)
    .replace(SECRET_AFTER_LABEL, hideSecret)
    .replace(PIN_AFTER_LABEL, hideSecret)
    .replace(SECRET_AFTER_HINDI_LABEL, hideSecret)
    .replace(PIN_AFTER_HINDI_LABEL, hideSecret);
  return { text: out, kinds: [...kinds] };
}

/** What a number split over two messages changes in each. */
export interface SplitRedaction {
  /** The previous message's stored text with its part of the number masked. */
  previous: string;
  next: Redaction;
}

/** Where a split number may end the first message and begin the next (split-numbers.ts checks with the same). */
export const ENDS_WITH_DIGIT = /\p{Nd}[^\p{L}\p{Nd}]{0,4}$/u;
export const STARTS_WITH_DIGIT = /^[^\p{L}\p{Nd}]{0,4}\p{Nd}/u;

/**
 * A number typed over two messages ("2345 6789" then "0124"): `previous` is the stored, already
 * masked text of the conversation's previous message. When a number starts in it and ends in
 * `next`, both parts are masked: the digits in `previous` become X, and the start of `next`
 * becomes the masked form with the last four digits. Undefined when no number spans the two.
 */
export function redactSplit(previous: string, next: string): SplitRedaction | undefined {
  if (!ENDS_WITH_DIGIT.test(previous) || !STARTS_WITH_DIGIT.test(next)) return undefined;
  const offset = previous.length + 1;
  const spans = findNumbers(`${previous}\n${next}`).filter((s) => s.start < previous.length && s.end > offset);
  const span = spans[0];
  if (!span) return undefined;
  const head = previous.slice(0, span.start) + [...previous.slice(span.start)].map((ch) => (digitValueOf(ch) === undefined ? ch : 'X')).join('');
  const end = (span.trailingEnd ?? span.end) - offset;
  const rest = redact(next.slice(end));
  const kinds = new Set<RedactionKind>([span.kind, ...rest.kinds]);
  if (span.trailingEnd !== undefined) kinds.add('secret');
  const masked = maskedForm(span.kind, span.last4) + (span.trailingEnd !== undefined ? ' [hidden]' : '');
  return { previous: head, next: { text: masked + rest.text, kinds: [...kinds] } };
}

const digitValueOf = (ch: string) => digitValue(ch.codePointAt(0)!);
