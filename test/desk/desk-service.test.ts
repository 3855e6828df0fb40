import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/audit/audit-log.ts';
import type { Officer } from '../../src/desk/accounts.ts';
import { deskActionSchema, queueFiltersSchema, type DeskAction } from '../../src/desk/desk-service.ts';
import { ERROR_CODES } from '../../src/errors.ts';
import { addOfficer, auditRows, fileGrievance, inbox, ticketRow } from '../helpers/desk.ts';
import { FakeClock, startHarness, TEST_CODE, type Harness } from '../helpers/harness.ts';

/** Mon 23 Nov 2026, 10:00 IST. */
const RECEIVED = '2026-11-23T04:30:00.000Z';
const DAY = 86_400_000;
const HOUR = 3_600_000;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(env: Record<string, string> = {}): Promise<Harness> {
  h = await startHarness({ clock: new FakeClock(RECEIVED), env });
  return h;
}
/** The test profile with CPGRAMS grievances, whose guidelines allow one extension. */
const CPGRAMS = { PROFILE_FILE: path.join(import.meta.dirname, '..', 'fixtures', 'profile-cpgrams.yaml') };
const CONTACT_EN = 'For any question about your data or this request, contact A. Sharma, Data Protection Officer: dpo@example.org, +91 11 2345 6789.';
const CONTACT_HI = 'अपने डेटा या इस मामले के बारे में किसी भी प्रश्न के लिए डेटा संरक्षण अधिकारी A. Sharma से संपर्क करें: dpo@example.org, +91 11 2345 6789।';

const filters = (f: Record<string, unknown> = {}) => queueFiltersSchema.parse(f);
const numbers = async (h: Harness, o: Officer, f: Record<string, unknown> = {}) => (await h.app.desk.queue(o, filters(f))).items.map((i) => i.number);
const act = (h: Harness, o: Officer, number: string, action: DeskAction) => h.app.desk.act(o, number, action);
const rejectsWith = (p: Promise<unknown>, code: string) => expect(p).rejects.toMatchObject({ name: 'AppError', code });

/** A correction request (a data-rights ticket) through the chat, by a citizen on file who proves it with a code. */
async function fileCorrection(h: Harness, user: string): Promise<string> {
  await h.app.store.transaction((u) =>
    u.principals.upsert({ external_ref: 'CUST-1001', name: 'Asha Kumari', mobile: '+919876543210', email: 'asha@example.in', source: 'csv', updated_at: '2026-11-01T00:00:00.000Z' }));
  let last = '';
  for (const t of ['hi', '2', 'yes', 'rights', '2', '1', '9876543210', TEST_CODE, 'My address', 'House 12, Gali 4, Laxmi Nagar, Delhi 110092', 'yes', 'yes']) {
    last = (await h.say(t, { user })).map((m) => m.text).join('\n');
  }
  const number = /DPR-\d{4}-\d{6}/.exec(last)?.[0];
  if (!number) throw new Error(`no request number in:\n${last}`);
  return number;
}

