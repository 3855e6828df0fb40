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
// unit istDayNumber returns. A day number names a calendar date, not an instant, so no zone is
// involved: these are integer conversions of the proleptic Gregorian calendar (H. Hinnant's
// days_from_civil / civil_from_days), about ten times cheaper than going through Date objects,
// because deadlines are computed on the message path.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** A calendar date; month 1–12. */
export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

/** The day number of a calendar date (month 1–12; a day beyond the month's end runs on into the next). */
export function dayNumberOf(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = (month + 9) % 12;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The calendar date of a day number. */
export function civilDateOf(dayNumber: number): CivilDate {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Whether a year has 29 February. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in a month (1–12) of a year. */
export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (MONTH_DAYS[month - 1] ?? Number.NaN);
}

/** The day number of a 'YYYY-MM-DD' date, or undefined if the text is not a real date (e.g. 2026-02-30). */
export function dayNumberFromIsoDate(text: string): number | undefined {
  const m = ISO_DATE.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return dayNumberOf(year, month, day);
}

/** 'YYYY-MM-DD' of a day number (years 0–9999). */
export function isoDateOfDayNumber(dayNumber: number): string {
  const { year, month, day } = civilDateOf(dayNumber);
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

/** The calendar year of a day number. */
export function yearOfDayNumber(dayNumber: number): number {
  return civilDateOf(dayNumber).year;
}

/** Day of the week of a day number: 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOfDayNumber(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

/**
 * The same day of the month `months` calendar months later, clamped to that month's last day
 * (31 Jan + 1 = 28 or 29 Feb; 31 Mar + 1 = 30 Apr), the reading of "month" in General Clauses
 * Act s.3(35) used for statutory periods.
 */
export function addCalendarMonths(dayNumber: number, months: number): number {
  const { year, month, day } = civilDateOf(dayNumber);
  const monthIndex = month - 1 + months;
  const y = year + Math.floor(monthIndex / 12);
  const m = (((monthIndex % 12) + 12) % 12) + 1;
  return dayNumberOf(y, m, Math.min(day, daysInMonth(y, m)));
}

/** endOfIstDay(day) as epoch ms, for loops that test many days without allocating Dates. */
export function endOfIstDayMs(day: number): number {
  return (day + 1) * DAY_MS - IST_OFFSET_MS - 1000;
}
