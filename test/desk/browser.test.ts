import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Officer } from '../../src/desk/accounts.ts';
import { addOfficer, fileGrievance, inbox, TEST_PASSWORD, ticketRow } from '../helpers/desk.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';
import { ARTIFACTS, axeViolations, hasChromium, launchChromium, listenDesk } from '../helpers/chromium.ts';

/**
 * The desk in a real browser: Debian's Chromium driven by playwright-core (.ci/run installs it).
 * Screenshots of the queue and a ticket page are written to test-artifacts/ (not committed).
 */
describe.skipIf(!hasChromium)('officers’ desk in Chromium', () => {
  let h: Harness;
  let server: FastifyInstance;
  let browser: Browser;
  let base: string;
  let officer: Officer;

  beforeAll(async () => {
    h = await startHarness();
    ({ server, base } = await listenDesk(h));
    browser = await launchChromium();
    officer = await addOfficer(h.app, 'officer', 'Asha Verma');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await h?.close();
  });

  async function logIn(page: Page): Promise<void> {
    await page.goto(`${base}/queue`);
    await expect.poll(() => page.url()).toContain('/login');
    await page.getByLabel('Email').fill(officer.email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${base}/queue`);
  }

  it('logs in, shows the queue by deadline, opens a ticket and replies to the citizen', async () => {
    const first = await fileGrievance(h, { user: 'b1', description: 'No water supply in Sector 4 since Friday.' });
    h.clock.advance(2 * 86_400_000);
    const second = await fileGrievance(h, { user: 'b2', lang: 'hi', description: 'सेक्टर 9 में पानी का बिल गलत आया है।' });
    await inbox(h);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(page);
    const numbers = await page.locator('table.queue tbody th a').allTextContents();
    expect(numbers).toEqual([first, second]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'desk-queue.png'), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('link', { name: first }).click();
    await page.waitForURL(`${base}/tickets/${first}`);
    await expect.poll(() => page.locator('#transcript').textContent()).toContain('No water supply in Sector 4');
    await page.getByText('Reply to the citizen', { exact: true }).click();
    await page.getByLabel('Your reply (sent on the citizen\'s channel, in the transcript)').fill('A tanker will reach Sector 4 by 5 pm today.');
    await page.getByRole('button', { name: 'Send' }).first().click();
    await page.waitForURL(`${base}/tickets/${first}?done=reply`);
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Your reply was sent to the citizen.');
    expect((await inbox(h, 'b1')).join('\n')).toContain('A tanker will reach Sector 4 by 5 pm today.');
    expect((await ticketRow(h.app, first)).assigned_to).toBe(officer.id);
    await page.screenshot({ path: path.join(ARTIFACTS, 'desk-ticket.png'), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
    // The whole reply can be written and sent with the keyboard alone.
    await page.goto(`${base}/tickets/${second}`);
    await page.locator('summary', { hasText: 'Reply to the citizen' }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await page.keyboard.type('आपका बिल जाँच के लिए भेज दिया गया है।');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/tickets/${second}?done=reply`);
    expect((await inbox(h, 'b2')).join('\n')).toContain('आपका बिल जाँच के लिए भेज दिया गया है।');

    // A phone-sized screen: the queue becomes cards and stays usable.
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await phone.context().addCookies(await page.context().cookies());
    await phone.goto(`${base}/queue`);
    expect(await phone.locator('table.queue tbody th a').first().isVisible()).toBe(true);
    await phone.screenshot({ path: path.join(ARTIFACTS, 'desk-queue-phone.png'), fullPage: true });
    expect(await axeViolations(phone)).toEqual([]);
    await phone.close();
    await page.close();
  }, 60_000);

  it('hands a live chat over to an officer and back, the page updating without reload', async () => {
    for (const text of ['hi', '2', 'yes']) await h.say(text, { user: 'live1' });
    await h.say('officer', { user: 'live1' });
    await inbox(h);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(page);
    await page.goto(`${base}/chats`);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Take the chat' }).click();
    await page.waitForURL(/\/chats\/\d+\?done=chat_take$/);
    expect((await inbox(h, 'live1')).join('\n')).toContain('Asha Verma, an officer of');

    // Marks this page load: a reload would lose the mark.
    await page.evaluate(() => ((window as unknown as { loadMark: number }).loadMark = 42));
    expect(await h.say('My meter reading is 0451, the bill says 4510.', { user: 'live1' })).toEqual([]);
    await expect.poll(() => page.locator('#transcript').textContent(), { timeout: 10_000 }).toContain('the bill says 4510');
    expect(await page.evaluate(() => (window as unknown as { loadMark?: number }).loadMark)).toBe(42);

    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('Message to the citizen').fill('Thank you. I have corrected the bill; the new one will come by SMS.');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForURL(/done=chat_say$/);
    expect(await inbox(h, 'live1')).toEqual(['Thank you. I have corrected the bill; the new one will come by SMS.']);

    await page.getByRole('button', { name: 'Hand back to the assistant' }).click();
    await page.waitForURL(/done=chat_release$/);
    expect((await inbox(h, 'live1')).join('\n')).toContain('back with the assistant');
    expect((await h.say('menu', { user: 'live1' })).length).toBeGreaterThan(0);
    await page.close();
  }, 60_000);
});
