import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/audit/audit-log.ts';
import { buildDesk } from '../../src/desk/server.ts';
import { createLogger } from '../../src/logger.ts';
import { BREACH } from '../breach/fixture.ts';
import { addOfficer, auditRows } from '../helpers/desk.ts';
import { DeskClient } from '../helpers/desk-client.ts';
import { FakeClock, startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
let server: FastifyInstance;

beforeEach(async () => {
  h = await startHarness({ clock: new FakeClock('2026-12-07T04:30:00.000Z') });
  server = await buildDesk(h.app, { secret: 'desk-test-secret-of-32-characters!!', trustProxy: false, sessionHours: 12, logger: createLogger('silent'), clock: h.clock.now, loginAttempts: 3 });
});
afterEach(async () => {
  await server.close();
  await h.close();
});

const form = (lang: 'en' | 'hi') => Object.fromEntries(Object.entries(BREACH.notice[lang]).map(([k, v]) => [`notice.${lang}.${k}`, v]));

describe('breaches on the desk', () => {
  it('the DPO records one, adds the affected, watches them told, files the report and downloads it', async () => {
    for (const t of ['नमस्ते', '१', 'हाँ']) await h.say(t, { user: 'ravi' });
    h.adapter.take();
    const dpo = await addOfficer(h.app, 'dpo', 'Anil DPO');
    const b = new DeskClient(server);
    await b.login(dpo.email);
    const list = await b.get('/breaches');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('href="/breaches" aria-current="page"');

    // A missing Hindi text is refused, and what was typed is shown again.
    const partial = await b.post('/breaches', { foundAt: '2026-12-07T09:00', occurred: BREACH.occurred, dataAffected: BREACH.dataAffected, peopleAffected: BREACH.peopleAffected, ...form('en') });
    expect(partial.statusCode).toBe(400);
    expect(partial.body).toContain(BREACH.occurred);
    // A date that does not exist (a 13th month) is refused as input, not a server error.
    const impossible = await b.post('/breaches', { foundAt: '2026-13-45T09:00', occurred: BREACH.occurred, dataAffected: BREACH.dataAffected, peopleAffected: BREACH.peopleAffected, ...form('en'), ...form('hi') });
    expect(impossible.statusCode).toBe(400);
    const made = await b.post('/breaches', { foundAt: '2026-12-07T09:00', occurred: BREACH.occurred, dataAffected: BREACH.dataAffected, peopleAffected: BREACH.peopleAffected, ...form('en'), ...form('hi') });
    expect(made.statusCode).toBe(303);
    expect(made.headers.location).toBe('/breaches/1?done=recorded');
    const page = await b.get('/breaches/1');
    // Became aware at 09:00 IST: due 72 hours later; a few seconds after 10:00 IST, 70 whole hours are left.
    expect(page.body).toContain('The report to the Board is due by 10 December 2026 at 9:00 am (70 hours left).');

    const added = await b.post('/breaches/1/affected', { affected: 'console:ravi\nCUST-404' });
    expect(added.statusCode).toBe(303);
    await h.app.scheduler.sweep();
    await h.app.sender.drain('console');
    const told = h.adapter.take();
    expect(told.map((m) => m.text.slice(0, 20))).toEqual(['जल बोर्ड की ओर से ज़']);
    const after = await b.get('/breaches/1');
    expect(after.body).toMatch(/<progress max="1" value="1"/);
    expect(after.body).toContain('ref:CUST-404');

    const report = await b.post('/breaches/1/reports', { kind: 'detailed', description: 'Billing server exposed.', facts: 'A firewall rule was removed.', mitigation: 'Rule restored.', findings: '', remedial: 'Change review.' });
    expect(report.statusCode).toBe(303);
    const json = await b.get('/breaches/1/report.json');
    expect(json.headers['content-disposition']).toBe('attachment; filename="breach-1-board-report.json"');
    expect(JSON.parse(json.body)).toMatchObject({ breach: { id: 1, boardReportedAt: h.clock.now().toISOString() }, intimations: { total: 2, sent: 1, unreachable: 1, toTellByOtherMeans: 1 } });
    const printable = await b.get('/breaches/1/report');
    expect(printable.body).toContain('A firewall rule was removed.');
    const actions = (await auditRows(h.app)).filter((r) => r.action.startsWith('breach.')).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['breach.record', 'breach.affected', 'breach.notified', 'breach.report', 'breach.report_download', 'breach.view']));
    expect(await verifyAudit(h.app.store)).toMatchObject({ ok: true });
  });

  it('is closed to other officers and hidden from their navigation', async () => {
    const officer = await addOfficer(h.app, 'officer', 'Asha');
    const b = new DeskClient(server);
    await b.login(officer.email);
    expect((await b.get('/queue')).body).not.toContain('href="/breaches"');
    expect((await b.get('/breaches')).statusCode).toBe(403);
    expect((await b.post('/breaches', { foundAt: '2026-12-07T09:00' })).statusCode).toBe(403);
  });
});
