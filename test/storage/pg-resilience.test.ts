import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { featureQueries } from '../../src/storage/feature-queries.ts';
import { PgStore } from '../../src/storage/pg-store.ts';
import { prepare } from '../../src/storage/prepared.ts';
import { pgTestSchema, TEST_DATABASE_URL } from '../helpers/backends.ts';

/**
 * Database trouble is survived, not fatal (docs/delivery.md): a connection reset fails the unit of
 * work that held it and nothing else; a statement that hangs is cut by the timeout.
 */

const q = featureQueries((db) => ({
  pid: prepare<Record<string, never>, { pid: number }>(() => db.selectNoFrom(sql<number>`pg_backend_pid()`.as('pid'))),
  sleep: prepare<{ s: number }, { slept: unknown }>((p) => db.selectNoFrom(sql<unknown>`pg_sleep(${p.s})`.as('slept'))),
  one: prepare<Record<string, never>, { one: number }>(() => db.selectNoFrom(sql<number>`1`.as('one'))),
}));

let disposers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const d of disposers.splice(0).reverse()) await d();
});

describe.skipIf(!TEST_DATABASE_URL)('PostgreSQL trouble', () => {
  it('a connection terminated in the middle of a unit of work fails that unit only; the store goes on', { timeout: 60_000 }, async () => {
    const db = await pgTestSchema();
    const store = await PgStore.open(db.url, { poolSize: 2 });
    disposers.push(async () => {
      await store.close();
      await db.drop();
    });
    const unhandled: unknown[] = [];
    const onUncaught = (e: unknown) => unhandled.push(e);
    process.on('uncaughtException', onUncaught);
    disposers.push(async () => void process.off('uncaughtException', onUncaught));

    const failed = store.transaction(async (u) => {
      const [row] = await u.exec.all(q(u.dialect).pid, {});
      // An administrator (or a failover) ends this very connection while the work holds it.
      await db.query(`select pg_terminate_backend(${Number(row!.pid)})`);
      await new Promise((r) => setTimeout(r, 200));
      return u.exec.all(q(u.dialect).one, {});
    });
    await expect(failed).rejects.toThrow();
    // Other units of work, before and after, run; the pool replaced the dead connection.
    for (let i = 0; i < 4; i++) expect(await store.transaction((u) => u.exec.all(q(u.dialect).one, {}))).toEqual([{ one: 1 }]);
    expect(unhandled).toEqual([]);
  });

  it('a statement that does not finish in time is cancelled, failing its unit of work only', { timeout: 60_000 }, async () => {
    const db = await pgTestSchema();
    const store = await PgStore.open(db.url, { poolSize: 2, statementTimeoutMs: 500 });
    disposers.push(async () => {
      await store.close();
      await db.drop();
    });
    await expect(store.transaction((u) => u.exec.all(q(u.dialect).sleep, { s: 5 }))).rejects.toThrow(/timeout|cancel/i);
    expect(await store.transaction((u) => u.exec.all(q(u.dialect).one, {}))).toEqual([{ one: 1 }]);
  });
});
