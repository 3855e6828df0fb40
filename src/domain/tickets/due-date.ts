import { DateTime } from 'luxon';

const IST = 'Asia/Kolkata';

/**
 * The reply-due instant for a period of calendar days "from" receipt: the day of receipt is
 * excluded (General Clauses Act s.9) and the period ends at 23:59:59 IST of its last day.
 */
export function dueAfterCalendarDays(receivedAt: Date, days: number): Date {
  return DateTime.fromJSDate(receivedAt, { zone: IST }).startOf('day').plus({ days }).endOf('day').set({ millisecond: 0 }).toJSDate();
}
