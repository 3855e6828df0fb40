import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { Officer } from '../../src/desk/accounts.ts';
import { setMembership } from '../../src/departments/memberships.ts';
import { queueFiltersSchema } from '../../src/desk/desk-service.ts';
import { buildDesk } from '../../src/desk/server.ts';
import { ERROR_CODES } from '../../src/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { auditRows, inbox, ticketRow } from '../helpers/desk.ts';
import { FakeClock, startHarness, TEST_CODE, type Harness } from '../helpers/harness.ts';

/** Mon 23 Nov 2026, 10:00 IST. */
const RECEIVED = '2026-11-23T04:30:00.000Z';
const STATE_PORTAL = path.join(import.meta.dirname, '..', '..', 'profiles', 'examples', 'state-portal.yaml');
const PASSWORD = 'correct horse battery';
/** In the state portal's menu: 1 power supply (Electricity), 3 water supply (Water Supply). */
const POWER = '1';
const WATER = '3';

let h: Harness | undefined;
let desk: FastifyInstance | undefined;
afterEach(async () => {
  await desk?.close();
  await h?.close();
  desk = undefined;
  h = undefined;
});

interface Actor {
  officer: Officer;
  token: string;
}

async function setup(profile: string | null = STATE_PORTAL) {
  h = await startHarness({ clock: new FakeClock(RECEIVED), ...(profile ? { env: { PROFILE_FILE: profile } } : {}) });
  desk = await buildDesk(h.app, { secret: 'x'.repeat(32), trustProxy: false, sessionHours: 12, logger: createLogger('silent') });
  const harness = h;
  const server = desk;
  const officer = async (email: string, role: string, memberships: Record<string, string> = {}): Promise<Actor> => {
    const o = await harness.app.accounts.create({ email, name: email.split('@')[0]!, role, password: PASSWORD }, 'test');
    for (const [department, r] of Object.entries(memberships)) {
      await harness.app.store.transaction((uow) => setMembership(uow, harness.app.tickets.departments, o.id, department, r, 'test', harness.clock.now()));
    }
    const { token } = await harness.app.accounts.createApiToken(o, 'test', 'test');
    return { officer: o, token };
  };
  const call = (who: Actor, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>): Promise<LightMyRequestResponse> =>
    server.inject({ method, url, headers: { authorization: `Bearer ${who.token}` }, ...(payload === undefined ? {} : { payload }) });
  const file = async (user: string, category: string, description: string): Promise<string> => {
    let last = '';
    for (const t of ['hi', '2', 'yes', '1', category, description, '3', 'yes']) last = (await harness.say(t, { user })).map((m) => m.text).join('\n');
    const number = /GRV-\d{4}-\d{6}/.exec(last)?.[0];
    if (!number) throw new Error(`no ticket number in:\n${last}`);
    return number;
  };
  const queue = async (a: Actor) => (await harness.app.desk.queue(a.officer, queueFiltersSchema.parse({}))).items.map((i) => i.number);
  return { h: harness, officer, call, file, queue };
}

