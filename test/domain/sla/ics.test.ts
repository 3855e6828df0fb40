import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCalendar, calendarFileSchema } from '../../../src/domain/sla/calendar-data.ts';
import { calendarFileFromIcs, holidaysFromIcs } from '../../../src/domain/sla/ics.ts';
import { dayNumberFromIsoDate } from '../../../src/domain/time/ist.ts';
import { AppError, ERROR_CODES } from '../../../src/errors.ts';

const ICS = fs.readFileSync(path.resolve(import.meta.dirname, 'fixtures/holidays-2026.ics'), 'utf8');

// What the fixture holds, worked out by hand (IST = UTC+05:30):
const EXPECTED_2026 = [
  ['2026-01-26', 'Republic Day'], // all-day, DTEND the next day (exclusive)
  ['2026-03-04', 'Holi'], // floating 10:00 → read as IST
  ['2026-03-31', 'Late-night closure'], // 17:00Z = 22:30 IST on 31 Mar …
  ['2026-04-01', 'Late-night closure'], // … to 20:00Z = 01:30 IST on 1 Apr
  ['2026-07-03', "Founders' Day"], // yearly from 2025-07-01; the 2026 occurrence moved to 3 Jul
  ['2026-08-15', 'Independence Day'], // yearly rule from 2020
  ['2026-09-04', 'Holiday'], // no SUMMARY
  ['2026-10-02', "Mahatma Gandhi's Birthday"], // 19:00Z on 1 Oct = 00:30 IST on 2 Oct
  ['2026-10-20', 'Dussehra'], // 00:00–00:00 IST via VTIMEZONE: the end day is not touched
  ['2026-11-08', 'Diwali holidays, three days'], // DTEND 11 Nov (exclusive): 8, 9, 10
  ['2026-11-09', 'Diwali holidays, three days'],
  ['2026-11-10', 'Diwali holidays, three days'],
  ['2026-12-25', 'Christmas'],
  ['2026-12-25', 'Example Bank Holiday'], // DURATION:P1D
].map(([date, name]) => ({ date, name }));

describe('holidaysFromIcs', () => {
  it('reads all-day, multi-day, timed, recurring and moved events of one year', () => {
    expect(holidaysFromIcs(ICS, 2026)).toEqual(EXPECTED_2026);
  });

  it('skips cancelled events', () => {
    expect(holidaysFromIcs(ICS).some((h) => h.name === 'Cancelled holiday')).toBe(false);
  });

  it('without a year, gives every event once and a repeating one at its first occurrence', () => {
    const all = holidaysFromIcs(ICS);
    expect(all[0]).toEqual({ date: '2020-08-15', name: 'Independence Day' });
    expect(all).toContainEqual({ date: '2025-07-01', name: "Founders' Day" });
    expect(all).toContainEqual({ date: '2027-01-26', name: 'Republic Day' });
    expect(all.filter((h) => h.date.startsWith('2026-08'))).toEqual([]);
  });

  it('reads CRLF line endings the same way', () => {
    expect(holidaysFromIcs(ICS.replace(/\n/g, '\r\n'), 2026)).toEqual(EXPECTED_2026);
  });

  it('rejects text that is not iCalendar with a CONFIG_INVALID AppError', () => {
    for (const bad of ['hello', 'BEGIN:VCARD\nVERSION:4.0\nEND:VCARD']) {
      try {
        holidaysFromIcs(bad);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).code).toBe(ERROR_CODES.CONFIG_INVALID);
        expect((err as AppError).message).toMatch(/\.ics/);
      }
    }
  });

  it('rejects an event that lasts more than a year', () => {
    const long = 'BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDTSTART;VALUE=DATE:20260101\nDTEND;VALUE=DATE:20280101\nSUMMARY:Forever\nEND:VEVENT\nEND:VCALENDAR';
    expect(() => holidaysFromIcs(long)).toThrow(/Forever/);
  });
});

describe('calendarFileFromIcs', () => {
  const file = calendarFileFromIcs(ICS, { id: 'in-test', year: 2026, extends: 'in-central' });

  it('makes a valid calendar data file, one entry per date', () => {
    expect(calendarFileSchema.safeParse(file).success).toBe(true);
    expect(file).toMatchObject({ id: 'in-test', year: 2026, extends: 'in-central', weekend: ['sat', 'sun'] });
    expect(file.holidays.map((h) => h.date)).toEqual([...new Set(EXPECTED_2026.map((h) => h.date))]);
    expect(file.holidays.find((h) => h.date === '2026-12-25')?.name.en).toBe('Christmas / Example Bank Holiday');
  });

  it('repeats the English name as the Hindi one and says so', () => {
    for (const h of file.holidays) {
      expect(h.name.hi).toBe(h.name.en);
      expect(h.note).toMatch(/Hindi name/);
    }
  });

  it('round-trips through JSON into a calendar', () => {
    const parsed = calendarFileSchema.parse(JSON.parse(JSON.stringify(file)));
    const parent = calendarFileSchema.parse({ id: 'in-central', year: 2026, holidays: [] });
    const cal = buildCalendar('in-test', [{ source: 'in-test-2026.json', file: parsed }, { source: 'in-central-2026.json', file: parent }]);
    expect(cal.isWorkingDay(dayNumberFromIsoDate('2026-11-09') as number)).toBe(false); // Monday, Diwali holidays
    expect(cal.isWorkingDay(dayNumberFromIsoDate('2026-11-11') as number)).toBe(true);
  });

  it('rejects a bad id with the field named', () => {
    expect(() => calendarFileFromIcs(ICS, { id: 'In Test', year: 2026 })).toThrow(/id: /);
  });
});
