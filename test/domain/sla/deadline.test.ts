import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { weekendOnlyCalendar, type BusinessCalendar } from '../../../src/domain/sla/calendar.ts';
import { loadCalendar } from '../../../src/domain/sla/calendar-files.ts';
import { deadline, elapsedFraction, reminderInstants, type Pause } from '../../../src/domain/sla/deadline.ts';
import type { Duration } from '../../../src/domain/sla/duration.ts';
import { AppError } from '../../../src/errors.ts';

// Every expected instant below was worked out by hand from a paper calendar, not from the code.
// IST = UTC+05:30, so 23:59:59 IST on day D is D T18:29:59Z and 00:00 IST on D is (D−1)T18:30:00Z.
// Weekdays used: 2026 — 1 Jan Thu, 31 Jan Sat, 3 Mar Tue, 25 Mar Wed, 1 Oct Thu, 16 Oct Fri,
// 1 Nov Sun, 20 Nov Fri, 4 Dec Fri, 7 Dec Mon, 22 Dec Tue, 25 Dec Fri, 31 Dec Thu; 1 Jan 2027 Fri;
// 29 Feb 2028 Tue. In-central 2026 holidays met here: 4 Mar, 26 Mar, 31 Mar, 3 Apr, 2 Oct, 20 Oct,
// 8 Nov (Sun), 24 Nov, 25 Dec. 2027 and 2028 have no calendar file: only weekends are closed.

const central = loadCalendar(path.resolve(import.meta.dirname, '../../../calendars'), 'in-central');
const weekendsOnly = weekendOnlyCalendar();

const cd = (value: number): Duration => ({ unit: 'calendar_days', value });
const wd = (value: number): Duration => ({ unit: 'working_days', value });
const h = (value: number): Duration => ({ unit: 'hours', value });
const mo = (value: number): Duration => ({ unit: 'months', value });
const pause = (from: string, to: string | null): Pause => ({ from: new Date(from), to: to === null ? null : new Date(to) });

interface Row {
  what: string;
  received: string;
  target: Duration;
  due: string;
  calendar?: BusinessCalendar;
  pauses?: Pause[];
  now?: string;
  extension?: Duration;
}

