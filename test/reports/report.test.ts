import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config.ts';
import { loadCalendar } from '../../src/domain/sla/calendar-files.ts';
import { loadProfile } from '../../src/profile/load.ts';
import { computeMonthlyReport, type MonthlyReport } from '../../src/reports/compute.ts';
import { CSV_HEADER, csvCell, reportCsv, reportText } from '../../src/reports/format.ts';
import { loadReportRows, monthlyReport, reportContext } from '../../src/reports/load.ts';
import { backends, useStores } from '../helpers/backends.ts';
import { fixtureRows, insertFixture, REPORT_PROFILE } from './fixture.ts';

const profile = loadProfile(REPORT_PROFILE);
const calendar = loadCalendar(path.join(PACKAGE_ROOT, 'calendars'), 'in-central');
/** 5 Dec 2026: November is over. */
const AFTER = new Date('2026-12-05T06:30:00.000Z');
const context = (now = AFTER) => reportContext(profile, calendar, now);

function november(now = AFTER): MonthlyReport {
  return computeMonthlyReport(fixtureRows(), '2026-11', context(now));
}

/** Every figure of November 2026, worked out by hand from test/reports/fixture.ts. */
function expectNovember(r: MonthlyReport): void {
  expect(r.month).toBe('2026-11');
  expect(r.from).toBe('2026-10-31T18:30:00.000Z');
  expect(r.to).toBe('2026-11-30T18:30:00.000Z');
  expect(r.complete).toBe(true);
  expect(r.asOf).toBe(r.to);

  // Received in November (IST): GRV 101, 102, 103, 104, 107 and DPR 201 (1 Nov 00:30 IST, still
  // 31 Oct in UTC), 202 (30 Nov 23:50), 204, 205, 207. Not DPR 203 (31 Oct 23:59 IST) nor DPR 209
  // (1 Dec 00:00 IST), nor the October tickets.
  expect(r.requests.total).toBe(10);
  expect(r.requests.byRight).toEqual({ grievance: 5, access: 1, correction: 0, erasure: 2, withdraw_consent: 1, nomination: 1 });
  expect(r.requests.byChannel).toEqual({ console: 2, telegram: 3, 'whatsapp-cloud': 4, 'whatsapp-web': 1 });
  expect(r.requests.byLanguage).toEqual({ en: 4, hi: 6 });

  const [grv, dpdp] = r.times;
  expect(r.times.map((p) => p.policy)).toEqual(['grv-working', 'dpdp']);
  // Grievances acknowledged in November, in hours: 101 6 h, 102 72 h (Fri 15:00 → Mon 15:00),
  // 103 12 h, 104 48 h, 107 1.5 h → sorted 1.5, 6, 12, 48, 72. (105 and 106 were acknowledged in
  // October.) Median 12; 90th percentile rank ⌈4.5⌉ = 5 → 72.
  expect(grv!.acknowledge).toEqual({ unit: 'hours', limit: 48, count: 5, median: 12, p90: 72 });
  // Grievances resolved in November, in working days (in-central: weekends, 24 Nov holiday):
  // 101 Mon 2 → Fri 6 = 4; 102 Fri 6 → Wed 25 = 12 (across two weekends and 24 Nov); 103 Thu 19 →
  // Mon 23 = 2; 105 Wed 28 Oct → Tue 3 Nov = 4; 107 Sat 21 → Sat 28 = 5 (23, 25, 26, 27, and
  // Saturday as Monday). Sorted 2, 4, 4, 5, 12: median 4, 90th percentile rank 5 → 12.
  expect(grv!.resolve).toEqual({ unit: 'working_days', limit: 10, count: 5, median: 4, p90: 12 });
  // Data-rights requests acknowledged in November, in calendar days (DPDP sets no acknowledgment
  // period, so the resolve unit): 201 1, 203 2, 204 0, 205 3, 207 1 → 0, 1, 1, 2, 3: median 1, p90 3.
  expect(dpdp!.acknowledge).toEqual({ unit: 'calendar_days', limit: null, count: 5, median: 1, p90: 3 });
  // Resolved in November: 201 4, 204 0, 206 34 (1 Oct → 4 Nov), 207 15 → 0, 4, 15, 34: median
  // (4 + 15) / 2 = 9.5, 90th percentile rank ⌈3.6⌉ = 4 → 34. (205 and 208 were resolved in December.)
  expect(dpdp!.resolve).toEqual({ unit: 'calendar_days', limit: 30, count: 4, median: 9.5, p90: 34 });
  expect(dpdp!.title?.en).toBe('DPDP Act 2023: grievance or data-rights request');

  // On time (resolved_at ≤ due_at) among the 9 resolved in November: late are 102 (due 20 Nov,
  // resolved 25 Nov) and 206 (due 31 Oct, resolved 4 Nov).
  expect(r.onTime).toMatchObject({ resolved: 9, onTime: 7, late: 2, share: 0.7778 });
  expect(r.onTime.byPolicy).toEqual([
    { policy: 'dpdp', resolved: 4, onTime: 3, late: 1, share: 0.75 },
    { policy: 'grv-working', resolved: 5, onTime: 4, late: 1, share: 0.8 },
  ]);
  // Open and past due at the end of November: GRV 106 (due 27 Oct) and DPR 208 (due 19 Nov,
  // resolved only on 2 Dec). Not DPR 210 (withdrawn on 10 Nov) nor GRV 102 (resolved late, in November).
  expect(r.onTime.openPastDue).toEqual({ count: 2, byPolicy: { 'grv-working': 1, dpdp: 1 } });

  // Extensions granted in November, oldest first (GRV 106's in October is left out).
  expect(r.extensions).toEqual({
    count: 2,
    items: [
      { number: 'DPR-2026-000203', at: '2026-11-20T04:30:00.000Z', reason: 'Records are held at the district office.', duration: { unit: 'calendar_days', value: 15 } },
      { number: 'GRV-2026-000104', at: '2026-11-26T04:30:00.000Z', reason: 'A site visit is needed.', duration: { unit: 'working_days', value: 5 } },
    ],
  });
  // Escalations in November: GRV 106 to the DPO (scheduler), GRV 102 to the Grievance Officer
  // (scheduler), DPR 203 to the Grievance Officer (an officer). GRV 106's first, in October, and
  // GRV 104's at 00:00 IST on 1 Dec are outside. One citizen's appeal (GRV 103).
  expect(r.escalations).toEqual({
    count: 3,
    automatic: 2,
    byOfficers: 1,
    byLevel: [{ level: 1, role: 'grievance_officer', count: 2 }, { level: 2, role: 'dpo', count: 1 }],
    appeals: 1,
  });
  // Board referrals: GRV 106 on 16 Nov and DPR 206 at 23:59:59 IST on 30 Nov; DPR 208's at
  // 00:00 IST on 1 Dec is December's.
  expect(r.board).toEqual({ count: 2, items: [{ number: 'GRV-2026-000106', at: '2026-11-16T04:30:00.000Z' }, { number: 'DPR-2026-000206', at: '2026-11-30T18:29:59.000Z' }] });

  // Reviews done in November: three (the pending one and the one done on 1 Dec are left out).
  // correct_information (5+4+3)/3 = 4; tone (4+5+3)/3 = 4; timeliness (3+2+4)/3 = 3;
  // language_quality (5+4+5)/3 = 4.67; resolution (4+3+2)/3 = 3; all 15 scores 56/15 = 3.73.
  expect(r.quality).toEqual({
    reviews: 3,
    criteria: [
      { id: 'correct_information', average: 4, count: 3 },
      { id: 'tone', average: 4, count: 3 },
      { id: 'timeliness', average: 3, count: 3 },
      { id: 'language_quality', average: 4.67, count: 3 },
      { id: 'resolution', average: 3, count: 3 },
    ],
    overall: 3.73,
  });
  // Ratings in November: 5, 2, 4, 5, 4 → average 4 (October's 1 and December's 3 are left out).
  expect(r.ratings).toEqual({ count: 5, average: 4, distribution: { '1': 0, '2': 1, '3': 0, '4': 2, '5': 2 } });
}

