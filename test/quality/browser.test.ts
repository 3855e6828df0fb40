import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Officer } from '../../src/desk/accounts.ts';
import { addOfficer, fileGrievance, TEST_PASSWORD } from '../helpers/desk.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';
import { reviewRows } from './fixtures.ts';
import { ARTIFACTS, axeViolations, hasChromium, launchChromium, listenDesk } from '../helpers/chromium.ts';

/**
 * Quality review in a real browser (Debian's Chromium, as test/desk/browser.test.ts): a reviewer
 * scores a conversation with the keyboard, and each quality page passes axe-core's WCAG 2.1 A/AA
 * rules with no serious or critical violation. Screenshots go to test-artifacts/.
 */
describe.skipIf(!hasChromium)('quality review in Chromium', () => {
  let h: Harness;
  let server: FastifyInstance;
  let browser: Browser;
  let base: string;
  let asha: Officer;
  let rekha: Officer;

  beforeAll(async () => {
    h = await startHarness();
    ({ server, base } = await listenDesk(h));
    browser = await launchChromium();
    asha = await addOfficer(h.app, 'officer', 'Asha Verma');
    rekha = await addOfficer(h.app, 'reviewer', 'Rekha Iyer');
    for (const [user, lang] of [['q1', 'en'], ['q2', 'hi']] as const) {
      const n = await fileGrievance(h, { user, lang, description: lang === 'en' ? 'No water supply in Sector 4 since Friday.' : 'सेक्टर 9 में पानी का बिल गलत आया है।' });
      await h.app.desk.act(asha, n, { type: 'resolve', reason: 'A tanker was sent and the supply is back.' });
    }
    for (const text of ['hello', '2', 'officer']) await h.say(text, { user: 'asker' });
    h.clock.set('2026-11-23T00:00:00.000Z');
    await h.app.quality.sampleIfDue();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await h?.close();
  });

  async function logIn(page: Page, email: string): Promise<void> {
    await page.goto(`${base}/login?next=%2Fquality`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${base}/quality`);
  }

  it('a reviewer scores a conversation with the keyboard; the pages pass axe', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    // The desk's CSP refuses inline styles: the browser says so on the console for each one it drops.
    const refused: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) refused.push(m.text());
    });
    await logIn(page, rekha.email);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'quality-queue.png'), fullPage: true });

    await page.getByRole('link', { name: /^Review GRV-/ }).first().click();
    await page.waitForURL(/\/quality\/reviews\/\d+$/);
    expect(await axeViolations(page)).toEqual([]);
    // Each criterion is a group named by its legend; choose with the keyboard only.
    for (const name of ['Correct information', 'Courteous tone', 'Timeliness', 'Language quality', 'Resolution']) {
      const group = page.getByRole('group', { name });
      await group.getByRole('radio', { name: /^1 — / }).focus();
      for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    }
    await page.getByLabel('Notes (optional)').focus();
    await page.keyboard.type('Clear and courteous; the tanker was confirmed.');
    await page.screenshot({ path: path.join(ARTIFACTS, 'quality-review.png'), fullPage: true });
    await page.getByRole('button', { name: 'Save the scores' }).press('Enter');
    await page.waitForURL(`${base}/quality?done=scored`);
    await expect.poll(() => page.getByRole('status').textContent()).toContain('The scores were saved.');
    const scored = (await reviewRows(h.app)).filter((r) => r.status === 'done');
    expect(scored).toHaveLength(1);
    expect(JSON.parse(scored[0]!.scores!)).toEqual({ correct_information: 4, tone: 4, timeliness: 4, language_quality: 4, resolution: 4 });

    await page.getByRole('link', { name: 'Trends' }).click();
    await page.waitForURL(`${base}/quality/trends`);
    expect(await page.getByRole('img', { name: /Overall average by period/ }).count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'quality-trends.png'), fullPage: true });
    expect(refused).toEqual([]);
    await context.close();
  }, 60_000);

  it('an officer reads their own scores, in Hindi on a phone', async () => {
    await h.app.accounts.setLanguage(asha, 'hi');
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await logIn(page, asha.email);
    expect(await page.getByRole('heading', { name: 'मेरे अंक' }).count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'quality-mine-hi-phone.png'), fullPage: true });
    await context.close();
  }, 60_000);
});
