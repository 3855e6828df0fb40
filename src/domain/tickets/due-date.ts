import { endOfIstDay, istDayNumber } from '../time/ist.ts';

/**
 * The reply-due instant for a period of calendar days "from" receipt: the day of receipt is
 * excluded (General Clauses Act s.9) and the period ends at 23:59:59 IST of its last day.
 */
export function dueAfterCalendarDays(receivedAt: Date, days: number): Date {
  return endOfIstDay(istDayNumber(receivedAt) + days);
}