describe('desk access', () => {
  it('shows a new ticket to the officers of its rung and the admin only, and moves it up with an escalation', async () => {
    const h = await start();
    const number = await fileGrievance(h);
    const officer = await addOfficer(h.app, 'officer');
    const go = await addOfficer(h.app, 'grievance_officer');
    const dpo = await addOfficer(h.app, 'dpo');
    const admin = await addOfficer(h.app, 'admin');
    const reviewer = await addOfficer(h.app, 'reviewer');

    expect(await numbers(h, officer)).toEqual([number]);
    expect(await numbers(h, admin)).toEqual([number]);
    expect(await numbers(h, dpo)).toEqual([]);
    expect(await numbers(h, go)).toEqual([]);
    await rejectsWith(h.app.desk.ticket(dpo, number), ERROR_CODES.DESK_FORBIDDEN);
    await rejectsWith(act(h, dpo, number, { type: 'take' }), ERROR_CODES.DESK_FORBIDDEN);
    expect((await h.app.desk.ticket(officer, number)).number).toBe(number);
    expect((await h.app.desk.ticket(admin, number)).number).toBe(number);

    // The reviewer reads closed conversations for quality, not the open queue, and holds no chats.
    const rq = await h.app.desk.queue(reviewer, filters());
    expect(rq.items).toEqual([]);
    expect(rq.counts.total).toBe(0);
    expect(rq.waitingChats).toBe(0);
    await rejectsWith(h.app.desk.ticket(reviewer, number), ERROR_CODES.DESK_FORBIDDEN);
    await rejectsWith(h.app.desk.chats(reviewer), ERROR_CODES.DESK_FORBIDDEN);
    await h.say('officer', { user: 'someone-else' });
    const [chat] = await h.app.handoffs.open();
    await rejectsWith(h.app.desk.takeChat(reviewer, chat!.id), ERROR_CODES.DESK_FORBIDDEN);

    await act(h, officer, number, { type: 'take' });
    expect((await ticketRow(h.app, number)).assigned_to).toBe(officer.id);
    const up = await act(h, officer, number, { type: 'escalate', reason: 'Needs a decision on the tariff.' });
    expect([up.status, up.level, up.assigned_to]).toEqual(['escalated', 1, null]);
    const stored = await ticketRow(h.app, number);
    expect([stored.status, stored.level, stored.assigned_to, stored.assigned_at]).toEqual(['escalated', 1, null, null]);

    expect(await numbers(h, officer)).toEqual([]);
    await rejectsWith(h.app.desk.ticket(officer, number), ERROR_CODES.DESK_FORBIDDEN);
    const goQueue = await h.app.desk.queue(go, filters());
    expect(goQueue.items.map((i) => [i.number, i.levelRole, i.assignee])).toEqual([[number, 'grievance_officer', null]]);
    expect(await numbers(h, dpo)).toEqual([]);
    expect(await numbers(h, admin)).toEqual([number]);
    const seen = await h.app.desk.ticket(go, number);
    expect(seen.levelTitle.en).toBe('Grievance Officer');
    expect(seen.actions).toContain('take');
  });
});

