import { afterEach, describe, expect, it } from 'vitest';
import { buildOwnDataExport, EXPORT_FORMAT } from '../../src/citizen-data/export.ts';
import { ownDataQueries } from '../../src/citizen-data/queries.ts';
import type { UnitOfWork } from '../../src/storage/unit-of-work.ts';
import { redact } from '../../src/text/redact.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const AT = '2026-11-22T05:30:00.000Z';

/** A conversation's worth of rows of every kind the export reads, as the router and effects write them. */
async function seed(uow: UnitOfWork, h: Harness, key: string, n: number, text: string): Promise<void> {
  const number = `GRV-2026-00000${n}`;
  await h.app.tickets.open(uow, {
    number, kind: 'grievance', fields: { category: 'billing', description: text, contact: null, principal_id: 7 }, lang: 'en',
    conversationKey: key, createdAt: AT, idempotencyKey: `t-${n}`,
  });
  await uow.consent.add({ conversation_key: key, channel: 'console', lang: 'en', notice_version: '2026-11', notice_hash: 'ab'.repeat(32), action: 'given', at: AT, message_id: `m-${n}` });
  await uow.verifications.add({ conversation_key: key, principal_id: 7, level: 'otp', method: 'sms', at: AT, detail: JSON.stringify({ destination: '+91 98XXXXX210', attempts: 1 }) });
  await uow.nominations.add({
    conversation_key: key, principal_id: 7, nominee_name: `Nominee ${n}`, relation: 'spouse', contact: '+919123456780', status: 'active', ticket_number: null, created_at: AT, updated_at: AT,
  });
  const t = await uow.tickets.byNumber(number);
  await uow.exec.run(ownDataQueries(uow.dialect).upsertRating, { ticket_id: t!.id, conversation_key: key, rating: n, comment: `Comment ${n}`, at: AT });
  await uow.transcripts.append({ conversation_key: key, direction: 'in', message_id: `m-${n}`, text, at: AT });
  await uow.transcripts.append({ conversation_key: key, direction: 'out', message_id: null, text: `Reply ${n}`, at: AT });
}

describe('the export builder', () => {
  it('holds one conversation’s tickets, consent, checks, nominees, ratings and transcript, and nothing of another', async () => {
    h = await startHarness();
    // What the router stores of a pasted Aadhaar and card number: only the last four digits.
    const pasted = redact('Charged twice. Aadhaar 2345 6789 0124, card 4111 1111 1111 1111, OTP 246810.').text;
    await h.app.store.transaction(async (uow) => {
      await seed(uow, h!, 'console:asha', 1, pasted);
      await seed(uow, h!, 'console:ravi', 2, 'The clerk was rude to me on Monday.');
    });
    const data = await h.app.store.transaction((uow) => buildOwnDataExport(uow, 'console:asha', new Date('2026-11-23T00:00:00.000Z')));

    expect(data.format).toBe(EXPORT_FORMAT);
    expect(data.exported_at).toBe('2026-11-23T00:00:00.000Z');
    expect(data.channel).toBe('console');
    expect(data.tickets).toEqual([expect.objectContaining({ number: 'GRV-2026-000001', kind: 'grievance', status: 'open', request: { category: 'billing', description: pasted, contact: null } })]);
    expect(data.consent).toEqual([{ action: 'given', notice_version: '2026-11', notice_hash: 'ab'.repeat(32), language: 'en', channel: 'console', at: AT }]);
    // Method and time only: no detail (masked destination, attempts), and never a code.
    expect(data.verifications).toEqual([{ level: 'otp', method: 'sms', at: AT }]);
    expect(data.nominations).toEqual([expect.objectContaining({ nominee_name: 'Nominee 1', relation: 'spouse', status: 'active' })]);
    expect(data.ratings).toEqual([{ ticket: 'GRV-2026-000001', rating: 1, comment: 'Comment 1', at: AT }]);
    expect(data.transcript).toEqual([{ from: 'you', text: pasted, at: AT }, { from: 'us', text: 'Reply 1', at: AT }]);

    const all = JSON.stringify(data);
    for (const other of ['GRV-2026-000002', 'Ravi', 'rude', 'Nominee 2', 'Comment 2', 'Reply 2']) expect(all).not.toContain(other);
    for (const secret of ['2345 6789 0124', '234567890124', '4111 1111 1111 1111', '4111111111111111', '246810', 'principal_id', 'attempts']) {
      expect(all).not.toContain(secret);
    }
    expect(all).toContain('XXXX XXXX 0124');
    expect(all).toContain('XXXX XXXX XXXX 1111');
  });

  it('is empty, not an error, for a conversation with nothing stored', async () => {
    h = await startHarness();
    const data = await h.app.store.transaction((uow) => buildOwnDataExport(uow, 'telegram:42', new Date(AT)));
    expect(data).toMatchObject({ channel: 'telegram', tickets: [], consent: [], verifications: [], nominations: [], ratings: [], transcript: [] });
  });
});
