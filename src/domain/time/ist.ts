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