describe('computeMonthlyReport on the fixture set', () => {
  it('gives every hand-computed figure of November 2026', () => {
    expectNovember(november());
  });

  it('states its methods', () => {
    const r = november();
    expect(r.method.percentiles).toMatch(/nearest rank/);
    expect(r.method.counting).toMatch(/working days/);
  });

  it('ignores rows outside the month, so a superset of rows gives the same report', () => {
    const rows = fixtureRows();
    const doubled = { ...rows, tickets: [...rows.tickets, ...rows.tickets.map((t) => ({ ...t, id: t.id + 100, number: t.number.replace('2026', '2025'), created_at: '2025-06-01T04:30:00.000Z', acknowledged_at: null, resolved_at: '2025-06-02T04:30:00.000Z', closed_at: '2025-06-02T04:30:00.000Z', board_notified_at: null }))] };
    expectNovember(computeMonthlyReport(doubled, '2026-11', context()));
  });

  it('measures "open past due" now while the month is under way', () => {
    // 22 Nov 2026, 11:00 IST: GRV 106 (due 27 Oct), GRV 102 (due 20 Nov, resolved only on 25 Nov)
    // and DPR 208 (due 19 Nov). Not DPR 210, withdrawn on 10 Nov, nor DPR 206, resolved on 4 Nov.
    const r = november(new Date('2026-11-22T05:30:00.000Z'));
    expect(r.complete).toBe(false);
    expect(r.asOf).toBe('2026-11-22T05:30:00.000Z');
    expect(r.onTime.openPastDue).toEqual({ count: 3, byPolicy: { 'grv-working': 2, dpdp: 1 } });
  });

  it('says "no reviews" and "no ratings" for an empty month, with every count at 0', () => {
    const r = computeMonthlyReport(fixtureRows(), '2026-09', context());
    expect(r.requests.total).toBe(0);
    expect(r.requests.byRight).toEqual({ grievance: 0, access: 0, correction: 0, erasure: 0, withdraw_consent: 0, nomination: 0 });
    expect(r.times.map((p) => [p.policy, p.acknowledge.count, p.acknowledge.median, p.resolve.p90])).toEqual([['grv-working', 0, null, null], ['dpdp', 0, null, null]]);
    expect(r.onTime).toMatchObject({ resolved: 0, share: null, openPastDue: { count: 0 } });
    expect(r.quality).toMatchObject({ reviews: 0, overall: null });
    expect(r.quality.criteria.every((c) => c.average === null && c.count === 0)).toBe(true);
    expect(r.ratings).toEqual({ count: 0, average: null, distribution: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 } });
    const text = reportText(r);
    expect(text).toContain('Quality review: no reviews in the month');
    expect(text).toContain("Citizens' satisfaction: no ratings in the month");
  });

  it('counts a data-rights ticket without a right, and a channel it does not know, on their own', () => {
    const rows = fixtureRows();
    const odd = { ...rows.tickets[0]!, id: 99, number: 'DPR-2026-000299', kind: 'data_rights', fields: '{}', channel: 'email', created_at: '2026-11-10T04:30:00.000Z' };
    const r = computeMonthlyReport({ ...rows, tickets: [...rows.tickets, odd] }, '2026-11', context());
    expect(r.requests.byRight.unspecified).toBe(1);
    expect(r.requests.byChannel.email).toBe(1);
  });
});

