import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Officer } from '../../src/desk/accounts.ts';
import { checkPassword } from '../../src/desk/accounts.ts';
import { buildDesk } from '../../src/desk/server.ts';
import { ERROR_CODES } from '../../src/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { addOfficer, auditRows, TEST_PASSWORD } from '../helpers/desk.ts';
import { DeskClient } from '../helpers/desk-client.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

/**
 * Issue 14, item 6: nothing deactivated an officer, ended their sessions, revoked their tokens or
 * reset a password; an admin revoking someone else's token was told "done" while nothing changed;
 * tokens never expired. Item 7: `aaaaaaaaaaaa` was accepted as a password.
 */
let h: Harness;
let desk: FastifyInstance;
let admin: Officer;
let asha: Officer;

beforeEach(async () => {
  h = await startHarness();
  desk = await buildDesk(h.app, { secret: 'desk-test-secret-of-32-characters!!', trustProxy: false, sessionHours: 12, logger: createLogger('silent'), clock: h.clock.now });
  admin = await addOfficer(h.app, 'admin', 'Meena Rao');
  asha = await addOfficer(h.app, 'officer', 'Asha Verma');
});
afterEach(async () => {
  await desk.close();
  await h.close();
});

const me = (token: string) => desk.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });

describe('switching an officer off', () => {
  it('on the desk: their open session and API token stop working at once; audited; switched on again they log in anew', async () => {
    const ashaBrowser = new DeskClient(desk);
    await ashaBrowser.login(asha.email);
    const { token } = await h.app.accounts.createApiToken(asha, 'script', 'test');
    expect((await ashaBrowser.get('/queue')).statusCode).toBe(200);
    expect((await me(token)).statusCode).toBe(200);

    const a = new DeskClient(desk);
    await a.login(admin.email);
    const page = await a.get('/officers');
    expect(page.body).toContain(`action="/officers/${asha.id}/deactivate"`);
    const off = await a.post(`/officers/${asha.id}/deactivate`, {});
    expect(off.statusCode).toBe(200);
    expect(off.body).toContain('The officer is switched off');

    expect((await ashaBrowser.get('/queue')).statusCode).toBe(303);
    expect((await me(token)).statusCode).toBe(401);
    await expect(new DeskClient(desk).login(asha.email)).rejects.toThrow();
    const row = (await auditRows(h.app)).find((r) => r.action === 'officer.deactivate')!;
    expect([row.actor, row.subject, JSON.parse(row.detail)]).toEqual([`officer:${admin.id}`, `officer:${asha.id}`, { sessions: 1, tokens: 1 }]);
    // Twice is an honest error, not a second success.
    expect((await a.post(`/officers/${asha.id}/deactivate`, {})).statusCode).toBe(409);

    expect((await a.post(`/officers/${asha.id}/activate`, {})).statusCode).toBe(200);
    expect((await me(token)).statusCode).toBe(401);
    await new DeskClient(desk).login(asha.email);
  });

  it('the admin sets a new password: every session of that officer ends; a weak one is refused', async () => {
    const ashaBrowser = new DeskClient(desk);
    await ashaBrowser.login(asha.email);
    const a = new DeskClient(desk);
    await a.login(admin.email);
    await a.get('/officers');
    const weak = await a.post(`/officers/${asha.id}/password`, { password: 'aaaaaaaaaaaa' });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('too easy to guess');
    expect((await a.post(`/officers/${asha.id}/password`, { password: 'monsoon lantern quietly orbit' })).statusCode).toBe(200);
    expect((await ashaBrowser.get('/queue')).statusCode).toBe(303);
    await new DeskClient(desk).login(asha.email, 'monsoon lantern quietly orbit');
    expect((await auditRows(h.app)).some((r) => r.action === 'officer.password_reset' && r.subject === `officer:${asha.id}`)).toBe(true);
  });

  it('an officer changes their own password: the current one first; their other sessions end, this one stays', async () => {
    const here = new DeskClient(desk);
    await here.login(asha.email);
    const elsewhere = new DeskClient(desk);
    await elsewhere.login(asha.email);
    await here.get('/account');
    expect((await here.post('/account/password', { current: 'not my password', password: 'monsoon lantern quietly orbit' })).statusCode).toBe(400);
    expect((await here.post('/account/password', { current: TEST_PASSWORD, password: 'asha verma rules the desk' })).statusCode).toBe(400);
    const ok = await here.post('/account/password', { current: TEST_PASSWORD, password: 'monsoon lantern quietly orbit' });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('Your password is changed');
    expect((await here.get('/queue')).statusCode).toBe(200);
    expect((await elsewhere.get('/queue')).statusCode).toBe(303);
  });

  it('revoking a token that is not yours (or not there) says so; the admin may revoke anyone’s', async () => {
    const { id, token } = await h.app.accounts.createApiToken(asha, 'script', 'test');
    const other = await addOfficer(h.app, 'officer', 'Kiran');
    const k = new DeskClient(desk);
    await k.login(other.email);
    await k.get('/account');
    const notMine = await k.post(`/account/tokens/${id}/revoke`, {});
    expect(notMine.statusCode).toBe(404);
    expect(notMine.body).toContain('nothing was revoked');
    expect((await me(token)).statusCode).toBe(200);
    const a = new DeskClient(desk);
    await a.login(admin.email);
    await a.get('/account');
    expect((await a.post(`/account/tokens/${id}/revoke`, {})).statusCode).toBe(200);
    expect((await me(token)).statusCode).toBe(401);
    expect((await a.post(`/account/tokens/${id}/revoke`, {})).statusCode).toBe(404);
  });

  it('API tokens expire after API_TOKEN_DAYS (90 by default)', async () => {
    const { token } = await h.app.accounts.createApiToken(asha, 'script', 'test');
    h.clock.advance(89 * 86_400_000);
    expect((await me(token)).statusCode).toBe(200);
    h.clock.advance(2 * 86_400_000);
    expect((await me(token)).statusCode).toBe(401);
  });
});

