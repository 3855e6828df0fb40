import { AppError, ERROR_CODES } from '../errors.ts';
import { civilDateOf, dayNumberOf, istDayNumber } from '../domain/time/ist.ts';

/** A report's month as written on the command line and in the desk's URLs: `2026-11`. */
export const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

const IST_OFFSET_MS = 330 * 60_000;
const DAY_MS = 86_400_000;

/** An IST calendar month: `from` is 00:00 IST on its first day, `to` the same on the next month's. */
export interface MonthRange {
  /** `YYYY-MM`. */
  month: string;
  year: number;
  /** 1–12. */
  monthOfYear: number;
  /** Inclusive, UTC ISO (e.g. 2026-10-31T18:30:00.000Z for November 2026). */
  from: string;
  /** Exclusive, UTC ISO. */
  to: string;
}

/** Whether `text` is a month written `YYYY-MM` (01–12). */
export function isMonth(text: string): boolean {
  return MONTH_PATTERN.test(text);
}

/**
 * The IST month `YYYY-MM`.
 * @throws AppError CLI_USAGE naming the expected form (`2026-11`) for anything else (`2026-13`, `nov`).
 */
export function parseMonth(text: string): MonthRange {
  const m = MONTH_PATTERN.exec(text.trim());
  if (!m) {
    throw new AppError(ERROR_CODES.CLI_USAGE, `The month must be written YYYY-MM, e.g. 2026-11 (got "${text}").`);
  }
  return monthRange(Number(m[1]), Number(m[2]));
}

export function monthRange(year: number, monthOfYear: number): MonthRange {
  const first = dayNumberOf(year, monthOfYear, 1);
  const next = monthOfYear === 12 ? dayNumberOf(year + 1, 1, 1) : dayNumberOf(year, monthOfYear + 1, 1);
  return {
    month: `${String(year).padStart(4, '0')}-${String(monthOfYear).padStart(2, '0')}`,
    year,
    monthOfYear,
    from: startOfIstDay(first).toISOString(),
    to: startOfIstDay(next).toISOString(),
  };
}

/** The IST month an instant falls in, `YYYY-MM`. */
export function monthOf(instant: Date): string {
  const { year, month } = civilDateOf(istDayNumber(instant));
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

/** The month `delta` months after `month` (negative: before). */
export function shiftMonth(month: string, delta: number): string {
  const r = parseMonth(month);
  const index = r.year * 12 + (r.monthOfYear - 1) + delta;
  return monthRange(Math.floor(index / 12), (index % 12) + 1).month;
}

/** 00:00 IST of an IST day number. */
export function startOfIstDay(day: number): Date {
  return new Date(day * DAY_MS - IST_OFFSET_MS);
}
