import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { Officer } from '../../src/desk/accounts.ts';
import { DESK_ACTIONS } from '../../src/desk/desk-service.ts';
import { buildDesk } from '../../src/desk/server.ts';
import { createLogger } from '../../src/logger.ts';
import { FakeClock, startHarness, type Harness } from '../helpers/harness.ts';

// Mon 23 Nov 2026, 10:00 IST; the default ladder: officer → grievance officer → DPO.
const RECEIVED = '2026-11-23T04:30:00.000Z';
const FILE = ['hi', '2', 'yes', '1', '1', 'No water in Sector 4 since Friday morning.', '3', 'yes'];
const NUMBER = 'GRV-2026-000001';
const PASSWORD = 'correct horse battery';

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

async function setup(opts: { ticket?: boolean; env?: Record<string, string> } = {}) {
  h = await startHarness({ clock: new FakeClock(RECEIVED), ...(opts.env ? { env: opts.env } : {}) });
  desk = await buildDesk(h.app, { secret: 'x'.repeat(32), trustProxy: false, sessionHours: 12, logger: createLogger('silent') });
  if (opts.ticket !== false) for (const t of FILE) await h.say(t);
  h.adapter.take();
  const harness = h;
  const server = desk;
  const officer = async (email: string, role: string): Promise<Actor> => {
    const o = await harness.app.accounts.create({ email, name: email.split('@')[0]!, role, password: PASSWORD }, 'test');
    const { token } = await harness.app.accounts.createApiToken(o, 'test', 'test');
    return { officer: o, token };
  };
  const call = (who: Actor | string | undefined, method: 'GET' | 'POST', url: string, payload?: unknown): Promise<LightMyRequestResponse> =>
    server.inject({
      method,
      url,
      headers: who === undefined ? {} : { authorization: `Bearer ${typeof who === 'string' ? who : who.token}` },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  const act = (who: Actor, type: string, body?: Record<string, unknown>, number = NUMBER) => call(who, 'POST', `/api/v1/tickets/${number}/actions/${type}`, body);
  /** What the citizen's phone shows next, without them typing anything. */
  const inbox = async () => {
    await harness.app.sender.drain('console');
    return harness.adapter.take().map((m) => m.text);
  };
  return { h: harness, server, officer, call, act, inbox };
}

describe('desk API: authentication', () => {
  it('answers 401 with a Bearer challenge without a token, with a wrong one, and with a revoked one', async () => {
    const { call, officer, h } = await setup({ ticket: false });
    const a = await officer('asha@example.org', 'officer');
    const expected = { code: 'NIV_API_UNAUTHENTICATED', message: 'Send an API token: Authorization: Bearer nvr_… (create one on the desk under My account).' };
    for (const who of [undefined, 'nvr_not-a-real-token', 'not-even-the-prefix']) {
      const r = await call(who, 'GET', '/api/v1/me');
      expect(r.statusCode).toBe(401);
      expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(r.json()).toEqual(expected);
    }
    // A session cookie is no way into the API.
    const cookie = await h.app.accounts.startSession(a.officer);
    const withCookie = await desk!.inject({ method: 'GET', url: '/api/v1/me', cookies: { nivaran_session: cookie.token } });
    expect(withCookie.statusCode).toBe(401);

    const ok = await call(a, 'GET', '/api/v1/me');
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ id: a.officer.id, email: 'asha@example.org', name: 'asha', role: 'officer', lang: 'en' });
    // The desk's headers apply to the API too: nothing with citizen data is cached.
    expect(ok.headers['cache-control']).toBe('no-store');
    expect(ok.headers['x-content-type-options']).toBe('nosniff');

    const [listed] = await h.app.accounts.apiTokens(a.officer);
    await h.app.accounts.revokeApiToken(a.officer, listed!.id);
    const revoked = await call(a, 'GET', '/api/v1/me');
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().code).toBe('NIV_API_UNAUTHENTICATED');
    // Also before validation: a bad request without a token is told to authenticate first.
    expect((await call(undefined, 'POST', `/api/v1/tickets/${NUMBER}/actions/reply`, { text: '' })).statusCode).toBe(401);
  });
});

