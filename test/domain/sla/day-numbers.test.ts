import { describe, expect, it } from 'vitest';
import {
  addCalendarMonths,
  civilDateOf,
  dayNumberFromIsoDate,
  dayNumberOf,
  endOfIstDay,
  endOfIstDayMs,
  isoDateOfDayNumber,
  istDayNumber,
  weekdayOfDayNumber,
  yearOfDayNumber,
} from '../../../src/domain/time/ist.ts';

// The integer date helpers in ist.ts (used by the statutory clock) checked against Date.UTC.
describe('IST day numbers', () => {
  it('agree with Date.UTC on every day from 1900 to 2200', () => {
    const first = Date.UTC(1900, 0, 1) / 86_400_000;
    const last = Date.UTC(2200, 11, 31) / 86_400_000;
    for (let n = first; n <= last; n++) {
      const d = new Date(n * 86_400_000);
      const civil = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
      if (civilDateOf(n).day !== civil.day || civilDateOf(n).month !== civil.month || civilDateOf(n).year !== civil.year) {
        expect(civilDateOf(n), `day ${n}`).toEqual(civil);
      }
      if (dayNumberOf(civil.year, civil.month, civil.day) !== n) expect(dayNumberOf(civil.year, civil.month, civil.day)).toBe(n);
      if (weekdayOfDayNumber(n) !== d.getUTCDay()) expect(weekdayOfDayNumber(n), `weekday of ${n}`).toBe(d.getUTCDay());
      if (isoDateOfDayNumber(n) !== d.toISOString().slice(0, 10)) expect(isoDateOfDayNumber(n)).toBe(d.toISOString().slice(0, 10));
    }
  });

  it('reads and writes YYYY-MM-DD, rejecting dates that do not exist', () => {
    expect(isoDateOfDayNumber(0)).toBe('1970-01-01');
    expect(dayNumberFromIsoDate('1970-01-01')).toBe(0);
    expect(dayNumberFromIsoDate('2028-02-29')).toBe(dayNumberOf(2028, 2, 29));
    for (const bad of ['2026-02-29', '2026-02-30', '2026-13-01', '2026-00-10', '2026-04-31', '2026-4-1', '26-04-01', '2026-04-01T00:00']) {
      expect(dayNumberFromIsoDate(bad), bad).toBeUndefined();
    }
    expect(yearOfDayNumber(dayNumberOf(2026, 12, 31))).toBe(2026);
    expect(yearOfDayNumber(dayNumberOf(2027, 1, 1))).toBe(2027);
  });

  it('adds calendar months clamped to the month end', () => {
    const add = (iso: string, months: number): string => isoDateOfDayNumber(addCalendarMonths(dayNumberFromIsoDate(iso) as number, months));
    expect(add('2026-01-31', 1)).toBe('2026-02-28');
    expect(add('2028-01-31', 1)).toBe('2028-02-29');
    expect(add('2026-03-31', 1)).toBe('2026-04-30');
    expect(add('2026-12-31', 1)).toBe('2027-01-31');
    expect(add('2026-12-31', 2)).toBe('2027-02-28');
    expect(add('2026-08-31', 6)).toBe('2027-02-28');
    expect(add('2028-02-29', 12)).toBe('2029-02-28');
    expect(add('2100-01-31', 1)).toBe('2100-02-28'); // 2100 is not a leap year
    expect(add('2000-01-31', 1)).toBe('2000-02-29'); // 2000 is
    expect(add('2026-03-31', -1)).toBe('2026-02-28');
  });

  it('keeps endOfIstDayMs equal to endOfIstDay', () => {
    const day = istDayNumber(new Date('2026-11-20T18:29:59Z'));
    expect(isoDateOfDayNumber(day)).toBe('2026-11-20');
    expect(endOfIstDayMs(day)).toBe(endOfIstDay(day).getTime());
    expect(new Date(endOfIstDayMs(day)).toISOString()).toBe('2026-11-20T18:29:59.000Z');
  });
});
