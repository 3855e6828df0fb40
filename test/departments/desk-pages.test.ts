import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { setMembership } from '../../src/departments/memberships.ts';
import { buildDesk } from '../../src/desk/server.ts';
import { queueFiltersSchema } from '../../src/desk/desk-service.ts';
import { createLogger } from '../../src/logger.ts';
import { addOfficer, auditRows, inbox, ticketRow } from '../helpers/desk.ts';
import { DeskClient } from '../helpers/desk-client.ts';
import { FakeClock, startHarness, type Harness } from '../helpers/harness.ts';

/** Mon 2 Nov 2026, 10:00 IST. */
const RECEIVED = '2026-11-02T04:30:00.000Z';
const STATE_PORTAL = path.join(import.meta.dirname, '..', '..', 'profiles', 'examples', 'state-portal.yaml');

let h: Harness | undefined;
let server: FastifyInstance | undefined;
afterEach(async () => {
  await server?.close();
  await h?.close();
  server = undefined;
  h = undefined;
});

async function setup() {
  h = await startHarness({ clock: new FakeClock(RECEIVED), env: { PROFILE_FILE: STATE_PORTAL } });
  server = await buildDesk(h.app, { secret: 'desk-test-secret-of-32-characters!!', trustProxy: false, sessionHours: 12, logger: createLogger('silent'), clock: h.clock.now });
  const harness = h;
  const desk = server;
  const file = async (user: string, category: string, description: string) => {
    let last = '';
    for (const t of ['hi', '2', 'yes', '1', category, description, '3', 'yes']) last = (await harness.say(t, { user })).map((m) => m.text).join('\n');
    return /GRV-\d{4}-\d{6}/.exec(last)![0];
  };
  const as = async (role: string, memberships: Record<string, string> = {}, lang: 'en' | 'hi' = 'en') => {
    const o = await addOfficer(harness.app, role);
    for (const [d, r] of Object.entries(memberships)) await harness.app.store.transaction((u) => setMembership(u, harness.app.tickets.departments, o.id, d, r, 'test', harness.clock.now()));
    if (lang !== 'en') await harness.app.accounts.setLanguage(o, lang);
    const b = new DeskClient(desk);
    await b.login(o.email);
    return b;
  };
  return { h: harness, file, as };
}

