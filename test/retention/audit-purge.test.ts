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
 * The audit log's own retention (auditMonths): the purge moves `audit_head.purge_below` and
 * `base_hash` and deletes up to it in one transaction, in steps; verification then starts after
 * the purge point and still reports an intact chain, and tampering with the rows kept, or with
 * the kept hash, is still named at its row.
 */

const OLD_ROWS = 1200; // more than one purge step (500 rows per transaction)
const NEW_ROWS = 10;
/** Each step (500, 500, 200 rows) records where it left the purge point: one `retention.audit_purge` row each. */
const STEPS = 3;

async function fill(store: Store): Promise<void> {
  const at = (base: string, i: number) => new Date(Date.parse(base) + i * 1000);
  for (let from = 1; from <= OLD_ROWS; from += 200) {
    await store.transaction(async (u) => {
      for (let i = from; i < from + 200; i++) await appendAudit(u, { actor: 'officer:1', action: 'ticket.view', subject: `ticket:GRV-2025-${String(i).padStart(6, '0')}`, at: at(T_OLD, i) });
    });
  }
  await store.transaction(async (u) => {
    for (let i = 1; i <= NEW_ROWS; i++) await appendAudit(u, { actor: 'officer:2', action: 'ticket.reply', subject: 'ticket:GRV-2025-000001', detail: { i }, at: at(T_NEW, i) });
  });
}

for (const backend of backends) {
  describe.skipIf(backend.skip)(`audit log retention on ${backend.name}`, () => {
    /** A store with raw SQL beside it (what someone with database access can do). */
    const openWithSql = useStoresWithSql(backend);

    const service = (store: Store, clock = new FakeClock(NOW)) =>
      new RetentionService({ store, profile: loadProfile(profileWithRetention()), clock: clock.now, logger: createLogger('silent') });

    it('deletes the expired rows in steps and the rest of the chain still verifies', async () => {
      const { store } = await openWithSql();
      await fill(store);
      const kept = (await store.transaction((u) => u.audit.after(OLD_ROWS - 1, 1)))[0]!;
      expect(kept.seq).toBe(OLD_ROWS);

      const dry = await service(store).run({ dryRun: true });
      expect(dry.classes.audit.deleted).toBe(OLD_ROWS);
      expect(await store.transaction(auditPoint)).toMatchObject({ purgeBelow: 0, seq: OLD_ROWS + NEW_ROWS });

      const report = await service(store).run({ dryRun: false, actor: 'cli' });
      expect(report.classes.audit.deleted).toBe(OLD_ROWS);
      expect(report.auditPurgedThrough).toBe(OLD_ROWS);
      expect(await store.transaction(auditPoint)).toMatchObject({ purgeBelow: OLD_ROWS, baseHash: kept.hash, seq: OLD_ROWS + NEW_ROWS + STEPS + 1 });
      const rows = await store.transaction((u) => u.audit.after(0, 5000));
      expect(rows[0]!.seq).toBe(OLD_ROWS + 1);
      expect(rows.slice(NEW_ROWS, NEW_ROWS + STEPS).map((r) => [r.actor, r.action, JSON.parse(r.detail).auditPurgedThrough, JSON.parse(r.detail).deleted])).toEqual([
        ['cli', 'retention.audit_purge', 500, 500], ['cli', 'retention.audit_purge', 1000, 500], ['cli', 'retention.audit_purge', OLD_ROWS, 200],
      ]);
      expect(rows.at(-1)).toMatchObject({ seq: OLD_ROWS + NEW_ROWS + STEPS + 1, actor: 'cli', action: 'retention.purge', subject: 'retention' });
      expect(JSON.parse(rows.at(-1)!.detail)).toMatchObject({ counts: { audit_log: OLD_ROWS }, auditPurgedThrough: OLD_ROWS });
      expect(await verifyAudit(store)).toEqual({ ok: true, rows: NEW_ROWS + STEPS + 1, headSeq: OLD_ROWS + NEW_ROWS + STEPS + 1, purgedThrough: OLD_ROWS, purgeCutoff: expect.any(String) });

      // Nothing more has expired: a second run leaves the log alone (and appends its own row).
      const again = await service(store).run({ dryRun: false });
      expect(again.classes.audit.deleted).toBe(0);
      expect(await verifyAudit(store)).toMatchObject({ ok: true, rows: NEW_ROWS + STEPS + 2, purgedThrough: OLD_ROWS, purgeCutoff: expect.any(String) });
    });

    it('the database still refuses to delete or change the rows kept', async () => {
      const { store, sql } = await openWithSql();
      await fill(store);
      await service(store).run({ dryRun: false });
      await expect(sql(`delete from audit_log where seq = ${OLD_ROWS + 3}`)).rejects.toThrow(/audit_log is append-only/);
      await expect(sql('delete from audit_log')).rejects.toThrow(/audit_log is append-only/);
      await expect(sql(`update audit_log set detail = '{}' where seq = ${OLD_ROWS + 3}`)).rejects.toThrow(/audit_log is append-only/);
      expect(await verifyAudit(store)).toMatchObject({ ok: true });
    });

    it('names a kept row changed after the purge', async () => {
      const { store, sql, dropTriggers } = await openWithSql();
      await fill(store);
      await service(store).run({ dryRun: false });
      await dropTriggers();
      await sql(`update audit_log set detail = '{"i":99}' where seq = ${OLD_ROWS + 3}`);
      expect(await verifyAudit(store)).toEqual({
        ok: false, rows: 2, brokenSeq: OLD_ROWS + 3, reason: `row ${OLD_ROWS + 3} was changed after it was written (its hash does not match its contents)`,
      });
    });

    it('names the first kept row when the hash the purge kept was changed', async () => {
      const { store, sql } = await openWithSql();
      await fill(store);
      await service(store).run({ dryRun: false });
      await sql(`update audit_head set base_hash = '${'f'.repeat(64)}' where id = 1`);
      expect(await verifyAudit(store)).toEqual({
        ok: false, rows: 0, brokenSeq: OLD_ROWS + 1, reason: `row ${OLD_ROWS + 1} does not point to the hash the retention purge kept of row ${OLD_ROWS}`,
      });
    });

    it('names a kept row deleted after the purge', async () => {
      const { store, sql, dropTriggers } = await openWithSql();
      await fill(store);
      await service(store).run({ dryRun: false });
      await dropTriggers();
      await sql(`delete from audit_log where seq = ${OLD_ROWS + 4}`);
      expect(await verifyAudit(store)).toMatchObject({ ok: false, brokenSeq: OLD_ROWS + 4, reason: `row ${OLD_ROWS + 4} is missing (the next row is ${OLD_ROWS + 5})` });
    });

    it('a purge that runs while the chain is verified is not taken for tampering', async () => {
      const { store } = await openWithSql();
      await fill(store);
      let calls = 0;
      const busy: Store = {
        transaction: async (work) => {
          const result = await store.transaction(work);
          // After verifyAudit read where the chain starts (row 1), another instance purges.
          if (++calls === 1) await service(store).run({ dryRun: false });
          return result;
        },
        close: () => store.close(),
      };
      expect(await verifyAudit(busy)).toEqual({ ok: true, rows: NEW_ROWS + STEPS + 1, headSeq: OLD_ROWS + NEW_ROWS + STEPS + 1, purgedThrough: OLD_ROWS, purgeCutoff: expect.any(String) });
    });
  });
}
