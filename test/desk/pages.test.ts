import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/audit/audit-log.ts';
import type { Officer } from '../../src/desk/accounts.ts';
import { buildDesk } from '../../src/desk/server.ts';
import { createLogger } from '../../src/logger.ts';
import { addOfficer, auditRows, fileGrievance, inbox, TEST_PASSWORD, ticketRow } from '../helpers/desk.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';
import { DeskClient } from '../helpers/desk-client.ts';

let h: Harness;
let server: FastifyInstance;
let officer: Officer;

beforeEach(async () => {
  h = await startHarness();
  server = await buildDesk(h.app, { secret: 'desk-test-secret-of-32-characters!!', trustProxy: false, sessionHours: 12, logger: createLogger('silent'), clock: h.clock.now, loginAttempts: 3 });
  officer = await addOfficer(h.app, 'officer', 'Asha Verma');
});
afterEach(async () => {
  await server.close();
  await h.close();
});

describe('log-in', () => {
  it('sends a visitor to the log-in page, then back where they were going', async () => {
    const b = new DeskClient(server);
    const first = await b.get('/tickets/GRV-2026-000001');
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/login?next=%2Ftickets%2FGRV-2026-000001');
    const page = await b.get('/login?next=%2Ftickets%2FGRV-2026-000001');
    expect(page.body).toContain('<label for="email">Email</label>');
    expect(page.body).toContain('value="/tickets/GRV-2026-000001"');
    const res = await b.post('/login', { email: officer.email, password: TEST_PASSWORD, next: '/tickets/GRV-2026-000001' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/tickets/GRV-2026-000001');
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] as string[]).find((c) => c.startsWith('nivaran_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
  });

  it('marks the session cookie Secure behind a TLS proxy', async () => {
    const proxied = await buildDesk(h.app, { secret: 'desk-test-secret-of-32-characters!!', trustProxy: 1, sessionHours: 12, logger: createLogger('silent') });
    const page = await proxied.inject({ url: '/login', headers: { 'x-forwarded-proto': 'https' } });
    const csrfCookie = ([] as string[]).concat(page.headers['set-cookie'] as string[]);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const res = await proxied.inject({
      method: 'POST', url: '/login', headers: { 'x-forwarded-proto': 'https', 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie.map((c) => c.split(';')[0]).join('; ') },
      payload: new URLSearchParams({ _csrf: token, email: officer.email, password: TEST_PASSWORD }).toString(),
    });
    expect(res.statusCode).toBe(303);
    expect(([] as string[]).concat(res.headers['set-cookie'] as string[]).find((c) => c.startsWith('nivaran_session='))).toMatch(/Secure/);
    expect(csrfCookie[0]).toMatch(/Secure/);
    await proxied.close();
  });

  it('refuses a wrong password and an unknown email alike, and audits both', async () => {
    const b = new DeskClient(server);
    await b.get('/login');
    const wrong = await b.post('/login', { email: officer.email, password: 'not the password' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('The email or password is wrong');
    const unknown = await b.post('/login', { email: 'nobody@example.org', password: TEST_PASSWORD });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.body).toContain('The email or password is wrong');
    const actions = (await auditRows(h.app)).map((r) => r.action);
    expect(actions.filter((a) => a === 'login.failed')).toHaveLength(2);
    expect(JSON.stringify(await auditRows(h.app))).not.toContain('not the password');
  });

  it('rate-limits log-in attempts per address and email, in the officer’s language', async () => {
    const b = new DeskClient(server);
    await b.get('/login?lang=hi');
    for (let i = 0; i < 3; i++) expect((await b.post('/login', { email: officer.email, password: `wrong ${i}`, lang: 'hi' })).statusCode).toBe(401);
    const limited = await b.post('/login', { email: officer.email, password: TEST_PASSWORD, lang: 'hi' });
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toContain('बहुत अधिक प्रयास');
    // Another account from the same address is not locked out by it.
    const other = await addOfficer(h.app, 'dpo');
    expect((await b.post('/login', { email: other.email, password: TEST_PASSWORD })).statusCode).toBe(303);
  });

  it('refuses a form without its CSRF token, or with another browser’s', async () => {
    const b = new DeskClient(server);
    await b.get('/login');
    expect((await b.post('/login', { email: officer.email, password: TEST_PASSWORD }, { csrf: null })).statusCode).toBe(403);
    const other = new DeskClient(server);
    await other.get('/login');
    expect((await b.post('/login', { email: officer.email, password: TEST_PASSWORD }, { csrf: other.csrf })).statusCode).toBe(403);
    expect((await b.post('/login', { email: officer.email, password: TEST_PASSWORD })).statusCode).toBe(303);
    const number = await fileGrievance(h);
    await b.get(`/tickets/${number}`);
    const forged = await b.post(`/tickets/${number}/actions/take`, {}, { csrf: 'forged-token' });
    expect(forged.statusCode).toBe(403);
    expect(forged.body).toContain('The form had expired');
    expect((await ticketRow(h.app, number)).assigned_to).toBeNull();
  });

  it('logs out: the session no longer opens pages', async () => {
    const b = new DeskClient(server);
    await b.login(officer.email);
    expect((await b.get('/queue')).statusCode).toBe(200);
    const out = await b.post('/logout', {});
    expect(out.headers.location).toBe('/login?out=1');
    expect((await b.get('/queue')).statusCode).toBe(303);
  });
});

describe('queue and ticket pages', () => {
  it('lists open tickets nearest deadline first, with counts, and only the officer’s level', async () => {
    const first = await fileGrievance(h, { user: 'c1' });
    h.clock.advance(3 * 86_400_000);
    const second = await fileGrievance(h, { user: 'c2', lang: 'hi' });
    const b = new DeskClient(server);
    await b.login(officer.email);
    const page = await b.get('/queue');
    expect(page.statusCode).toBe(200);
    expect(page.body.indexOf(first)).toBeGreaterThan(0);
    expect(page.body.indexOf(first)).toBeLessThan(page.body.indexOf(second));
    expect(page.body).toMatch(/<span class="n">2<\/span> Open/);
    expect(page.body).toMatch(/<span class="n">2<\/span> Not assigned/);
    const hindi = await b.get('/queue?language=hi');
    expect(hindi.body).toContain(second);
    expect(hindi.body).not.toContain(first);

    const dpo = await addOfficer(h.app, 'dpo');
    const d = new DeskClient(server);
    await d.login(dpo.email);
    expect((await d.get('/queue')).body).not.toContain(first);
    expect((await d.get(`/tickets/${first}`)).statusCode).toBe(403);
  });

  it('shows the ticket, its clock, request and redacted transcript, and audits the opening', async () => {
    const number = await fileGrievance(h, { description: 'Meter 4521 broken, my Aadhaar 2345 6789 0124 is on file' });
    const b = new DeskClient(server);
    await b.login(officer.email);
    const page = await b.get(`/tickets/${number}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`Ticket ${number}`);
    expect(page.body).toContain('Reply due');
    expect(page.body).toContain('Meter 4521 broken');
    expect(page.body).not.toContain('2345 6789 0124');
    expect(page.body).toContain('data-stream="/tickets/');
    const audit = (await auditRows(h.app)).filter((r) => r.subject === `ticket:${number}`).map((r) => r.action);
    expect(audit).toEqual(['ticket.view', 'transcript.view']);
  });

  it('renders the desk in Hindi for an officer who chose it, and switches back', async () => {
    await fileGrievance(h);
    const b = new DeskClient(server);
    await b.login(officer.email);
    await b.get('/queue');
    const switched = await b.post('/account/lang', { lang: 'hi' });
    expect(switched.statusCode).toBe(303);
    const page = await b.get('/queue');
    expect(page.body).toContain('<html lang="hi">');
    expect(page.body).toContain('कतार');
    expect(page.body).toContain('शिकायत');
  });

  it('escapes citizen text: a description with markup is shown as text', async () => {
    const number = await fileGrievance(h, { description: '<script>alert(1)</script> water bill is wrong' });
    const b = new DeskClient(server);
    await b.login(officer.email);
    const page = await b.get(`/tickets/${number}`);
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('ticket actions through the forms', () => {
  it('runs every action, tells the citizen, and audits each', async () => {
    const number = await fileGrievance(h);
    await inbox(h);
    const b = new DeskClient(server);
    await b.login(officer.email);
    const act = async (type: string, form: Record<string, string> = {}) => {
      await b.get(`/tickets/${number}`);
      const res = await b.post(`/tickets/${number}/actions/${type}`, form);
      expect(res.statusCode, `${type}: ${res.body.slice(0, 300)}`).toBe(303);
      expect(res.headers.location).toBe(`/tickets/${number}?done=${type}`);
    };
    await act('take');
    expect((await ticketRow(h.app, number)).assigned_to).toBe(officer.id);
    await act('acknowledge');
    expect((await ticketRow(h.app, number)).status).toBe('acknowledged');
    await act('reply', { text: 'We have sent a tanker to Sector 4.' });
    expect((await inbox(h)).join('\n')).toContain('We have sent a tanker to Sector 4.');
    await act('ask', { question: 'Which lane in Sector 4?' });
    expect((await ticketRow(h.app, number)).status).toBe('awaiting_citizen');
    expect((await inbox(h)).join('\n')).toContain('Which lane in Sector 4?');
    await h.say('Lane 7');
    expect((await ticketRow(h.app, number)).status).toBe('in_progress');
    // A DPDP ticket: the page offers no extension, and a forged form is refused.
    expect((await b.get(`/tickets/${number}`)).body).not.toContain(`/tickets/${number}/actions/extend`);
    const refused = await b.post(`/tickets/${number}/actions/extend`, { value: '10', unit: 'calendar_days', reason: 'Pipeline repair needs a contractor' });
    expect(refused.statusCode).toBe(409);
    expect((await ticketRow(h.app, number)).extension).toBeNull();
    await act('resolve', { reason: 'The pipeline was repaired on Monday.' });
    expect((await ticketRow(h.app, number)).status).toBe('resolved');
    expect((await inbox(h)).join('\n')).toContain('The pipeline was repaired on Monday.');
    await act('close', { reason: '' });
    expect((await ticketRow(h.app, number)).status).toBe('closed');
    const done = await b.get(`/tickets/${number}?done=close`);
    expect(done.body).toContain('Closed.');
    const actions = (await auditRows(h.app)).filter((r) => r.subject === `ticket:${number}`).map((r) => r.action);
    for (const a of ['ticket.take', 'ticket.acknowledge', 'ticket.reply', 'ticket.ask', 'ticket.resolve', 'ticket.close']) expect(actions).toContain(a);
    expect(actions).not.toContain('ticket.extend');
    expect(await verifyAudit(h.app.store)).toMatchObject({ ok: true });
  });

  it('escalates to the next rung and assigns to a colleague of the same role', async () => {
    const number = await fileGrievance(h);
    const colleague = await addOfficer(h.app, 'officer', 'Ravi Kumar');
    const b = new DeskClient(server);
    await b.login(officer.email);
    await b.get(`/tickets/${number}`);
    const page = await b.get(`/tickets/${number}`);
    expect(page.body).toContain(`<option value="${colleague.id}">Ravi Kumar`);
    expect((await b.post(`/tickets/${number}/actions/assign`, { officerId: String(colleague.id) })).statusCode).toBe(303);
    expect((await ticketRow(h.app, number)).assigned_to).toBe(colleague.id);
    // Held by a colleague: this officer can no longer act on it.
    const refused = await b.post(`/tickets/${number}/actions/reply`, { text: 'hello' });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('You cannot do this here.');
    const c = new DeskClient(server);
    await c.login(colleague.email);
    await c.get(`/tickets/${number}`);
    expect((await c.post(`/tickets/${number}/actions/escalate`, { reason: 'Needs the Grievance Officer' })).statusCode).toBe(303);
    const t = await ticketRow(h.app, number);
    expect(t.level).toBe(1);
    expect(t.assigned_to).toBeNull();
    expect((await c.get(`/tickets/${number}`)).statusCode).toBe(403);
  });

  it('shows the form again with the error and what was typed', async () => {
    const number = await fileGrievance(h);
    const b = new DeskClient(server);
    await b.login(officer.email);
    await b.get(`/tickets/${number}`);
    const short = await b.post(`/tickets/${number}/actions/extend`, { value: '10', unit: 'calendar_days', reason: 'abc' });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('Give a reason of at least 5 characters.');
    expect(short.body).toContain('>abc</textarea>');
    const empty = await b.post(`/tickets/${number}/actions/reply`, { text: '   ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Write the reply first.');
    const badState = await b.post(`/tickets/${number}/actions/close`, {});
    expect(badState.statusCode).toBe(409);
    expect(badState.body).toContain('not possible in the ticket');
    expect((await b.post('/tickets/GRV-2026-999999/actions/take', {})).statusCode).toBe(404);
  });
});

describe('live chats', () => {
  it('takes a waiting chat, relays both ways, and hands it back', async () => {
    await h.say('hi', { user: 'c9' });
    await h.say('2', { user: 'c9' });
    await h.say('yes', { user: 'c9' });
    expect((await h.say('officer', { user: 'c9' })).map((m) => m.text).join('\n')).toContain('request to speak to an officer has been recorded');
    const b = new DeskClient(server);
    await b.login(officer.email);
    const list = await b.get('/chats');
    expect(list.body).toContain('Asked for an officer');
    const id = Number(/\/chats\/(\d+)\/take/.exec(list.body)![1]);
    expect((await b.post(`/chats/${id}/take`, {})).headers.location).toBe(`/chats/${id}?done=chat_take`);
    expect((await inbox(h, 'c9')).join('\n')).toContain('Asha Verma, an officer of');
    expect(await h.say('My bill is wrong', { user: 'c9' })).toEqual([]);
    const page = await b.get(`/chats/${id}`);
    expect(page.body).toContain('My bill is wrong');
    expect((await b.post(`/chats/${id}/say`, { text: 'Please send the bill number.' })).statusCode).toBe(303);
    expect(await inbox(h, 'c9')).toEqual(['Please send the bill number.']);
    expect((await b.post(`/chats/${id}/release`, {})).statusCode).toBe(303);
    expect((await inbox(h, 'c9')).join('\n')).toContain('back with the assistant');
    expect((await h.say('menu', { user: 'c9' })).length).toBeGreaterThan(0);
  });
});

describe('accounts', () => {
  it('creates and revokes API tokens, showing a new one once', async () => {
    const b = new DeskClient(server);
    await b.login(officer.email);
    await b.get('/account');
    const created = await b.post('/account/tokens', { label: 'reporting script' });
    const token = /<code id="new-token">([^<]+)<\/code>/.exec(created.body)![1]!;
    expect(token).toMatch(/^nvr_/);
    expect((await h.app.accounts.tokenOfficer(token))?.id).toBe(officer.id);
    const page = await b.get('/account');
    expect(page.body).not.toContain(token);
    const id = /\/account\/tokens\/(\d+)\/revoke/.exec(page.body)![1];
    await b.post(`/account/tokens/${id}/revoke`, {});
    expect(await h.app.accounts.tokenOfficer(token)).toBeUndefined();
  });

  it('lets only the admin add officers', async () => {
    const b = new DeskClient(server);
    await b.login(officer.email);
    expect((await b.get('/officers')).statusCode).toBe(403);
    const admin = await addOfficer(h.app, 'admin');
    const a = new DeskClient(server);
    await a.login(admin.email);
    await a.get('/officers');
    const weak = await a.post('/officers', { name: 'New One', email: 'new@example.org', role: 'dpo', lang: 'hi', password: 'short' });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('value="new@example.org"');
    const ok = await a.post('/officers', { name: 'New One', email: 'new@example.org', role: 'dpo', lang: 'hi', password: 'a long enough password' });
    expect(ok.statusCode).toBe(303);
    expect((await h.app.accounts.list()).find((o) => o.email === 'new@example.org')?.role).toBe('dpo');
  });
});
