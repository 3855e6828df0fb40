import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar, weekendOnlyCalendar } from '../../../src/domain/sla/calendar.ts';
import { loadCalendar } from '../../../src/domain/sla/calendar-files.ts';
import { buildCalendar, calendarFileSchema } from '../../../src/domain/sla/calendar-data.ts';
import { dayNumberFromIsoDate } from '../../../src/domain/time/ist.ts';
import { AppError, ERROR_CODES } from '../../../src/errors.ts';

const SHIPPED = path.resolve(import.meta.dirname, '../../../calendars');
const FIXTURES = path.resolve(import.meta.dirname, 'fixtures');
const day = (iso: string): number => {
  const n = dayNumberFromIsoDate(iso);
  if (n === undefined) throw new Error(`bad test date ${iso}`);
  return n;
};

/** Runs `f`, expecting an AppError(CONFIG_INVALID); returns its message. */
function configErrorOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe(ERROR_CODES.CONFIG_INVALID);
    return (err as AppError).message;
  }
  throw new Error('expected an AppError');
}

describe('the shipped central calendar (DoPT OM 3 Jul 2025, Delhi list)', () => {
  const central = loadCalendar(SHIPPED, 'in-central');

  it('has exactly the 17 holidays of the reference, in order', () => {
    expect(central.holidays(2026).map((h) => h.date)).toEqual([
      '2026-01-26', '2026-03-04', '2026-03-21', '2026-03-26', '2026-03-31', '2026-04-03', '2026-05-01', '2026-05-27', '2026-06-26',
      '2026-08-15', '2026-08-26', '2026-09-04', '2026-10-02', '2026-10-20', '2026-11-08', '2026-11-24', '2026-12-25',
    ]);
  });

  it('marks the four moon-dependent dates in a note', () => {
    const noted = central.holidays(2026).filter((h) => h.note?.toLowerCase().includes('moon')).map((h) => h.date);
    expect(noted).toEqual(['2026-03-21', '2026-05-27', '2026-06-26', '2026-08-26']);
  });

  it('names holidays in English and Hindi', () => {
    expect(central.holidayName(day('2026-01-26'), 'en')).toBe('Republic Day');
    expect(central.holidayName(day('2026-01-26'), 'hi')).toBe('गणतंत्र दिवस');
    expect(central.holidayName(day('2026-10-02'), 'en')).toBe("Mahatma Gandhi's Birthday");
    expect(central.holidayName(day('2026-11-08'), 'hi')).toBe('दीपावली');
    expect(central.holidayName(day('2026-05-27'), 'en')).toBe('Id-ul-Zuha (Bakrid)');
    expect(central.holidayName(day('2026-10-05'), 'en')).toBeUndefined();
    for (const h of central.holidays()) {
      expect(h.name.en.trim()).not.toBe('');
      expect(h.name.hi).toMatch(/[\u0900-\u097F]/); // written in Devanagari
    }
  });

  it('closes weekends and holidays, opens other days', () => {
    expect(central.weekend).toEqual(['sat', 'sun']);
    expect(central.isWorkingDay(day('2026-10-02'))).toBe(false); // Fri, Gandhi Jayanti
    expect(central.isWorkingDay(day('2026-10-03'))).toBe(false); // Sat
    expect(central.isWorkingDay(day('2026-10-04'))).toBe(false); // Sun
    expect(central.isWorkingDay(day('2026-10-05'))).toBe(true); // Mon
    expect(central.isWorkingDay(day('2026-12-24'))).toBe(true); // Thu
    expect(central.isWorkingDay(day('2026-12-25'))).toBe(false); // Fri, Christmas
  });

  it('says which years it covers; other years close only at weekends', () => {
    expect(central.coveredYears).toEqual([2026]);
    expect(central.covers(2026)).toBe(true);
    expect(central.covers(2027)).toBe(false);
    expect(central.missingYears(day('2026-12-20'), day('2027-01-10'))).toEqual([2027]);
    expect(central.isWorkingDay(day('2027-01-26'))).toBe(true); // a Tuesday, and no 2027 file
  });
});