describe('desk queue', () => {
  it('orders tickets by the deadline that comes first, not by age', async () => {
    const h = await start();
    const older = await fileGrievance(h, { user: 'c1' });
    h.clock.advance(3 * DAY);
    const newer = await fileGrievance(h, { user: 'c2' });
    const officer = await addOfficer(h.app, 'officer');
    const admin = await addOfficer(h.app, 'admin');

    const q1 = await h.app.desk.queue(officer, filters());
    expect(q1.items.map((i) => i.number)).toEqual([older, newer]);
    expect(q1.items[0]!.nextDue < q1.items[1]!.nextDue).toBe(true);

    // Escalated, the older ticket gets the next rung's (longer) time: the newer one is due first now.
    await act(h, admin, older, { type: 'escalate', reason: 'Needs the Grievance Officer.' });
    const q2 = await h.app.desk.queue(admin, filters());
    expect(q2.items.map((i) => i.number)).toEqual([newer, older]);
    const dues = q2.items.map((i) => i.nextDue);
    expect(dues).toEqual([...dues].sort());
    expect(q2.items[1]!.levelDueAt).toBe(q2.items[1]!.nextDue);
  });

  it('filters by kind, status, channel, language and assignee', async () => {
    const h = await start();
    const en = await fileGrievance(h, { user: 'c1' });
    const hi = await fileGrievance(h, { user: 'c2', lang: 'hi' });
    const dpr = await fileCorrection(h, 'c3');
    expect(dpr).toMatch(/^DPR-/);
    const o1 = await addOfficer(h.app, 'officer');
    const o2 = await addOfficer(h.app, 'officer');
    await act(h, o1, en, { type: 'acknowledge' });

    expect((await numbers(h, o1)).sort()).toEqual([dpr, en, hi].sort());
    expect(await numbers(h, o1, { kind: 'data_rights' })).toEqual([dpr]);
    expect((await numbers(h, o1, { kind: 'grievance' })).sort()).toEqual([en, hi].sort());
    expect(await numbers(h, o1, { status: 'acknowledged' })).toEqual([en]);
    expect((await numbers(h, o1, { status: 'open' })).sort()).toEqual([dpr, hi].sort());
    expect(await numbers(h, o1, { channel: 'console' })).toHaveLength(3);
    expect(await numbers(h, o1, { channel: 'telegram' })).toEqual([]);
    expect(await numbers(h, o1, { language: 'hi' })).toEqual([hi]);
    expect((await numbers(h, o1, { language: 'en' })).sort()).toEqual([dpr, en].sort());
    expect(await numbers(h, o1, { assignee: 'me' })).toEqual([en]);
    expect(await numbers(h, o2, { assignee: 'me' })).toEqual([]);
    expect((await numbers(h, o2, { assignee: 'none' })).sort()).toEqual([dpr, hi].sort());
    expect(await numbers(h, o2, { assignee: String(o1.id) })).toEqual([en]);
    expect(await numbers(h, o1, { kind: 'grievance', language: 'en', assignee: 'none' })).toEqual([]);

    const item = (await h.app.desk.queue(o2, filters({ status: 'acknowledged' }))).items[0]!;
    expect(item.assignee).toEqual({ id: o1.id, name: o1.name, role: 'officer' });
  });

  it('counts the queue: total, unassigned, mine, due soon and breached as the clock moves', async () => {
    const h = await start();
    const a = await fileGrievance(h, { user: 'c1' });
    const b = await fileGrievance(h, { user: 'c2' });
    h.clock.advance(3 * DAY);
    const c = await fileGrievance(h, { user: 'c3' });
    const o1 = await addOfficer(h.app, 'officer');
    const o2 = await addOfficer(h.app, 'officer');
    await act(h, o1, a, { type: 'take' });

    const fresh = await h.app.desk.queue(o1, filters());
    expect(fresh.counts).toEqual({ total: 3, unassigned: 2, mine: 1, breached: 0, due_soon: 0 });
    expect((await h.app.desk.queue(o2, filters())).counts).toMatchObject({ total: 3, unassigned: 2, mine: 0 });
    expect(fresh.items.every((i) => !i.breached && !i.dueSoon)).toBe(true);

    // A day before the first rung's time runs out for a and b (48 hours count as "soon"); c has longer.
    const first = fresh.items.find((i) => i.number === a)!;
    const third = fresh.items.find((i) => i.number === c)!;
    expect(third.nextDue > first.nextDue).toBe(true);
    h.clock.set(new Date(Date.parse(first.nextDue) - DAY).toISOString());
    const soon = await h.app.desk.queue(o1, filters());
    expect(soon.counts).toMatchObject({ total: 3, breached: 0, due_soon: 2 });
    expect(soon.items.filter((i) => i.dueSoon).map((i) => i.number).sort()).toEqual([a, b].sort());

    // Past the statutory date of a and b (no sweep has run: the queue reads the dates themselves).
    h.clock.set(new Date(Date.parse(first.dueAt) + HOUR).toISOString());
    expect(third.dueAt > h.clock.now().toISOString()).toBe(true);
    const late = await h.app.desk.queue(o1, filters());
    expect(late.counts).toMatchObject({ total: 3, breached: 2, mine: 1, unassigned: 2 });
    expect(late.items.filter((i) => i.breached).map((i) => i.number).sort()).toEqual([a, b].sort());
    expect(late.items.find((i) => i.number === c)!.breached).toBe(false);
  });

  it('counts a ticket awaiting the citizen as neither due soon nor breached: its clock stands still', async () => {
    const h = await start();
    const number = await fileGrievance(h);
    const o1 = await addOfficer(h.app, 'officer');
    await act(h, o1, number, { type: 'ask', question: 'Please send your consumer number.' });
    const asked = (await h.app.desk.queue(o1, filters())).items[0]!;
    // Past the rung's and then the statutory date as they stood when the question was asked.
    for (const at of [Date.parse(asked.nextDue) - HOUR, Date.parse(asked.dueAt) + 10 * DAY]) {
      h.clock.set(new Date(at).toISOString());
      const q = await h.app.desk.queue(o1, filters());
      expect(q.counts).toEqual({ total: 1, unassigned: 0, mine: 1, breached: 0, due_soon: 0 });
      expect(q.items.map((i) => [i.status, i.paused, i.breached, i.dueSoon])).toEqual([['awaiting_citizen', true, false, false]]);
      expect(q.items[0]!.dueAt > h.clock.now().toISOString()).toBe(true);
    }
    // Once the citizen answers, the clock runs again from the moved dates.
    await h.say('Consumer number 44-1029-3');
    const resumed = await h.app.desk.queue(o1, filters());
    expect(resumed.items[0]!.status).toBe('in_progress');
    expect(resumed.items[0]!.dueAt > asked.dueAt).toBe(true);
    expect(resumed.counts.breached).toBe(0);
  });
});

