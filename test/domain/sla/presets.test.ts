import { describe, expect, it } from 'vitest';
import { describeDuration, durationSchema, type Duration } from '../../../src/domain/sla/duration.ts';
import { DPDP_MAX_RESOLVE, dpdpPolicy, SLA_PRESETS, slaPolicySchema, slaPreset } from '../../../src/domain/sla/presets.ts';
import { AppError } from '../../../src/errors.ts';

const dpdp = (resolve: Duration) => ({
  id: 'our-period',
  regime: 'dpdp',
  kinds: ['grievance'],
  resolve,
  title: { en: 'Grievance', hi: 'शिकायत' },
});

describe('SLA presets', () => {
  it('are all valid policies with unique ids and titles in both languages', () => {
    for (const preset of SLA_PRESETS) {
      expect(slaPolicySchema.parse(preset)).toEqual(preset);
      expect(preset.title.hi).toMatch(/[\u0900-\u097F]/);
    }
    expect(new Set(SLA_PRESETS.map((p) => p.id)).size).toBe(SLA_PRESETS.length);
  });

  it('carry the periods of legal-requirements §1', () => {
    const summary = Object.fromEntries(SLA_PRESETS.map((p) => [p.id, { kinds: p.kinds, ack: p.acknowledge ?? null, resolve: p.resolve, calendar: p.calendar }]));
    expect(summary).toEqual({
      dpdp: { kinds: ['grievance', 'data_rights'], ack: null, resolve: { unit: 'calendar_days', value: 30 }, calendar: 'in-central' },
      'it-rules': { kinds: ['grievance'], ack: { unit: 'hours', value: 24 }, resolve: { unit: 'calendar_days', value: 15 }, calendar: 'in-central' },
      'it-rules-intimate-image': { kinds: ['intimate_image_removal'], ack: null, resolve: { unit: 'hours', value: 24 }, calendar: 'in-central' },
      spdi: { kinds: ['grievance', 'data_rights'], ack: null, resolve: { unit: 'months', value: 1 }, calendar: 'in-central' },
      ecommerce: { kinds: ['grievance'], ack: { unit: 'hours', value: 48 }, resolve: { unit: 'months', value: 1 }, calendar: 'in-central' },
      cpgrams: { kinds: ['grievance'], ack: null, resolve: { unit: 'calendar_days', value: 21 }, calendar: 'in-central' },
    });
    expect(slaPreset('it-rules')?.regime).toBe('it_rules');
    expect(slaPreset('nope')).toBeUndefined();
  });

  it('cannot be changed by a caller', () => {
    const preset = slaPreset('dpdp');
    expect(Object.isFrozen(preset)).toBe(true);
    expect(Object.isFrozen(preset?.resolve)).toBe(true);
  });
});

describe('the DPDP ninety-day ceiling (Rules 2025 r.14(3))', () => {
  it.each([
    { unit: 'calendar_days', value: 90 },
    { unit: 'months', value: 2 },
    { unit: 'working_days', value: 60 },
    { unit: 'hours', value: 2160 },
  ] as Duration[])('accepts $value $unit', (resolve) => {
    expect(slaPolicySchema.safeParse(dpdp(resolve)).success).toBe(true);
  });

  it.each([
    { unit: 'calendar_days', value: 91 },
    { unit: 'months', value: 3 },
    { unit: 'working_days', value: 61 },
    { unit: 'hours', value: 2161 },
  ] as Duration[])('rejects $value $unit, quoting the rule', (resolve) => {
    const r = slaPolicySchema.safeParse(dpdp(resolve));
    expect(r.success).toBe(false);
    const issue = r.error?.issues[0];
    expect(issue?.path).toEqual(['resolve', 'value']);
    expect(issue?.message).toContain('DPDP Rules 2025 r.14(3)');
    expect(issue?.message).toContain('ninety days');
  });

  it('applies only to the DPDP regime', () => {
    expect(slaPolicySchema.safeParse({ ...dpdp({ unit: 'calendar_days', value: 120 }), regime: 'cpgrams' }).success).toBe(true);
  });

  it('dpdpPolicy() takes the organisation period and throws an AppError beyond 90 days', () => {
    expect(dpdpPolicy().resolve).toEqual({ unit: 'calendar_days', value: 30 });
    expect(dpdpPolicy({ unit: 'calendar_days', value: 45 }).resolve.value).toBe(45);
    expect(() => dpdpPolicy({ unit: 'calendar_days', value: 91 })).toThrow(AppError);
    expect(() => dpdpPolicy({ unit: 'calendar_days', value: 91 })).toThrow(/resolve\.value: DPDP Rules 2025 r\.14\(3\)/);
    expect(DPDP_MAX_RESOLVE.calendar_days).toBe(90);
  });
});

describe('policy schema', () => {
  it('defaults the calendar and rejects unknown fields, regimes, kinds and bad durations', () => {
    expect(slaPolicySchema.parse(dpdp({ unit: 'calendar_days', value: 30 })).calendar).toBe('in-central');
    expect(slaPolicySchema.safeParse({ ...dpdp({ unit: 'calendar_days', value: 30 }), resolv: 1 }).success).toBe(false);
    expect(slaPolicySchema.safeParse({ ...dpdp({ unit: 'calendar_days', value: 30 }), regime: 'gdpr' }).success).toBe(false);
    expect(slaPolicySchema.safeParse({ ...dpdp({ unit: 'calendar_days', value: 30 }), kinds: [] }).success).toBe(false);
    expect(slaPolicySchema.safeParse({ ...dpdp({ unit: 'calendar_days', value: 30 }), kinds: ['Data Rights'] }).success).toBe(false);
    expect(slaPolicySchema.safeParse(dpdp({ unit: 'calendar_days', value: 0 })).success).toBe(false);
    expect(slaPolicySchema.safeParse(dpdp({ unit: 'calendar_days', value: 1.5 })).success).toBe(false);
    expect(slaPolicySchema.safeParse(dpdp({ unit: 'weeks', value: 2 } as unknown as Duration)).success).toBe(false);
  });
});

describe('durations', () => {
  it('validate and describe themselves in English and Hindi', () => {
    expect(durationSchema.safeParse({ unit: 'hours', value: 24 }).success).toBe(true);
    expect(durationSchema.safeParse({ unit: 'hours', value: -1 }).success).toBe(false);
    expect(describeDuration({ unit: 'calendar_days', value: 30 })).toBe('30 calendar days');
    expect(describeDuration({ unit: 'months', value: 1 })).toBe('1 month');
    expect(describeDuration({ unit: 'working_days', value: 5 }, 'hi')).toBe('5 कार्य दिवस');
    expect(describeDuration({ unit: 'hours', value: 24 }, 'hi')).toBe('24 घंटे');
  });
});