describe('desk API: tickets', () => {
  it('lists the ticket in the queue of an officer of its level, and not for the DPO (who may not open it)', async () => {
    const { call, officer } = await setup();
    const a = await officer('asha@example.org', 'officer');
    const dpo = await officer('dpo@example.org', 'dpo');

    const q = await call(a, 'GET', '/api/v1/tickets');
    expect(q.statusCode).toBe(200);
    const body = q.json();
    expect(body.items.map((t: { number: string }) => t.number)).toEqual([NUMBER]);
    expect(body.items[0]).toMatchObject({ kind: 'grievance', status: 'open', level: 0, levelRole: 'officer', assignee: null, breached: false, channel: 'console' });
    expect(body.counts).toEqual({ total: 1, breached: 0, dueSoon: 0, unassigned: 1, mine: 0 });
    expect(body).toMatchObject({ page: 1, pageSize: 50, waitingChats: 0 });
    expect(body.now).toMatch(/^2026-11-23T\d\d:\d\d:\d\d\.\d{3}Z$/);

    const filtered = await call(a, 'GET', '/api/v1/tickets?assignee=me&kind=grievance');
    expect(filtered.json().items).toEqual([]);
    const badFilter = await call(a, 'GET', '/api/v1/tickets?page=0');
    expect(badFilter.statusCode).toBe(400);
    expect(badFilter.json().code).toBe('NIV_API_INVALID');
    expect(badFilter.json().message).toMatch(/^querystring\.page: /);

    expect((await call(dpo, 'GET', '/api/v1/tickets')).json().items).toEqual([]);
    const forbidden = await call(dpo, 'GET', `/api/v1/tickets/${NUMBER}`);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toEqual({ code: 'NIV_DESK_FORBIDDEN', message: 'This ticket is not in your queue.' });

    const t = await call(a, 'GET', `/api/v1/tickets/${NUMBER}`);
    expect(t.statusCode).toBe(200);
    const ticket = t.json();
    expect(ticket).toMatchObject({ number: NUMBER, status: 'open', assignee: null, handoff: null, levelTitle: { en: 'Grievance desk officer' } });
    // DPDP provides no extension: the desk does not offer one.
    expect(ticket.actions).toEqual(['take', 'assign', 'acknowledge', 'reply', 'ask', 'resolve', 'escalate']);
    expect(ticket.officers.map((o: { id: number }) => o.id).sort()).toEqual([a.officer.id, dpo.officer.id].sort());
    expect(ticket.transcript.some((r: { direction: string; text: string }) => r.direction === 'in' && r.text.includes('No water in Sector 4'))).toBe(true);
    expect(ticket.history.map((e: { kind: string }) => e.kind)).toEqual(['opened']);
    // The conversation key (a phone number on WhatsApp) stays on the desk.
    expect(ticket).not.toHaveProperty('conversationKey');

    const missing = await call(a, 'GET', '/api/v1/tickets/GRV-2026-999999');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('NIV_TICKET_NOT_FOUND');
    const malformed = await call(a, 'GET', '/api/v1/tickets/nonsense');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toEqual({ code: 'NIV_API_INVALID', message: 'params.number: a ticket number looks like GRV-2026-000123' });
  });

  it('runs every action, each changing the ticket as it should, and tells the citizen', async () => {
    // CPGRAMS grievances: the one regime whose guidelines allow an extension.
    const { call, act, officer, inbox, h } = await setup({ env: { PROFILE_FILE: path.join(import.meta.dirname, '..', 'fixtures', 'profile-cpgrams.yaml') } });
    const a = await officer('asha@example.org', 'officer');
    const b = await officer('bala@example.org', 'officer');
    const go = await officer('go@example.org', 'grievance_officer');

    const took = await act(a, 'take');
    expect(took.statusCode).toBe(200);
    expect(took.json()).toMatchObject({ number: NUMBER, status: 'open', level: 0, assignedTo: a.officer.id });

    const assigned = await act(a, 'assign', { officerId: b.officer.id });
    expect(assigned.statusCode).toBe(200);
    expect(assigned.json().assignedTo).toBe(b.officer.id);
    // A colleague holds it now: Asha can no longer act on it.
    const notHers = await act(a, 'acknowledge');
    expect(notHers.statusCode).toBe(403);
    expect(notHers.json().code).toBe('NIV_DESK_FORBIDDEN');
    const unknownOfficer = await act(b, 'assign', { officerId: 9999 });
    expect(unknownOfficer.statusCode).toBe(400);
    expect(unknownOfficer.json()).toEqual({ code: 'NIV_DESK_INPUT', message: "Choose an active officer who works at this ticket's level." });
    expect((await act(b, 'assign', { officerId: a.officer.id })).json().assignedTo).toBe(a.officer.id);

    const ack = await act(a, 'acknowledge');
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ status: 'acknowledged', acknowledgedAt: h.clock.now().toISOString() });
    expect((await inbox()).join('\n')).toContain(`Your ticket ${NUMBER} has been received by the officer`);
    const again = await act(a, 'acknowledge');
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('NIV_TICKET_TRANSITION');

    const before = (await call(a, 'GET', `/api/v1/tickets/${NUMBER}`)).json();
    const lastRow = before.transcript.at(-1).id as number;
    const reply = await act(a, 'reply', { text: 'A tanker will reach Sector 4 by 6 pm today.' });
    expect(reply.statusCode).toBe(200);
    expect(reply.json().status).toBe('acknowledged');
    const told = await inbox();
    expect(told).toEqual([
      `Reply from the Grievance desk officer about your ticket ${NUMBER}:\nA tanker will reach Sector 4 by 6 pm today.\n` +
        'For any question about your data or this request, contact A. Sharma, Data Protection Officer: dpo@example.org, +91 11 2345 6789.',
    ]);
    const update = await call(a, 'GET', `/api/v1/tickets/${NUMBER}/transcript?after=${lastRow}`);
    expect(update.statusCode).toBe(200);
    expect(update.json()).toMatchObject({ status: 'acknowledged', rows: [{ direction: 'out', text: told[0] }] });

    const extended = await act(a, 'extend', { unit: 'calendar_days', value: 15, reason: 'The pipeline needs repair.' });
    expect(extended.statusCode).toBe(200);
    expect(extended.json().extension).toMatchObject({ duration: { unit: 'calendar_days', value: 15 }, reason: 'The pipeline needs repair.' });
    expect(extended.json().dueAt > before.dueAt).toBe(true);
    expect((await inbox()).join('\n')).toContain('The pipeline needs repair.');
    const twice = await act(a, 'extend', { unit: 'calendar_days', value: 5, reason: 'Still being repaired.' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ code: 'NIV_TICKET_EXTENSION_NOT_ALLOWED', message: expect.stringContaining('DARPG CPGRAMS guidelines of 23 August 2024 (interim reply with reasons) allow one extension') });

    const asked = await act(a, 'ask', { question: 'What is your consumer number?' });
    expect(asked.statusCode).toBe(200);
    expect(asked.json()).toMatchObject({ status: 'awaiting_citizen', paused: true });
    expect((await inbox()).join('\n')).toContain('What is your consumer number?');

    const escalated = await act(a, 'escalate', { reason: 'Needs the Grievance Officer’s decision.' });
    expect(escalated.statusCode).toBe(200);
    expect(escalated.json()).toMatchObject({ status: 'escalated', level: 1, levelRole: 'grievance_officer', assignedTo: null, paused: false });
    expect((await inbox()).join('\n')).toContain('referred to the Grievance Officer');
    // Up the ladder, it has left the desk officer's queue.
    expect((await call(a, 'GET', `/api/v1/tickets/${NUMBER}`)).statusCode).toBe(403);
    expect((await call(go, 'GET', '/api/v1/tickets')).json().items.map((t: { number: string }) => t.number)).toEqual([NUMBER]);

    const resolved = await act(go, 'resolve', { reason: 'The supply was restored on 24 November.' });
    expect(resolved.statusCode).toBe(200);
    // Acting on a ticket nobody holds takes it.
    expect(resolved.json()).toMatchObject({ status: 'resolved', assignedTo: go.officer.id });
    expect(resolved.json().resolvedAt).not.toBeNull();
    expect((await inbox()).join('\n')).toContain('The supply was restored on 24 November.');

    const closed = await act(go, 'close');
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({ status: 'closed' });
    expect(closed.json().closedAt).not.toBeNull();

    const history = (await call(go, 'GET', `/api/v1/tickets/${NUMBER}`)).json().history.map((e: { kind: string; to: string | null }) => `${e.kind}:${e.to ?? ''}`);
    expect(history).toEqual([
      'opened:open', 'assignment:', 'assignment:', 'assignment:', 'transition:acknowledged', 'officer_reply:', 'extension:acknowledged',
      'transition:awaiting_citizen', 'escalation:escalated', 'assignment:', 'transition:resolved', 'transition:closed',
    ]);
    // Every action is in the audit log under the token's officer.
    const audit = await h.app.store.transaction((u) => u.audit.after(0, 1000));
    const actions = audit.filter((r) => r.action.startsWith('ticket.') && r.action !== 'ticket.view').map((r) => `${r.actor}:${r.action}`);
    expect(actions).toEqual([
      `officer:${a.officer.id}:ticket.take`, `officer:${a.officer.id}:ticket.assign`, `officer:${b.officer.id}:ticket.assign`,
      `officer:${a.officer.id}:ticket.acknowledge`, `officer:${a.officer.id}:ticket.reply`, `officer:${a.officer.id}:ticket.extend`,
      `officer:${a.officer.id}:ticket.ask`, `officer:${a.officer.id}:ticket.escalate`, `officer:${go.officer.id}:ticket.resolve`,
      `officer:${go.officer.id}:ticket.close`,
    ]);
  });

  it('refuses invalid actions with a message a person can read', async () => {
    const { act, officer, inbox } = await setup();
    const a = await officer('asha@example.org', 'officer');

    const empty = await act(a, 'reply', { text: '   ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toEqual({ code: 'NIV_API_INVALID', message: 'body.text: Write the reply first.' });
    const missing = await act(a, 'reply', {});
    expect(missing.statusCode).toBe(400);
    expect(missing.json().message).toMatch(/^body\.text: /);
    const short = await act(a, 'resolve', { reason: 'ok' });
    expect(short.json()).toEqual({ code: 'NIV_API_INVALID', message: 'body.reason: Give a reason of at least 5 characters.' });
    const value = await act(a, 'extend', { unit: 'calendar_days', value: 120, reason: 'Long repair work.' });
    expect(value.json()).toEqual({ code: 'NIV_API_INVALID', message: 'body.value: The extension must be a whole number from 1 to 90.' });
    const typo = await act(a, 'reply', { txt: 'Hello' });
    expect(typo.statusCode).toBe(400);
    expect(typo.json().message).toContain('txt');

    const unknown = await act(a, 'archive', {});
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().message).toBe(`There is no ticket action "archive"; the actions are: ${DESK_ACTIONS.join(', ')}.`);

    const notJson = await desk!.inject({
      method: 'POST', url: `/api/v1/tickets/${NUMBER}/actions/reply`, headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json' }, payload: '{"text": ',
    });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().code).toBe('NIV_API_INVALID');
    const poisoned = await desk!.inject({
      method: 'POST', url: `/api/v1/tickets/${NUMBER}/actions/reply`, headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json' }, payload: '{"text": "Hello", "__proto__": {"admin": true}}',
    });
    expect(poisoned.statusCode).toBe(400);
    expect(poisoned.json().code).toBe('NIV_API_INVALID');

    // Nothing reached the citizen, and the ticket is as it was.
    expect(await inbox()).toEqual([]);
    // An action without fields needs no body, even when the client says it sends JSON.
    const ack = await desk!.inject({
      method: 'POST', url: `/api/v1/tickets/${NUMBER}/actions/acknowledge`, headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json' }, payload: '',
    });
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ status: 'acknowledged', assignedTo: a.officer.id });
    const noBody = await desk!.inject({
      method: 'POST', url: `/api/v1/tickets/${NUMBER}/actions/reply`, headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json' }, payload: '',
    });
    expect(noBody.statusCode).toBe(400);
    expect(noBody.json().code).toBe('NIV_API_INVALID');
  });
});

