import fs from 'node:fs';
import path from 'node:path';
import { AppError, ERROR_CODES } from '../../errors.ts';
import type { BusinessCalendar } from './calendar.ts';
import { buildCalendar, CALENDAR_ID, calendarFileSchema, type CalendarSource } from './calendar-data.ts';

const YEAR_FILE_SUFFIX = /^-\d{4}\.json$/;

/** "in-central-2026.json" is a year file of "in-central"; "in-central-x-2026.json" is not. */
function isYearFileOf(name: string, id: string): boolean {
  return name.startsWith(id) && YEAR_FILE_SUFFIX.test(name.slice(id.length));
}

/**
 * Reads calendar `id` from `dir`: every `<id>-<year>.json`, then the files of the calendar it
 * extends, and so on up the chain. Each file is validated; a problem throws
 * AppError(CONFIG_INVALID) naming the file and the field.
 *
 * Days in years with no file count only weekends as closed: check `calendar.covers(year)` (or
 * `coveredYears`) and warn an operator before relying on working days in such a year.
 *
 * Synchronous on purpose: it runs once at start-up, before any message is handled.
 */
export function loadCalendar(dir: string, id: string): BusinessCalendar {
  if (!CALENDAR_ID.test(id)) {
    throw new AppError(ERROR_CODES.CONFIG_INVALID, `"${id}" is not a calendar id (lower-case letters and digits joined by "-", e.g. "in-central").`);
  }
  let names: string[];
  try {
    names = fs.readdirSync(dir).sort();
  } catch (cause) {
    throw new AppError(ERROR_CODES.CONFIG_INVALID, `Cannot read the calendars directory ${dir}.`, { cause });
  }
  const sources: CalendarSource[] = [];
  const loaded = new Set<string>();
  for (let current: string | null = id; current !== null && !loaded.has(current); ) {
    loaded.add(current);
    const own = names.filter((n) => isYearFileOf(n, current as string)).map((n) => readCalendarFile(path.join(dir, n), current as string));
    if (own.length === 0 && current === id) {
      throw new AppError(ERROR_CODES.CONFIG_INVALID, `There is no calendar file for "${id}" in ${dir} (expected ${id}-<year>.json, e.g. ${id}-2026.json).`);
    }
    sources.push(...own);
    // buildCalendar reports a missing calendar and disagreeing `extends` with the file names.
    current = own[0]?.file.extends ?? null;
  }
  return buildCalendar(id, sources);
}

/** Reads and validates one `<id>-<year>.json`; its content must match its name. */
export function readCalendarFile(file: string, expectedId?: string): CalendarSource {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new AppError(ERROR_CODES.CONFIG_INVALID, `${file} is not readable JSON: ${(cause as Error).message}`, { cause });
  }
  // Parsed once, at start: zod's compiled fast path for these schemas costs more to build than it saves (jitless).
  const parsed = calendarFileSchema.safeParse(raw, { jitless: true });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new AppError(ERROR_CODES.CONFIG_INVALID, `${file} is not a valid calendar file:\n${lines.join('\n')}`);
  }
  const { id, year } = parsed.data;
  const expectedName = `${id}-${year}.json`;
  if (path.basename(file) !== expectedName || (expectedId !== undefined && id !== expectedId)) {
    throw new AppError(
      ERROR_CODES.CONFIG_INVALID,
      `${file}: id "${id}" and year ${year} say the file should be named ${expectedName}; rename the file or fix "id"/"year".`,
    );
  }
  return { source: file, file: parsed.data };
}
