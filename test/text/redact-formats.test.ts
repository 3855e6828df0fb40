import { describe, expect, it } from 'vitest';
import { digitRuns, digitValue } from '../../src/text/digits.ts';
import { redact, redactSplit } from '../../src/text/redact.ts';

/**
 * The formats an adversarial review found stored in full (issue 14), and more: each must come out
 * with only its last four digits. 234567890124 passes Verhoeff; 4111111111111111 passes Luhn.
 */
const A = '234567890124';
const groups = (s: string, sep: string) => [s.slice(0, 4), s.slice(4, 8), s.slice(8, 12)].join(sep);
const inScript = (s: string, zero: number) => [...s].map((d) => String.fromCodePoint(zero + Number(d))).join('');

export const AADHAAR_FORMATS: Array<[string, string]> = [
  ['plain', A],
  ['spaces', groups(A, ' ')],
  ['dashes', groups(A, '-')],
  ['dots', groups(A, '.')],
  ['two spaces', groups(A, '  ')],
  ['no-break space', groups(A, '\u00A0')],
  ['thin space', groups(A, '\u2009')],
  ['narrow no-break space', groups(A, '\u202F')],
  ['zero-width space', groups(A, '\u200B')],
  ['word joiner and space', groups(A, '\u2060 ')],
  ['soft hyphen', groups(A, '\u00AD')],
  ['en dash', groups(A, '\u2013')],
  ['em dash', groups(A, '\u2014')],
  ['minus sign', groups(A, '\u2212')],
  ['slashes', groups(A, '/')],
  ['spaced dashes', groups(A, ' - ')],
  ['commas', groups(A, ',')],
  ['tab', groups(A, '\t')],
  ['line breaks', groups(A, '\n')],
  ['ideographic space', groups(A, '\u3000')],
  ['a space between every digit', [...A].join(' ')],
  ['mobile number just before', `9876543210 ${groups(A, ' ')}`],
  ['mobile number glued before', `9876543210${A}`],
  ['a digit just after', `${groups(A, ' ')}5`],
  ['full-width digits', inScript(A, 0xff10)],
  ['full-width, spaced', groups(inScript(A, 0xff10), ' ')],
  ['Devanagari digits', groups(inScript(A, 0x0966), ' ')],
  ['Bengali digits', groups(inScript(A, 0x09e6), ' ')],
  ['Gujarati digits', groups(inScript(A, 0x0ae6), ' ')],
  ['Tamil digits', inScript(A, 0x0be6)],
  ['Arabic-Indic digits', inScript(A, 0x0660)],
  ['mathematical bold digits', inScript(A, 0x1d7ce)],
  ['mixed scripts', `2345 ${inScript('6789', 0x09e6)} 0124`],
  ['brackets', '(2345)(6789)(0124)'],
  ['emoji keycaps', [...A].map((d) => `${d}\uFE0F\u20E3`).join('')],
];

const C = '4111111111111111';
const cardGroups = (sep: string) => [C.slice(0, 4), C.slice(4, 8), C.slice(8, 12), C.slice(12)].join(sep);
export const CARD_FORMATS: Array<[string, string]> = [
  ['plain', C],
  ['spaces', cardGroups(' ')],
  ['dots', cardGroups('.')],
  ['no-break space', cardGroups('\u00A0')],
  ['zero-width space', cardGroups('\u200B')],
  ['en dash', cardGroups('\u2013')],
  ['slashes', cardGroups('/')],
  ['followed by its CVV', `${cardGroups(' ')} 839`],
  ['followed by expiry and CVV', `${cardGroups(' ')} 12/28 839`],
  ['full-width digits', inScript(C, 0xff10)],
  ['Bengali digits', cardGroups(' ').replace(/\d/g, (d) => String.fromCodePoint(0x09e6 + Number(d)))],
  ['American Express 4-6-5', '3782 822463 10005'],
];

