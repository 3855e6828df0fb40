import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PgStore } from '../../src/storage/pg-store.ts';
import { pgTestSchema, TEST_DATABASE_URL } from '../helpers/backends.ts';

/** The advisory lock id `SchemaMigrationAdapter` takes for `schema`. */
function lockId(schema: string): string {
  return createHash('sha256').update(`nivaran-migrations:${schema}`).digest().readBigInt64BE(0).toString();
}

describe.skipIf(!TEST_DATABASE_URL)('migrations on PostgreSQL', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const clean of cleanups.splice(0)) await clean();
  });

  it('an instance starting while another migrates waits for it, longer than the statement timeout', async () => {
    const target = await pgTestSchema();
    cleanups.push(target.drop);
    // Another instance of this installation "migrating": it holds the schema's migration lock.
    const other = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await other.connect();
    cleanups.push(() => other.end());
    await other.query(`select pg_advisory_lock(${lockId(target.schema)})`);
    let opened = false;
    const opening = PgStore.open(target.url, { statementTimeoutMs: 500 }).then((store) => {
      opened = true;
      return store;
    });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(opened).toBe(false);
    await other.query(`select pg_advisory_unlock(${lockId(target.schema)})`);
    const store = await opening;
    cleanups.push(() => store.close());
    const rows = await target.query(`select count(*)::int as n from ${target.schema}.kysely_migration`);
    expect(Number(rows[0]?.n)).toBeGreaterThan(0);
  }, 60_000);

  it('installations in different schemas of one database do not wait for each other', async () => {
    const busy = await pgTestSchema();
    const free = await pgTestSchema();
    cleanups.push(busy.drop, free.drop);
    const other = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await other.connect();
    cleanups.push(() => other.end());
    await other.query(`select pg_advisory_lock(${lockId(busy.schema)})`);
    // Kysely's own adapter takes one lock for the whole database; hold that too.
    await other.query(`select pg_advisory_lock(3853314791062309107)`);
    const store = await PgStore.open(free.url, { statementTimeoutMs: 30_000 });
    cleanups.push(() => store.close());
    const rows = await free.query(`select count(*)::int as n from ${free.schema}.kysely_migration`);
    expect(Number(rows[0]?.n)).toBeGreaterThan(0);
  }, 60_000);
});

describe.skipIf(!TEST_DATABASE_URL)('migrations on PostgreSQL beside other installations', () => {
  it('are not disturbed by other schemas being created and dropped at the same time', async () => {
    // Other installations (or test runs) come and go in the same database while this one starts.
    let churning = true;
    const churn = async (n: number) => {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        for (let i = 0; churning; i++) {
          const name = `nivaran_churn_${process.pid}_${n}_${i}`;
          await client.query(`create schema ${name}; create table ${name}.t (id int primary key, v text)`);
          await client.query(`drop schema ${name} cascade`);
        }
      } finally {
        await client.end();
      }
    };
    const churners = [0, 1, 2, 3].map((n) => churn(n));
    const schemas: Array<Awaited<ReturnType<typeof pgTestSchema>>> = [];
    try {
      for (let i = 0; i < 6; i++) {
        const target = await pgTestSchema();
        schemas.push(target);
        const store = await PgStore.open(target.url, { poolSize: 1 });
        await store.close();
      }
    } finally {
      churning = false;
      await Promise.all(churners);
      for (const s of schemas) await s.drop();
    }
  }, 120_000);
});
