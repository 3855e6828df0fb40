import ICAL from 'ical.js';
import { AppError, ERROR_CODES } from '../../errors.ts';
import { dayNumberOf, isoDateOfDayNumber, istDayNumber, yearOfDayNumber } from '../time/ist.ts';
import { calendarFileSchema, type CalendarFile } from './calendar-data.ts';
import { DEFAULT_WEEKEND, type Weekday } from './calendar.ts';

type IcalTime = InstanceType<typeof ICAL.Time>;
type IcalEvent = InstanceType<typeof ICAL.Event>;

/** One day of a holiday read from an .ics file. */
export interface IcsHoliday {
  /** IST date, 'YYYY-MM-DD'. */
  date: string;
  name: string;
}

const IST_OFFSET_MS = 330 * 60_000;
// Guards against a malformed or hostile file: no holiday lasts a year, no list needs 5,000 repeats.
const MAX_EVENT_DAYS = 366;
const MAX_OCCURRENCES = 5_000;
const UNNAMED = 'Holiday';
const HINDI_NOTE = 'Hindi name missing in the .ics source: the English name is repeated here; translate it before publishing.';

/**
 * The holiday days in an iCalendar text (RFC 5545), parsed with ical.js, in date order.
 *
 * - An all-day event (`DTSTART;VALUE=DATE`) gives its date; one with a later `DTEND` (exclusive,
 *   as the RFC says) or a `DURATION` gives every day up to the day before the end.
 * - A timed event gives the IST date of its start and of every further IST day it runs into.
 *   UTC times and times in a zone the file defines (VTIMEZONE) are converted; floating times and
 *   times in a zone the file does not define are read as IST wall clock.
 * - `year` keeps only days in that year and expands RRULE/RDATE repeats into it (a yearly
 *   "Republic Day" rule gives 26 Jan of that year). Without `year`, a repeating event gives only
 *   its first occurrence, because its repeats may never end.
 * - Cancelled events (`STATUS:CANCELLED`) are skipped; a moved occurrence (`RECURRENCE-ID`) replaces
 *   the one it moves. An event with no SUMMARY is named "Holiday".
 *
 * Throws AppError(CONFIG_INVALID) when the text is not iCalendar or an event is absurdly long.
 */
export function holidaysFromIcs(text: string, year?: number): IcsHoliday[] {
  const root = parseCalendar(text);
  const vevents = root.getAllSubcomponents('vevent');
  const exceptions = vevents.filter((c) => c.hasProperty('recurrence-id'));
  const out = new Map<string, IcsHoliday>();
  const add = (day: number, name: string): void => {
    if (year !== undefined && yearOfDayNumber(day) !== year) return;
    const date = isoDateOfDayNumber(day);
    out.set(`${date}\u0000${name}`, { date, name });
  };

  for (const component of vevents) {
    if (component.hasProperty('recurrence-id')) continue; // applied through its master below
    const event = new ICAL.Event(component, { exceptions: exceptions.filter((e) => e.getFirstPropertyValue('uid') === component.getFirstPropertyValue('uid')) });
    if (isCancelled(event)) continue;
    if (year === undefined || !event.isRecurring()) {
      addSpan(event, event.startDate, event.endDate, add);
      continue;
    }
    const it = event.iterator();
    for (let n = 0, next = it.next(); next; next = it.next()) {
      if (next.year > year) break;
      if (++n > MAX_OCCURRENCES) throw icsError(`event "${nameOf(event)}" repeats more than ${MAX_OCCURRENCES} times before ${year + 1}`);
      const occurrence = event.getOccurrenceDetails(next);
      if (isCancelled(occurrence.item)) continue;
      addSpan(occurrence.item, occurrence.startDate, occurrence.endDate, add);
    }
  }
  return [...out.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.name.localeCompare(b.name)));
}

