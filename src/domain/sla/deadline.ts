import { AppError, ERROR_CODES } from '../../errors.ts';
import { addCalendarMonths, endOfIstDayMs, istDayNumber } from '../time/ist.ts';
import type { BusinessCalendar } from './calendar.ts';
import type { Duration } from './duration.ts';
import { addActiveTime, normalisePauses, PauseCursor, type Pause, type PauseIntervals } from './pauses.ts';

export type { Pause } from './pauses.ts';

const HOUR_MS = 3_600_000;
// A guard, not a rule: no real period with real pauses walks a century of days. Reaching it
// means a calendar with no working days or a runaway pause, which must fail loudly.
const MAX_DAYS_WALKED = 36_600;

/** What can move a deadline besides its period. */
export interface DeadlineOptions {
  /** Times the clock stood still (e.g. awaiting the citizen). Any order; may overlap. */
  pauses?: readonly Pause[];
  /** The one extension an officer may grant, counted on from the base due instant. */
  extension?: Duration;
  /** Where an open pause (`to: null`) ends. Without it open pauses are ignored. */
  now?: Date;
}

/**
 * The instant by which something received at `receivedAt` must be done, under the counting
 * rules of General Clauses Act ss.3(35), 9 (see docs: legal-requirements §2). Pure; no clock.
 *
 * Units:
 * - `hours`: wall clock from the receipt instant, nights, weekends and holidays included. Due =
 *   receipt + value hours + the paused time that begins before the (moving) due instant.
 * - `calendar_days`: the IST day of receipt is excluded (s.9); counting starts the next IST day;
 *   due at 23:59:59 IST of the value-th counted day.
 * - `working_days`: as calendar days, but only days `calendar.isWorkingDay` counts. Such a
 *   deadline therefore never ends on a weekend or holiday. Years the calendar has no file for
 *   close only at weekends (see `calendar.missingYears`).
 * - `months`: the same day of the month `value` calendar months after the IST day of receipt,
 *   clamped to the month's end (31 Jan + 1 = 28/29 Feb; 31 Mar + 1 = 30 Apr), at 23:59:59 IST.
 *
 * A deadline that falls on a holiday or weekend is NOT moved to the next working day: s.10
 * (next open day) covers acts done in a closed court or office, not an organisation's own
 * reply period. Only `working_days` consults the calendar.
 *
 * Pauses:
 * - Day units: a day whose end (23:59:59 IST) lies inside a pause (from ≤ end < to) does not
 *   count. A pause begun and ended on the same day moves nothing; one spanning three nights
 *   adds three days (for working days, only those three days that were working days).
 *   `months` adds one calendar day per paused day from the day after receipt to the due day,
 *   skipping days that are themselves paused.
 * - `hours`: the clock stops for the paused time (overlapping pauses count once; time before
 *   receipt or after the due instant does not count).
 * - An open pause (`to: null`) runs until `options.now`, giving the deadline as if the citizen
 *   answered now. Without `now` it is ignored: the function has no clock to end it with.
 *
 * Extension: counted on from the base due instant (pauses included) in the same way: hours from
 * the due instant; calendar or working days from the day after the due day; months from the
 * due day, clamped. Pauses after the base due move the extended deadline too.
 *
 * Throws AppError(CONFIG_INVALID) for a value that is not a positive integer, an invalid Date,
 * or a working-day calendar with no working days.
 */
export function deadline(receivedAt: Date, target: Duration, calendar: BusinessCalendar, options: DeadlineOptions = {}): Date {
  const startMs = validTime(receivedAt, 'receivedAt');
  const nowMs = options.now === undefined ? undefined : validTime(options.now, 'now');
  const spans = normalisePauses(options.pauses ?? [], nowMs);
  const baseMs = advance(startMs, validDuration(target, 'target'), calendar, spans);
  if (options.extension === undefined) return new Date(baseMs);
  return new Date(advance(baseMs, validDuration(options.extension, 'extension'), calendar, spans));
}

/**
 * How far the clock has run, as a fraction: 0 at `start`, 1 at `due`, above 1 once overdue.
 * Wall clock, like `reminderInstants`. Never negative.
 */