describe('desk API: live chats', () => {
  it('lets one officer take a waiting chat, write to the citizen, read their answers, and hand it back', async () => {
    const { call, officer, inbox, h } = await setup();
    const a = await officer('asha@example.org', 'officer');
    const b = await officer('bala@example.org', 'officer');
    const reviewer = await officer('rita@example.org', 'reviewer');

    const queued = await h.say('officer');
    expect(queued.map((m) => m.text).join('\n')).toContain('Your request to speak to an officer has been recorded.');

    const list = await call(a, 'GET', '/api/v1/chats');
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject([{ status: 'waiting', channel: 'console', language: 'en', reason: 'citizen_asked', officer: null }]);
    const id = list.json()[0].id as number;
    expect((await call(a, 'GET', '/api/v1/tickets')).json().waitingChats).toBe(1);
    expect((await call(reviewer, 'GET', '/api/v1/chats')).statusCode).toBe(403);

    const took = await call(a, 'POST', `/api/v1/chats/${id}/take`);
    expect(took.statusCode).toBe(200);
    expect(took.json()).toMatchObject({ id, status: 'taken', officerId: a.officer.id, closedAt: null });
    expect((await inbox()).join('\n')).toContain('asha, an officer of Jal Board, has joined this chat.');
    const late = await call(b, 'POST', `/api/v1/chats/${id}/take`);
    expect(late.statusCode).toBe(409);
    expect(late.json()).toEqual({ code: 'NIV_HANDOFF_STATE', message: 'Another officer has already taken this chat.' });

    const chat = await call(a, 'GET', `/api/v1/chats/${id}`);
    expect(chat.statusCode).toBe(200);
    expect(chat.json()).toMatchObject({ id, status: 'taken', mine: true, officer: { id: a.officer.id, name: 'asha' }, tickets: [{ number: NUMBER, status: 'open', kind: 'grievance' }] });
    const lastRow = chat.json().transcript.at(-1).id as number;

    const said = await call(a, 'POST', `/api/v1/chats/${id}/messages`, { text: 'Hello, I am looking at your ticket now.' });
    expect(said.statusCode).toBe(200);
    expect(await inbox()).toEqual(['Hello, I am looking at your ticket now.']);
    const empty = await call(a, 'POST', `/api/v1/chats/${id}/messages`, { text: ' ' });
    expect(empty.json()).toEqual({ code: 'NIV_API_INVALID', message: 'body.text: Write a message first.' });
    expect((await call(b, 'POST', `/api/v1/chats/${id}/messages`, { text: 'Me too' })).statusCode).toBe(409);

    // The citizen's answer goes to the officer, not the assistant.
    expect(await h.say('Thank you, it is urgent.')).toEqual([]);
    const update = await call(a, 'GET', `/api/v1/chats/${id}/messages?after=${lastRow}`);
    expect(update.statusCode).toBe(200);
    expect(update.json()).toMatchObject({ status: 'taken', officerId: a.officer.id });
    expect(update.json().rows.map((r: { direction: string; text: string }) => `${r.direction}:${r.text}`)).toEqual([
      'out:Hello, I am looking at your ticket now.', 'in:Thank you, it is urgent.',
    ]);

    const released = await call(a, 'POST', `/api/v1/chats/${id}/release`);
    expect(released.statusCode).toBe(200);
    expect(released.json()).toMatchObject({ id, status: 'closed', officerId: a.officer.id });
    expect((await inbox()).join('\n')).toContain('The officer has left this chat.');
    expect((await call(a, 'POST', `/api/v1/chats/${id}/messages`, { text: 'Hello?' })).statusCode).toBe(409);
    expect((await call(a, 'GET', '/api/v1/chats/999')).statusCode).toBe(409);
    expect((await call(a, 'GET', '/api/v1/chats/abc')).json().code).toBe('NIV_API_INVALID');
  });
});