describe('calendars that extend others', () => {
  const xx = loadCalendar(path.join(FIXTURES, 'calendars-extends'), 'in-xx');

  it('adds the state holidays to the parent ones, the child naming a shared date', () => {
    expect(xx.holidays(2026).map((h) => `${h.date} ${h.name.en}`)).toEqual([
      '2026-01-26 Republic Day',
      '2026-03-04 Holi (Dhulandi)',
      '2026-11-01 Example State Formation Day',
    ]);
    expect(xx.holidayName(day('2027-01-26'), 'hi')).toBe('गणतंत्र दिवस'); // parent's 2027 file
  });

  it("uses the child's own weekend", () => {
    expect(xx.weekend).toEqual(['sun']);
    expect(xx.isWorkingDay(day('2026-11-07'))).toBe(true); // a Saturday
    expect(xx.isWorkingDay(day('2026-11-08'))).toBe(false); // a Sunday
  });

  it('covers only the years every calendar of the chain has a file for', () => {
    expect(xx.coveredYears).toEqual([2026]);
    expect(loadCalendar(path.join(FIXTURES, 'calendars-extends'), 'in-central').coveredYears).toEqual([2026, 2027]);
  });

  it('does not take in-xx-extra-2026.json for a year of in-xx', () => {
    expect(xx.holidays().length).toBe(4);
  });

  it('names the file that extends a calendar with no files', () => {
    const message = configErrorOf(() => loadCalendar(path.join(FIXTURES, 'calendars-extends'), 'in-xx-extra'));
    expect(message).toContain('in-xx-extra-2026.json');
    expect(message).toContain('"in-nowhere"');
  });

  it('rejects a cycle', () => {
    expect(configErrorOf(() => loadCalendar(path.join(FIXTURES, 'calendars-extends'), 'in-loop-a'))).toMatch(/in-loop-a → in-loop-b → in-loop-a/);
  });

  it('rejects files of one calendar that disagree on extends or weekend', () => {
    const base = { id: 'in-x', holidays: [] };
    const a = calendarFileSchema.parse({ ...base, year: 2026 });
    const b = calendarFileSchema.parse({ ...base, year: 2027, weekend: ['sun'] });
    const c = calendarFileSchema.parse({ ...base, year: 2027, extends: 'in-central' });
    expect(configErrorOf(() => buildCalendar('in-x', [{ source: 'a.json', file: a }, { source: 'b.json', file: b }]))).toMatch(/b\.json: weekend/);
    expect(configErrorOf(() => buildCalendar('in-x', [{ source: 'a.json', file: a }, { source: 'c.json', file: c }]))).toMatch(/extends/);
    expect(configErrorOf(() => buildCalendar('in-x', [{ source: 'a.json', file: a }, { source: 'a2.json', file: a }]))).toMatch(/a2?\.json and a2?\.json .* 2026/);
  });
});

describe('calendar file errors name the file and the field', () => {
  const bad = path.join(FIXTURES, 'calendars-bad');

  it.each([
    ['in-bad', ['in-bad-2026.json', 'holidays.1.date', 'YYYY-MM-DD']],
    ['in-typo', ['in-typo-2026.json', 'extend']],
    ['in-wrongyear', ['in-wrongyear-2026.json', 'holidays.0.date', "not in the file's year 2026"]],
    ['in-misnamed', ['in-misnamed-2026.json', 'in-misnamed-2027.json']],
    ['in-nohindi', ['in-nohindi-2026.json', 'holidays.0.name.hi', 'Hindi name is empty']],
    ['in-notjson', ['in-notjson-2026.json', 'not readable JSON']],
    ['in-none', ['no calendar file for "in-none"']],
  ])('%s', (id, fragments) => {
    const message = configErrorOf(() => loadCalendar(bad, id));
    for (const f of fragments) expect(message).toContain(f);
  });

  it('rejects an id that cannot be a file name and a missing directory', () => {
    expect(configErrorOf(() => loadCalendar(SHIPPED, '../etc'))).toMatch(/not a calendar id/);
    expect(configErrorOf(() => loadCalendar(path.join(FIXTURES, 'no-such-dir'), 'in-central'))).toMatch(/Cannot read the calendars directory/);
  });

  it('rejects duplicate dates and a week with no working day', () => {
    const dup = calendarFileSchema.safeParse({
      id: 'in-x', year: 2026, holidays: [
        { date: '2026-01-26', name: { en: 'A', hi: 'क' } },
        { date: '2026-01-26', name: { en: 'B', hi: 'ख' } },
      ],
    });
    expect(dup.success).toBe(false);
    expect(dup.error?.issues[0]?.path).toEqual(['holidays', 1, 'date']);
    const closed = calendarFileSchema.safeParse({ id: 'in-x', year: 2026, weekend: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], holidays: [] });
    expect(closed.success).toBe(false);
  });
});

describe('BusinessCalendar', () => {
  it('a weekends-only calendar closes Saturday and Sunday and nothing else', () => {
    const cal = weekendOnlyCalendar();
    expect(cal.isWorkingDay(day('2026-12-25'))).toBe(true);
    expect(cal.isWorkingDay(day('2026-12-26'))).toBe(false);
    expect(cal.holidayName(day('2026-12-25'), 'en')).toBeUndefined();
    expect(cal.coveredYears).toEqual([]);
  });

  it('a Friday weekend works too', () => {
    const cal = new BusinessCalendar({ id: 'fri', weekend: ['fri'], holidays: [] });
    expect(cal.isWorkingDay(day('2026-12-25'))).toBe(false); // Friday
    expect(cal.isWorkingDay(day('2026-12-26'))).toBe(true); // Saturday
  });
});