export function elapsedFraction(start: Date, due: Date, now: Date): number {
  const span = due.getTime() - start.getTime();
  if (span <= 0) return now.getTime() >= due.getTime() ? 1 : 0;
  return Math.max(0, (now.getTime() - start.getTime()) / span);
}

/**
 * The instants `start + f × (due − start)` for each fraction, in the given order, on the wall
 * clock (a reminder at 50% of a 5-working-day period may fall on a Sunday: officers' tools
 * decide whether to hold it). Used for reminders at e.g. 50% and 80%.
 */
export function reminderInstants(start: Date, due: Date, fractions: readonly number[]): Date[] {
  const startMs = validTime(start, 'start');
  const span = validTime(due, 'due') - startMs;
  return fractions.map((f) => {
    if (!Number.isFinite(f) || f < 0) {
      throw new AppError(ERROR_CODES.CONFIG_INVALID, `A reminder fraction must be a number ≥ 0 (e.g. 0.5 for half-way); got ${f}.`);
    }
    return new Date(startMs + Math.round(f * span));
  });
}

/** Moves `fromMs` on by one period; day units end at 23:59:59 IST. */
function advance(fromMs: number, d: Duration, calendar: BusinessCalendar, spans: PauseIntervals): number {
  if (d.unit === 'hours') return addActiveTime(fromMs, d.value * HOUR_MS, spans);
  const fromDay = istDayNumber(new Date(fromMs));
  const cursor = new PauseCursor(spans);
  switch (d.unit) {
    case 'calendar_days':
      return endOfIstDayMs(spans.length === 0 ? fromDay + d.value : countDays(fromDay, d.value, cursor, null));
    case 'working_days':
      return endOfIstDayMs(countDays(fromDay, d.value, cursor, calendar));
    case 'months':
      return endOfIstDayMs(skipPausedDays(fromDay, addCalendarMonths(fromDay, d.value), cursor));
  }
}

/** The `n`-th day after `fromDay` that is unpaused and (with a calendar) a working day. */
function countDays(fromDay: number, n: number, cursor: PauseCursor, calendar: BusinessCalendar | null): number {
  let day = fromDay;
  for (let counted = 0; counted < n; ) {
    day++;
    if (day - fromDay > MAX_DAYS_WALKED) throw walkedTooFar(calendar);
    if (calendar !== null && !calendar.isWorkingDay(day)) continue;
    if (cursor.covers(endOfIstDayMs(day))) continue;
    counted++;
  }
  return day;
}

/** Pushes `dueDay` on by one unpaused day for each paused day in (fromDay, dueDay]. */
function skipPausedDays(fromDay: number, dueDay: number, cursor: PauseCursor): number {
  let owed = 0;
  for (let day = fromDay + 1; day <= dueDay; day++) if (cursor.covers(endOfIstDayMs(day))) owed++;
  let day = dueDay;
  while (owed > 0) {
    day++;
    if (day - dueDay > MAX_DAYS_WALKED) throw walkedTooFar(null);
    if (!cursor.covers(endOfIstDayMs(day))) owed--;
  }
  return day;
}

function validTime(d: Date, what: string): number {
  const ms = d instanceof Date ? d.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new AppError(ERROR_CODES.CONFIG_INVALID, `deadline: ${what} is not a valid Date.`);
  return ms;
}

function validDuration(d: Duration, what: string): Duration {
  if (!Number.isInteger(d.value) || d.value <= 0) {
    throw new AppError(ERROR_CODES.CONFIG_INVALID, `deadline: the ${what} period must be a whole number above 0 of ${d.unit}; got ${d.value}.`);
  }
  return d;
}

function walkedTooFar(calendar: BusinessCalendar | null): AppError {
  return new AppError(
    ERROR_CODES.CONFIG_INVALID,
    calendar
      ? `deadline: no unpaused working day of calendar "${calendar.id}" in ${MAX_DAYS_WALKED} days; check the calendar's weekend and holidays, and the ticket's pauses.`
      : `deadline: pauses cover more than ${MAX_DAYS_WALKED} days; check the ticket's pauses.`,
  );
}
