import { describe, expect, it } from 'vitest';
import { digitRuns, digitValue } from '../../src/text/digits.ts';
import { luhnValid, redact, redactSplit, verhoeffValid } from '../../src/text/redact.ts';
import { aadhaarFormats, cardFormats } from '../helpers/number-formats.ts';

/**
 * The formats an adversarial review found stored in full (issue 14), and more: each must come out
 * with only its last four digits. 234567890124 passes Verhoeff; 4111111111111111 passes Luhn.
 */
const A = '234567890124';
const C = '4111111111111111';
const groups = (s: string, sep: string) => [s.slice(0, 4), s.slice(4, 8), s.slice(8, 12)].join(sep);
const cardGroups = (sep: string) => [C.slice(0, 4), C.slice(4, 8), C.slice(8, 12), C.slice(12)].join(sep);
const AADHAAR_FORMATS: Array<[string, string]> = [
  ...aadhaarFormats(A),
  ['a digit just after', `${groups(A, ' ')}5`],
];
const CARD_FORMATS: Array<[string, string]> = [...cardFormats(C), ['American Express 4-6-5', '3782 822463 10005']];

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

const toDevanagari = (s: string) => s.replace(/\d/g, (d) => String.fromCharCode(0x0966 + Number(d)));

describe('an Aadhaar Virtual ID (16 digits, Verhoeff check digit)', () => {
  /** 15 digits and the check digit that makes them a valid VID (and not a card number). */
  const vidOf = (base: string): string => {
    for (let d = 0; d <= 9; d++) if (verhoeffValid(base + d) && !luhnValid(base + d)) return base + d;
    throw new Error('no VID digit');
  };
  const VID = vidOf('912345678901234');
  const grouped = VID.replace(/(\d{4})(?=\d)/g, '$1 ');

  it('is masked to its last four digits, grouped or not, with no-break spaces, in Devanagari digits, after a mobile number', () => {
    for (const text of [`my VID is ${grouped}`, `VID ${VID}`, `VID ${grouped.replace(/ /g, '\u00a0')}`, `वीआईडी ${toDevanagari(grouped)}`, `call 9876543210 vid ${grouped}`]) {
      const out = redact(text);
      expect(out.text, text).not.toMatch(/\d{4}[\s\u00a0]?\d{4}[\s\u00a0]?\d{4}[\s\u00a0]?\d{4}/);
      expect(out.text, text).toContain(VID.slice(-4));
      expect(out.kinds, text).toEqual(['aadhaar']);
    }
  });

  it('a 16-digit card number stays a card', () => {
    expect(redact('4111 1111 1111 1111').kinds).toEqual(['card']);
  });
});
