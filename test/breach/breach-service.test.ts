import { afterEach, describe, expect, it } from 'vitest';
import { parseIdentifiers } from '../../src/breach/recipients.ts';
import { ERROR_CODES } from '../../src/errors.ts';
import { FakeClock, startHarness, type Harness } from '../helpers/harness.ts';
import { BREACH } from './fixture.ts';

const NOW = '2026-12-07T04:30:00.000Z'; // Mon 7 Dec 2026, 10:00 IST
const DPO = { id: 3, role: 'dpo' };
const OFFICER = { id: 4, role: 'officer' };


let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Three citizens who wrote to us (two in English, one in Hindi), two on file, one on file who never wrote. */
async function setup(): Promise<Harness> {
  h = await startHarness({ clock: new FakeClock('2026-11-23T04:30:00.000Z') });
  for (const t of ['hi', '2', 'yes']) await h.say(t, { user: 'asha' });
  for (const t of ['नमस्ते', '१', 'हाँ']) await h.say(t, { user: 'ravi' });
  for (const t of ['hi', '2', 'yes']) await h.say(t, { user: 'meena' });
  await h.app.store.transaction(async (u) => {
    await u.principals.upsert({ external_ref: 'CUST-1', name: null, mobile: '+919876543210', email: 'ravi@example.in', source: 'csv', updated_at: NOW });
    await u.principals.upsert({ external_ref: 'CUST-2', name: null, mobile: '+919123456780', email: null, source: 'csv', updated_at: NOW });
    const ravi = (await u.principals.byMobile('+919876543210'))[0]!;
    await u.verifications.add({ conversation_key: 'console:ravi', principal_id: ravi.id, level: 'otp', method: 'sms', at: NOW, detail: '{}' });
  });
  h.clock.set(NOW);
  return h;
}

async function inbox(h: Harness): Promise<Map<string, string[]>> {
  await h.app.sender.drain('console');
  const out = new Map<string, string[]>();
  for (const s of h.adapter.sent.splice(0)) out.set(s.to, [...(out.get(s.to) ?? []), s.message.text]);
  return out;
}

