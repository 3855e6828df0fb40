import { AppError, ERROR_CODES } from '../../errors.ts';
import { dayNumberOf, endOfIstDay, isoDateOfDayNumber, istDayNumber } from '../time/ist.ts';
import type { BusinessCalendar } from './calendar.ts';
import { deadline } from './deadline.ts';
import type { Duration } from './duration.ts';
import type { SlaPolicy, SlaRegime } from './presets.ts';

type Localized = { readonly en: string; readonly hi: string };

/**
 * What each regime's own law says about a reply period, beyond the period a policy publishes:
 * - `ceiling`: the longest the law allows from receipt, whatever pauses, rungs or extensions do
 *   (null: the law sets none). A ticket's due date is never later than receipt + ceiling.
 * - `extension`: the law that lets the organisation take longer, or null where none does. DPDP
 *   Act and Rules provide no extension of the r.14(3) period; CPGRAMS guidelines allow an
 *   interim reply with the reason and an expected date.
 */
export interface RegimeLaw {
  readonly law: Localized;
  readonly ceiling: Duration | null;
  readonly extension: Localized | null;
}

export const REGIME_LAW: Readonly<Record<SlaRegime, RegimeLaw>> = Object.freeze({
  dpdp: {
    law: { en: 'DPDP Rules 2025, rule 14(3)', hi: 'डीपीडीपी नियम 2025, नियम 14(3)' },
    ceiling: { unit: 'calendar_days', value: 90 },
    extension: null,
  },
  it_rules: {
    law: { en: 'IT Rules 2021, rule 3(2)', hi: 'आईटी नियम 2021, नियम 3(2)' },
    ceiling: { unit: 'calendar_days', value: 15 },
    extension: null,
  },
  spdi: {
    law: { en: 'SPDI Rules 2011, rule 5(9)', hi: 'एसपीडीआई नियम 2011, नियम 5(9)' },
    ceiling: { unit: 'months', value: 1 },
    extension: null,
  },
  ecommerce: {
    law: { en: 'Consumer Protection (E-Commerce) Rules 2020, rule 4', hi: 'उपभोक्ता संरक्षण (ई-कॉमर्स) नियम 2020, नियम 4' },
    ceiling: { unit: 'months', value: 1 },
    extension: null,
  },
  cpgrams: {
    law: { en: 'DARPG CPGRAMS guidelines of 23 August 2024', hi: 'डीएआरपीजी सीपीग्राम्स दिशानिर्देश, 23 अगस्त 2024' },
    ceiling: null,
    extension: { en: 'DARPG CPGRAMS guidelines of 23 August 2024 (interim reply with reasons)', hi: 'डीएआरपीजी सीपीग्राम्स दिशानिर्देश, 23 अगस्त 2024 (कारण सहित अंतरिम उत्तर)' },
  },
});

/** The latest instant the law allows for something received at `receivedAt`, or null if it sets none. */
export function ceilingOf(policy: Pick<SlaPolicy, 'regime'>, receivedAt: Date, calendar: BusinessCalendar): Date | null {
  const c = REGIME_LAW[policy.regime].ceiling;
  // Ceilings are calendar days or months: the calendar's working days never move them.
  return c ? deadline(receivedAt, c, calendar) : null;
}

/** `due`, brought back to the ceiling if it lies past it; `capped` says whether it did. */
export function capAtCeiling(due: Date, ceiling: Date | null): { due: Date; capped: boolean } {
  return ceiling !== null && due.getTime() > ceiling.getTime() ? { due: ceiling, capped: true } : { due, capped: false };
}

/** A receipt day on which the policy's period ends past the law's ceiling. */
export interface CeilingBreach {
  received: string;
  due: string;
  ceiling: string;
}

/**
 * Checks a policy's period against the real calendar: for every receipt day of every year the
 * calendar has holidays for (and at least `years`), the period must end on or before the
 * ceiling. Working days can run past 90 calendar days in a window crowded with holidays, which
 * no fixed maximum catches. Returns the first breach, or undefined. Pure.
 */
export function firstCeilingBreach(policy: Pick<SlaPolicy, 'regime' | 'resolve'>, calendar: BusinessCalendar, years: readonly number[]): CeilingBreach | undefined {
  if (REGIME_LAW[policy.regime].ceiling === null) return undefined;
  for (const year of [...new Set(years)].sort((a, b) => a - b)) {
    const first = dayNumberOf(year, 1, 1);
    const last = dayNumberOf(year + 1, 1, 1) - 1;
    for (let day = first; day <= last; day++) {
      // Noon IST of the receipt day: the day, not the hour, decides day-counted periods.
      const received = new Date(endOfIstDay(day).getTime() - 12 * 3_600_000);
      const due = deadline(received, policy.resolve, calendar);
      const ceiling = ceilingOf(policy, received, calendar)!;
      if (due.getTime() > ceiling.getTime()) {
        return { received: isoDateOfDayNumber(day), due: isoDateOfDayNumber(istDayNumber(due)), ceiling: isoDateOfDayNumber(istDayNumber(ceiling)) };
      }
    }
  }
  return undefined;
}

/** The largest value of the policy's unit that stays within the ceiling on every day of those years. */
export function largestSafeValue(policy: Pick<SlaPolicy, 'regime' | 'resolve'>, calendar: BusinessCalendar, years: readonly number[]): number {
  let v = policy.resolve.value;
  while (v > 1 && firstCeilingBreach({ ...policy, resolve: { ...policy.resolve, value: v } }, calendar, years)) v--;
  return v;
}

/**
 * Throws AppError(CONFIG_INVALID) naming the policy, the first receipt day whose reply would be
 * late under the law, and the largest period that fits, if the policy can break its ceiling.
 */
export function assertWithinCeiling(where: string, policy: SlaPolicy, calendar: BusinessCalendar, years: readonly number[]): void {
  const breach = firstCeilingBreach(policy, calendar, years);
  if (!breach) return;
  const law = REGIME_LAW[policy.regime];
  const c = law.ceiling!;
  throw new AppError(
    ERROR_CODES.CONFIG_INVALID,
    `${where}: ${policy.resolve.value} ${policy.resolve.unit} can end past the ${c.value} ${c.unit.replace('_', ' ')} ${law.law.en} allows: ` +
      `a request received on ${breach.received} would be due on ${breach.due}, after ${breach.ceiling} (calendar "${calendar.id}", years ${[...years].join(', ')}). ` +
      `Use at most ${largestSafeValue(policy, calendar, years)} ${policy.resolve.unit}.`,
    { details: { ...breach } },
  );
}
