import type { BusinessCalendar } from '../domain/sla/calendar.ts';
import type { DurationUnit } from '../domain/sla/duration.ts';
import { addCalendarMonths, istDayNumber } from '../domain/time/ist.ts';

const HOUR_MS = 3_600_000;

/**
 * How long something took, from receipt to the event, in a policy's unit, counted the way
 * `deadline()` counts the period, so that a value ≤ N means "within a period of N units":
 * - `hours`: wall-clock hours, to two decimals;
 * - `calendar_days`: IST days after the day of receipt up to the event's day (the day of receipt
 *   is excluded, General Clauses Act s.9): received and answered on the same day = 0;
 * - `working_days`: the calendar's working days after the day of receipt up to the event's day;
 *   an event on a weekend or holiday counts as on the next working day (an answer on Saturday
 *   after a Friday receipt is 1, as is one on Monday);
 * - `months`: whole calendar months from the day of receipt (clamped to the month's end, as in
 *   `addCalendarMonths`), plus the rest as a fraction of the next month's days, to two decimals.
 *
 * Pauses and extensions are not taken out: this is the time the citizen waited. Whether the
 * answer was in time (with pauses and the extension) is the ticket's `due_at`'s to say.
 * Never negative.
 */
export function elapsedIn(unit: DurationUnit, from: Date, to: Date, calendar: BusinessCalendar): number {
  if (unit === 'hours') return round2(Math.max(0, to.getTime() - from.getTime()) / HOUR_MS);
  const fromDay = istDayNumber(from);
  const toDay = istDayNumber(to);
  if (toDay <= fromDay) return 0;
  switch (unit) {
    case 'calendar_days':
      return toDay - fromDay;
    case 'working_days': {
      let n = 1;
      for (let d = fromDay + 1; d < toDay; d++) if (calendar.isWorkingDay(d)) n++;
      return n;
    }
    case 'months': {
      let whole = 0;
      while (addCalendarMonths(fromDay, whole + 1) <= toDay) whole++;
      const start = addCalendarMonths(fromDay, whole);
      const span = addCalendarMonths(fromDay, whole + 1) - start;
      return round2(whole + (toDay - start) / span);
    }
  }
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * The median: the middle value of the sorted values, or the mean of the two middle values when
 * their number is even. Undefined for no values.
 */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : round2((s[mid - 1]! + s[mid]!) / 2);
}

/**
 * The p-th percentile by the nearest-rank method: the value at rank ⌈p/100 × n⌉ of the n values
 * sorted ascending (always one of the values; no interpolation). Undefined for no values.
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p * s.length) / 100));
  return s[rank - 1]!;
}

/** The mean to two decimals; undefined for no values. */
export function mean(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  return round2(values.reduce((a, b) => a + b, 0) / values.length);
}
