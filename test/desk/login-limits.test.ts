import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig, parseTrustProxy } from '../../src/config.ts';
import type { Officer } from '../../src/desk/accounts.ts';
import { buildDesk } from '../../src/desk/server.ts';
import { createLogger } from '../../src/logger.ts';
import { ownDataQueries } from '../../src/citizen-data/queries.ts';
import { hashToken } from '../../src/security/token.ts';
import { addOfficer, TEST_PASSWORD } from '../helpers/desk.ts';
import { startHarness, testConfig, type Harness } from '../helpers/harness.ts';

/**
 * Issue 14, item 2: with DESK_TRUST_PROXY set, changing X-Forwarded-For on each try removed the
 * log-in limit (21 wrong passwords, then the right one logged in), and the /my-data limit.
 */
let h: Harness;
let desk: FastifyInstance;
let officer: Officer;

async function build(trust: string, extra: Parameters<typeof buildDesk>[1] extends infer O ? Partial<O> : never = {}) {
  const config = loadConfig({ ...process.env, ...testConfigEnv(), DESK_TRUST_PROXY: trust, DESK_PORT: '8090' });
  desk = await buildDesk(h.app, { secret: 'desk-test-secret-of-32-characters!!', trustProxy: config.desk!.trustProxy, sessionHours: 12, logger: createLogger('silent'), clock: h.clock.now, ...extra });
}
const testConfigEnv = () => ({ DATA_DIR: h.dataDir, LOG_LEVEL: 'silent', OTP_SECRET: 'test-otp-secret-of-at-least-32-chars' });

beforeEach(async () => {
  h = await startHarness();
  officer = await addOfficer(h.app, 'officer', 'Asha Verma');
});
afterEach(async () => {
  await desk?.close();
  await h.close();
});

/** One log-in try with a fresh CSRF token, from `remote`, with the X-Forwarded-For given. */
async function login(email: string, password: string, xff: string | undefined, remote = '127.0.0.1') {
  const headers: Record<string, string> = xff ? { 'x-forwarded-for': xff } : {};
  const page = await desk.inject({ url: '/login', headers, remoteAddress: remote });
  const cookie = ([] as string[]).concat(page.headers['set-cookie'] as string[]).map((c) => c.split(';')[0]).join('; ');
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  return desk.inject({
    method: 'POST', url: '/login', remoteAddress: remote,
    headers: { ...headers, cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: token, email, password }).toString(),
  });
}

describe('DESK_TRUST_PROXY', () => {
  it('reads a hop count or the proxies’ addresses, never “trust everyone”', () => {
    expect(parseTrustProxy('')).toBe(false);
    expect(parseTrustProxy('0')).toBe(false);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('true')).toBe(1);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('10.0.0.5, 10.1.0.0/16,::1')).toEqual(['10.0.0.5', '10.1.0.0/16', '::1']);
    expect(parseTrustProxy('10.0.0.0/33')).toBeUndefined();
    expect(parseTrustProxy('proxy.local')).toBeUndefined();
    expect(() => testConfig(h.dataDir, { DESK_TRUST_PROXY: 'everyone' })).toThrow(/DESK_TRUST_PROXY: must be a number of proxy hops/);
  });
});

