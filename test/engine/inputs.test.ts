import { describe, expect, it } from 'vitest';
import { parseAnswer } from '../../src/engine/inputs.ts';
import type { InputSpec } from '../../src/engine/schema.ts';

const now = new Date('2026-11-22T05:30:00.000Z');
const labels = () => [] as string[];
const parse = (input: InputSpec, text: string) => parseAnswer(input, { text }, labels, now);

describe('ask kinds', () => {
  it.each([
    ['9876543210', '+919876543210'],
    ['098765 43210', '+919876543210'],
    ['+91-98765-43210', '+919876543210'],
    ['९८७६५४३२१०', '+919876543210'],
  ])('phone %s', (text, e164) => {
    expect(parse({ kind: 'phone' }, text)).toEqual({ ok: true, value: e164 });
  });

  it.each(['12345', 'call me', '1234567890123456'])('rejects phone %s', (text) => {
    expect(parse({ kind: 'phone' }, text)).toMatchObject({ ok: false, reason: 'invalid_phone' });
  });

  it('email', () => {
    expect(parse({ kind: 'email' }, ' Asha.K@Example.IN ')).toEqual({ ok: true, value: 'asha.k@example.in' });
    expect(parse({ kind: 'email' }, 'asha at example')).toMatchObject({ ok: false, reason: 'invalid_email' });
  });

  it('yes/no in English, romanised Hindi and Hindi', () => {
    for (const y of ['yes', 'Haan', 'हाँ', 'जी हां', '1']) expect(parse({ kind: 'yes_no' }, y)).toMatchObject({ ok: true, value: 'yes' });
    for (const n of ['no', 'nahi', 'नहीं', '2']) expect(parse({ kind: 'yes_no' }, n)).toMatchObject({ ok: true, value: 'no' });
    expect(parse({ kind: 'yes_no' }, 'perhaps')).toMatchObject({ ok: false, reason: 'invalid_yes_no' });
  });

  it('number with Devanagari digits and bounds', () => {
    const spec: InputSpec = { kind: 'number', min: 1, max: 100, integer: true };
    expect(parse(spec, '४२')).toEqual({ ok: true, value: 42 });
    expect(parse(spec, '1,00')).toEqual({ ok: true, value: 100 });
    expect(parse(spec, '101')).toMatchObject({ ok: false, reason: 'number_too_large' });
    expect(parse(spec, '2.5')).toMatchObject({ ok: false, reason: 'invalid_integer' });
    expect(parse(spec, 'ten')).toMatchObject({ ok: false, reason: 'invalid_number' });
  });

  it('date in Indian order, Devanagari digits, today, and no future dates by default', () => {
    const spec: InputSpec = { kind: 'date', allowFuture: false, allowPast: true };
    expect(parse(spec, '१५/०८/२०२६')).toEqual({ ok: true, value: '2026-08-15' });
    expect(parse(spec, '3-11-26')).toEqual({ ok: true, value: '2026-11-03' });
    expect(parse(spec, 'आज')).toEqual({ ok: true, value: '2026-11-22' });
    expect(parse(spec, '31/02/2026')).toMatchObject({ ok: false, reason: 'invalid_date' });
    expect(parse(spec, '01/01/2027')).toMatchObject({ ok: false, reason: 'date_in_future' });
  });

  it('ticket numbers in loose forms', () => {
    expect(parse({ kind: 'ticket_ref' }, 'grv 2026 45')).toEqual({ ok: true, value: 'GRV-2026-000045' });
    expect(parse({ kind: 'ticket_ref' }, 'DPR-२०२६-०००१२३')).toEqual({ ok: true, value: 'DPR-2026-000123' });
    expect(parse({ kind: 'ticket_ref' }, 'ABC-2026-1')).toMatchObject({ ok: false, reason: 'invalid_ticket_ref' });
  });

  it('text: empty, only emoji, too long (counted as seen), too short', () => {
    const spec: InputSpec = { kind: 'text', min: 3, max: 10 };
    expect(parse(spec, '  \u0000 ')).toMatchObject({ ok: false, reason: 'empty' });
    expect(parse(spec, '😀😀')).toMatchObject({ ok: false, reason: 'no_words' });
    expect(parse(spec, 'नमस्ते')).toEqual({ ok: true, value: 'नमस्ते' });
    expect(parse(spec, 'a'.repeat(11))).toMatchObject({ ok: false, reason: 'too_long', params: { max: 10, length: 11 } });
    expect(parse(spec, 'ab')).toMatchObject({ ok: false, reason: 'too_short' });
  });
});