describe('departments on the desk', () => {
  it('shows each officer only their departments’ tickets, on the pages’ service and through the API; the admin sees all', async () => {
    const { h, officer, call, file, queue } = await setup();
    const power = await file('citizen-1', POWER, 'No electricity in Sector 9 since last night.');
    const water = await file('citizen-2', WATER, 'No water in Ward 12 for three days now.');
    expect((await ticketRow(h.app, power)).department).toBe('power');
    expect((await ticketRow(h.app, water)).department).toBe('water');

    const powerOfficer = await officer('pooja@example.org', 'officer', { power: 'officer' });
    const waterOfficer = await officer('wasim@example.org', 'officer', { water: 'officer' });
    const both = await officer('bina@example.org', 'officer', { power: 'officer', water: 'officer' });
    const nowhere = await officer('nikhil@example.org', 'officer');
    const admin = await officer('anita@example.org', 'admin');

    expect(await queue(powerOfficer)).toEqual([power]);
    expect(await queue(waterOfficer)).toEqual([water]);
    expect((await queue(both)).sort()).toEqual([power, water].sort());
    expect(await queue(nowhere)).toEqual([]);
    expect((await queue(admin)).sort()).toEqual([power, water].sort());

    // Not seen, not acted on: the pages' service and the API alike.
    await expect(h.app.desk.ticket(waterOfficer.officer, power)).rejects.toMatchObject({ code: ERROR_CODES.DESK_FORBIDDEN });
    await expect(h.app.desk.act({ ...waterOfficer.officer }, power, { type: 'take' })).rejects.toMatchObject({ code: ERROR_CODES.DESK_FORBIDDEN });
    await expect(h.app.desk.act({ ...waterOfficer.officer }, power, { type: 'resolve', reason: 'Supply restored this morning.' })).rejects.toMatchObject({ code: ERROR_CODES.DESK_FORBIDDEN });
    expect((await call(waterOfficer, 'GET', `/api/v1/tickets/${power}`)).statusCode).toBe(403);
    expect((await call(waterOfficer, 'POST', `/api/v1/tickets/${power}/actions/reply`, { text: 'We are on it.' })).statusCode).toBe(403);
    expect((await call(waterOfficer, 'GET', `/api/v1/tickets/${power}/transcript`)).statusCode).toBe(403);
    const listed = await call(waterOfficer, 'GET', '/api/v1/tickets');
    expect(listed.json().items.map((i: { number: string }) => i.number)).toEqual([water]);
    expect(listed.json().items[0]).toMatchObject({ department: 'water', levelRole: 'officer' });

    // The department filter narrows within the officer's departments, never beyond them.
    expect((await call(both, 'GET', '/api/v1/tickets?department=water')).json().items.map((i: { number: string }) => i.number)).toEqual([water]);
    expect((await call(powerOfficer, 'GET', '/api/v1/tickets?department=water')).json().items).toEqual([]);
    const queuePage = await h.app.desk.queue(both.officer, queueFiltersSchema.parse({}));
    expect(queuePage.departments.map((d) => d.id)).toEqual(['power', 'water']);
    expect(queuePage.items.find((i) => i.number === power)?.departmentName).toEqual({ en: 'Electricity Department', hi: 'विद्युत विभाग' });

    const own = await call(powerOfficer, 'GET', `/api/v1/tickets/${power}`);
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ number: power, department: 'power' });
    // Only officers of the ticket's department are offered for assignment.
    expect((await h.app.desk.ticket(powerOfficer.officer, power)).assignable.map((o) => o.id).sort()).toEqual([powerOfficer.officer.id, both.officer.id, admin.officer.id].sort());
    expect((await call(powerOfficer, 'POST', `/api/v1/tickets/${power}/actions/assign`, { officerId: waterOfficer.officer.id })).statusCode).toBe(400);
  });

  it('transfers a ticket with a reason: the deadline stays, the citizen is told, the old department loses it, history and audit record it', async () => {
    const { h, officer, call, file, queue } = await setup();
    const number = await file('citizen-1', POWER, 'My water bill was sent to me by the electricity office.');
    const powerOfficer = await officer('pooja@example.org', 'officer', { power: 'officer' });
    const waterOfficer = await officer('wasim@example.org', 'officer', { water: 'officer' });
    await inbox(h);
    const before = await ticketRow(h.app, number);
    h.clock.advance(26 * 3_600_000);

    expect((await h.app.desk.ticket(powerOfficer.officer, number)).actions).toContain('transfer');
    const unknown = await call(powerOfficer, 'POST', `/api/v1/tickets/${number}/actions/transfer`, { department: 'roads', reason: 'Not ours to answer.' });
    expect(unknown.statusCode).toBe(400);
    const noReason = await call(powerOfficer, 'POST', `/api/v1/tickets/${number}/actions/transfer`, { department: 'water', reason: 'no' });
    expect(noReason.statusCode).toBe(400);
    expect((await call(waterOfficer, 'POST', `/api/v1/tickets/${number}/actions/transfer`, { department: 'water', reason: 'It is about a water bill.' })).statusCode).toBe(403);
    const same = await call(powerOfficer, 'POST', `/api/v1/tickets/${number}/actions/transfer`, { department: 'power', reason: 'It is about a power bill.' });
    expect(same.statusCode).toBe(409);
    expect(same.json()).toMatchObject({ code: 'NIV_TICKET_TRANSITION' });

    const moved = await call(powerOfficer, 'POST', `/api/v1/tickets/${number}/actions/transfer`, { department: 'water', reason: 'It is about a water bill.' });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ number, department: 'water', level: 0, assignedTo: null, dueAt: before.due_at });
    const after = await ticketRow(h.app, number);
    expect(after.created_at).toBe(before.created_at);
    expect(after.due_at).toBe(before.due_at);
    expect(after.received_by).toBe('power');
    // The Water Supply ladder (Assistant Engineer, 5 working days on the state calendar) from the transfer.
    expect(after.level_started_at).toBe(h.clock.now().toISOString());
    expect(after.level_due_at).not.toBe(before.level_due_at);

    expect((await inbox(h, 'citizen-1')).join('\n')).toContain(
      `Your ticket ${number} has been transferred to the Water Supply Department, which will now deal with it.\nReason: It is about a water bill.\nThe reply is still due by 14 December 2026.`,
    );
    expect(await queue(powerOfficer)).toEqual([]);
    expect(await queue(waterOfficer)).toEqual([number]);
    expect((await call(powerOfficer, 'GET', `/api/v1/tickets/${number}`)).statusCode).toBe(403);
    const detail = await h.app.desk.ticket(waterOfficer.officer, number);
    expect(detail.history.find((e) => e.kind === 'transfer')).toMatchObject({ reason: 'It is about a water bill.', data: { from: 'power', to: 'water' } });
    expect((await auditRows(h.app)).find((r) => r.action === 'ticket.transfer')).toMatchObject({ actor: `officer:${powerOfficer.officer.id}`, subject: `ticket:${number}` });

    const resolved = await call(waterOfficer, 'POST', `/api/v1/tickets/${number}/actions/resolve`, { reason: 'The water bill has been corrected.' });
    expect(resolved.statusCode).toBe(200);
    await call(waterOfficer, 'POST', `/api/v1/tickets/${number}/actions/close`, {});
    expect((await h.app.desk.ticket(waterOfficer.officer, number)).actions).not.toContain('transfer');
    expect((await call(waterOfficer, 'POST', `/api/v1/tickets/${number}/actions/transfer`, { department: 'power', reason: 'It is about a power bill.' })).statusCode).toBe(409);

    // The status the citizen asks for names the new department.
    const status = (await h.say(`status ${number}`, { user: 'citizen-1' })).map((m) => m.text).join('\n');
    expect(status).toContain('Department: Water Supply Department');
  });

  it('shows a live chat only to the officers of the department of the citizen’s ticket', async () => {
    const { h, officer, call, file } = await setup();
    await file('citizen-2', WATER, 'No water in Ward 12 for three days now.');
    const powerOfficer = await officer('pooja@example.org', 'officer', { power: 'officer' });
    const waterOfficer = await officer('wasim@example.org', 'officer', { water: 'officer' });
    await h.say('officer', { user: 'citizen-2' });

    expect((await call(powerOfficer, 'GET', '/api/v1/chats')).json()).toEqual([]);
    // The count of citizens waiting is of the officer's departments too.
    expect((await call(powerOfficer, 'GET', '/api/v1/tickets')).json().waitingChats).toBe(0);
    expect((await call(waterOfficer, 'GET', '/api/v1/tickets')).json().waitingChats).toBe(1);
    expect(await h.app.desk.waitingChats(powerOfficer.officer)).toBe(0);
    const list = (await call(waterOfficer, 'GET', '/api/v1/chats')).json() as Array<{ id: number }>;
    expect(list).toHaveLength(1);
    const id = list[0]!.id;
    expect((await call(powerOfficer, 'GET', `/api/v1/chats/${id}`)).statusCode).toBe(403);
    expect((await call(powerOfficer, 'POST', `/api/v1/chats/${id}/take`)).statusCode).toBe(403);
    expect((await call(waterOfficer, 'POST', `/api/v1/chats/${id}/take`)).statusCode).toBe(200);
  });

  it('sends a data-rights request to the data-protection desk, whose officers see it and others do not', async () => {
    const { h, officer, queue } = await setup();
    await h.app.store.transaction((u) =>
      u.principals.upsert({ external_ref: 'CUST-1001', name: 'Asha Kumari', mobile: '+919876543210', email: 'asha@example.in', source: 'csv', updated_at: '2026-11-01T00:00:00.000Z' }));
    let last = '';
    for (const t of ['hi', '2', 'yes', 'rights', '2', '1', '9876543210', TEST_CODE, 'My address', 'House 12, Gali 4, Laxmi Nagar, Delhi 110092', 'yes', 'yes']) {
      last = (await h.say(t, { user: 'citizen-9' })).map((m) => m.text).join('\n');
    }
    const number = /DPR-\d{4}-\d{6}/.exec(last)?.[0];
    expect(number, last).toBeDefined();
    expect(last).toContain('Your request has been sent to the Citizen Services and Data Protection Cell, which deals with data-protection requests.');
    expect((await ticketRow(h.app, number!)).department).toBe('citizen-services');
    const cell = await officer('cyrus@example.org', 'officer', { 'citizen-services': 'officer' });
    const power = await officer('pooja@example.org', 'officer', { power: 'officer' });
    expect(await queue(cell)).toEqual([number]);
    expect(await queue(power)).toEqual([]);
    const status = (await h.say(`status ${number}`, { user: 'citizen-9' })).map((m) => m.text).join('\n');
    expect(status).toContain('Department: Citizen Services and Data Protection Cell');
  });

  it('without departments in the profile, offers no transfer and refuses one', async () => {
    const { h, officer, call, file } = await setup(null);
    const number = await file('citizen-1', '1', 'No water in Sector 4 since Friday morning.');
    const a = await officer('asha@example.org', 'officer');
    expect((await ticketRow(h.app, number)).department).toBe('main');
    expect((await h.app.desk.ticket(a.officer, number)).actions).not.toContain('transfer');
    const refused = await call(a, 'POST', `/api/v1/tickets/${number}/actions/transfer`, { department: 'water', reason: 'It is about a water bill.' });
    expect(refused.statusCode).toBe(400);
  });
});
