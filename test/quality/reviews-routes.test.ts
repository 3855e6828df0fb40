import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/audit/audit-log.ts';
import type { Officer } from '../../src/desk/accounts.ts';
import { buildDesk } from '../../src/desk/server.ts';
import { createLogger } from '../../src/logger.ts';
import { addOfficer, auditRows, fileGrievance } from '../helpers/desk.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';
import { reviewRows } from './fixtures.ts';
import { DeskClient } from '../helpers/desk-client.ts';

const CRITERIA = ['correct_information', 'tone', 'timeliness', 'language_quality', 'resolution'];
const allScores = (values: number[]) => Object.fromEntries(CRITERIA.map((c, i) => [`score_${c}`, String(values[i])]));

let h: Harness;
let server: FastifyInstance;
let asha: Officer;
let ravi: Officer;
let rekha: Officer;
/** Asha's and Ravi's tickets, answered on the desk in the week of 16 November, then sampled. */
let ashaTicket: string;
let raviTicket: string;
let ashaReview: number;
let raviReview: number;

beforeEach(async () => {
  h = await startHarness();
  server = await buildDesk(h.app, { secret: 'desk-test-secret-of-32-characters!!', trustProxy: false, sessionHours: 12, logger: createLogger('silent'), clock: h.clock.now });
  asha = await addOfficer(h.app, 'officer', 'Asha Verma');
  ravi = await addOfficer(h.app, 'officer', 'Ravi Kumar');
  rekha = await addOfficer(h.app, 'reviewer', 'Rekha Iyer');
  ashaTicket = await fileGrievance(h, { user: 'c1', description: 'No water since Friday <b>urgent</b>; my Aadhaar 2345 6789 0124 is on file' });
  raviTicket = await fileGrievance(h, { user: 'c2', description: 'The meter reading is wrong.' });
  await h.app.desk.act(asha, ashaTicket, { type: 'resolve', reason: 'A tanker was sent to Sector 4.' });
  await h.app.desk.act(ravi, raviTicket, { type: 'resolve', reason: 'The reading was corrected.' });
  // Monday 23 November, 05:30 IST: the week has ended and is drawn.
  h.clock.set('2026-11-23T00:00:00.000Z');
  expect(await h.app.quality.sampleIfDue()).toBe(2);
  const rows = await reviewRows(h.app);
  const ids = await h.app.store.transaction(async (uow) => ({
    asha: (await uow.tickets.byNumber(ashaTicket))!.id,
    ravi: (await uow.tickets.byNumber(raviTicket))!.id,
  }));
  ashaReview = rows.find((r) => r.ticket_id === ids.asha)!.id;
  raviReview = rows.find((r) => r.ticket_id === ids.ravi)!.id;
});
afterEach(async () => {
  await server.close();
  await h.close();
});

