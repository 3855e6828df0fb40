import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { appendAudit, auditHash, verifyAudit, type AuditEntry } from '../../src/audit/audit-log.ts';
import { PgStore } from '../../src/storage/pg-store.ts';
import { SqliteStore, type Store } from '../../src/storage/sqlite-store.ts';
import { backends, pgTestSchema, type Backend, useStores } from '../helpers/backends.ts';

/**
 * The hash-chained audit log on every backend: appends (one by one, several in one unit of work,
 * concurrent), the database's refusal of UPDATE and DELETE, and `verifyAudit` naming the row
 * someone with database access changed or removed. PostgreSQL's cases are reported skipped when
 * TEST_DATABASE_URL is unset.
 */

const T0 = Date.parse('2026-11-22T05:30:00.000Z');
const entry = (i: number): AuditEntry => ({
  actor: `officer:${(i % 3) + 1}`,
  action: i % 2 === 0 ? 'ticket.view' : 'ticket.reply',
  subject: `ticket:GRV-2026-${String(i).padStart(6, '0')}`,
  detail: { i, note: 'no personal data' },
  at: new Date(T0 + i * 1000),
});

async function appendMany(store: Store, from: number, to: number): Promise<number[]> {
  const seqs: number[] = [];
  for (let i = from; i <= to; i++) seqs.push(await store.transaction((u) => appendAudit(u, entry(i))));
  return seqs;
}

/** SQL on the store's own database, as someone with access to the server could run it. */
interface WithSql {
  store: Store;
  sql(text: string): Promise<void>;
  /** Lets UPDATE and DELETE through again (what a tamperer does first). */
  dropTriggers(): Promise<void>;
}