describe('desk actions', () => {
  async function withTicket(lang: 'en' | 'hi' = 'en', env: Record<string, string> = {}) {
    const h = await start(env);
    const number = await fileGrievance(h, { lang });
    const o1 = await addOfficer(h.app, 'officer', 'Ravi');
    const o2 = await addOfficer(h.app, 'officer', 'Meena');
    const admin = await addOfficer(h.app, 'admin', 'Admin');
    return { h, number, o1, o2, admin };
  }

  it('take and assign: within the rung only; a colleague cannot act on a held ticket, the admin can', async () => {
    const { h, number, o1, o2, admin } = await withTicket();
    const dpo = await addOfficer(h.app, 'dpo');
    const taken = await act(h, o1, number, { type: 'take' });
    expect(taken.assigned_to).toBe(o1.id);
    expect((await h.app.desk.ticket(o1, number)).assignee).toEqual({ id: o1.id, name: 'Ravi', role: 'officer' });

    await rejectsWith(act(h, o2, number, { type: 'take' }), ERROR_CODES.DESK_FORBIDDEN);
    await rejectsWith(act(h, o2, number, { type: 'acknowledge' }), ERROR_CODES.DESK_FORBIDDEN);
    await rejectsWith(act(h, o2, number, { type: 'reply', text: 'Hello from Meena.' }), ERROR_CODES.DESK_FORBIDDEN);
    await rejectsWith(act(h, o2, number, { type: 'assign', officerId: o2.id }), ERROR_CODES.DESK_FORBIDDEN);
    expect((await ticketRow(h.app, number)).status).toBe('open');
    expect((await h.app.desk.ticket(o2, number)).actions).toEqual([]);

    // A level-0 ticket cannot go to the DPO, nor to someone who does not exist.
    await rejectsWith(act(h, o1, number, { type: 'assign', officerId: dpo.id }), ERROR_CODES.DESK_INPUT);
    await rejectsWith(act(h, o1, number, { type: 'assign', officerId: 9999 }), ERROR_CODES.DESK_INPUT);
    expect((await ticketRow(h.app, number)).assigned_to).toBe(o1.id);

    const given = await act(h, o1, number, { type: 'assign', officerId: o2.id });
    expect(given.assigned_to).toBe(o2.id);
    expect((await ticketRow(h.app, number)).assigned_to).toBe(o2.id);
    await rejectsWith(act(h, o1, number, { type: 'acknowledge' }), ERROR_CODES.DESK_FORBIDDEN);

    // The admin acts on a ticket a colleague holds, without taking it from them.
    const acked = await act(h, admin, number, { type: 'acknowledge' });
    expect(acked.status).toBe('acknowledged');
    expect((await ticketRow(h.app, number)).assigned_to).toBe(o2.id);
    expect((await act(h, admin, number, { type: 'take' })).assigned_to).toBe(admin.id);

    // Back to the rung's queue.
    expect((await act(h, admin, number, { type: 'assign', officerId: 0 })).assigned_to).toBeNull();
    const detail = await h.app.desk.ticket(o1, number);
    expect(detail.assignee).toBeNull();
    expect(detail.history.filter((e) => e.kind === 'assignment').map((e) => e.data)).toEqual([
      { from: null, to: o1.id }, { from: o1.id, to: o2.id }, { from: o2.id, to: admin.id }, { from: admin.id, to: null },
    ]);
  });

  it('acknowledge takes an unassigned ticket and tells the citizen', async () => {
    const { h, number, o1 } = await withTicket();
    await inbox(h);
    const t = await act(h, o1, number, { type: 'acknowledge' });
    expect(t.status).toBe('acknowledged');
    const stored = await ticketRow(h.app, number);
    expect([stored.status, stored.assigned_to, stored.acknowledged_at]).toEqual(['acknowledged', o1.id, h.clock.now().toISOString()]);
    const told = await inbox(h, 'citizen-1');
    expect(told).toHaveLength(1);
    expect(told[0]).toContain(`Your ticket ${number} has been received by the officer`);
    await expect(act(h, o1, number, { type: 'acknowledge' })).rejects.toMatchObject({ code: ERROR_CODES.TICKET_TRANSITION });
  });

  it('reply: the citizen gets the text (identifiers masked), it is in the transcript, and it acknowledges the ticket', async () => {
    const { h, number, o1 } = await withTicket();
    await inbox(h);
    const keys: string[] = [];
    const unsubscribe = h.app.live.subscribe((k) => keys.push(k));
    const t = await act(h, o1, number, { type: 'reply', text: '  The pipeline in Sector 4 is being repaired; your Aadhaar 7391 8264 0512 is not needed.  ' });
    unsubscribe();
    expect(keys).toContain('console:citizen-1');
    // The reply is the acknowledgment (no separate notice); resolving is a separate action.
    expect(t.status).toBe('acknowledged');
    expect(t.acknowledged_at).toBe(h.clock.now().toISOString());

    const told = await inbox(h, 'citizen-1');
    expect(told).toHaveLength(1);
    expect(told[0]).toContain(`Reply from the Grievance desk officer about your ticket ${number}`);
    expect(told[0]).toContain('The pipeline in Sector 4 is being repaired; your Aadhaar XXXX XXXX 0512 is not needed.');
    expect(told[0]).not.toContain('7391 8264');

    const transcript = await h.app.store.transaction((u) => u.transcripts.of('console:citizen-1'));
    const out = transcript.filter((r) => r.direction === 'out' && r.text.includes('The pipeline in Sector 4'));
    expect(out).toHaveLength(1);
    expect(out[0]!.text).toContain('XXXX XXXX 0512');
    expect(transcript.some((r) => r.text.includes('7391 8264'))).toBe(false);
    const detail = await h.app.desk.ticket(o1, number);
    expect(detail.transcript.at(-1)!.text).toBe(out[0]!.text);
    expect(detail.history.map((e) => e.kind)).toContain('officer_reply');
    expect(detail.assignee?.id).toBe(o1.id);
  });

  it('reply in Hindi uses the Hindi frame and title', async () => {
    const { h, number, o1 } = await withTicket('hi');
    await inbox(h);
    await act(h, o1, number, { type: 'reply', text: 'पाइपलाइन की मरम्मत चल रही है।' });
    const told = await inbox(h, 'citizen-1');
    expect(told).toEqual([`आपके टिकट ${number} के बारे में शिकायत डेस्क अधिकारी का उत्तर:\nपाइपलाइन की मरम्मत चल रही है।\n${CONTACT_HI}`]);
  });

  it('ask: the ticket waits for the citizen, and their next message resumes it', async () => {
    const { h, number, o1 } = await withTicket();
    await inbox(h);
    const t = await act(h, o1, number, { type: 'ask', question: 'Please send your consumer number.' });
    expect(t.status).toBe('awaiting_citizen');
    expect((await ticketRow(h.app, number)).status).toBe('awaiting_citizen');
    const told = await inbox(h, 'citizen-1');
    expect(told.join('\n')).toContain('“Please send your consumer number.”');

    const replies = await h.say('Consumer number 44-1029-3');
    expect(replies.map((m) => m.text).join('\n')).toContain(`Your reply on ticket ${number} has been passed to the officer`);
    const after = await ticketRow(h.app, number);
    expect(after.status).toBe('in_progress');
    expect(JSON.parse(after.pauses)).toHaveLength(1);
    const detail = await h.app.desk.ticket(o1, number);
    expect(detail.history.map((e) => `${e.kind}:${e.to ?? ''}`)).toEqual(expect.arrayContaining(['transition:awaiting_citizen', 'citizen_reply:', 'transition:in_progress']));
  });

  it('extend is not offered on a DPDP ticket, and refused if asked for: the Act and Rules provide none', async () => {
    const { h, number, o1 } = await withTicket();
    await inbox(h);
    expect((await h.app.desk.ticket(o1, number)).actions).not.toContain('extend');
    const before = await ticketRow(h.app, number);
    await rejectsWith(act(h, o1, number, { type: 'extend', unit: 'calendar_days', value: 15, reason: 'Records must come from the zonal office.' }), ERROR_CODES.TICKET_EXTENSION_NOT_ALLOWED);
    expect((await ticketRow(h.app, number)).due_at).toBe(before.due_at);
    expect(await inbox(h)).toEqual([]);
  });

  it('extend (CPGRAMS): needs a reason, moves the date and tells the citizen; a second extension is refused', async () => {
    const { h, number, o1 } = await withTicket('en', CPGRAMS);
    expect((await h.app.desk.ticket(o1, number)).actions).toContain('extend');
    await inbox(h);
    expect(deskActionSchema.safeParse({ type: 'extend', unit: 'calendar_days', value: 15, reason: 'no' }).success).toBe(false);
    expect(deskActionSchema.safeParse({ type: 'extend', unit: 'calendar_days', value: 15 }).success).toBe(false);
    const before = await ticketRow(h.app, number);
    const t = await act(h, o1, number, { type: 'extend', unit: 'calendar_days', value: 15, reason: 'Records must come from the zonal office.' });
    expect(Date.parse(t.due_at) - Date.parse(before.due_at)).toBe(15 * DAY);
    expect(JSON.parse((await ticketRow(h.app, number)).extension!)).toMatchObject({ reason: 'Records must come from the zonal office.', duration: { unit: 'calendar_days', value: 15 } });
    const told = await inbox(h, 'citizen-1');
    expect(told).toHaveLength(1);
    expect(told[0]).toContain(`The time to answer your ticket ${number} has been extended to`);
    expect(told[0]).toContain('Reason: Records must come from the zonal office.');

    await rejectsWith(act(h, o1, number, { type: 'extend', unit: 'calendar_days', value: 5, reason: 'Once more, please.' }), ERROR_CODES.TICKET_EXTENSION_NOT_ALLOWED);
    expect((await ticketRow(h.app, number)).due_at).toBe(t.due_at);
    expect(await inbox(h)).toEqual([]);
    expect((await h.app.desk.ticket(o1, number)).actions).not.toContain('extend');
  });

  it('resolve asks the citizen whether they are satisfied; close ends the ticket', async () => {
    const { h, number, o1 } = await withTicket();
    await inbox(h);
    const t = await act(h, o1, number, { type: 'resolve', reason: 'Supply restored on 24 November.' });
    expect(t.status).toBe('resolved');
    await h.app.sender.drain('console');
    const sent = h.adapter.take();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toBe(`Your ticket ${number} has been resolved.\nAnswer: Supply restored on 24 November.\n${CONTACT_EN}\nAre you satisfied with this answer?`);
    expect(sent[0]!.choices.map((c) => c.id)).toEqual(['yes', 'no']);
    expect((await h.app.desk.queue(o1, filters())).items).toEqual([]);

    const closed = await act(h, o1, number, { type: 'close' });
    expect(closed.status).toBe('closed');
    const stored = await ticketRow(h.app, number);
    expect(stored.closed_at).toBe(h.clock.now().toISOString());
    expect((await inbox(h, 'citizen-1')).join('\n')).toContain(`Your ticket ${number} has been closed.`);
    await rejectsWith(act(h, o1, number, { type: 'reply', text: 'One more thing.' }), ERROR_CODES.TICKET_TRANSITION);
  });

  it('escalate tells the citizen who has the ticket now', async () => {
    const { h, number, o1 } = await withTicket();
    await inbox(h);
    await act(h, o1, number, { type: 'escalate', reason: 'Tariff question for the Grievance Officer.' });
    const told = await inbox(h, 'citizen-1');
    expect(told.join('\n')).toContain(`Your ticket ${number} has been referred to the Grievance Officer for a decision.`);
    // At the last rung there is nowhere to go.
    const go = await addOfficer(h.app, 'grievance_officer');
    await act(h, go, number, { type: 'escalate', reason: 'For the Data Protection Officer.' });
    const dpo = await addOfficer(h.app, 'dpo');
    expect((await h.app.desk.ticket(dpo, number)).actions).not.toContain('escalate');
    await rejectsWith(act(h, dpo, number, { type: 'escalate', reason: 'Nobody above me.' }), ERROR_CODES.TICKET_TRANSITION);
    expect((await ticketRow(h.app, number)).level).toBe(2);
  });

  it('rejects malformed actions before they reach the service', () => {
    const bad = (a: unknown) => {
      const r = deskActionSchema.safeParse(a);
      expect(r.success).toBe(false);
      return r.error!.issues.map((i) => i.message);
    };
    expect(bad({ type: 'reply', text: '' })).toEqual(['error.reply_empty']);
    expect(bad({ type: 'reply', text: '   \n ' })).toEqual(['error.reply_empty']);
    expect(bad({ type: 'reply', text: 'x'.repeat(4001) })).toEqual(['error.too_long']);
    expect(bad({ type: 'resolve', reason: 'ok' })).toEqual(['error.reason_short']);
    expect(bad({ type: 'escalate', reason: '    ' })).toEqual(['error.reason_short']);
    expect(bad({ type: 'ask', question: 'why' })).toEqual(['error.question_short']);
    expect(bad({ type: 'extend', unit: 'fortnights', value: 1, reason: 'A good reason.' })).toEqual(['error.unit_unknown']);
    expect(bad({ type: 'extend', unit: 'calendar_days', value: 0, reason: 'A good reason.' })).toEqual(['error.value_whole']);
    expect(bad({ type: 'delete' }).length).toBeGreaterThan(0);
    expect(deskActionSchema.parse({ type: 'reply', text: '  Hello  ' })).toEqual({ type: 'reply', text: 'Hello' });
    expect(deskActionSchema.parse({ type: 'assign', officerId: '7' })).toEqual({ type: 'assign', officerId: 7 });
    expect(deskActionSchema.safeParse({ type: 'close' }).success).toBe(true);
  });
});

