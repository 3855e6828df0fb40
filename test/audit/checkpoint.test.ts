import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, auditPoint, sealAuditHead, setAuditKey, verifyAudit, type AuditEntry, type AuditPoint } from '../../src/audit/audit-log.ts';
import { auditHash } from '../../src/audit/audit-log.ts';
import { checkAgainst, makeCheckpoint, parseCheckpoint, type Checkpoint } from '../../src/audit/checkpoint.ts';
import { ERROR_CODES } from '../../src/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { loadProfile } from '../../src/profile/load.ts';
import { RetentionService, retentionCutoff } from '../../src/retention/retention-service.ts';
import type { Store } from '../../src/storage/sqlite-store.ts';
import { backends, useStoresWithSql } from '../helpers/backends.ts';
import { FakeClock } from '../helpers/harness.ts';
import { NOW, profileWithRetention, T_NEW, T_OLD } from '../retention/helpers.ts';

/**
 * Issue 14, item 5, what the keyed head alone cannot catch. The head's MAC proves the head was
 * written with AUDIT_SECRET, not that it is the latest: a head copied from an earlier state, or one
 * resealed by someone who holds the key (the application's server), passes `verifyAudit`. A signed
 * checkpoint kept elsewhere catches the rollback, the removed rows and a rewritten chain; a purge
 * point is accepted only with a recorded purge of expired rows.
 */
const KEY = 'c'.repeat(40);
const TODAY = Date.parse('2026-11-22T05:30:00.000Z');
const entry = (i: number, at = TODAY + i * 1000): AuditEntry => ({ actor: 'officer:1', action: 'ticket.view', subject: `ticket:GRV-2026-${String(i).padStart(6, '0')}`, detail: { i }, at: new Date(at) });

beforeAll(() => setAuditKey(KEY));
afterAll(() => setAuditKey(undefined));