for (const backend of backends) {
  describe.skipIf(backend.skip)(`audit log: ${backend.name}`, () => {
    const open = useStores(backend);
    const openWithSql = useStoresWithSql(backend, open);

    it('appends rows numbered from 1, one or several per unit of work, and verifies them', async () => {
      const { store } = await open();
      expect(await verifyAudit(store)).toEqual({ ok: true, rows: 0, headSeq: 0 });
      expect(await appendMany(store, 1, 2)).toEqual([1, 2]);
      const several = await store.transaction(async (u) => [await appendAudit(u, entry(3)), await appendAudit(u, entry(4)), await appendAudit(u, entry(5))]);
      expect(several).toEqual([3, 4, 5]);
      expect(await verifyAudit(store)).toEqual({ ok: true, rows: 5, headSeq: 5 });

      const rows = await store.transaction((u) => u.audit.after(0, 100));
      expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(rows[0]).toMatchObject({
        seq: 1, at: '2026-11-22T05:30:01.000Z', actor: 'officer:2', action: 'ticket.reply', subject: 'ticket:GRV-2026-000001',
        detail: '{"i":1,"note":"no personal data"}', prev_hash: '0'.repeat(64),
      });
      for (const [i, r] of rows.entries()) {
        expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
        if (i > 0) expect(r.prev_hash).toBe(rows[i - 1]!.hash);
      }
      expect(await store.transaction((u) => u.audit.head())).toEqual({ seq: 5, hash: rows[4]!.hash });
      expect((await store.transaction((u) => u.audit.ofSubject('ticket:GRV-2026-000003', 10))).map((r) => r.seq)).toEqual([3]);
    });

    it('an entry whose unit of work fails is rolled back with it, leaving no gap', async () => {
      const { store } = await open();
      await appendMany(store, 1, 2);
      await expect(store.transaction(async (u) => {
        await appendAudit(u, entry(3));
        throw new Error('the action failed');
      })).rejects.toThrow('the action failed');
      expect(await appendMany(store, 4, 4)).toEqual([3]);
      expect(await verifyAudit(store)).toEqual({ ok: true, rows: 3, headSeq: 3 });
    });

    it('20 concurrent units of work append a gap-free chain (the head row orders them)', async () => {
      const { store } = await open();
      const seqs = await Promise.all(Array.from({ length: 20 }, (_, i) => store.transaction(async (u) => {
        const seq = await appendAudit(u, entry(i + 1));
        await sleep(2); // hold the transaction open, so that on a pool the others overlap it
        return seq;
      })));
      expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(await verifyAudit(store)).toEqual({ ok: true, rows: 20, headSeq: 20 });
    });

    it('rows appended while verifyAudit runs are not taken for tampering', async () => {
      const { store } = await open();
      await appendMany(store, 1, 3);
      let calls = 0;
      // After verifyAudit's first read (the whole chain, 3 rows), another instance appends row 4.
      const busy: Store = {
        transaction: async (work) => {
          const result = await store.transaction(work);
          if (++calls === 1) await appendMany(store, 4, 4);
          return result;
        },
        close: () => store.close(),
      };
      expect(await verifyAudit(busy)).toEqual({ ok: true, rows: 4, headSeq: 4 });
    });

    it('the database refuses UPDATE and DELETE on audit_log', async () => {
      const { store, sql } = await openWithSql();
      await appendMany(store, 1, 3);
      await expect(sql(`update audit_log set detail = '{}' where seq = 2`)).rejects.toThrow(/audit_log is append-only/);
      await expect(sql('delete from audit_log where seq = 3')).rejects.toThrow(/audit_log is append-only/);
      await expect(sql('delete from audit_log')).rejects.toThrow(/audit_log is append-only/);
      expect(await verifyAudit(store)).toEqual({ ok: true, rows: 3, headSeq: 3 });
    });

    it('names row 2 when its detail was changed (triggers dropped first)', async () => {
      const { store, sql, dropTriggers } = await openWithSql();
      await appendMany(store, 1, 5);
      await dropTriggers();
      await sql(`update audit_log set detail = '{"i":2,"note":"edited"}' where seq = 2`);
      expect(await verifyAudit(store)).toEqual({
        ok: false, rows: 1, brokenSeq: 2, reason: 'row 2 was changed after it was written (its hash does not match its contents)',
      });
    });

    it('names row 2 when it was rewritten with a fresh hash (the next row no longer points to it)', async () => {
      const { store, sql, dropTriggers } = await openWithSql();
      await appendMany(store, 1, 5);
      await dropTriggers();
      const [, row2] = await store.transaction((u) => u.audit.after(0, 2));
      const forged = { ...row2!, actor: 'officer:9' };
      await sql(`update audit_log set actor = 'officer:9', hash = '${auditHash(forged.prev_hash, forged)}' where seq = 2`);
      expect(await verifyAudit(store)).toMatchObject({ ok: false, rows: 2, brokenSeq: 3, reason: 'row 3 does not point to the hash of row 2' });
    });

    it('names row 3 as missing when it was deleted', async () => {
      const { store, sql, dropTriggers } = await openWithSql();
      await appendMany(store, 1, 5);
      await dropTriggers();
      await sql('delete from audit_log where seq = 3');
      expect(await verifyAudit(store)).toEqual({ ok: false, rows: 2, brokenSeq: 3, reason: 'row 3 is missing (the next row is 4)' });
    });

    it('reports the head mismatch when the last row was deleted', async () => {
      const { store, sql, dropTriggers } = await openWithSql();
      await appendMany(store, 1, 5);
      await dropTriggers();
      await sql('delete from audit_log where seq = 5');
      expect(await verifyAudit(store)).toEqual({
        ok: false, rows: 4, brokenSeq: 5, reason: 'the chain ends at row 4 but its head records row 5: the last rows were removed',
      });
    });

    it('reports rows added behind the head, and a last row rewritten with the head left alone', async () => {
      const { store, sql, dropTriggers } = await openWithSql();
      await appendMany(store, 1, 3);
      await dropTriggers();
      const [, , row3] = await store.transaction((u) => u.audit.after(0, 3));
      const row4 = { seq: 4, at: row3!.at, actor: 'officer:1', action: 'ticket.view', subject: 'ticket:GRV-2026-000009', detail: '{}', prev_hash: row3!.hash };
      const hash4 = auditHash(row3!.hash, row4);
      await sql(`insert into audit_log (seq, at, actor, action, subject, detail, prev_hash, hash)
        values (4, '${row4.at}', '${row4.actor}', '${row4.action}', '${row4.subject}', '{}', '${row4.prev_hash}', '${hash4}')`);
      expect(await verifyAudit(store)).toMatchObject({ ok: false, brokenSeq: 4, reason: 'the head records row 3 but the chain goes on to row 4: rows were added without the head' });

      await sql('delete from audit_log where seq = 4');
      const forged = { ...row3!, actor: 'officer:9' };
      await sql(`update audit_log set actor = 'officer:9', hash = '${auditHash(forged.prev_hash, forged)}' where seq = 3`);
      expect(await verifyAudit(store)).toMatchObject({ ok: false, brokenSeq: 3, reason: 'row 3 is not the row its head records: the end of the chain was rewritten' });
    });
  });
}

/**
 * `open` with raw SQL beside the store: SQLite's own connection, or on PostgreSQL a `pg` client
 * on the store's test schema (a schema of its own, as backends.ts makes them, dropped after the test).
 */
function useStoresWithSql(backend: Backend, open: ReturnType<typeof useStores>): () => Promise<WithSql> {
  const cleanups: Array<() => Promise<void>> = [];
  const cleanUp = async () => {
    for (const c of cleanups.splice(0)) await c();
  };
  afterEach(cleanUp);
  afterAll(cleanUp);
  return async () => {
    if (backend.name === 'sqlite') {
      const { store } = await open();
      if (!(store instanceof SqliteStore)) throw new Error('expected a SqliteStore');
      return {
        store,
        sql: async (text) => void store.connection.exec(text),
        dropTriggers: async () => void store.connection.exec('drop trigger audit_log_no_update; drop trigger audit_log_no_delete'),
      };
    }
    const db = await pgTestSchema();
    const client = new pg.Client({ connectionString: db.url });
    let store: PgStore | undefined;
    cleanups.push(async () => {
      await client.end().catch(() => undefined);
      await store?.close();
      await db.drop();
    });
    store = await PgStore.open(db.url, { poolSize: 4 });
    await client.connect();
    const sql = async (text: string) => void (await client.query(text));
    return { store, sql, dropTriggers: () => sql('drop trigger audit_log_append_only on audit_log') };
  };
}