describe('the CSV and the text summary', () => {
  it('is one tidy table: section,metric,dimension,value', () => {
    const csv = reportCsv(november());
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines[0]).toBe(CSV_HEADER.join(','));
    // Four columns in every row (the reasons here have no commas or quotes).
    for (const line of lines) expect(line.split(',').length, line).toBe(4);
    expect(lines).toContain('requests,total,all,10');
    expect(lines).toContain('requests,by_right,erasure,2');
    expect(lines).toContain('requests,by_channel,whatsapp-web,1');
    expect(lines).toContain('requests,by_language,hi,6');
    expect(lines).toContain('acknowledge,unit,grv-working,hours');
    expect(lines).toContain('acknowledge,median,grv-working,12');
    expect(lines).toContain('acknowledge,limit,dpdp,');
    expect(lines).toContain('resolve,p90,grv-working,12');
    expect(lines).toContain('resolve,median,dpdp,9.5');
    expect(lines).toContain('on_time,share,all,0.7778');
    expect(lines).toContain('on_time,share,grv-working,0.8');
    expect(lines).toContain('open_past_due,count,all,2');
    expect(lines).toContain('extensions,reason,DPR-2026-000203,Records are held at the district office.');
    expect(lines).toContain('extensions,duration,GRV-2026-000104,5 working_days');
    expect(lines).toContain('escalations,to_level,dpo,1');
    expect(lines).toContain('board,referred_at,DPR-2026-000206,2026-11-30T18:29:59.000Z');
    expect(lines).toContain('quality,average,language_quality,4.67');
    expect(lines).toContain('ratings,distribution,4,2');
  });

  it('quotes commas and quotes, and keeps a spreadsheet from reading text as a formula', () => {
    expect(csvCell('Records, files and "maps"')).toBe('"Records, files and ""maps"""');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('-5 days')).toBe("'-5 days");
    expect(csvCell(0.75)).toBe('0.75');
    expect(csvCell(null)).toBe('');
  });

  it('summarises the month in plain text', () => {
    const text = reportText(november());
    expect(text).toContain('Nivaran monthly report: November 2026, IST');
    expect(text).toContain('Requests received: 10');
    expect(text).toContain('acknowledged: 5 tickets, median 12 hours, 90th percentile 72 hours (limit 48 hours)');
    expect(text).toContain('resolved    : 5 tickets, median 4 working days, 90th percentile 12 working days (limit 10 working days)');
    expect(text).toContain('resolved    : 4 tickets, median 9.5 calendar days, 90th percentile 34 calendar days (limit 30 calendar days)');
    expect(text).toContain('Resolved on time: 7 of 9 (77.8%)');
    expect(text).toContain('Open and past due at the end of the month: 2');
    expect(text).toContain('DPR-2026-000203  20 Nov 2026  15 calendar days  Records are held at the district office.');
    expect(text).toContain('Board referrals (citizen told of the Data Protection Board): 2: GRV-2026-000106, DPR-2026-000206');
    expect(text).toContain("Citizens' satisfaction: 5 ratings, average 4 of 5");
  });
});

describe.each(backends)('loading the month from the store ($name)', (backend) => {
  const open = useStores(backend);

  it.skipIf(backend.skip)('reads the rows in one transaction and gives the same figures', async () => {
    const { store } = await open();
    await insertFixture(store);
    const rows = await store.transaction((uow) => loadReportRows(uow, '2026-11', AFTER));
    // Only what the month needs: the December-only DPR 209 is not read.
    expect(rows.tickets.map((t) => t.number)).not.toContain('DPR-2026-000209');
    expect(rows.events.every((e) => e.at >= '2026-10-31T18:30:00.000Z' && e.at < '2026-11-30T18:30:00.000Z')).toBe(true);
    expect(rows.events.some((e) => e.kind === 'reminder')).toBe(false);
    expect(rows.reviews).toHaveLength(3);
    expect(rows.ratings).toHaveLength(5);
    expectNovember(computeMonthlyReport(rows, '2026-11', context()));
    expectNovember(await monthlyReport({ store, profile, calendar, now: AFTER }, '2026-11'));
  });
});
