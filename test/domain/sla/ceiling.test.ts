import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContent } from '../../../src/app.ts';
import { PACKAGE_ROOT } from '../../../src/config.ts';
import { loadCalendar } from '../../../src/domain/sla/calendar-files.ts';
import { weekendOnlyCalendar } from '../../../src/domain/sla/calendar.ts';
import { ceilingOf, firstCeilingBreach, largestSafeValue, REGIME_LAW } from '../../../src/domain/sla/ceiling.ts';
import { SLA_PRESETS } from '../../../src/domain/sla/presets.ts';
import { tempDataDir, testConfig } from '../../helpers/harness.ts';

const calendar = loadCalendar(path.join(PACKAGE_ROOT, 'calendars'), 'in-central');
const dpdp = (value: number) => ({ regime: 'dpdp' as const, resolve: { unit: 'working_days' as const, value } });

describe('the statutory ceiling against the real calendar', () => {
  it('finds the receipt days on which 60 and 59 working days end past 90 days in 2026; 58 never does', () => {
    expect(calendar.coveredYears).toEqual([2026]);
    // Received Mon 5 Jan 2026: 60 working days (Republic Day, Holi… closed) end on 6 Apr, a day past the ceiling.
    expect(firstCeilingBreach(dpdp(60), calendar, [2026])).toEqual({ received: '2026-01-05', due: '2026-04-06', ceiling: '2026-04-05' });
    expect(firstCeilingBreach(dpdp(59), calendar, [2026])).toEqual({ received: '2026-02-26', due: '2026-05-28', ceiling: '2026-05-27' });
    expect(firstCeilingBreach(dpdp(58), calendar, [2026])).toBeUndefined();
    expect(largestSafeValue(dpdp(60), calendar, [2026])).toBe(58);
    // Weekends alone never push 60 working days (84 days) past 90.
    expect(firstCeilingBreach(dpdp(60), weekendOnlyCalendar(), [2026, 2027])).toBeUndefined();
  });

  it('passes every shipped preset on the shipped calendar', () => {
    for (const p of SLA_PRESETS) expect(firstCeilingBreach(p, calendar, [2026]), p.id).toBeUndefined();
  });

  it('sets a ceiling for every regime but CPGRAMS, and an extension for CPGRAMS only', () => {
    expect(Object.entries(REGIME_LAW).filter(([, l]) => l.extension !== null).map(([r]) => r)).toEqual(['cpgrams']);
    expect(ceilingOf({ regime: 'cpgrams' }, new Date('2026-12-04T05:00:00Z'), calendar)).toBeNull();
    // Received 4 Dec 2026 (IST): the 90th day after is 4 Mar 2027, to its last second IST.
    expect(ceilingOf({ regime: 'dpdp' }, new Date('2026-12-04T05:00:00Z'), calendar)!.toISOString()).toBe('2027-03-04T18:29:59.000Z');
  });

  it('refuses at start-up a profile of 59 working days, naming the receipt day and the largest period that fits', () => {
    const dir = tempDataDir();
    const file = path.join(dir, 'profile.yaml');
    const text = fs.readFileSync(path.join(PACKAGE_ROOT, 'profiles', 'examples', 'dpo-first.yaml'), 'utf8');
    fs.writeFileSync(file, text.replace('resolve: { unit: calendar_days, value: 45 }', 'resolve: { unit: working_days, value: 59 }'));
    const load = () => loadContent(testConfig(dir, { PROFILE_FILE: file }));
    expect(load).toThrow(/policies\.grievance: 59 working_days can end past the 90 calendar days DPDP Rules 2025, rule 14\(3\) allows/);
    expect(load).toThrow(/received on 2026-02-26 would be due on 2026-05-28, after 2026-05-27.*Use at most 58 working_days/s);
    fs.writeFileSync(file, text.replace('resolve: { unit: calendar_days, value: 45 }', 'resolve: { unit: working_days, value: 58 }'));
    expect(load().profile.policies.grievance.resolve).toEqual({ unit: 'working_days', value: 58 });
  });
});