describe('the reviewers’ queue and the scores form', () => {
  it('shows the queue oldest first with each stratum, the redacted transcript and history, and saves the scores once, audited', async () => {
    const b = new DeskClient(server);
    await b.login(rekha.email);
    const queue = await b.get('/quality');
    expect(queue.statusCode).toBe(200);
    expect(queue.body).toContain('Conversations to review');
    expect(queue.body).toContain('2 conversations wait for a review.');
    expect(queue.body.indexOf(ashaTicket)).toBeGreaterThan(0);
    expect(queue.body.indexOf(ashaTicket)).toBeLessThan(queue.body.indexOf(raviTicket));
    expect(queue.body).toMatch(/Console · English · Grievance/);
    expect(queue.body).toContain(`href="/quality/reviews/${ashaReview}"`);
    expect(queue.body).toContain('href="/quality/trends"');
    expect(queue.body).not.toContain('My scores');

    const page = await b.get(`/quality/reviews/${ashaReview}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`Review of ${ashaTicket}`);
    // The transcript: the citizen's words, escaped, with the Aadhaar number masked.
    expect(page.body).toContain('No water since Friday &lt;b&gt;urgent&lt;/b&gt;');
    expect(page.body).not.toContain('2345 6789 0124');
    expect(page.body).toContain('A tanker was sent to Sector 4.');
    // Only this ticket's part of the conversation.
    expect(page.body).not.toContain('The meter reading is wrong.');
    // One radio group per criterion, named by its legend.
    for (const c of CRITERIA) expect(page.body).toMatch(new RegExp(`<fieldset id="c-${c}"[^>]*>\\s*<legend>`));
    expect(page.body).toContain('<legend><strong>Courteous tone</strong></legend>');
    expect(page.body.match(/type="radio" name="score_tone"/g)).toHaveLength(5);
    expect(page.body).toContain('5 — Excellent');
    expect(page.body).toContain('Asha Verma');

    // A criterion left out: the form again (400), naming it, with what was chosen kept.
    const partial: Record<string, string> = { ...allScores([4, 5, 3, 4, 4]), notes: 'Good <i>tone</i>' };
    delete partial.score_resolution;
    const bad = await b.post(`/quality/reviews/${ashaReview}`, partial);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Give a score for Resolution.');
    expect(bad.body).toMatch(/<fieldset id="c-resolution" class="criterion bad">/);
    expect(bad.body).toMatch(/name="score_tone" value="5" required checked/);
    expect(bad.body).toContain('>Good &lt;i&gt;tone&lt;/i&gt;</textarea>');
    expect((await reviewRows(h.app)).find((r) => r.id === ashaReview)!.status).toBe('pending');
    const two = await b.post(`/quality/reviews/${ashaReview}`, { score_tone: '9', notes: '' });
    expect(two.statusCode).toBe(400);
    expect(two.body).toContain('Give a score for each of: Correct information, Courteous tone, Timeliness, Language quality, Resolution.');

    const ok = await b.post(`/quality/reviews/${ashaReview}`, { ...allScores([4, 5, 3, 4, 2]), notes: 'Good <i>tone</i>; Aadhaar 2345 6789 0124 repeated' });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/quality?done=scored');
    const after = await b.get(String(ok.headers.location));
    expect(after.body).toContain('The scores were saved.');
    expect(after.body).toContain('1 conversation waits for a review.');
    const saved = (await reviewRows(h.app)).find((r) => r.id === ashaReview)!;
    expect(saved).toMatchObject({ status: 'done', reviewer_id: rekha.id, reviewed_at: '2026-11-23T00:00:00.000Z', officer_id: asha.id });
    expect(JSON.parse(saved.scores!)).toEqual({ correct_information: 4, tone: 5, timeliness: 3, language_quality: 4, resolution: 2 });
    expect(saved.notes).toContain('Good <i>tone</i>');
    expect(saved.notes).not.toContain('2345 6789 0124');

    // Not twice: the page shows the scores, and a second POST is refused.
    const done = await b.get(`/quality/reviews/${ashaReview}`);
    expect(done.body).not.toContain('name="score_tone"');
    expect(done.body).toContain('Reviewed by Rekha Iyer');
    expect(done.body).toContain('2 of 5 (Poor)');
    const again = await b.post(`/quality/reviews/${ashaReview}`, allScores([1, 1, 1, 1, 1]));
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('already been reviewed');
    expect(JSON.parse((await reviewRows(h.app)).find((r) => r.id === ashaReview)!.scores!).tone).toBe(5);

    const audit = await auditRows(h.app);
    const mine = audit.filter((r) => r.actor === `officer:${rekha.id}` && r.action.startsWith('review.'));
    expect(mine.map((r) => [r.action, r.subject])).toEqual([
      ['review.queue', 'reviews'],
      ['review.view', `ticket:${ashaTicket}`],
      ['review.view', `ticket:${ashaTicket}`],
      ['review.view', `ticket:${ashaTicket}`],
      ['review.score', `ticket:${ashaTicket}`],
      ['review.queue', 'reviews'],
      ['review.view', `ticket:${ashaTicket}`],
      ['review.view', `ticket:${ashaTicket}`],
    ]);
    const scored = mine.find((r) => r.action === 'review.score')!;
    expect(JSON.parse(scored.detail)).toEqual({ review: ashaReview, scores: { correct_information: 4, tone: 5, timeliness: 3, language_quality: 4, resolution: 2 }, notes: true });
    // No message text in the audit log.
    expect(JSON.stringify(audit)).not.toContain('tanker');
    expect(JSON.stringify(audit)).not.toContain('Good');
    expect(await verifyAudit(h.app.store)).toMatchObject({ ok: true });
  });

  it('refuses a form without its CSRF token', async () => {
    const b = new DeskClient(server);
    await b.login(rekha.email);
    await b.get(`/quality/reviews/${ashaReview}`);
    expect((await b.post(`/quality/reviews/${ashaReview}`, allScores([3, 3, 3, 3, 3]), { csrf: null })).statusCode).toBe(403);
    expect((await reviewRows(h.app)).find((r) => r.id === ashaReview)!.status).toBe('pending');
  });

  it('lets the admin review, except a conversation the admin held', async () => {
    const admin = await addOfficer(h.app, 'admin', 'Meena Rao');
    // In the week of 23 November the admin answers a grievance herself.
    const own = await fileGrievance(h, { user: 'c3' });
    await h.app.desk.act(admin, own, { type: 'resolve', reason: 'Answered by the admin.' });
    h.clock.set('2026-11-30T00:00:00.000Z');
    expect(await h.app.quality.sampleIfDue()).toBe(1);
    const ownReview = (await reviewRows(h.app)).find((r) => r.officer_id === admin.id)!.id;

    const b = new DeskClient(server);
    await b.login(admin.email);
    const queue = await b.get('/quality');
    expect(queue.body).toContain('Conversations to review');
    expect(queue.body).toContain('My scores');
    expect((await b.get(`/quality/reviews/${raviReview}`)).body).toContain('name="score_tone"');
    const held = await b.get(`/quality/reviews/${ownReview}`);
    expect(held.statusCode).toBe(200);
    expect(held.body).toContain('You held this ticket, so another reviewer scores it.');
    expect(held.body).not.toContain('name="score_tone"');
    expect((await b.post(`/quality/reviews/${ownReview}`, allScores([5, 5, 5, 5, 5]))).statusCode).toBe(403);
    expect((await b.post(`/quality/reviews/${raviReview}`, allScores([3, 3, 3, 3, 3]))).statusCode).toBe(303);
    expect((await b.get('/quality/trends')).statusCode).toBe(200);
  });
});

describe('officers’ own scores', () => {
  it('shows an officer only their own scores and averages, and refuses another’s review and the trends', async () => {
    await h.app.quality.score(rekha, ashaReview, { ...allScores([4, 5, 3, 4, 2]), notes: 'Clear <em>answer</em>.' });
    await h.app.quality.score(rekha, raviReview, { ...allScores([1, 2, 1, 2, 1]), notes: 'Ravi private note' });
    const b = new DeskClient(server);
    await b.login(asha.email);
    const page = await b.get('/quality');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('My scores');
    expect(page.body).not.toContain('Conversations to review');
    expect(page.body).toContain(ashaTicket);
    expect(page.body).not.toContain(raviTicket);
    expect(page.body).not.toContain('Ravi private note');
    expect(page.body).toContain('Clear &lt;em&gt;answer&lt;/em&gt;.');
    expect(page.body).toContain('Average of 1 reviewed conversation<');
    // Her average: 4, 5, 3, 4, 2 and overall 18/5.
    expect(page.body).toMatch(/<th scope="row">Courteous tone<\/th><td[^>]*>5\.0<\/td>/);
    expect(page.body).toMatch(/<th scope="row">Overall<\/th><td[^>]*><strong>3\.6<\/strong>/);

    const own = await b.get(`/quality/reviews/${ashaReview}`);
    expect(own.statusCode).toBe(200);
    expect(own.body).not.toContain('name="score_tone"');
    expect((await b.get(`/quality/reviews/${raviReview}`)).statusCode).toBe(403);
    expect((await b.get('/quality/trends')).statusCode).toBe(403);
    expect((await b.post(`/quality/reviews/${raviReview}`, allScores([5, 5, 5, 5, 5]))).statusCode).toBe(403);
    expect((await b.get('/quality/reviews/999')).statusCode).toBe(404);
  });

  it('refuses an officer the page of their own review before it is scored', async () => {
    const b = new DeskClient(server);
    await b.login(asha.email);
    expect((await b.get(`/quality/reviews/${ashaReview}`)).statusCode).toBe(403);
    expect((await b.get('/quality')).body).toContain('None of your conversations has been reviewed yet.');
  });

  it('speaks Hindi to an officer who chose it', async () => {
    await h.app.quality.score(rekha, ashaReview, allScores([4, 4, 4, 4, 4]));
    await h.app.accounts.setLanguage(asha, 'hi');
    const b = new DeskClient(server);
    await b.login(asha.email);
    const page = await b.get('/quality');
    expect(page.body).toContain('<html lang="hi">');
    expect(page.body).toContain('मेरे अंक');
    expect(page.body).toContain('शिष्ट व्यवहार');
    expect(page.body).toContain('प्रत्येक मानदंड पर मेरा औसत');
    const review = await b.get(`/quality/reviews/${ashaReview}`);
    expect(review.body).toContain(`${ashaTicket} की समीक्षा`);
    expect(review.body).toContain('16 नवंबर 2026 से आरंभ अवधि का नमूना');
    expect(review.body).toContain('5 में से 4 (अच्छा)');
    expect(review.body).toContain('समीक्षक: Rekha Iyer');
  });
});

describe('trends', () => {
  it('shows averages per officer and period, and where citizens give up or ask for an officer', async () => {
    await h.app.quality.score(rekha, ashaReview, allScores([4, 5, 3, 4, 2]));
    await h.app.quality.score(rekha, raviReview, allScores([1, 2, 1, 2, 2]));
    // A citizen who asked for an officer at the consent notice.
    for (const text of ['hello', '2', 'officer']) await h.say(text, { user: 'asker' });
    const b = new DeskClient(server);
    await b.login(rekha.email);
    const page = await b.get('/quality/trends?periods=4&idleDays=3&sinceDays=30');
    expect(page.statusCode).toBe(200);
    const byOfficer = page.body.slice(page.body.indexOf('id="by-officer"'), page.body.indexOf('id="per-h"'));
    // Asha: 4, 5, 3, 4, 2 → overall 3.6; Ravi: 1, 2, 1, 2, 2 → overall 1.6.
    expect(byOfficer).toMatch(/Asha Verma<\/th>\s*<td[^>]*>1<\/td>\s*<td[^>]*>4\.0<\/td>\s*<td[^>]*>5\.0<\/td>\s*<td[^>]*>3\.0<\/td>\s*<td[^>]*>4\.0<\/td>\s*<td[^>]*>2\.0<\/td>\s*<td[^>]*><strong>3\.6<\/strong>/);
    expect(byOfficer).toMatch(/Ravi Kumar<\/th>\s*<td[^>]*>1<\/td>[\s\S]*?<strong>1\.6<\/strong>/);
    expect(byOfficer).toContain('<svg');
    expect(byOfficer).toContain('aria-label="Overall average by period: 16 November 2026: 3.6"');
    expect(page.body).toContain('<time datetime="2026-11-16">16 November 2026</time>');
    const handoffs = page.body.slice(page.body.indexOf('id="handoffs"'));
    // The step, and its question (the last line of the consent notice).
    expect(handoffs).toMatch(/<code[^>]*>consent\/notice<\/code><\/th>\s*<td[^>]*>Do you consent to Jal Board using your information for these purposes\?<\/td>/);
    const audit = (await auditRows(h.app)).filter((r) => r.action === 'review.trends');
    expect(audit).toHaveLength(1);
  });

  it('draws its pages with the stylesheet only: no inline style, which the desk’s CSP refuses', async () => {
    const b = new DeskClient(server);
    await b.login(rekha.email);
    const pages = [
      await b.get('/quality'),
      await b.get(`/quality/reviews/${ashaReview}`),
      // The form again with its errors (a criterion outlined in red, the notes too long).
      await b.post(`/quality/reviews/${ashaReview}`, { score_tone: '3', notes: 'x'.repeat(5000) }),
      await b.get('/quality/trends'),
    ];
    for (const page of pages) {
      expect(page.headers['content-security-policy']).not.toContain('unsafe-inline');
      expect(page.body).toContain('<form');
      expect(page.body).not.toMatch(/\sstyle=|<style/);
    }
    expect(pages[2]!.body).toContain('class="criterion bad"');
  });
});