for (const backend of backends) {
  describe.skipIf(backend.skip)(`audit checkpoints and purge records (${backend.name})`, () => {
    const openWithSql = useStoresWithSql(backend);
    /** A store with raw SQL beside it and the append-only triggers dropped: what someone with database access can do. */
    async function tamperable(): Promise<{ store: Store; sql: (text: string) => Promise<void> }> {
      const { store, sql, dropTriggers } = await openWithSql();
      await dropTriggers();
      return { store, sql };
    }

    const append = (store: Store, from: number, to: number, at?: (i: number) => number) =>
      store.transaction(async (u) => {
        for (let i = from; i <= to; i++) await appendAudit(u, entry(i, at?.(i)));
      });
    const rowAt = async (store: Store, seq: number) => (await store.transaction((u) => u.audit.after(seq - 1, 1)))[0]!;
    const restoreHead = (sql: (t: string) => Promise<void>, p: AuditPoint) =>
      sql(`update audit_head set seq = ${p.seq}, hash = '${p.hash}', purge_below = ${p.purgeBelow}, base_hash = '${p.baseHash}', mac = '${p.mac}' where id = 1`);
    /** verifyAudit, then the checkpoint: what `audit verify --against` does. */
    async function verifyAgainst(store: Store, cp: Checkpoint): Promise<{ ok: boolean; reason?: string }> {
      const verdict = await verifyAudit(store);
      if (!verdict.ok) return { ok: false, reason: verdict.reason };
      const refused = await checkAgainst(store, cp, verdict.purgeCutoff);
      return refused ? { ok: false, reason: refused } : { ok: true };
    }

    it('an untouched log holds its checkpoint, also after later appends; an altered checkpoint file is refused', async () => {
      const { store } = await tamperable();
      await append(store, 1, 5);
      const cp = await makeCheckpoint(store, KEY, new Date(TODAY + 60_000));
      expect(cp).toMatchObject({ seq: 5, rows: 5, purgedThrough: 0, hash: (await rowAt(store, 5)).hash });
      await append(store, 6, 8);
      expect(await verifyAgainst(store, cp)).toEqual({ ok: true });
      const text = JSON.stringify(cp);
      expect(parseCheckpoint(text, KEY)).toEqual(cp);
      expect(() => parseCheckpoint(text.replace('"seq":5', '"seq":4'), KEY)).toThrow(expect.objectContaining({ code: ERROR_CODES.AUDIT_CHECKPOINT_INVALID }));
      expect(() => parseCheckpoint(text, 'another installation’s key')).toThrow(/not signed with this AUDIT_SECRET/);
    });

    it('attack 1: the last rows deleted and the head moved back and resealed (with the key): refused against the checkpoint', async () => {
      const { store, sql } = await tamperable();
      await append(store, 1, 8);
      const cp = await makeCheckpoint(store, KEY, new Date(TODAY + 60_000));
      const row5 = await rowAt(store, 5);
      await sql(`delete from audit_log where seq > 5; update audit_head set seq = 5, hash = '${row5.hash}' where id = 1`);
      await store.transaction(sealAuditHead);
      expect(await verifyAudit(store)).toMatchObject({ ok: true, headSeq: 5 }); // the head alone cannot tell
      expect(await verifyAgainst(store, cp)).toEqual({ ok: false, reason: `the chain ends at row 5 but the checkpoint of ${cp.madeAt} recorded row 8: the log was rolled back to an earlier copy, or its last rows were removed` });
    });

    it('attack 4: rollback to a head copied earlier (no key needed): refused against a later checkpoint', async () => {
      const { store, sql } = await tamperable();
      await append(store, 1, 5);
      const copied = await store.transaction(auditPoint);
      await append(store, 6, 8);
      const cp = await makeCheckpoint(store, KEY, new Date(TODAY + 60_000));
      await sql('delete from audit_log where seq > 5');
      await restoreHead(sql, copied);
      expect(await verifyAudit(store)).toMatchObject({ ok: true, headSeq: 5 });
      expect(await verifyAgainst(store, cp)).toMatchObject({ ok: false, reason: expect.stringMatching(/^the chain ends at row 5 but .* recorded row 8: the log was rolled back/) });
    });

    it('attack 3: a row rewritten and every later hash recomputed (with the key): refused against the checkpoint', async () => {
      const { store, sql } = await tamperable();
      await append(store, 1, 5);
      const cp = await makeCheckpoint(store, KEY, new Date(TODAY + 60_000));
      const rows = await store.transaction((u) => u.audit.after(0, 10));
      let prev = rows[1]!.hash;
      for (const r of rows.slice(2)) {
        const changed = r.seq === 3 ? { ...r, actor: 'officer:9' } : r;
        const hash = auditHash(prev, changed, KEY);
        await sql(`update audit_log set actor = '${changed.actor}', prev_hash = '${prev}', hash = '${hash}' where seq = ${r.seq}`);
        prev = hash;
      }
      await sql(`update audit_head set hash = '${prev}' where id = 1`);
      await store.transaction(sealAuditHead);
      expect(await verifyAudit(store)).toMatchObject({ ok: true, headSeq: 5 });
      expect(await verifyAgainst(store, cp)).toEqual({ ok: false, reason: `row 5 is not the row the checkpoint of ${cp.madeAt} recorded: it or a row before it was rewritten` });
    });

    /** What the purge does to the head, done by hand by one holding the key: point raised, rows below deleted, head resealed. */
    async function raisePurgePoint(store: Store, sql: (t: string) => Promise<void>, through: number): Promise<void> {
      const row = await rowAt(store, through);
      await sql(`update audit_head set purge_below = ${through}, base_hash = '${row.hash}' where id = 1; delete from audit_log where seq <= ${through}`);
      await store.transaction(sealAuditHead);
    }

    it('attack 2: the purge point raised over today’s rows with no recorded purge: refused by verify itself', async () => {
      const { store, sql } = await tamperable();
      await append(store, 1, 5);
      await raisePurgePoint(store, sql, 4);
      expect(await verifyAudit(store)).toMatchObject({
        ok: false, brokenSeq: 4, reason: 'rows 1–4 are marked purged but no recorded retention purge (audit row retention.purge) left the purge point there',
      });
    });

    it('attack 2: with a purge recorded for a period under the 12-month floor: refused', async () => {
      const { store, sql } = await tamperable();
      await append(store, 1, 5);
      await raisePurgePoint(store, sql, 4);
      const now = new Date(TODAY + 10_000);
      await store.transaction((u) => appendAudit(u, { actor: 'system', action: 'retention.purge', subject: 'retention', detail: { months: { audit: 0 }, cutoffs: { audit: now.toISOString() }, auditPurgedThrough: 4 }, at: now }));
      expect(await verifyAudit(store)).toMatchObject({ ok: false, brokenSeq: 4, reason: expect.stringMatching(/^the retention purge recorded at row 6 removed audit rows younger than 12 months/) });
    });

    it('attack 2: a recorded purge with a proper cutoff that removed today’s rows anyway: refused against the checkpoint', async () => {
      const { store, sql } = await tamperable();
      await append(store, 1, 5);
      const cp = await makeCheckpoint(store, KEY, new Date(TODAY + 60_000));
      await append(store, 6, 7);
      await raisePurgePoint(store, sql, 6);
      const now = new Date(TODAY + 120_000);
      await store.transaction((u) => appendAudit(u, { actor: 'system', action: 'retention.purge', subject: 'retention', detail: { months: { audit: 12 }, cutoffs: { audit: retentionCutoff(now, 12).toISOString() }, auditPurgedThrough: 6 }, at: now }));
      expect(await verifyAudit(store)).toMatchObject({ ok: true, purgedThrough: 6 });
      expect(await verifyAgainst(store, cp)).toEqual({ ok: false, reason: `row 5 of the checkpoint of ${cp.madeAt} (written ${cp.rowAt}) is behind the purge point 6, but it had not expired when purged` });
    });

    it('the real retention purge of expired rows is explained, and a checkpoint of a purged expired row still holds', async () => {
      const { store } = await tamperable();
      await append(store, 1, 5, (i) => Date.parse(T_OLD) + i * 1000);
      const cp = await makeCheckpoint(store, KEY, new Date(Date.parse(T_OLD) + 60_000));
      await append(store, 6, 8, (i) => Date.parse(T_NEW) + i * 1000);
      const clock = new FakeClock(NOW);
      await new RetentionService({ store, profile: loadProfile(profileWithRetention()), clock: clock.now, logger: createLogger('silent') }).run({ dryRun: false });
      // Rows 6–8, the purge step's record and the run's.
      expect(await verifyAudit(store)).toMatchObject({ ok: true, purgedThrough: 5, rows: 5 });
      expect(await verifyAgainst(store, cp)).toEqual({ ok: true });
    });
  });
}