const rows: Row[] = [
  // ── calendar days: the day of receipt is excluded, the period ends 23:59:59 IST ──
  { what: 'cd: 23:59:59 IST Fri 20 Nov is still 20 Nov; +30 → Sun 20 Dec', received: '2026-11-20T18:29:59Z', target: cd(30), due: '2026-12-20T18:29:59Z' },
  { what: 'cd: 23:59:59.999 IST Fri 20 Nov is still 20 Nov → 20 Dec', received: '2026-11-20T18:29:59.999Z', target: cd(30), due: '2026-12-20T18:29:59Z' },
  { what: 'cd: 00:00 IST Sat 21 Nov (one second later) → 21 Dec', received: '2026-11-20T18:30:00Z', target: cd(30), due: '2026-12-21T18:29:59Z' },
  { what: 'cd: 1 day from Thu 1 Jan 10:00 IST → end of Fri 2 Jan', received: '2026-01-01T04:30:00Z', target: cd(1), due: '2026-01-02T18:29:59Z' },
  { what: 'cd: 00:30 IST 30 Jan is 29 Jan in UTC; counts from 30 Jan IST: 31 Jan (1) + 28 Feb days (29) → 1 Mar', received: '2026-01-29T19:00:00Z', target: cd(30), due: '2026-03-01T18:29:59Z' },
  { what: 'cd: holiday at the end is NOT rolled: 15 Dec + 10 → Fri 25 Dec (Christmas)', received: '2026-12-15T06:30:00Z', target: cd(10), due: '2026-12-25T18:29:59Z' },
  { what: 'cd: Sunday + holiday at the end is NOT rolled: Sun 1 Nov + 7 → Sun 8 Nov (Diwali)', received: '2026-11-01T03:30:00Z', target: cd(7), due: '2026-11-08T18:29:59Z' },
  { what: 'cd: 3 days from Tue 22 Dec → Fri 25 Dec (holiday, kept)', received: '2026-12-22T05:30:00Z', target: cd(3), due: '2026-12-25T18:29:59Z' },
  { what: 'CPGRAMS 21 days from Mon 5 Oct 11:00 IST → Mon 26 Oct (Dussehra inside does not matter)', received: '2026-10-05T05:30:00Z', target: cd(21), due: '2026-10-26T18:29:59Z' },
  { what: 'IT Rules 15 days from Sun 20 Dec 15:00 IST → 20+15 = "35 Dec" = Mon 4 Jan 2027', received: '2026-12-20T09:30:00Z', target: cd(15), due: '2027-01-04T18:29:59Z' },
  { what: 'DPDP 90 days from Thu 1 Jan 09:00 IST: Jan 30 + Feb 28 + Mar 31 = 89 → 1 Apr', received: '2026-01-01T03:30:00Z', target: cd(90), due: '2026-04-01T18:29:59Z' },
  { what: 'DPDP 90 days across leap Feb: 15 Feb 2028 + 14 (to 29 Feb) + 31 + 30 + 15 → 15 May 2028', received: '2028-02-15T06:30:00Z', target: cd(90), due: '2028-05-15T18:29:59Z' },

  // ── working days: weekends and in-central holidays do not count ──
  { what: 'wd: Fri 20 Nov 23:59:59 IST, 5 → Mon 23 (1), Tue 24 Guru Nanak skipped, 25 (2), 26 (3), 27 (4), Mon 30 (5)', received: '2026-11-20T18:29:59Z', target: wd(5), due: '2026-11-30T18:29:59Z' },
  { what: 'wd: Sat 21 Nov 00:00 IST, 5 → same Mon 30 Nov (the weekend counts for nothing either way)', received: '2026-11-20T18:30:00Z', target: wd(5), due: '2026-11-30T18:29:59Z' },
  { what: 'wd: Thu 19 Nov 23:59:59 IST, 5 → Fri 20 (1), Mon 23 (2), 25 (3), 26 (4), Fri 27 (5)', received: '2026-11-19T18:29:59Z', target: wd(5), due: '2026-11-27T18:29:59Z' },
  { what: 'wd: one second later (Fri 20 Nov 00:00 IST) → Mon 30 Nov', received: '2026-11-19T18:30:00Z', target: wd(5), due: '2026-11-30T18:29:59Z' },
  { what: 'wd: Wed 23 Dec, 3 → Thu 24 (1), Christmas + weekend skipped, Mon 28 (2), Tue 29 (3)', received: '2026-12-23T04:30:00Z', target: wd(3), due: '2026-12-29T18:29:59Z' },
  { what: 'wd: holiday at the end is skipped: Tue 22 Dec, 3 → 23 (1), 24 (2), Mon 28 (3)', received: '2026-12-22T05:30:00Z', target: wd(3), due: '2026-12-28T18:29:59Z' },
  { what: 'wd: same with a weekends-only calendar → Fri 25 Dec', received: '2026-12-22T05:30:00Z', target: wd(3), calendar: weekendsOnly, due: '2026-12-25T18:29:59Z' },
  { what: 'wd: Thu 1 Oct, 1 → Fri 2 Oct Gandhi Jayanti + weekend skipped → Mon 5 Oct', received: '2026-10-01T08:30:00Z', target: wd(1), due: '2026-10-05T18:29:59Z' },
  { what: 'wd: Fri 16 Oct, 5 → Mon 19 (1), Tue 20 Dussehra skipped, 21 (2), 22 (3), 23 (4), Mon 26 (5)', received: '2026-10-16T06:30:00Z', target: wd(5), due: '2026-10-26T18:29:59Z' },
  { what: 'wd: Tue 3 Mar 18:00 IST, 1 → Wed 4 Mar Holi skipped → Thu 5 Mar', received: '2026-03-03T12:30:00Z', target: wd(1), due: '2026-03-05T18:29:59Z' },
  { what: 'wd: Wed 25 Mar, 5 → 26 Ram Navami, 27 (1), 30 (2), 31 Mahavir Jayanti, 1 Apr (3), 2 Apr (4), 3 Apr Good Friday, Mon 6 Apr (5)', received: '2026-03-25T06:30:00Z', target: wd(5), due: '2026-04-06T18:29:59Z' },
  { what: 'wd: received on a holiday (Fri 25 Dec), 1 → Mon 28 Dec', received: '2026-12-25T06:30:00Z', target: wd(1), due: '2026-12-28T18:29:59Z' },
  { what: 'wd: into 2027 (no file, weekends only): Thu 31 Dec, 2 → Fri 1 Jan (1), Mon 4 Jan (2)', received: '2026-12-31T04:30:00Z', target: wd(2), due: '2027-01-04T18:29:59Z' },

  // ── months: calendar months from the day of receipt, clamped to the month's end ──
  { what: 'mo: 31 Jan 2026 + 1 → 28 Feb 2026 (clamped)', received: '2026-01-31T04:30:00Z', target: mo(1), due: '2026-02-28T18:29:59Z' },
  { what: 'mo: 31 Jan 2028 + 1 → 29 Feb 2028 (leap year)', received: '2028-01-31T04:30:00Z', target: mo(1), due: '2028-02-29T18:29:59Z' },
  { what: 'mo: 31 Mar + 1 → 30 Apr', received: '2026-03-31T04:30:00Z', target: mo(1), due: '2026-04-30T18:29:59Z' },
  { what: 'mo: 30 Dec 2026 + 1 → 30 Jan 2027', received: '2026-12-30T04:30:00Z', target: mo(1), due: '2027-01-30T18:29:59Z' },
  { what: 'mo: 31 Dec 2026 + 1 → 31 Jan 2027', received: '2026-12-31T04:30:00Z', target: mo(1), due: '2027-01-31T18:29:59Z' },
  { what: 'mo: 31 Dec 2026 + 2 → 28 Feb 2027 (clamped, 2027 not leap)', received: '2026-12-31T04:30:00Z', target: mo(2), due: '2027-02-28T18:29:59Z' },
  { what: 'mo: 15 Jan 23:59:59 IST + 1 → 15 Feb', received: '2026-01-15T18:29:59Z', target: mo(1), due: '2026-02-15T18:29:59Z' },
  { what: 'mo: 16 Jan 00:00 IST (one second later) + 1 → 16 Feb', received: '2026-01-15T18:30:00Z', target: mo(1), due: '2026-02-16T18:29:59Z' },
  { what: 'mo: received on leap day 29 Feb 2028 + 1 → 29 Mar 2028', received: '2028-02-29T06:30:00Z', target: mo(1), due: '2028-03-29T18:29:59Z' },
  { what: 'mo: 29 Feb 2028 + 12 → 28 Feb 2029 (clamped)', received: '2028-02-29T06:30:00Z', target: mo(12), due: '2029-02-28T18:29:59Z' },
  { what: 'mo: holiday at the end NOT rolled: 25 Nov + 1 → Fri 25 Dec', received: '2026-11-25T06:30:00Z', target: mo(1), due: '2026-12-25T18:29:59Z' },

  // ── hours: wall clock, nights and holidays included ──
  { what: 'h: 24 h from Fri 20 Nov 22:00 IST crosses midnight → Sat 21 Nov 22:00 IST', received: '2026-11-20T16:30:00Z', target: h(24), due: '2026-11-21T16:30:00Z' },
  { what: 'h: 48 h from 30 Nov 20:00 IST crosses the month end → 2 Dec 20:00 IST', received: '2026-11-30T14:30:00Z', target: h(48), due: '2026-12-02T14:30:00Z' },
  { what: 'h: 72 h from 30 Dec 23:00 IST crosses the year end → 2 Jan 2027 23:00 IST', received: '2026-12-30T17:30:00Z', target: h(72), due: '2027-01-02T17:30:00Z' },
  { what: 'h: 24 h over Christmas is not stretched', received: '2026-12-24T12:00:00Z', target: h(24), due: '2026-12-25T12:00:00Z' },
  { what: 'h: 24 h from 28 Feb 2028 12:00 IST → leap day 29 Feb 12:00 IST', received: '2028-02-28T06:30:00Z', target: h(24), due: '2028-02-29T06:30:00Z' },

  // ── pauses ──
  {
    what: 'pause cd: Mon 7 Dec + 10 (base Thu 17 Dec); paused Tue 8 15:00 → Fri 11 11:00 IST: day ends of 8, 9, 10 inside → +3 → Sun 20 Dec',
    received: '2026-12-07T04:30:00Z', target: cd(10), pauses: [pause('2026-12-08T09:30:00Z', '2026-12-11T05:30:00Z')], due: '2026-12-20T18:29:59Z',
  },
  {
    what: 'pause wd: same pause, 5 wd (base Mon 14 Dec) → 8, 9, 10 lost; 11 (1), 14 (2), 15 (3), 16 (4), Thu 17 (5)',
    received: '2026-12-07T04:30:00Z', target: wd(5), pauses: [pause('2026-12-08T09:30:00Z', '2026-12-11T05:30:00Z')], due: '2026-12-17T18:29:59Z',
  },
  {
    what: 'pause cd over Christmas + weekend: Wed 23 Dec + 10 (base 2 Jan); paused Thu 24 18:00 → Mon 28 09:00 IST: 24, 25, 26, 27 → 6 Jan 2027',
    received: '2026-12-23T04:30:00Z', target: cd(10), pauses: [pause('2026-12-24T12:30:00Z', '2026-12-28T03:30:00Z')], due: '2027-01-06T18:29:59Z',
  },
  {
    what: 'pause wd over Christmas + weekend: base 24 (1) … 31 Dec (5); only Thu 24 was a working day lost → 28 (1), 29, 30, 31, Fri 1 Jan (5)',
    received: '2026-12-23T04:30:00Z', target: wd(5), pauses: [pause('2026-12-24T12:30:00Z', '2026-12-28T03:30:00Z')], due: '2027-01-01T18:29:59Z',
  },
  {
    what: 'pause within one day (8 Dec 10:00–20:00 IST) moves nothing → Thu 17 Dec',
    received: '2026-12-07T04:30:00Z', target: cd(10), pauses: [pause('2026-12-08T04:30:00Z', '2026-12-08T14:30:00Z')], due: '2026-12-17T18:29:59Z',
  },
  {
    what: 'pause over the end of the receipt day only (7 Dec 12:00 → 8 Dec 12:00 IST): the receipt day never counts → 17 Dec',
    received: '2026-12-07T04:30:00Z', target: cd(10), pauses: [pause('2026-12-07T06:30:00Z', '2026-12-08T06:30:00Z')], due: '2026-12-17T18:29:59Z',
  },
  {
    what: 'open pause with now: from Tue 8 Dec 15:00 IST, now Fri 11 Dec 11:00 IST → as the closed pause, 20 Dec',
    received: '2026-12-07T04:30:00Z', target: cd(10), pauses: [pause('2026-12-08T09:30:00Z', null)], now: '2026-12-11T05:30:00Z', due: '2026-12-20T18:29:59Z',
  },
  {
    what: 'open pause without now is ignored → 17 Dec',
    received: '2026-12-07T04:30:00Z', target: cd(10), pauses: [pause('2026-12-08T09:30:00Z', null)], due: '2026-12-17T18:29:59Z',
  },
  {
    what: 'pause boundary: a pause ending exactly at 23:59:59 IST 10 Dec does not hold 10 Dec (ends of 8, 9 only) → +2 → 19 Dec',
    received: '2026-12-07T04:30:00Z', target: cd(10), pauses: [pause('2026-12-08T09:30:00Z', '2026-12-10T18:29:59Z')], due: '2026-12-19T18:29:59Z',
  },
  {
    what: 'pause boundary: a pause starting exactly at 23:59:59 IST 8 Dec holds 8 Dec → +1 → 18 Dec',
    received: '2026-12-07T04:30:00Z', target: cd(10), pauses: [pause('2026-12-08T18:29:59Z', '2026-12-09T06:30:00Z')], due: '2026-12-18T18:29:59Z',
  },
  {
    what: 'pause over a weekend only (Sat 12 Dec 09:00 → Mon 14 Dec 08:00 IST), wd: Thu 10 Dec + 3 → 11, 14, Tue 15 (unchanged)',
    received: '2026-12-10T04:30:00Z', target: wd(3), pauses: [pause('2026-12-12T03:30:00Z', '2026-12-14T02:30:00Z')], due: '2026-12-15T18:29:59Z',
  },
  {
    what: 'same weekend pause, cd: Thu 10 Dec + 3 (base Sun 13) → 11 (1), 12 and 13 held, 14 (2), Tue 15 (3)',
    received: '2026-12-10T04:30:00Z', target: cd(3), pauses: [pause('2026-12-12T03:30:00Z', '2026-12-14T02:30:00Z')], due: '2026-12-15T18:29:59Z',
  },
  {
    what: 'pause h: 24 h from 16:30Z, paused 04:30Z–07:00Z next day (2 h 30 min) → 19:00Z',
    received: '2026-11-20T16:30:00Z', target: h(24), pauses: [pause('2026-11-21T04:30:00Z', '2026-11-21T07:00:00Z')], due: '2026-11-21T19:00:00Z',
  },
  {
    what: 'pause h: a pause after the due instant changes nothing',
    received: '2026-11-20T16:30:00Z', target: h(24), pauses: [pause('2026-11-22T00:00:00Z', '2026-11-23T00:00:00Z')], due: '2026-11-21T16:30:00Z',
  },
  {
    what: 'pause h: only the part after receipt counts (15:30Z–17:30Z, receipt 16:30Z → 1 h)',
    received: '2026-11-20T16:30:00Z', target: h(24), pauses: [pause('2026-11-20T15:30:00Z', '2026-11-20T17:30:00Z')], due: '2026-11-21T17:30:00Z',
  },
  {
    what: 'pause h: overlapping pauses 17:30–19:30Z and 18:30–20:30Z count once (3 h)',
    received: '2026-11-20T16:30:00Z', target: h(24),
    pauses: [pause('2026-11-20T18:30:00Z', '2026-11-20T20:30:00Z'), pause('2026-11-20T17:30:00Z', '2026-11-20T19:30:00Z')], due: '2026-11-21T19:30:00Z',
  },
  {
    what: 'open pause h: 48 h from 30 Nov 14:30Z, paused from 1 Dec 04:30Z, now 10:30Z (6 h) → 2 Dec 20:30Z',
    received: '2026-11-30T14:30:00Z', target: h(48), pauses: [pause('2026-12-01T04:30:00Z', null)], now: '2026-12-01T10:30:00Z', due: '2026-12-02T20:30:00Z',
  },
  {
    what: 'pause mo: 31 Jan + 1 = 28 Feb; paused 10 Feb 12:00 → 12 Feb 12:00 IST (ends of 10, 11) → 2 Mar',
    received: '2026-01-31T04:30:00Z', target: mo(1), pauses: [pause('2026-02-10T06:30:00Z', '2026-02-12T06:30:00Z')], due: '2026-03-02T18:29:59Z',
  },

  // ── extension: counted on from the base due ──
  { what: 'ext cd+cd: 1 Jan + 30 → 31 Jan; +15 → 15 Feb', received: '2026-01-01T03:30:00Z', target: cd(30), extension: cd(15), due: '2026-02-15T18:29:59Z' },
  { what: 'ext h+h: 24 h then 24 h → 48 h after receipt', received: '2026-11-20T16:30:00Z', target: h(24), extension: h(24), due: '2026-11-22T16:30:00Z' },
  { what: 'ext mo+mo: 31 Jan + 1 → 28 Feb; + 1 month from 28 Feb → 28 Mar (not 31 Mar)', received: '2026-01-31T04:30:00Z', target: mo(1), extension: mo(1), due: '2026-03-28T18:29:59Z' },
  { what: 'ext wd+wd: Fri 20 Nov → Mon 30 Nov; +5 wd → 1, 2, 3, 4, Mon 7 Dec', received: '2026-11-20T18:29:59Z', target: wd(5), extension: wd(5), due: '2026-12-07T18:29:59Z' },
  { what: 'ext cd+wd: Fri 4 Dec + 15 → Sat 19 Dec; +5 wd → 21, 22, 23, 24, (25 Christmas) Mon 28', received: '2026-12-04T04:30:00Z', target: cd(15), extension: wd(5), due: '2026-12-28T18:29:59Z' },
  { what: 'ext h+cd: 72 h → 2 Jan 2027 23:00 IST; +2 days from that day → 4 Jan end', received: '2026-12-30T17:30:00Z', target: h(72), extension: cd(2), due: '2027-01-04T18:29:59Z' },
  { what: 'ext cd+h: 15 Dec + 10 → 25 Dec 23:59:59 IST; +24 h → 26 Dec 23:59:59 IST', received: '2026-12-15T06:30:00Z', target: cd(10), extension: h(24), due: '2026-12-26T18:29:59Z' },
  { what: 'ext cd+mo: 1 Jan + 30 → 31 Jan; + 1 month → 28 Feb (clamped)', received: '2026-01-01T03:30:00Z', target: cd(30), extension: mo(1), due: '2026-02-28T18:29:59Z' },
  {
    what: 'ext with a pause during the extension: 31 Jan + 15 (→ 15 Feb), paused 5 Feb 10:00 → 7 Feb 10:00 IST (ends of 5, 6) → 17 Feb',
    received: '2026-01-01T03:30:00Z', target: cd(30), extension: cd(15), pauses: [pause('2026-02-05T04:30:00Z', '2026-02-07T04:30:00Z')], due: '2026-02-17T18:29:59Z',
  },
];