describe('password strength', () => {
  it.each([
    ['aaaaaaaaaaaa', 'too easy to guess'],
    ['password1234', 'too easy to guess'],
    ['qwertyuiop12', 'too easy to guess'],
    ['asha.verma2026', 'must not contain your email address or name'],
    ['short', 'at least 12 characters'],
  ])('refuses %s', async (password, message) => {
    await expect(checkPassword(password, ['asha.verma@example.org', 'Asha Verma'])).rejects.toMatchObject({ code: ERROR_CODES.OFFICER_INVALID, message: expect.stringContaining(message) as string });
  });

  // The product's name and the organisation's are the first words a guesser tries.
  it.each(['Nivaran@2026', 'nivaran2026!', 'JalBoard@2026', 'jalboard2026', 'जलबोर्ड@2026'])('refuses %s, a site word and a year', async (password) => {
    await expect(checkPassword(password, ['asha.verma@example.org', 'Asha Verma'], ['Jal Board', 'जल बोर्ड'])).rejects.toMatchObject({
      code: ERROR_CODES.OFFICER_INVALID, message: expect.stringContaining('too easy to guess') as string,
    });
  });

  it('refuses a password holding a Devanagari name, vowel signs and all', async () => {
    await expect(checkPassword('वर्मा monsoon lantern orbit', ['asha@example.org', 'आशा वर्मा'])).rejects.toMatchObject({
      message: expect.stringContaining('must not contain your email address or name') as string,
    });
  });

  it('the desk refuses the organisation’s name as a password, as its profile names it', async () => {
    const h = await startHarness();
    try {
      await expect(h.app.accounts.create({ email: 'ravi@example.org', name: 'Ravi Kumar', role: 'officer', lang: 'en', password: 'JalBoard@2026' }, 'test'))
        .rejects.toMatchObject({ code: ERROR_CODES.OFFICER_INVALID });
    } finally {
      await h.close();
    }
  });

  it('accepts a phrase of unrelated words', async () => {
    await expect(checkPassword('monsoon lantern quietly orbit', ['asha.verma@example.org'], ['Jal Board', 'जल बोर्ड'])).resolves.toBeUndefined();
  });
});
