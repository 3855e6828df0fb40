import { describe, expect, it } from 'vitest';
import { luhnValid, redact, verhoeffValid } from '../../src/text/redact.ts';
import { matchForm, toAsciiDigits } from '../../src/text/normalize.ts';

// 234567890124 passes Verhoeff; 4111111111111111 passes Luhn.
describe('redaction before storage', () => {
  it('knows the check digits', () => {
    expect(verhoeffValid('234567890124')).toBe(true);
    expect(verhoeffValid('234567890123')).toBe(false);
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });

  it.each([
    ['2345 6789 0124', 'XXXX XXXX 0124'],
    ['2345-6789-0124', 'XXXX XXXX 0124'],
    ['234567890124', 'XXXX XXXX 0124'],
    ['२३४५ ६७८९ ०१२४', 'XXXX XXXX 0124'],
  ])('masks the Aadhaar number %s', (raw, masked) => {
    expect(redact(`my aadhaar is ${raw}.`)).toEqual({ text: `my aadhaar is ${masked}.`, kinds: ['aadhaar'] });
  });

  it('masks a card number and keeps other numbers', () => {
    expect(redact('card 4111 1111 1111 1111, phone 9876543210, bill 234567890123')).toEqual({
      text: 'card XXXX XXXX XXXX 1111, phone 9876543210, bill 234567890123',
      kinds: ['card'],
    });
  });
});

describe('normalisation', () => {
  it('reads Devanagari digits and drops surrounding punctuation', () => {
    expect(toAsciiDigits('०१२३४५६७८९')).toBe('0123456789');
    expect(matchForm('  हाँ।  ')).toBe('हाँ');
    expect(matchForm('Status   GRV-2026-1!')).toBe('status grv-2026-1');
  });
});
