import { z } from 'zod';
import { AppError, ERROR_CODES } from '../../errors.ts';
import { dayNumberFromIsoDate } from '../time/ist.ts';
import { BusinessCalendar, DEFAULT_WEEKEND, WEEKDAYS, type Holiday } from './calendar.ts';

/** Calendar ids are kebab-case ("in-central", "in-dl") because they are part of file names. */
export const CALENDAR_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const CALENDAR_ID_MESSAGE = 'a calendar id is lower-case letters and digits joined by "-", e.g. "in-central"';

const holidaySchema = z.strictObject({
  date: z.string().refine((s) => dayNumberFromIsoDate(s) !== undefined, 'expected a real date written YYYY-MM-DD'),
  name: z.strictObject({
    en: z.string().trim().min(1, 'the English name is empty'),
    hi: z.string().trim().min(1, 'the Hindi name is empty'),
  }),
  note: z.string().trim().min(1).optional(),
});

/**
 * One calendar file, `calendars/<id>-<year>.json`: the closed days of one calendar in one
 * year. A state calendar names the calendar it `extends` (e.g. "in-central") and lists only its
 * own extra holidays. Unknown fields are rejected so that a typo ("extend") cannot silently drop data.
 */
export const calendarFileSchema = z
  .strictObject({
    id: z.string().regex(CALENDAR_ID, CALENDAR_ID_MESSAGE),
    year: z.number().int().min(1950).max(2200),
    extends: z.string().regex(CALENDAR_ID, CALENDAR_ID_MESSAGE).nullable().default(null),
    weekend: z
      .array(z.enum(WEEKDAYS))
      .max(6, 'at least one day of the week must be a working day')
      .refine((days) => new Set(days).size === days.length, 'a weekday is listed twice')
      .default([...DEFAULT_WEEKEND]),
    /** Where the list comes from (notification, date), for the people who update it next year. */
    source: z.string().trim().min(1).optional(),
    holidays: z.array(holidaySchema),
  })
  .superRefine((file, ctx) => {
    if (file.extends === file.id) ctx.addIssue({ code: 'custom', path: ['extends'], message: 'a calendar cannot extend itself' });
    const seen = new Set<string>();
    file.holidays.forEach((h, i) => {
      if (!h.date.startsWith(`${file.year}-`)) {
        ctx.addIssue({ code: 'custom', path: ['holidays', i, 'date'], message: `${h.date} is not in the file's year ${file.year}` });
      }
      if (seen.has(h.date)) {
        ctx.addIssue({ code: 'custom', path: ['holidays', i, 'date'], message: `${h.date} is listed twice; give one entry (join the names with " / ")` });
      }
      seen.add(h.date);
    });
  });

/** A calendar file as read (defaults applied). */
export type CalendarFile = z.output<typeof calendarFileSchema>;
/** A calendar file as written (`extends` and `weekend` may be left out). */
export type CalendarFileInput = z.input<typeof calendarFileSchema>;

/** A validated file and where it came from, so that errors can name it. */
export interface CalendarSource {
  readonly source: string;
  readonly file: CalendarFile;
}

/**
 * Builds the calendar `id` from its files and those of every calendar it extends.
 *
 * - Holidays are the union over the whole chain and every year; a child's entry for a date
 *   replaces its parent's (a state may name the day differently).
 * - The weekend is the child's own: a state may work a different week.
 * - `coveredYears` are the years for which every calendar in the chain has a file; in any other
 *   year the calendar knows at most part of the holidays.
 *
 * Throws AppError(CONFIG_INVALID) naming the file on a missing calendar, a cycle, two files for
 * the same year, or files of one calendar that disagree on `extends` or `weekend`.
 */
export function buildCalendar(id: string, sources: readonly CalendarSource[]): BusinessCalendar {
  const byId = new Map<string, CalendarSource[]>();
  for (const s of sources) byId.set(s.file.id, [...(byId.get(s.file.id) ?? []), s]);

  const chain: { id: string; files: CalendarSource[] }[] = [];
  for (let current: string | null = id, child: CalendarSource | undefined; current !== null; ) {
    if (chain.some((c) => c.id === current)) {
      throw configError(`Calendar "${id}" extends itself through ${[...chain.map((c) => c.id), current].join(' → ')}; remove the cycle.`);
    }
    const files = byId.get(current);
    if (!files || files.length === 0) {
      throw configError(
        child
          ? `${child.source}: extends "${current}", but there is no calendar file for "${current}" (expected ${current}-<year>.json).`
          : `There is no calendar file for "${current}" (expected ${current}-<year>.json).`,
      );
    }
    const first = files[0] as CalendarSource;
    for (const f of files) {
      if (f.file.extends !== first.file.extends) {
        throw configError(`${f.source}: extends ${JSON.stringify(f.file.extends)} but ${first.source} extends ${JSON.stringify(first.file.extends)}; all years of "${current}" must extend the same calendar.`);
      }
      if ([...f.file.weekend].sort().join() !== [...first.file.weekend].sort().join()) {
        throw configError(`${f.source}: weekend [${f.file.weekend.join(', ')}] differs from [${first.file.weekend.join(', ')}] in ${first.source}; one calendar has one weekend (make a new calendar id if the week changed).`);
      }
      const twin = files.find((o) => o !== f && o.file.year === f.file.year);
      if (twin) throw configError(`${f.source} and ${twin.source} are both calendar "${current}" for ${f.file.year}; keep one.`);
    }
    chain.push({ id: current, files });
    child = first;
    current = first.file.extends;
  }

  const holidays: (Holiday & { day: number })[] = [];
  // Root first, so that a child's entry for the same date is applied last and wins.
  for (const { files } of [...chain].reverse()) {
    for (const { file } of files) {
      for (const h of file.holidays) {
        holidays.push({ ...h, day: dayNumberFromIsoDate(h.date) as number });
      }
    }
  }
  const yearSets = chain.map((c) => new Set(c.files.map((f) => f.file.year)));
  const coveredYears = [...(yearSets[0] ?? [])].filter((y) => yearSets.every((s) => s.has(y)));
  const leaf = chain[0]?.files[0] as CalendarSource;
  return new BusinessCalendar({ id, weekend: leaf.file.weekend, holidays, coveredYears });
}

function configError(message: string): AppError {
  return new AppError(ERROR_CODES.CONFIG_INVALID, message);
}