describe('desk API: documentation', () => {
  it('publishes an OpenAPI 3 document of the API alone, with the bearer scheme, and its UI', async () => {
    const { server } = await setup({ ticket: false });
    const r = await server.inject({ method: 'GET', url: '/api/docs/json' });
    expect(r.statusCode).toBe(200);
    const doc = r.json();
    expect(doc.openapi).toMatch(/^3\.0\./);
    expect(doc.info.title).toBe('Nivaran desk API');
    expect(doc.components.securitySchemes.apiToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    const paths = Object.keys(doc.paths);
    for (const type of DESK_ACTIONS) expect(paths).toContain(`/api/v1/tickets/{number}/actions/${type}`);
    expect(paths).toEqual(expect.arrayContaining(['/api/v1/me', '/api/v1/tickets', '/api/v1/tickets/{number}', '/api/v1/tickets/{number}/transcript', '/api/v1/chats', '/api/v1/chats/{id}', '/api/v1/chats/{id}/messages', '/api/v1/chats/{id}/take', '/api/v1/chats/{id}/release']));
    // Only the API: not the desk's pages, the docs themselves, or the catch-all for unknown actions.
    expect(paths.every((p) => p.startsWith('/api/v1/'))).toBe(true);
    expect(paths).not.toContain('/api/v1/tickets/{number}/actions/{type}');
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.security, `${method} ${path}`).toEqual([{ apiToken: [] }]);
        expect(op.summary, `${method} ${path}`).toBeTruthy();
        expect((op.tags as string[]).length, `${method} ${path}`).toBe(1);
        expect(op.responses, `${method} ${path}`).toHaveProperty('200');
        expect(op.responses, `${method} ${path}`).toHaveProperty('401');
      }
    }
    const reply = doc.paths['/api/v1/tickets/{number}/actions/reply'].post;
    const schema = reply.requestBody.content['application/json'].schema;
    const body = schema.$ref ? doc.components.schemas[schema.$ref.split('/').at(-1)] : schema;
    expect(body.required).toEqual(['text']);
    // Every $ref points to a component that exists.
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) expect(doc.components.schemas).toHaveProperty(ref.split('/').at(-1)!.replace(/"$/, ''));

    const ui = await server.inject({ method: 'GET', url: '/api/docs' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/^text\/html/);
    expect(ui.body).toContain('swagger-ui');
    const css = await server.inject({ method: 'GET', url: '/api/docs/static/swagger-ui.css' });
    expect(css.statusCode).toBe(200);
  });
});
