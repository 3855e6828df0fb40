import { FixedOffsetZone } from 'luxon';

/**
 * India Standard Time. IST is UTC+05:30 with no daylight saving, so a fixed-offset zone gives
 * the same instants as "Asia/Kolkata" without luxon's per-call Intl look-ups. Instants are
 * stored in UTC; days are counted and shown in IST.
 */
export const IST = FixedOffsetZone.instance(330);

const IST_OFFSET_MS = 330 * 60_000;
const DAY_MS = 86_400_000;

/** The IST calendar day of an instant, as days since 1970-01-01 (for fast day arithmetic). */
export function istDayNumber(instant: Date): number {
  return Math.floor((instant.getTime() + IST_OFFSET_MS) / DAY_MS);
}

/** 23:59:59 IST at the end of the given IST day number. */
export function endOfIstDay(day: number): Date {
  return new Date((day + 1) * DAY_MS - IST_OFFSET_MS - 1000);
}

/** The IST calendar year of an instant. */
export function istYear(instant: Date): number {
  return new Date(instant.getTime() + IST_OFFSET_MS).getUTCFullYear();
}

// Day-number helpers. A "day number" is an IST calendar day counted from 1970-01-01, the same
// unit istDayNumber returns. They work on plain integers through Date.UTC because a day number
// names a calendar date, not an instant: no zone is involved, so no luxon look-up is needed.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The day number of a calendar date (month 1–12). Out-of-range days roll over as in Date.UTC. */
export function dayNumberOf(year: number, month: number, day: number): number {
  return Math.round(Date.UTC(year, month - 1, day) / DAY_MS);
}

/** The day number of a 'YYYY-MM-DD' date, or undefined if the text is not a real date (e.g. 2026-02-30). */
export function dayNumberFromIsoDate(text: string): number | undefined {
  const m = ISO_DATE.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const n = dayNumberOf(year, month, day);
  // Date.UTC rolls 2026-02-30 over to 2 March; a round trip catches it.
  return isoDateOfDayNumber(n) === text ? n : undefined;
}

/** 'YYYY-MM-DD' of a day number. */
export function isoDateOfDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The calendar year of a day number. */
export function yearOfDayNumber(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** Day of the week of a day number: 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOfDayNumber(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/**
 * The same day of the month `months` calendar months later, clamped to that month's last day
 * (31 Jan + 1 = 28 or 29 Feb; 31 Mar + 1 = 30 Apr), the reading of "month" in General Clauses
 * Act s.3(35) used for statutory periods.
 */
export function addCalendarMonths(day: number, months: number): number {
  const d = new Date(day * DAY_MS);
  const monthIndex = d.getUTCMonth() + months;
  const year = d.getUTCFullYear() + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12; // 0-based
  // Day 0 of the following month is the last day of this one.
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return dayNumberOf(year, month + 1, Math.min(d.getUTCDate(), lastDay));
}

/** endOfIstDay(day) as epoch ms, for loops that test many days without allocating Dates. */
export function endOfIstDayMs(day: number): number {
  return (day + 1) * DAY_MS - IST_OFFSET_MS - 1000;
}
