import { istYear } from '../time/ist.ts';
import type { BusinessCalendar } from './calendar.ts';

/**
 * Years this one and next that the organisation's holiday calendar has no list for. Working-day
 * deadlines in such a year skip weekends only, so one may end before the day the law allows: the
 * administrator is warned at start-up and on the desk until the official list is imported.
 */
export function missingHolidayYears(calendar: Pick<BusinessCalendar, 'covers'>, now: Date): number[] {
  const year = istYear(now);
  return [year, year + 1].filter((y) => !calendar.covers(y));
}

/**
 * The command that imports a year's official list (an .ics file of the government's holidays, for
 * India's central list the Department of Personnel and Training's office memorandum as published).
 */
export function holidayImportCommand(calendarId: string, year: number): string {
  return `npx nivaran calendar import FILE.ics --id ${calendarId} --year ${year}`;
}