describe('personal-data breach notices (s.8(6), Rule 7)', () => {
  it('parses a pasted list: conversation keys, mobiles, emails and references, header and duplicates dropped', () => {
    expect(parseIdentifiers('identifier\nconsole:asha\n+91 98765 43210\n09876543210\nRavi@Example.in, CUST-9;"CUST-9"\n\n')).toEqual([
      { kind: 'conversation', value: 'console:asha' },
      { kind: 'mobile', value: '+919876543210' },
      { kind: 'email', value: 'ravi@example.in' },
      { kind: 'ref', value: 'CUST-9' },
    ]);
  });

  it('tells each affected person once, in their language, with the Rule 7(1) items and the contact; keeps the rest for other means', async () => {
    const h = await setup();
    const id = await h.app.breaches.record(DPO, BREACH);
    const added = await h.app.breaches.addAffected(DPO, id, 'console:asha\n9876543210\nravi@example.in\nCUST-1\nCUST-2\nCUST-404\nconsole:meena\nconsole:nobody');
    // Ravi is named three ways and told once; CUST-2 never wrote to us; CUST-404 and console:nobody are unknown.
    expect(added).toEqual({ identifiers: 8, told: 3, unreachable: 3 });
    expect(await h.app.breaches.addAffected(DPO, id, 'console:asha\nCUST-2')).toEqual({ identifiers: 2, told: 0, unreachable: 0 });

    expect(await h.app.breaches.dispatch()).toBe(3);
    expect(await h.app.breaches.dispatch()).toBe(0);
    const told = await inbox(h);
    expect([...told.keys()].sort()).toEqual(['asha', 'meena', 'ravi']);
    for (const msgs of told.values()) expect(msgs).toHaveLength(1);
    const en = told.get('asha')![0]!;
    for (const part of [
      'Important notice from Jal Board', BREACH.notice.en.what, BREACH.occurred, BREACH.notice.en.consequences, BREACH.notice.en.mitigation, BREACH.notice.en.safety,
      'contact A. Sharma, Data Protection Officer: dpo@example.org, +91 11 2345 6789.',
    ]) expect(en).toContain(part);
    const hi = told.get('ravi')![0]!;
    for (const part of ['जल बोर्ड की ओर से ज़रूरी सूचना', BREACH.notice.hi.what, BREACH.notice.hi.safety, 'डेटा संरक्षण अधिकारी A. Sharma से संपर्क करें']) expect(hi).toContain(part);
    // The transcript keeps what each was told.
    const rows = await h.app.store.transaction((u) => u.transcripts.of('console:ravi'));
    expect(rows.at(-1)!.text).toBe(hi);

    const view = await h.app.breaches.view(DPO, id);
    expect(view.progress).toEqual({ total: 6, queued: 3, pending: 0, sent: 3, failed: 0, unreachable: 3 });
    expect(view.otherMeans.map((o) => `${o.identifier} ${o.reason}`).sort()).toEqual([
      'conversation:console:nobody not_found', 'ref:CUST-2 no_channel', 'ref:CUST-404 not_found',
    ]);
  });

  it('keeps the 72-hour clock for the Board, reminds before it, and stops it with the detailed report', async () => {
    const h = await setup();
    const id = await h.app.breaches.record(DPO, BREACH);
    const v = await h.app.breaches.view(DPO, id);
    expect(v.breach.board_due_at).toBe('2026-12-10T03:30:00.000Z');
    expect(v.hoursLeft).toBe(71);
    expect(await h.app.breaches.remindIfDue()).toBe(0);
    h.clock.set('2026-12-09T04:00:00.000Z'); // 23.5 hours left
    expect(await h.app.breaches.remindIfDue()).toBe(1);
    expect(await h.app.breaches.remindIfDue()).toBe(0);
    h.clock.set('2026-12-10T03:31:00.000Z'); // late: the 6-hour and the overdue reminders at once, as one
    expect(await h.app.breaches.remindIfDue()).toBe(1);
    const audit = await h.app.store.transaction((u) => u.audit.after(0, 1000));
    expect(audit.filter((r) => r.action === 'breach.reminder').map((r) => JSON.parse(r.detail!).hours_before_due)).toEqual([24, 0]);

    await h.app.breaches.addReport(DPO, id, {
      kind: 'detailed', description: 'Billing server exposed between 1 and 5 December.', facts: 'A firewall rule was removed during maintenance.',
      mitigation: 'Rule restored; passwords rotated.', findings: 'No insider involvement found.', remedial: 'Change review before any firewall edit.',
    });
    await h.app.breaches.addReport(DPO, id, { kind: 'followup', description: 'Forensics complete.', facts: 'Access came from one IP.', mitigation: 'IP blocked.', remedial: 'Quarterly audits.' });
    const report = await h.app.breaches.boardReport(DPO, id);
    expect(report).toMatchObject({
      rule: 'DPDP Rules 2025, Rule 7(2)',
      breach: { id, foundAt: BREACH.foundAt, boardReportDueAt: '2026-12-10T03:30:00.000Z', boardReportedAt: '2026-12-10T03:31:00.000Z', description: BREACH.notice.en.what },
      reports: [{ kind: 'detailed', findings: 'No insider involvement found.' }, { kind: 'followup', findings: '' }],
      intimations: { total: 0 },
    });
    h.clock.advance(24 * 3_600_000);
    expect(await h.app.breaches.remindIfDue()).toBe(0);
    const actions = (await h.app.store.transaction((u) => u.audit.after(0, 1000))).map((r) => r.action).filter((a) => a.startsWith('breach.'));
    expect(actions).toEqual(['breach.record', 'breach.view', 'breach.reminder', 'breach.reminder', 'breach.report', 'breach.report', 'breach.view', 'breach.report_download']);
  });

  it('is for the DPO and the administrator only, and refuses a breach found in the future or with missing items', async () => {
    const h = await setup();
    await expect(h.app.breaches.record(OFFICER, BREACH)).rejects.toMatchObject({ code: ERROR_CODES.DESK_FORBIDDEN });
    const id = await h.app.breaches.record({ id: 1, role: 'admin' }, BREACH);
    await expect(h.app.breaches.view(OFFICER, id)).rejects.toMatchObject({ code: ERROR_CODES.DESK_FORBIDDEN });
    await expect(h.app.breaches.addAffected(OFFICER, id, 'console:asha')).rejects.toMatchObject({ code: ERROR_CODES.DESK_FORBIDDEN });
    await expect(h.app.breaches.record(DPO, { ...BREACH, foundAt: '2026-12-08T04:30:00.000Z' })).rejects.toMatchObject({ code: ERROR_CODES.DESK_INPUT, message: 'error.breach_found_future' });
    await expect(h.app.breaches.record(DPO, { ...BREACH, notice: { ...BREACH.notice, hi: { ...BREACH.notice.hi, safety: '' } } })).rejects.toMatchObject({ code: ERROR_CODES.DESK_INPUT });
    await expect(h.app.breaches.addAffected(DPO, id, '\n\n')).rejects.toMatchObject({ message: 'error.breach_no_identifiers' });
  });
});
