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

  it('gives each text its own match form when the last one is kept: the same text again, another, and back', () => {
    const texts = ['Yes!', 'yes', ' NO. ', '२', 'Yes!', '', 'Yes!'];
    const once = texts.map((t) => matchForm(t));
    expect(once).toEqual(['yes', 'yes', 'no', '2', 'yes', '', 'yes']);
    for (const t of [...texts].reverse()) expect(matchForm(t)).toBe(once[texts.indexOf(t)]);
  });
});

describe('secrets after the word that names them', () => {
  it.each([
    ['my CVV is 123', 'my CVV is [hidden]'],
    ['cvv: 4321 please', 'cvv: [hidden] please'],
    ['Password: hunter2!', 'Password: [hidden]'],
    ['the OTP was 246810', 'the OTP was [hidden]'],
    ['mera pin 4321 hai', 'mera pin [hidden] hai'],
    ['मेरा पासवर्ड abc123 है', 'मेरा पासवर्ड [hidden] है'],
    ['ओटीपी २४६८१०', 'ओटीपी [hidden]'],
  ])('%s', (raw, masked) => {
    expect(redact(raw)).toEqual({ text: masked, kinds: ['secret'] });
  });

  it('leaves ordinary words alone', () => {
    expect(redact('The pipeline near the temple is broken since 3 November').kinds).toEqual([]);
    expect(redact('Spinning mill on Pinewood Road').kinds).toEqual([]);
    expect(redact('Laxmi Nagar, Delhi, PIN 110092').kinds).toEqual([]);
    expect(redact('पिन कोड 110092').kinds).toEqual([]);
    expect(redact('my ATM pin is 4321').text).toBe('my ATM pin is [hidden]');
  });
});
