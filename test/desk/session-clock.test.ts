import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Officer } from '../../src/desk/accounts.ts';
import { DeskClient } from '../helpers/desk-client.ts';
import { addOfficer, TEST_PASSWORD } from '../helpers/desk.ts';
import { FakeClock, startHarness, type Harness } from '../helpers/harness.ts';
import { hasChromium, launchChromium, listenDesk } from '../helpers/chromium.ts';

const HOUR = 3_600_000;

/**
 * The session cookie carries a relative lifetime (Max-Age), never an absolute Expires computed on
 * the server: the browser counts it on its own clock, which may be hours (or, in these tests, years)
 * away from the server's. The server keeps the absolute expiry and alone decides when a session ends.
 */
describe('the desk session cookie', () => {
  it('is set with Max-Age of the session length and no Expires', async () => {
    const h = await startHarness();
    const { server } = await listenDesk(h);
    try {
      const officer = await addOfficer(h.app, 'officer');
      const b = new DeskClient(server);
      await b.get('/login');
      const res = await b.post('/login', { email: officer.email, password: TEST_PASSWORD });
      expect(res.statusCode).toBe(303);
      const cookie = ([] as string[]).concat(res.headers['set-cookie'] as string[]).find((c) => c.startsWith('nivaran_session='))!;
      expect(cookie).toMatch(/Max-Age=43200(;|$)/);
      expect(cookie).not.toMatch(/Expires=/i);
    } finally {
      await server.close();
      await h.close();
    }
  });
});

/**
 * A real browser living on the machine's clock, against a server whose clock is years behind or
 * ahead of it: the officer logs in, stays logged in for the session's length, and is logged out by the
 * server when it ends. (Years include the 6 hours an office machine's clock may be off, and keep the
 * test independent of today's date.)
 */
describe.skipIf(!hasChromium)('desk log-in when the browser and server clocks disagree', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  // The browser's clock 6 hours ahead of and behind the server's (this machine's clock is the
  // browser's), then years away either side.
  const skews = [
    new Date(Date.now() - 6 * HOUR).toISOString(),
    new Date(Date.now() + 6 * HOUR).toISOString(),
    '2019-03-01T04:30:00.000Z',
    '2034-09-15T18:30:00.000Z',
  ];
  for (const serverTime of skews) {
    describe(`server clock at ${serverTime.slice(0, 13)}h`, () => {
      let h: Harness;
      let server: FastifyInstance;
      let base: string;
      let officer: Officer;
      beforeAll(async () => {
        h = await startHarness({ clock: new FakeClock(serverTime) });
        ({ server, base } = await listenDesk(h));
        officer = await addOfficer(h.app, 'officer', 'Skew Test');
      }, 60_000);
      afterAll(async () => {
        await server?.close();
        await h?.close();
      });

      it('logs in, stays logged in for the session, and is logged out by the server after it', async () => {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(`${base}/login`);
        await page.getByLabel('Email').fill(officer.email);
        await page.getByLabel('Password').fill(TEST_PASSWORD);
        await page.getByRole('button', { name: 'Log in' }).click();
        await page.waitForURL(`${base}/queue`);
        const session = (await context.cookies()).find((c) => c.name === 'nivaran_session');
        // A persistent cookie (not dropped when the browser closes) that the browser kept.
        expect(session?.expires).toBeGreaterThan(0);

        h.clock.advance(11 * HOUR + 50 * 60_000);
        await page.goto(`${base}/queue`);
        expect(new URL(page.url()).pathname).toBe('/queue');

        h.clock.advance(20 * 60_000);
        await page.goto(`${base}/queue`);
        expect(new URL(page.url()).pathname).toBe('/login');
        await context.close();
      }, 60_000);
    });
  }
});