describe('departments on the desk’s pages', () => {
  it('names the department on the ticket page and transfers through its form, in the officer’s language', async () => {
    const { h, file, as } = await setup();
    const number = await file('citizen-1', '2', 'My water bill was sent to me by the electricity office.');
    await inbox(h);
    const b = await as('officer', { power: 'officer' }, 'hi');
    const page = await b.get(`/tickets/${number}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('विभाग: <strong>विद्युत विभाग</strong>');
    expect(page.body).toContain('अन्य विभाग को अंतरित करें');
    expect(page.body).toContain('<option value="water">जल आपूर्ति विभाग</option>');
    const short = await b.post(`/tickets/${number}/actions/transfer`, { department: 'water', reason: 'x' });
    expect(short.statusCode).toBe(400);
    const moved = await b.post(`/tickets/${number}/actions/transfer`, { department: 'water', reason: 'यह पानी के बिल का मामला है।' });
    expect(moved.statusCode).toBe(303);
    expect((await ticketRow(h.app, number)).department).toBe('water');
    // The citizen wrote in English: told in English; the reason as the officer wrote it.
    expect((await inbox(h, 'citizen-1')).join('\n')).toContain('has been transferred to the Water Supply Department');
    // No longer this officer's: the ticket page is refused.
    expect((await b.get(`/tickets/${number}`)).statusCode).toBe(403);
    const water = await as('officer', { water: 'officer' });
    const history = await water.get(`/tickets/${number}`);
    expect(history.body).toContain('Transferred');
  });

  it('shows the admin the split by department and each department’s report; a department’s grievance officer only theirs', async () => {
    const { h, file, as } = await setup();
    await file('citizen-1', '1', 'No electricity in Sector 9 since last night.');
    await file('citizen-2', '3', 'No water in Ward 12 for three days now.');
    await file('citizen-3', '4', 'My water bill is twice the usual amount this month.');
    h.clock.set('2026-12-05T06:30:00.000Z');

    const admin = await as('admin');
    const whole = await admin.get('/reports?month=2026-11');
    expect(whole.statusCode).toBe(200);
    expect(whole.body).toContain('By department');
    expect(whole.body).toMatch(/Water Supply Department<\/a><\/th><td>2<\/td>/);
    expect(whole.body).toMatch(/Electricity Department<\/a><\/th><td>1<\/td>/);
    const water = await admin.get('/reports?month=2026-11&department=water');
    expect(water.statusCode).toBe(200);
    expect(water.body).toContain('<strong aria-current="page">Water Supply Department</strong>');
    const csv = await admin.get('/reports.csv?month=2026-11&department=water');
    expect(csv.body).toContain('\r\nreport,department,all,water\r\n');
    expect(csv.body).toContain('\r\nrequests,total,all,2\r\n');

    const go = await as('grievance_officer', { power: 'grievance_officer' });
    const own = await go.get('/reports?month=2026-11');
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain('<strong aria-current="page">Electricity Department</strong>');
    expect(own.body).not.toContain('Water Supply Department');
    expect((await go.get('/reports?month=2026-11&department=water')).statusCode).toBe(403);
    expect((await go.get('/reports?month=2026-11&department=')).statusCode).toBe(403);
    expect((await go.get('/reports.json?month=2026-11&department=water')).statusCode).toBe(403);
  });
});

describe('quality review by department', () => {
  it('gives a reviewer who belongs to a department only its conversations; one who belongs to none reviews all', async () => {
    const { h, file } = await setup();
    const power = await file('citizen-1', '1', 'No electricity in Sector 9 since last night.');
    const water = await file('citizen-2', '3', 'No water in Ward 12 for three days now.');
    const app = h.app;
    for (const n of [power, water]) {
      await app.store.transaction((u) => app.tickets.transition(u, n, 'resolved', { actor: 'officer:1', reason: 'Done, supply restored.', now: h.clock.now() }));
    }
    h.clock.advance(8 * 86_400_000);
    expect(await app.quality.sampleIfDue()).toBe(2);

    const central = await addOfficer(app, 'reviewer');
    const waterReviewer = await addOfficer(app, 'reviewer');
    await app.store.transaction((u) => setMembership(u, app.tickets.departments, waterReviewer.id, 'water', 'reviewer', 'test', h.clock.now()));

    expect((await app.quality.queue(central)).items.map((i) => i.number).sort()).toEqual([power, water].sort());
    const mine = await app.quality.queue(waterReviewer);
    expect(mine.items.map((i) => i.number)).toEqual([water]);
    expect(mine.total).toBe(1);
    const other = (await app.quality.queue(central)).items.find((i) => i.number === power)!;
    await expect(app.quality.review(waterReviewer, other.id)).rejects.toMatchObject({ code: 'NIV_DESK_FORBIDDEN' });
    // A reviewer who belongs to a department works no tickets there.
    expect((await app.desk.queue(waterReviewer, queueFiltersSchema.parse({}))).items).toEqual([]);

    // 250 older reviews of another department waiting: the water reviewer still sees theirs.
    const db = (app.store as unknown as { connection: { exec(sql: string): void } }).connection;
    const cols = `kind, status, language, channel, conversation_key, fields, created_at, due_at, updated_at, policy_id, regime, level, pauses, department, received_by`;
    db.exec(`with recursive n(i) as (select 1 union all select i + 1 from n where i < 250)
      insert into tickets (number, idempotency_key, ${cols})
      select 'GRV-2026-9' || printf('%05d', i), 'bulk-' || i, ${cols} from tickets, n where tickets.number = '${power}'`);
    db.exec(`insert into reviews (ticket_id, conversation_key, period, stratum, officer_id, status, created_at)
      select id, conversation_key, '2026-11-23', 'bulk', null, 'pending', '2026-01-01T00:00:00.000Z' from tickets where number like 'GRV-2026-9%'`);
    const after = await app.quality.queue(waterReviewer);
    expect(after.items.map((i) => i.number)).toEqual([water]);
    expect(after.total).toBe(1);
    expect((await app.quality.queue(central)).total).toBe(252);
  });
});

describe('the admin’s departments page', () => {
  it('lists each department’s officers and sets or removes a role, audited; refused to others', async () => {
    const { h, as } = await setup();
    const admin = await as('admin');
    const wasim = await addOfficer(h.app, 'officer', 'Wasim');
    const page = await admin.get('/departments');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('href="/departments"');
    expect(page.body).toContain('Water Supply Department');
    expect(page.body).toContain('Assistant Engineer → Executive Engineer');
    const set = await admin.post('/departments/members', { officerId: String(wasim.id), department: 'water', role: 'officer' });
    expect(set.statusCode).toBe(303);
    const after = (await admin.get('/departments?done=membership')).body;
    expect(after).toContain(`<li>Wasim (${wasim.email}): Desk officer</li>`);
    expect(after).toContain('Saved.');
    const removed = await admin.post('/departments/members', { officerId: String(wasim.id), department: 'water', role: '' });
    expect(removed.statusCode).toBe(303);
    const bad = await admin.post('/departments/members', { officerId: String(wasim.id), department: 'roads', role: 'officer' });
    expect(bad.statusCode).toBe(400);
    const audit = (await auditRows(h.app)).filter((r) => r.action.startsWith('officer.department'));
    expect(audit.map((r) => [r.action, r.actor === `officer:${r.actor.split(':')[1]}`, r.subject])).toEqual([
      ['officer.department_set', true, `officer:${wasim.id}`],
      ['officer.department_removed', true, `officer:${wasim.id}`],
    ]);
    const officer = await as('officer', { water: 'officer' });
    expect((await officer.get('/departments')).statusCode).toBe(403);
    expect((await officer.get('/queue')).body).not.toContain('href="/departments"');
  });
});