/** The digits of each run left in the text, as one string per run. */
const runsOf = (s: string) => digitRuns(s).map((r) => r.map((d) => d.d).join('')).join(' ');
const digitsOf = (s: string) => [...s].map((ch) => digitValue(ch.codePointAt(0)!)).filter((v) => v !== undefined).join('');

describe('Aadhaar numbers in every format', () => {
  it.each(AADHAAR_FORMATS)('%s', (_name, raw) => {
    const out = redact(`My Aadhaar is ${raw} thanks`);
    expect(out.kinds).toContain('aadhaar');
    expect(out.text).toContain('XXXX XXXX 0124');
    // No 5 consecutive digits of the number remain (the last four are allowed).
    const left = runsOf(out.text);
    for (let i = 0; i + 5 <= A.length; i++) expect(left, `${A.slice(i, i + 5)} left in ${out.text}`).not.toContain(A.slice(i, i + 5));
  });

  it('keeps the mobile number before it, and masks in place', () => {
    expect(redact(`call 9876543210 ${groups(A, ' ')}`).text).toBe('call 9876543210 XXXX XXXX 0124');
    expect(redact(`call 9876543210${A}`).kinds).toEqual(['aadhaar']);
    expect(redact(`uid ${groups(A, '\u00A0')}.`).text).toBe('uid XXXX XXXX 0124.');
  });
});

describe('card numbers in every format', () => {
  it.each(CARD_FORMATS)('%s', (_name, raw) => {
    const out = redact(`card ${raw} ok`);
    expect(out.kinds).toContain('card');
    const left = runsOf(out.text);
    const whole = digitsOf(raw);
    for (let i = 0; i + 5 <= whole.length; i++) expect(left, `${whole.slice(i, i + 5)} left in ${out.text}`).not.toContain(whole.slice(i, i + 5));
    expect(left).not.toContain('839');
  });

  it('hides the CVV that follows the card', () => {
    expect(redact(`card ${cardGroups(' ')} 839`)).toEqual({ text: 'card XXXX XXXX XXXX 1111 [hidden]', kinds: ['card', 'secret'] });
  });
});

describe('what stays', () => {
  it.each([
    'GRV-2026-000123 raised on 07/12/2026',
    'my mobile is +91 98765 43210',
    'amount 1,25,000.50 paid',
    'pincode 110092, house 42',
    'between 10:30 and 11:45',
  ])('%s', (text) => {
    expect(redact(text)).toEqual({ text, kinds: [] });
  });
});

describe('digit values', () => {
  it('reads every script from its block of ten', () => {
    expect(digitsOf('٠١٢٣٤٥٦٧٨٩')).toBe('0123456789');
    expect(digitsOf('𝟘𝟙𝟚𝟛𝟜𝟝𝟞𝟟𝟠𝟡')).toBe('0123456789');
    expect(digitsOf('᠐᠑᠒')).toBe('012');
    expect(digitValue('a'.codePointAt(0)!)).toBeUndefined();
  });
});

describe('a number split over two messages', () => {
  it.each([
    ['2345 6789', '0124', 'XXXX XXXX'],
    ['my aadhaar 2345', '6789 0124 ok', 'my aadhaar XXXX'],
    ['4111 1111 1111', '1111 839', 'XXXX XXXX XXXX'],
    ['२३४५ ६७८९', '०१२४', 'XXXX XXXX'],
  ])('%s | %s', (first, second, previous) => {
    const out = redactSplit(first, second);
    expect(out?.previous).toBe(previous);
    expect(runsOf(`${out?.previous}\n${out?.next.text}`)).not.toMatch(/\d{5}/);
    expect(out?.next.kinds.length).toBeGreaterThan(0);
  });

  it('leaves two unrelated numbers alone', () => {
    expect(redactSplit('my pincode is 110092', '42 is the house')).toBeUndefined();
    expect(redactSplit('call me', '2345 6789 0124')).toBeUndefined();
  });
});