/** Options for `calendarFileFromIcs`: the file's identity. */
export interface CalendarFileFromIcsOptions {
  id: string;
  year: number;
  extends?: string | null;
  weekend?: readonly Weekday[];
}

/**
 * A calendar data file (the JSON of `calendars/<id>-<year>.json`) from an .ics holiday list,
 * validated with the same schema the loader uses. iCalendar has no second language, so each
 * Hindi name repeats the English one and a note says so; edit the JSON before shipping it.
 * Two holidays on one date are joined with " / ".
 */
export function calendarFileFromIcs(text: string, options: CalendarFileFromIcsOptions): CalendarFile {
  const byDate = new Map<string, string[]>();
  for (const h of holidaysFromIcs(text, options.year)) byDate.set(h.date, [...(byDate.get(h.date) ?? []), h.name]);
  const holidays = [...byDate.entries()].map(([date, names]) => {
    const name = [...new Set(names)].join(' / ');
    return { date, name: { en: name, hi: name }, note: HINDI_NOTE };
  });
  const parsed = calendarFileSchema.safeParse({
    id: options.id,
    year: options.year,
    extends: options.extends ?? null,
    weekend: [...(options.weekend ?? DEFAULT_WEEKEND)],
    source: 'Imported from an iCalendar (.ics) file',
    holidays,
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new AppError(ERROR_CODES.CONFIG_INVALID, `The calendar made from the .ics text is invalid:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

function parseCalendar(text: string): InstanceType<typeof ICAL.Component> {
  let jcal: unknown;
  try {
    jcal = ICAL.parse(text);
  } catch (cause) {
    throw icsError(`not iCalendar text: ${(cause as Error).message}`, cause);
  }
  // Several VCALENDARs in one text parse to an array of them; one is all a holiday list needs.
  if (!Array.isArray(jcal) || jcal[0] !== 'vcalendar') throw icsError('expected one BEGIN:VCALENDAR … END:VCALENDAR block');
  return new ICAL.Component(jcal);
}

function isCancelled(event: IcalEvent): boolean {
  const status = event.component.getFirstPropertyValue('status');
  return typeof status === 'string' && status.toUpperCase() === 'CANCELLED';
}

function nameOf(event: IcalEvent): string {
  const summary = typeof event.summary === 'string' ? event.summary.trim() : '';
  return summary === '' ? UNNAMED : summary;
}

/** Calls `add` for every IST day from start up to (not including) the end. */
function addSpan(event: IcalEvent, start: IcalTime, end: IcalTime | null | undefined, add: (day: number, name: string) => void): void {
  const name = nameOf(event);
  let first: number;
  let last: number;
  if (start.isDate) {
    first = dayNumberOf(start.year, start.month, start.day);
    // DTEND of an all-day event is the first day *after* it.
    last = end ? dayNumberOf(end.year, end.month, end.day) - 1 : first;
  } else {
    const startMs = instantMs(start);
    const endMs = end ? instantMs(end) : startMs;
    first = istDayNumber(new Date(startMs));
    // An event ending exactly at midnight does not touch the next day.
    last = endMs > startMs ? istDayNumber(new Date(endMs - 1)) : first;
  }
  if (last < first) last = first;
  if (last - first + 1 > MAX_EVENT_DAYS) throw icsError(`event "${name}" lasts more than ${MAX_EVENT_DAYS} days`);
  for (let day = first; day <= last; day++) add(day, name);
}

/** Epoch ms of a DATE-TIME. Floating or unknown-zone times are IST wall clock (see holidaysFromIcs). */
function instantMs(time: IcalTime): number {
  const tzid = time.zone?.tzid;
  if (tzid === undefined || tzid === 'floating') {
    return Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second) - IST_OFFSET_MS;
  }
  return time.toUnixTime() * 1000;
}

function icsError(message: string, cause?: unknown): AppError {
  return new AppError(ERROR_CODES.CONFIG_INVALID, `Cannot read the .ics calendar: ${message}.`, cause === undefined ? undefined : { cause });
}
