import { weekdayOfDayNumber, yearOfDayNumber } from '../time/ist.ts';

/** Days of the week as calendar files spell them, in `weekdayOfDayNumber` order (0 = Sunday). */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export type Weekday = (typeof WEEKDAYS)[number];

/** The central government's five-day week: Saturday and Sunday closed. */
export const DEFAULT_WEEKEND: readonly Weekday[] = ['sat', 'sun'];

export type CalendarLanguage = 'en' | 'hi';

/** One closed day, with the names a government notice would print. */
export interface Holiday {
  /** IST calendar date, 'YYYY-MM-DD'. */
  readonly date: string;
  readonly name: { readonly en: string; readonly hi: string };
  /** E.g. "moon-dependent: date may change by notification". */
  readonly note?: string | undefined;
}

/** What a BusinessCalendar is made of; `buildCalendar` (calendar-data.ts) makes one from data files. */
export interface BusinessCalendarSpec {
  readonly id: string;
  /** Defaults to Saturday + Sunday. */
  readonly weekend?: readonly Weekday[];
  /** Keyed by day number; a later entry for the same date replaces an earlier one. */
  readonly holidays: readonly (Holiday & { readonly day: number })[];
  /** Years whose holidays are known (every calendar in the `extends` chain has a file). */
  readonly coveredYears?: readonly number[];
}

/**
 * Which IST days an office works. Used only to count `working_days`; the law's own periods are
 * calendar days and hours, which never consult it.
 *
 * A day is a working day unless it is a weekend day or a listed holiday. In a year that no
 * calendar file covers only weekends are closed: holidays are unknown there, so a period
 * counted in such a year may end too early. `covers(year)` lets callers warn about it.
 */
export class BusinessCalendar {
  readonly id: string;
  readonly weekend: readonly Weekday[];
  readonly coveredYears: readonly number[];
  // A 7-bit mask and a Map keyed by day number keep isWorkingDay to a few nanoseconds.
  readonly #weekendMask: number;
  readonly #holidays: ReadonlyMap<number, Holiday>;

  constructor(spec: BusinessCalendarSpec) {
    this.id = spec.id;
    this.weekend = Object.freeze([...(spec.weekend ?? DEFAULT_WEEKEND)]);
    this.#weekendMask = this.weekend.reduce((mask, d) => mask | (1 << WEEKDAYS.indexOf(d)), 0);
    const holidays = new Map<number, Holiday>();
    for (const { day, date, name, note } of spec.holidays) {
      holidays.set(day, Object.freeze({ date, name: Object.freeze({ ...name }), ...(note === undefined ? {} : { note }) }));
    }
    this.#holidays = holidays;
    this.coveredYears = Object.freeze([...new Set(spec.coveredYears ?? [])].sort((a, b) => a - b));
  }

  /** True unless the IST day is a weekend day or a holiday. */
  isWorkingDay(day: number): boolean {
    return (this.#weekendMask & (1 << weekdayOfDayNumber(day))) === 0 && !this.#holidays.has(day);
  }

  /** The holiday on that IST day, if any (a weekend is not a holiday). */
  holiday(day: number): Holiday | undefined {
    return this.#holidays.get(day);
  }

  /** The holiday's name in the given language, or undefined on an ordinary day. */
  holidayName(day: number, lang: CalendarLanguage): string | undefined {
    return this.#holidays.get(day)?.name[lang];
  }

  /** Whether the holidays of that calendar year are known (a file exists for it). */
  covers(year: number): boolean {
    return this.coveredYears.includes(year);
  }

  /** The years from `fromDay` to `toDay` (IST day numbers) whose holidays are unknown. */
  missingYears(fromDay: number, toDay: number): number[] {
    const missing: number[] = [];
    for (let y = yearOfDayNumber(fromDay); y <= yearOfDayNumber(toDay); y++) if (!this.covers(y)) missing.push(y);
    return missing;
  }

  /** Every holiday, in date order, optionally of one year. */
  holidays(year?: number): Holiday[] {
    return [...this.#holidays.entries()]
      .filter(([day]) => year === undefined || yearOfDayNumber(day) === year)
      .sort(([a], [b]) => a - b)
      .map(([, h]) => h);
  }

  /** "in-central: 2026" — for log lines and errors. */
  toString(): string {
    return `${this.id}: ${this.coveredYears.join(', ') || 'no holiday data'}`;
  }
}

/** A calendar that closes only at weekends: for tests and for tenants with no holiday data yet. */
export function weekendOnlyCalendar(id = 'weekends-only', weekend: readonly Weekday[] = DEFAULT_WEEKEND): BusinessCalendar {
  return new BusinessCalendar({ id, weekend, holidays: [] });
}