describe('desk audit', () => {
  it('records each view and action with the officer as actor and no message text, in an unbroken chain', async () => {
    const h = await start();
    const number = await fileGrievance(h, { description: 'Secret-ish description: my neighbour Ramesh cut the line.' });
    const o1 = await addOfficer(h.app, 'officer');
    const before = (await auditRows(h.app)).length;

    await h.app.desk.queue(o1, filters({ language: 'en' }));
    await h.app.desk.ticket(o1, number);
    await act(h, o1, number, { type: 'reply', text: 'We have sent a plumber to Ramesh.' });
    await act(h, o1, number, { type: 'ask', question: 'Which house number is yours?' });
    await act(h, o1, number, { type: 'resolve', reason: 'Line reconnected by the plumber.' });

    const verdict = await verifyAudit(h.app.store);
    expect(verdict).toMatchObject({ ok: true });
    const rows = (await auditRows(h.app)).slice(before);
    expect(rows.map((r) => r.action)).toEqual(['queue.view', 'ticket.view', 'transcript.view', 'ticket.reply', 'ticket.ask', 'ticket.resolve']);
    expect(rows.every((r) => r.actor === `officer:${o1.id}`)).toBe(true);
    expect(rows.slice(1).every((r) => r.subject === `ticket:${number}`)).toBe(true);
    const details = rows.map((r) => r.detail).join('\n');
    for (const words of ['plumber', 'Ramesh', 'house number', 'reconnected', 'Secret-ish']) expect(details).not.toContain(words);
    expect(JSON.parse(rows.find((r) => r.action === 'ticket.ask')!.detail)).toEqual({ from: expect.any(String), to: 'awaiting_citizen', level: 0 });
    expect(JSON.parse(rows.find((r) => r.action === 'ticket.resolve')!.detail)).toEqual({ from: 'awaiting_citizen', to: 'resolved', level: 0 });
    expect(JSON.parse(rows.find((r) => r.action === 'transcript.view')!.detail)).toMatchObject({ rows: expect.any(Number) });

    // A refused action leaves no trace.
    const o2 = await addOfficer(h.app, 'officer');
    const head = (await auditRows(h.app)).length;
    await rejectsWith(act(h, o2, number, { type: 'take' }), ERROR_CODES.DESK_FORBIDDEN);
    expect((await auditRows(h.app)).length).toBe(head);
    expect(await verifyAudit(h.app.store)).toMatchObject({ ok: true, rows: head });
  });
});
