import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config.ts';
import { loadCalendar } from '../../src/domain/sla/calendar-files.ts';
import { deadline } from '../../src/domain/sla/deadline.ts';
import type { Duration } from '../../src/domain/sla/duration.ts';
import { AppError, ERROR_CODES } from '../../src/errors.ts';
import { elapsedIn, mean, median, percentile } from '../../src/reports/measure.ts';
import { monthOf, parseMonth, shiftMonth } from '../../src/reports/month.ts';
import { ist } from './fixture.ts';

const calendar = loadCalendar(path.join(PACKAGE_ROOT, 'calendars'), 'in-central');
const at = (text: string) => new Date(ist(text));

describe('months are IST calendar months', () => {
  it('November 2026 runs from 00:00 IST on 1 Nov to 00:00 IST on 1 Dec', () => {
    expect(parseMonth('2026-11')).toEqual({ month: '2026-11', year: 2026, monthOfYear: 11, from: '2026-10-31T18:30:00.000Z', to: '2026-11-30T18:30:00.000Z' });
    expect(parseMonth('2026-12').to).toBe('2026-12-31T18:30:00.000Z');
  });

  it('refuses anything not written YYYY-MM, naming the form', () => {
    for (const bad of ['2026-13', 'nov', '2026-1', '2026-00', '11-2026', '']) {
      let error: unknown;
      try {
        parseMonth(bad);
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe(ERROR_CODES.CLI_USAGE);
      expect((error as AppError).message).toContain('YYYY-MM');
    }
  });

  it('finds the IST month of an instant and steps across years', () => {
    expect(monthOf(new Date('2026-10-31T18:29:59.999Z'))).toBe('2026-10');
    expect(monthOf(new Date('2026-10-31T18:30:00.000Z'))).toBe('2026-11');
    expect(shiftMonth('2026-01', -1)).toBe('2025-12');
    expect(shiftMonth('2026-12', 1)).toBe('2027-01');
  });
});

describe('elapsed time in a policy unit', () => {
  it('hours on the wall clock', () => {
    expect(elapsedIn('hours', at('2026-11-21 10:00'), at('2026-11-21 11:30'), calendar)).toBe(1.5);
    expect(elapsedIn('hours', at('2026-11-06 15:00'), at('2026-11-09 15:00'), calendar)).toBe(72);
  });

  it('calendar days after the IST day of receipt', () => {
    expect(elapsedIn('calendar_days', at('2026-11-03 10:00'), at('2026-11-03 23:59'), calendar)).toBe(0);
    // 23:59 IST on 31 Oct is still 31 Oct; 09:00 on 2 Nov is two days on.
    expect(elapsedIn('calendar_days', at('2026-10-31 23:59'), at('2026-11-02 09:00'), calendar)).toBe(2);
    expect(elapsedIn('calendar_days', at('2026-10-01 10:00'), at('2026-11-04 10:00'), calendar)).toBe(34);
  });

  it('working days skip the weekend and the holiday of 24 Nov (Guru Nanak’s Birthday)', () => {
    // Fri 6 Nov → Wed 25 Nov: 9–13, 16–20, 23 Nov (24th a holiday), then the 25th: 12.
    expect(elapsedIn('working_days', at('2026-11-06 15:00'), at('2026-11-25 11:00'), calendar)).toBe(12);
    // Thu 19 → Mon 23: Fri 20, then Mon 23: 2.
    expect(elapsedIn('working_days', at('2026-11-19 09:00'), at('2026-11-23 10:00'), calendar)).toBe(2);
    // Received on a Saturday, answered the next Saturday: 23, 25, 26, 27, and Sat 28 counts as Mon 30: 5.
    expect(elapsedIn('working_days', at('2026-11-21 10:00'), at('2026-11-28 12:00'), calendar)).toBe(5);
    // Friday → Saturday counts as Friday → Monday: 1.
    expect(elapsedIn('working_days', at('2026-11-20 10:00'), at('2026-11-21 10:00'), calendar)).toBe(1);
    expect(elapsedIn('working_days', at('2026-11-20 10:00'), at('2026-11-20 18:00'), calendar)).toBe(0);
  });

  it('agrees with deadline(): a value ≤ N is within an N-unit period, N + 1 is not', () => {
    const cases: Array<[string, Duration]> = [
      ['2026-11-06 15:00', { unit: 'working_days', value: 10 }],
      ['2026-11-21 10:00', { unit: 'working_days', value: 3 }],
      ['2026-11-19 09:00', { unit: 'calendar_days', value: 30 }],
      ['2026-01-31 10:00', { unit: 'months', value: 1 }],
    ];
    for (const [received, period] of cases) {
      const due = deadline(at(received), period, calendar);
      expect(elapsedIn(period.unit, at(received), due, calendar), `${received} ${period.unit}`).toBe(period.value);
      const dayAfter = new Date(due.getTime() + 1000);
      expect(elapsedIn(period.unit, at(received), dayAfter, calendar), `${received} ${period.unit} + 1 s`).toBeGreaterThan(period.value);
    }
  });

  it('months: whole calendar months, then the fraction of the next', () => {
    // 10 Nov → 10 Dec is one month; 10 Dec → 25 Dec is 15 of the 31 days to 10 Jan.
    expect(elapsedIn('months', at('2026-11-10 10:00'), at('2026-12-25 10:00'), calendar)).toBe(1.48);
    // 31 Jan + 1 month = 28 Feb (clamped).
    expect(elapsedIn('months', at('2026-01-31 10:00'), at('2026-02-28 10:00'), calendar)).toBe(1);
    expect(elapsedIn('months', at('2026-11-10 10:00'), at('2026-11-10 18:00'), calendar)).toBe(0);
  });
});

describe('statistics', () => {
  it('median: the middle value, or the mean of the two middle values', () => {
    expect(median([12, 72, 6, 48, 1.5])).toBe(12);
    expect(median([0, 4, 15, 34])).toBe(9.5);
    expect(median([])).toBeUndefined();
  });

  it('90th percentile by nearest rank: rank ⌈0.9 n⌉', () => {
    expect(percentile([1.5, 6, 12, 48, 72], 90)).toBe(72); // rank 5 of 5
    expect(percentile([0, 4, 15, 34], 90)).toBe(34); // rank 4 of 4
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9); // rank 9 of 10
    expect(percentile(Array.from({ length: 30 }, (_, i) => i + 1), 90)).toBe(27); // rank 27, not 28 (0.9 × 30 in floating point is 27.000000000000004)
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([], 90)).toBeUndefined();
  });

  it('mean to two decimals', () => {
    expect(mean([5, 4, 5])).toBe(4.67);
    expect(mean([])).toBeUndefined();
  });
});