describe('deadline()', () => {
  it('has a large table', () => {
    expect(rows.length).toBeGreaterThanOrEqual(40);
  });

  it.each(rows)('$what', (row) => {
    const options = {
      ...(row.pauses ? { pauses: row.pauses } : {}),
      ...(row.now ? { now: new Date(row.now) } : {}),
      ...(row.extension ? { extension: row.extension } : {}),
    };
    const due = deadline(new Date(row.received), row.target, row.calendar ?? central, options);
    expect(due.toISOString()).toBe(new Date(row.due).toISOString());
  });

  it('does not change its inputs', () => {
    const pauses = [pause('2026-12-08T09:30:00Z', null)];
    const before = JSON.stringify(pauses);
    deadline(new Date('2026-12-07T04:30:00Z'), cd(10), central, { pauses, now: new Date('2026-12-11T05:30:00Z') });
    expect(JSON.stringify(pauses)).toBe(before);
  });

  it.each([
    ['a zero period', cd(0)],
    ['a fractional period', wd(1.5)],
    ['a negative period', h(-1)],
  ])('rejects %s with an AppError', (_what, target) => {
    expect(() => deadline(new Date('2026-12-07T04:30:00Z'), target, central)).toThrow(AppError);
  });

  it('rejects an invalid receipt date', () => {
    expect(() => deadline(new Date('not a date'), cd(1), central)).toThrow(/receivedAt/);
  });
});

describe('reminders', () => {
  it('puts reminders at fractions of the wall-clock span', () => {
    const start = new Date('2026-11-20T16:30:00Z');
    const due = new Date('2026-11-21T16:30:00Z');
    expect(reminderInstants(start, due, [0.5, 0.8]).map((d) => d.toISOString())).toEqual([
      '2026-11-21T04:30:00.000Z', // +12 h
      '2026-11-21T11:42:00.000Z', // +19 h 12 min
    ]);
  });

  it('rejects a negative fraction', () => {
    expect(() => reminderInstants(new Date(0), new Date(1000), [-0.1])).toThrow(AppError);
  });

  it('reports the elapsed fraction, above 1 once overdue', () => {
    const start = new Date('2026-11-20T00:00:00Z');
    const due = new Date('2026-11-21T00:00:00Z');
    expect(elapsedFraction(start, due, new Date('2026-11-20T06:00:00Z'))).toBe(0.25);
    expect(elapsedFraction(start, due, new Date('2026-11-21T12:00:00Z'))).toBe(1.5);
    expect(elapsedFraction(start, due, new Date('2026-11-19T00:00:00Z'))).toBe(0);
  });
});
