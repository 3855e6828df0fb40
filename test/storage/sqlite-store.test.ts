import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/storage/sqlite-store.ts';
import { tempDataDir } from '../helpers/harness.ts';

let store: SqliteStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});
const open = async () => (store = await SqliteStore.open(path.join(tempDataDir(), 'db.sqlite')));
const ticket = (n: string, key: string) => ({
  number: n, kind: 'grievance', status: 'open', language: 'en', channel: 'console', conversation_key: 'console:a',
  fields: '{}', created_at: '2026-11-22T00:00:00.000Z', due_at: '2026-12-22T18:29:59.000Z', updated_at: '2026-11-22T00:00:00.000Z', idempotency_key: key,
});

describe('SqliteStore', () => {
  it('a failing unit of work rolls back alone, even when it shares a commit', async () => {
    const s = await open();
    const results = await Promise.allSettled([
      s.transaction((u) => u.tickets.insert(ticket('GRV-2026-000001', 'k1'))),
      s.transaction(async (u) => {
        await u.tickets.insert(ticket('GRV-2026-000002', 'k2'));
        throw new Error('boom');
      }),
      s.transaction((u) => u.tickets.insert(ticket('GRV-2026-000003', 'k3'))),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const numbers = (await s.transaction((u) => u.tickets.list(10))).map((t) => t.number);
    expect(numbers).toEqual(['GRV-2026-000001', 'GRV-2026-000003']);
  });

  it('ignores a second ticket with the same idempotency key', async () => {
    const s = await open();
    expect(await s.transaction((u) => u.tickets.insert(ticket('GRV-2026-000001', 'same')))).toBe(true);
    expect(await s.transaction((u) => u.tickets.insert(ticket('GRV-2026-000002', 'same')))).toBe(false);
  });

  it('counts ticket numbers per prefix and year', async () => {
    const s = await open();
    const got = await s.transaction(async (u) => [
      await u.tickets.nextNumber('GRV', 2026), await u.tickets.nextNumber('GRV', 2026),
      await u.tickets.nextNumber('DPR', 2026), await u.tickets.nextNumber('GRV', 2027),
    ]);
    expect(got).toEqual([1, 2, 1, 1]);
  });

  it('marks a platform message as processed once', async () => {
    const s = await open();
    expect(await s.transaction((u) => u.markProcessed('telegram', '55', 'now'))).toBe(true);
    expect(await s.transaction((u) => u.markProcessed('telegram', '55', 'now'))).toBe(false);
    expect(await s.transaction((u) => u.markProcessed('console', '55', 'now'))).toBe(true);
  });

  it('keeps outbox order and retries', async () => {
    const s = await open();
    await s.transaction(async (u) => {
      for (const i of [1, 2, 3]) await u.outbox.enqueue({ channel: 'console', conversation_key: 'console:a', payload: `{"n":${i}}`, created_at: '2026-11-22T00:00:00.000Z' });
    });
    const rows = await s.transaction((u) => u.outbox.pending('console', '2026-11-22T00:00:01.000Z', 10));
    expect(rows.map((r) => r.payload)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    await s.transaction((u) => u.outbox.defer(rows[0]!.id, '2026-11-22T00:10:00.000Z', 'pending'));
    await s.transaction((u) => u.outbox.markSent(rows[1]!.id));
    const later = await s.transaction((u) => u.outbox.pending('console', '2026-11-22T00:00:02.000Z', 10));
    expect(later.map((r) => r.payload)).toEqual(['{"n":3}']);
  });
});
