import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addOfficer, TEST_PASSWORD } from '../helpers/desk.ts';
import { FakeClock, startHarness, type Harness } from '../helpers/harness.ts';
import { insertFixture, REPORT_PROFILE } from './fixture.ts';
import { ARTIFACTS, axeViolations, hasChromium, launchChromium, listenDesk } from '../helpers/chromium.ts';

/**
 * The monthly report in Debian's Chromium: no serious or critical accessibility violation (axe,
 * WCAG 2.1 A/AA) in English and Hindi, and screenshots for a look at the charts in
 * test-artifacts/ (not committed). Skipped without Chromium.
 */
describe.skipIf(!hasChromium)('the monthly report in Chromium', () => {
  let h: Harness;
  let server: FastifyInstance;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    h = await startHarness({ clock: new FakeClock('2026-12-05T06:30:00.000Z'), env: { PROFILE_FILE: REPORT_PROFILE } });
    await insertFixture(h.app.store);
    ({ server, base } = await listenDesk(h));
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await h?.close();
  });

  for (const lang of ['en', 'hi'] as const) {
    it(`shows November’s charts with no serious accessibility violation (${lang})`, async () => {
      const dpo = await addOfficer(h.app, 'dpo');
      if (lang === 'hi') await h.app.accounts.setLanguage(dpo, 'hi');
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      try {
        await page.goto(`${base}/reports?month=2026-11`);
        await page.getByLabel('Email').fill(dpo.email);
        await page.getByLabel('Password').fill(TEST_PASSWORD);
        await page.locator('form[action="/login"] button[type="submit"]').click();
        await page.waitForURL(`${base}/reports?month=2026-11`);
        expect(await page.locator('svg.chart').count()).toBe(9);
        await expect.poll(() => page.getByRole('img', { name: lang === 'en' ? 'Requests by right' : 'अधिकार के अनुसार अनुरोध' }).count()).toBe(1);
        expect(await axeViolations(page)).toEqual([]);
        await page.screenshot({ path: path.join(ARTIFACTS, `report-2026-11-${lang}.png`), fullPage: true });
      } finally {
        await page.close();
      }
    }, 60_000);
  }
});
