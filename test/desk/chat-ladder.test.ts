import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Officer } from '../../src/desk/accounts.ts';
import { buildDesk } from '../../src/desk/server.ts';
import { createLogger } from '../../src/logger.ts';
import { addOfficer, auditRows, fileGrievance } from '../helpers/desk.ts';
import { DeskClient } from '../helpers/desk-client.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

/**
 * Issue 14, item 3: a front-line officer got 403 on a DPO-level ticket but could read that
 * citizen's whole conversation as a live chat, take it and message the citizen; closed chats
 * were readable by walking sequential ids.
 */
let h: Harness;
let desk: FastifyInstance;
let admin: Officer;
let frontLine: Officer;
let dpo: Officer;

beforeEach(async () => {
  h = await startHarness();
  desk = await buildDesk(h.app, { secret: 'desk-test-secret-of-32-characters!!', trustProxy: false, sessionHours: 12, logger: createLogger('silent'), clock: h.clock.now });
  admin = await addOfficer(h.app, 'admin', 'Meena Rao');
  frontLine = await addOfficer(h.app, 'officer', 'Asha Verma');
  dpo = await addOfficer(h.app, 'dpo', 'Dev Prakash');
});
afterEach(async () => {
  await desk.close();
  await h.close();
});

async function token(o: Officer) {
  return (await h.app.accounts.createApiToken(o, 'test', 'test')).token;
}
const api = async (o: Officer, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
  desk.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${await token(o)}` }, ...(payload ? { payload } : {}) });

async function chatOf(user: string): Promise<number> {
  await h.say('officer', { user });
  const row = (await h.app.handoffs.open()).find((r) => r.conversation_key === `console:${user}`);
  if (!row) throw new Error('no chat');
  return row.id;
}

describe('live chats follow the ladder', () => {
  it('a chat whose conversation holds a DPO-level ticket: hidden from a front-line officer, open to the DPO', async () => {
    const number = await fileGrievance(h, { user: 'c1', description: 'My data was shared with a marketing firm.' });
    await h.app.desk.act(admin, number, { type: 'escalate', reason: 'Needs the Grievance Officer.' });
    await h.app.desk.act(admin, number, { type: 'escalate', reason: 'Needs the DPO.' });
    expect((await api(frontLine, 'GET', `/tickets/${number}`)).statusCode).toBe(403);
    const id = await chatOf('c1');

    expect(((await api(frontLine, 'GET', '/chats')).json() as Array<{ id: number }>).map((c) => c.id)).not.toContain(id);
    expect((await api(frontLine, 'GET', `/chats/${id}`)).statusCode).toBe(403);
    expect((await api(frontLine, 'GET', `/chats/${id}/messages?after=0`)).statusCode).toBe(403);
    expect((await api(frontLine, 'POST', `/chats/${id}/take`)).statusCode).toBe(403);
    expect((await api(frontLine, 'POST', `/chats/${id}/messages`, { text: 'Hello' })).statusCode).toBe(403);
    const page = new DeskClient(desk);
    await page.login(frontLine.email);
    expect((await page.get(`/chats/${id}`)).statusCode).toBe(403);
    expect((await page.get(`/chats/${id}/events`)).statusCode).toBe(403);
    expect((await page.get('/chats')).body).not.toContain(`/chats/${id}"`);

    expect(((await api(dpo, 'GET', '/chats')).json() as Array<{ id: number }>).map((c) => c.id)).toContain(id);
    expect((await api(dpo, 'POST', `/chats/${id}/take`)).statusCode).toBe(200);
    // The refusals are in the audit log.
    const refused = (await auditRows(h.app)).filter((r) => r.action === 'access.refused' && r.actor === `officer:${frontLine.id}`);
    expect(refused.length).toBeGreaterThanOrEqual(5);
  });

  it('a closed chat is read only by who held it, the admin, or those who may see its tickets', async () => {
    // A citizen with no ticket: a front-line officer takes the chat and closes it.
    await h.say('hi', { user: 'c2' });
    await h.say('2', { user: 'c2' });
    await h.say('yes', { user: 'c2' });
    const id = await chatOf('c2');
    await h.app.desk.takeChat(frontLine, id);
    await h.app.desk.sayInChat(frontLine, id, 'How can I help?');
    await h.app.desk.releaseChat(frontLine, id);
    const colleague = await addOfficer(h.app, 'officer', 'Kiran');
    expect((await api(frontLine, 'GET', `/chats/${id}`)).statusCode).toBe(200);
    expect((await api(admin, 'GET', `/chats/${id}`)).statusCode).toBe(200);
    expect((await api(colleague, 'GET', `/chats/${id}`)).statusCode).toBe(403);
    expect((await api(dpo, 'GET', `/chats/${id}`)).statusCode).toBe(403);
    // Walking the ids finds nothing either.
    for (let i = 1; i <= id + 2; i++) expect([403, 409, 404]).toContain((await api(colleague, 'GET', `/chats/${i}`)).statusCode);
  });
});
