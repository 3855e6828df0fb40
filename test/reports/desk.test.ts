import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/audit/audit-log.ts';
import { buildDesk } from '../../src/desk/server.ts';
import { createLogger } from '../../src/logger.ts';
import type { MonthlyReport } from '../../src/reports/compute.ts';
import { addOfficer, auditRows } from '../helpers/desk.ts';
import { FakeClock, startHarness, type Harness } from '../helpers/harness.ts';
import { insertFixture, REPORT_PROFILE } from './fixture.ts';
import { DeskClient } from '../helpers/desk-client.ts';

let h: Harness;
let server: FastifyInstance;

beforeEach(async () => {
  // 5 Dec 2026, 12:00 IST: November is over, December under way.
  h = await startHarness({ clock: new FakeClock('2026-12-05T06:30:00.000Z'), env: { PROFILE_FILE: REPORT_PROFILE } });
  await insertFixture(h.app.store);
  server = await buildDesk(h.app, { secret: 'desk-test-secret-of-32-characters!!', trustProxy: false, sessionHours: 12, logger: createLogger('silent'), clock: h.clock.now });
});
afterEach(async () => {
  await server.close();
  await h.close();
});

async function as(role: string, lang: 'en' | 'hi' = 'en'): Promise<DeskClient> {
  const officer = await addOfficer(h.app, role);
  if (lang !== 'en') await h.app.accounts.setLanguage(officer, lang);
  const b = new DeskClient(server);
  await b.login(officer.email);
  return b;
}

describe('GET /reports', () => {
  it('shows the DPO the month’s figures with SVG charts, each with a text alternative', async () => {
    const b = await as('dpo');
    const res = await b.get('/reports?month=2026-11');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    const page = res.body;
    expect(page).toContain('<h1>Monthly report: November 2026</h1>');
    // Charts: requests by right and by channel, acknowledge/resolve per policy, on-time share, quality, ratings.
    const charts = [...page.matchAll(/<svg class="chart" role="img" aria-labelledby="([\w-]+)-t \1-d"/g)].map((m) => m[1]);
    expect(charts).toEqual(['chart-right', 'chart-channel', 'chart-ack-0', 'chart-resolve-0', 'chart-ack-1', 'chart-resolve-1', 'chart-on-time', 'chart-quality', 'chart-ratings']);
    expect(page).toContain('<title id="chart-right-t">Requests by right</title>');
    expect(page).toContain('<desc id="chart-right-d">Grievance: 5; Access to data: 1; Correction: 0; Erasure: 2; Withdrawal of consent: 1; Nomination: 1</desc>');
    expect(page).toContain('<desc id="chart-channel-d">Console: 2; Telegram: 3; WhatsApp: 4; WhatsApp (linked phone): 1</desc>');
    // Medians against the statutory limit, in each policy's unit.
    expect(page).toContain('<desc id="chart-ack-0-d">Median: 12 hours; 90th percentile: 72 hours; Limit 48 hours</desc>');
    expect(page).toContain('<desc id="chart-resolve-0-d">Median: 4 working days; 90th percentile: 12 working days; Limit 10 working days</desc>');
    expect(page).toContain('<desc id="chart-resolve-1-d">Median: 9.5 calendar days; 90th percentile: 34 calendar days; Limit 30 calendar days</desc>');
    expect(page).toContain('stroke-dasharray="6 4"');
    expect(page).toContain('All policies: 77.8% on time (7 of 9)');
    // Tables of the same figures.
    expect(page).toContain('<tr><th scope="row">Erasure</th><td>2</td></tr>');
    expect(page).toContain('<span class="report-open-past-due">2</span>');
    expect(page).toContain('Records are held at the district office.');
    expect(page).toContain('<a href="/tickets/GRV-2026-000106">GRV-2026-000106</a>');
    expect(page).toContain('<tr><th scope="row">Language quality</th><td>4.67</td><td>3</td></tr>');
    expect(page).toContain('Average rating: 4 of 5');
    // Navigation and downloads.
    expect(page).toContain('href="/reports?month=2026-10"');
    expect(page).toContain('href="/reports?month=2026-12"');
    expect(page).toContain('href="/reports.csv?month=2026-11"');
    expect(page).toContain('href="/reports.json?month=2026-11"');
    expect(page).toContain('aria-current="page"');
  });

  it('defaults to the IST month under way, and offers no month after it', async () => {
    const b = await as('grievance_officer');
    const page = (await b.get('/reports')).body;
    expect(page).toContain('<h1>Monthly report: December 2026</h1>');
    expect(page).toContain('This month is still under way');
    expect(page).not.toContain('href="/reports?month=2027-01"');
    // December so far: DPR 204's review and DPR 208's rating (3), both on 1–2 Dec.
    expect(page).toContain('1 conversation reviewed in the month');
    expect(page).toContain('1 rating given in the month');
    const empty = (await b.get('/reports?month=2026-09')).body;
    expect(empty).toContain('No reviews in this month.');
    expect(empty).toContain('No ratings in this month.');
    expect(empty).toContain('Nothing was resolved in this month.');
  });

  it('is in the officer’s language', async () => {
    const b = await as('dpo', 'hi');
    const page = (await b.get('/reports?month=2026-11')).body;
    expect(page).toContain('<html lang="hi">');
    expect(page).toContain('मासिक रिपोर्ट: नवंबर 2026');
    expect(page).toContain('<title id="chart-right-t">अधिकार के अनुसार अनुरोध</title>');
    expect(page).toContain('माध्यिका: 4 कार्य दिवस');
    expect(page).toContain('सीमा 48 घंटे');
  });

  it('refuses an officer without charge of the desk (403), and asks again for a bad month (400)', async () => {
    const officer = await as('officer');
    expect((await officer.get('/reports?month=2026-11')).statusCode).toBe(403);
    expect((await officer.get('/reports.csv?month=2026-11')).statusCode).toBe(403);
    const dpo = await as('dpo');
    const bad = await dpo.get('/reports?month=2026-13');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Write the month as YYYY-MM, for example 2026-11.');
    expect((await dpo.get('/reports.csv?month=nov')).statusCode).toBe(400);
    expect((await new DeskClient(server).get('/reports')).statusCode).toBe(303);
  });

  it('downloads the month as CSV and JSON, and audits each reading without personal data', async () => {
    const b = await as('admin');
    const csv = await b.get('/reports.csv?month=2026-11');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="nivaran-report-2026-11.csv"');
    expect(csv.body.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe('section,metric,dimension,value');
    expect(csv.body).toContain('\r\non_time,share,all,0.7778\r\n');
    const json = await b.get('/reports.json?month=2026-11');
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect((JSON.parse(json.body) as MonthlyReport).onTime.openPastDue.count).toBe(2);
    await b.get('/reports?month=2026-11');

    const views = (await auditRows(h.app)).filter((r) => r.action === 'report.view');
    expect(views.map((r) => [r.subject, JSON.parse(r.detail)])).toEqual([
      ['report:2026-11', { month: '2026-11', format: 'csv' }],
      ['report:2026-11', { month: '2026-11', format: 'json' }],
      ['report:2026-11', { month: '2026-11', format: 'html' }],
    ]);
    expect(views.every((r) => /^officer:\d+$/.test(r.actor))).toBe(true);
    expect(await verifyAudit(h.app.store)).toMatchObject({ ok: true });
  });
});
