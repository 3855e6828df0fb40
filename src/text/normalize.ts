import { asciiDigits } from './digits.ts';

/**
 * Text as citizens type it: Devanagari digits, stray control characters from copy-paste,
 * trailing "।", mixed case. These helpers turn it into something the engine can compare.
 */

// C0/C1 controls (keeping tab and newline), bidi overrides and the BOM; ZWJ/ZWNJ stay because
// Devanagari conjuncts depend on them.
const CONTROL_CHARS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFEFF]/g;
const TRAILING_PUNCTUATION = /[\s.!?,;:।॥]+$/u;
const LEADING_PUNCTUATION = /^[\s.!?,;:।॥]+/u;
const WHITESPACE_RUN = /\s+/g;
const DEVANAGARI_LETTER = /[\u0900-\u097F]/;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** ०-९, ০-৯, ０-９… → 0-9, so that every numeric input accepts any script's digits. */
export function toAsciiDigits(s: string): string {
  return NON_ASCII_DIGIT.test(s) ? asciiDigits(s) : s;
}
const NON_ASCII_DIGIT = /(?![0-9])\p{Nd}/u;

/** NFC, no control characters, trimmed. The form kept for free-text answers. */
export function cleanText(s: string): string {
  return s.normalize('NFC').replace(CONTROL_CHARS, '').replace(/\r\n?/g, '\n').trim();
}

/**
 * The form used to match commands, choices and yes/no: lower case, ASCII digits, single
 * spaces, no surrounding punctuation.
 */
export function matchForm(s: string): string {
  // The engine asks for the same message's match form up to three times (is it an option of the
  // question, a command, the answer); the last one is kept. A pure function of its argument, so
  // the last argument is the whole key.
  if (s === lastMatchInput) return lastMatchForm;
  const form = toAsciiDigits(cleanText(s))
    .toLowerCase()
    .replace(WHITESPACE_RUN, ' ')
    .replace(TRAILING_PUNCTUATION, '')
    .replace(LEADING_PUNCTUATION, '');
  lastMatchInput = s;
  lastMatchForm = form;
  return form;
}
let lastMatchInput: string | undefined;
let lastMatchForm = '';

export function hasDevanagari(s: string): boolean {
  return DEVANAGARI_LETTER.test(s);
}

/** False for text made only of emoji, symbols or punctuation. */
export function hasWords(s: string): boolean {
  return LETTER_OR_DIGIT.test(s);
}

/**
 * Length in user-perceived characters (a Devanagari conjunct or an emoji counts once). Grapheme
 * segmentation is slow, so it runs only where the answer could differ from the UTF-16 length.
 */
const segmenter = new Intl.Segmenter('hi', { granularity: 'grapheme' });
const SIMPLE = /^[\u0000-\u02FF]*$/;
export function visibleLength(s: string): number {
  if (SIMPLE.test(s)) return s.length;
  let n = 0;
  for (const _ of segmenter.segment(s)) n++;
  return n;
}