describe('log-in limits a forged X-Forwarded-For cannot dodge', () => {
  it('behind one proxy: 21 wrong passwords with a new forged address each, then the right one, is refused', async () => {
    await build('1');
    // The proxy appends the address it saw; the client's own entries come first.
    for (let i = 0; i < 21; i++) {
      const r = await login(officer.email, `wrong ${i}`, `10.9.${i}.1, 203.0.113.7`);
      expect([401, 429]).toContain(r.statusCode);
    }
    const right = await login(officer.email, TEST_PASSWORD, '10.9.99.1, 203.0.113.7');
    expect(right.statusCode).toBe(429);
    expect(right.body).toContain('Too many');
  });

  it('reaching the desk directly with a forged header each time: the account locks after 5 failures, with back-off', async () => {
    await build('1', { loginAttempts: 1000 });
    for (let i = 0; i < 5; i++) expect((await login(officer.email, `wrong ${i}`, `198.51.100.${i}`)).statusCode).toBe(401);
    const locked = await login(officer.email, TEST_PASSWORD, '198.51.100.200');
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBe('60');
    // After the minute, one more wrong password locks it for two.
    h.clock.advance(61_000);
    expect((await login(officer.email, 'wrong again', '198.51.100.201')).statusCode).toBe(401);
    const longer = await login(officer.email, TEST_PASSWORD, '198.51.100.202');
    expect(longer.statusCode).toBe(429);
    expect(longer.headers['retry-after']).toBe('120');
    // When the lock has passed the right password works, and clears the count.
    h.clock.advance(121_000);
    expect((await login(officer.email, TEST_PASSWORD, '198.51.100.203')).statusCode).toBe(303);
    expect((await login(officer.email, 'one slip', '198.51.100.204')).statusCode).toBe(401);
    expect((await login(officer.email, TEST_PASSWORD, '198.51.100.205')).statusCode).toBe(303);
  });

  it('wrong passwords sent at once are all counted: at most 5 are checked, then the account is locked', async () => {
    await build('1', { loginAttempts: 1000 });
    // Each from its own address, so only the account's lock can stop them; each with its page's CSRF token.
    const tries = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
      const remote = `198.51.100.${i + 1}`;
      const page = await desk.inject({ url: '/login', remoteAddress: remote });
      const cookie = ([] as string[]).concat(page.headers['set-cookie'] as string[]).map((c) => c.split(';')[0]).join('; ');
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
      return { remote, cookie, token };
    }));
    const verify = vi.spyOn(h.app.accounts, 'authenticate');
    const codes = (await Promise.all(tries.map(({ remote, cookie, token }, i) => desk.inject({
      method: 'POST', url: '/login', remoteAddress: remote,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: token, email: officer.email, password: `wrong ${i}` }).toString(),
    })))).map((r) => r.statusCode);
    expect(verify.mock.calls.length).toBeLessThanOrEqual(5);
    expect(codes.filter((c) => c === 401).length).toBeLessThanOrEqual(5);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThanOrEqual(15);
    const locked = await login(officer.email, TEST_PASSWORD, undefined, '198.51.100.200');
    expect(locked.statusCode).toBe(429);
    verify.mockRestore();
  });

  it('one address failing on many accounts is refused for the window, even with a right password', async () => {
    await build('10.0.0.1', { loginAttempts: 1000 });
    for (let i = 0; i < 5; i++) expect((await login(`guess${i}@example.org`, 'password123456', undefined, '192.0.2.9')).statusCode).toBe(401);
    expect((await login(officer.email, TEST_PASSWORD, undefined, '192.0.2.9')).statusCode).toBe(429);
    // X-Forwarded-For from an address that is not the configured proxy is ignored.
    expect((await login(officer.email, TEST_PASSWORD, '192.0.2.77', '192.0.2.9')).statusCode).toBe(429);
    // Through the configured proxy, another client is not affected.
    expect((await login(officer.email, TEST_PASSWORD, '192.0.2.10', '10.0.0.1')).statusCode).toBe(303);
    h.clock.advance(15 * 60_000);
    expect((await login(officer.email, TEST_PASSWORD, undefined, '192.0.2.9')).statusCode).toBe(303);
  });
});

describe('/my-data limit', () => {
  it('behind one proxy, a forged X-Forwarded-For on each request does not lift the per-address limit', async () => {
    await build('1');
    await h.app.store.transaction((uow) => uow.exec.run(ownDataQueries(uow.dialect).insertExport, {
      token_hash: hashToken('T'.repeat(43)), conversation_key: 'console:x', lang: 'en', created_at: h.clock.now().toISOString(), expires_at: new Date(h.clock.now().getTime() + 3_600_000).toISOString(),
    }));
    const codes: number[] = [];
    for (let i = 0; i < 25; i++) codes.push((await desk.inject({ url: `/my-data/${'G'.repeat(42)}${i % 10}`, headers: { 'x-forwarded-for': `10.7.${i}.1, 203.0.113.8` } })).statusCode);
    expect(codes.slice(0, 20).every((c) => c === 404)).toBe(true);
    expect(codes.slice(20)).toEqual([429, 429, 429, 429, 429]);
  });
});
