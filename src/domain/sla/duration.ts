import { z } from 'zod';

/** The units a statutory or organisational period is expressed in. */
export const DURATION_UNITS = ['hours', 'calendar_days', 'working_days', 'months'] as const;

export type DurationUnit = (typeof DURATION_UNITS)[number];

/**
 * A period such as "24 hours", "15 days", "5 working days" or "one month". How each unit is
 * counted from receipt (day of receipt excluded, end at 23:59:59 IST, …) is `deadline()`'s job.
 */
export interface Duration {
  unit: DurationUnit;
  value: number;
}

/** Validates a Duration from data files and policies: a known unit and a positive whole number. */
export const durationSchema = z.strictObject({
  unit: z.enum(DURATION_UNITS),
  value: z.number().int().positive(),
});

const UNIT_WORDS: Record<'en' | 'hi', Record<DurationUnit, readonly [one: string, many: string]>> = {
  en: {
    hours: ['hour', 'hours'],
    calendar_days: ['calendar day', 'calendar days'],
    working_days: ['working day', 'working days'],
    months: ['month', 'months'],
  },
  hi: {
    hours: ['घंटा', 'घंटे'],
    calendar_days: ['कैलेंडर दिन', 'कैलेंडर दिन'],
    working_days: ['कार्य दिवस', 'कार्य दिवस'],
    months: ['महीना', 'महीने'],
  },
};

/** "30 calendar days" / "30 कैलेंडर दिन", for officers' screens and logs (not legal wording). */
export function describeDuration(duration: Duration, lang: 'en' | 'hi' = 'en'): string {
  const [one, many] = UNIT_WORDS[lang][duration.unit];
  return `${duration.value} ${duration.value === 1 ? one : many}`;
}
