import { describe, expect, it } from 'vitest';
import { appendAudit, auditPoint, verifyAudit } from '../../src/audit/audit-log.ts';
import { createLogger } from '../../src/logger.ts';
import { loadProfile } from '../../src/profile/load.ts';
import { RetentionService } from '../../src/retention/retention-service.ts';
import type { Store } from '../../src/storage/sqlite-store.ts';
import { backends, useStoresWithSql } from '../helpers/backends.ts';
import { FakeClock } from '../helpers/harness.ts';
import { NOW, profileWithRetention, T_NEW, T_OLD } from './helpers.ts';

/**
 * A retention purge cut off at any of its transactions (a crash, a lost database: nothing more is
 * written, not even its `unfinished` record) leaves an audit log that `audit verify` calls intact,
 * never tampered; the next run finishes the job; and real tampering is still named.
 */
const OLD_ROWS = 600; // two steps of the audit purge (500 rows per transaction)
const NEW_ROWS = 3;

async function fill(store: Store): Promise<void> {
  const at = (base: string, i: number) => new Date(Date.parse(base) + i * 1000);
  await store.transaction(async (u) => {
    for (let i = 1; i <= OLD_ROWS; i++) await appendAudit(u, { actor: 'officer:1', action: 'ticket.view', subject: `ticket:GRV-2025-${String(i).padStart(6, '0')}`, at: at(T_OLD, i) });
    for (let i = 1; i <= NEW_ROWS; i++) await appendAudit(u, { actor: 'officer:2', action: 'ticket.reply', subject: 'ticket:GRV-2025-000001', detail: { i }, at: at(T_NEW, i) });
  });
}

/** The store as the purge sees it when the process dies at its `crashAt`-th transaction: that one and every later one fail. */
function dyingAt(store: Store, crashAt: number): { store: Store; transactions: () => number } {
  let n = 0;
  return {
    store: {
      transaction: (work) => (++n >= crashAt ? Promise.reject(new Error(`crash at transaction ${n}`)) : store.transaction(work)),
      close: () => store.close(),
    },
    transactions: () => n,
  };
}

for (const backend of backends) {
  describe.skipIf(backend.skip)(`a retention purge interrupted at each step (${backend.name})`, () => {
    /** A fresh store and raw SQL beside it (what someone with database access can do). */
    const openWithSql = useStoresWithSql(backend);

    const service = (store: Store) =>
      new RetentionService({ store, profile: loadProfile(profileWithRetention()), clock: new FakeClock(NOW).now, logger: createLogger('silent') });

    it('verifies intact after a crash at any transaction, and the next run finishes the purge', { timeout: 180_000 }, async () => {
      // How many transactions a whole run takes on this data.
      const counted = await openWithSql();
      await fill(counted.store);
      const counter = dyingAt(counted.store, Number.POSITIVE_INFINITY);
      await service(counter.store).run({ dryRun: false });
      const total = counter.transactions();
      await openWithSql.closePostgres();

      const pointsLeft = new Set<number>();
      for (let crashAt = 1; crashAt <= total; crashAt++) {
        const { store } = await openWithSql();
        await fill(store);
        await expect(service(dyingAt(store, crashAt).store).run({ dryRun: false }), `crash at ${crashAt}`).rejects.toThrow(`crash at transaction ${crashAt}`);
        const point = await store.transaction(auditPoint);
        pointsLeft.add(point.purgeBelow);
        const verdict = await verifyAudit(store);
        expect(verdict, `crash at transaction ${crashAt} of ${total}`).toMatchObject({ ok: true });
        expect(verdict.ok && (verdict.purgedThrough ?? 0)).toBe(point.purgeBelow);

        await service(store).run({ dryRun: false });
        expect(await verifyAudit(store), `rerun after a crash at ${crashAt}`).toMatchObject({ ok: true, purgedThrough: OLD_ROWS });
        await openWithSql.closePostgres();
      }
      // The crashes fell before the audit purge, between its two steps, and after its last.
      expect([...pointsLeft].sort((a, b) => a - b)).toEqual([0, 500, OLD_ROWS]);
    });

    it('real tampering after an interrupted purge is still named', { timeout: 60_000 }, async () => {
      const { store, sql } = await openWithSql();
      await fill(store);
      // The process dies as soon as the audit purge's first step has committed.
      let dead = false;
      const dying: Store = {
        transaction: async (work) => {
          if (dead) throw new Error('crash');
          const result = await store.transaction(work);
          dead = (await store.transaction(auditPoint)).purgeBelow === 500;
          return result;
        },
        close: () => store.close(),
      };
      await expect(service(dying).run({ dryRun: false })).rejects.toThrow('crash');
      expect(await verifyAudit(store)).toMatchObject({ ok: true, purgedThrough: 500 });
      // Someone raises the purge point over today's rows, as the purge would (hash kept, rows deleted).
      const [row] = await store.transaction((u) => u.audit.after(OLD_ROWS + 1, 1));
      await sql(`update audit_head set purge_below = ${row!.seq}, base_hash = '${row!.hash}' where id = 1`);
      expect(await verifyAudit(store)).toMatchObject({
        ok: false, brokenSeq: row!.seq, reason: `rows 1–${row!.seq} are marked purged but no recorded retention purge (audit row retention.purge) left the purge point there`,
      });
    });
  });
}
