import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Migration } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations, openSqlite } from '../../src/storage/db.ts';
import { PgStore } from '../../src/storage/pg-store.ts';
import { pgTestSchema, TEST_DATABASE_URL } from '../helpers/backends.ts';

/**
 * The migrations of the release at ab7ee86 (`git ls-tree ab7ee86 src/storage/migrations/`): it
 * shipped 0013-operations; 0011-security and 0012-breaches were written after it and sort before it.
 */
const RELEASED = [
  '0001-init',
  '0002-ticket-clocks',
  '0003-consent-identity',
  '0004-delivery-statuses',
  '0005-desk',
  '0006-quality-retention',
  '0007-quality-samples',
  '0008-purge-indexes',
  '0009-delivery',
  '0013-operations',
];

/** Tables only 0012-breaches creates, and columns only 0011-security adds. */
const TABLES_0012 = ['breach_recipients', 'breach_reports', 'breaches', 'consent_guardians'];
const COLUMNS_0011 = [
  ['legal_holds', 'release_reason'],
  ['api_tokens', 'expires_at'],
  ['audit_head', 'mac'],
  ['audit_head', 'keyed_from'],
] as const;

function released(all: Record<string, Migration>): Record<string, Migration> {
  return Object.fromEntries(RELEASED.map((name) => [name, all[name] as Migration]));
}

describe('a database migrated by the release that had 0013 before 0011/0012', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('opens on SQLite, and 0011/0012 run after 0013', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nivaran-unordered-'));
    dirs.push(dir);
    const file = path.join(dir, 'nivaran.sqlite');
    const raw = new Database(file);
    const kysely = new Kysely<unknown>({ dialect: new SqliteDialect({ database: raw }) });
    const { error } = await new Migrator({ db: kysely, provider: { getMigrations: async () => released(migrations('sqlite')) } }).migrateToLatest();
    expect(error).toBeUndefined();
    await kysely.destroy();

    const db = await openSqlite(file);
    try {
      const tables = db.prepare("select name from sqlite_master where type = 'table' and name in (select value from json_each(?)) order by name")
        .all(JSON.stringify(TABLES_0012)) as Array<{ name: string }>;
      expect(tables.map((t) => t.name)).toEqual(TABLES_0012);
      for (const [table, column] of COLUMNS_0011) {
        const columns = (db.prepare(`select name from pragma_table_info('${table}')`).all() as Array<{ name: string }>).map((c) => c.name);
        expect(columns).toContain(column);
      }
      const ran = (db.prepare('select name from kysely_migration').all() as Array<{ name: string }>).map((r) => r.name).sort();
      expect(ran).toEqual(Object.keys(migrations('sqlite')).sort());
    } finally {
      db.close();
    }
  });

  it.skipIf(!TEST_DATABASE_URL)('opens on PostgreSQL, and 0011/0012 run after 0013', async () => {
    const target = await pgTestSchema();
    try {
      const pool = new pg.Pool({ connectionString: target.url, max: 1 });
      const kysely = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
      const { error } = await new Migrator({
        db: kysely,
        provider: { getMigrations: async () => released(migrations('postgres')) },
        migrationTableSchema: target.schema,
      }).migrateToLatest();
      await kysely.destroy();
      expect(error).toBeUndefined();

      const store = await PgStore.open(target.url);
      await store.close();
      const tables = await target.query(
        `select table_name from information_schema.tables where table_schema = '${target.schema}' and table_name in (${TABLES_0012.map((t) => `'${t}'`).join(', ')}) order by table_name`,
      );
      expect(tables.map((t) => t.table_name)).toEqual(TABLES_0012);
      for (const [table, column] of COLUMNS_0011) {
        const found = await target.query(
          `select 1 from information_schema.columns where table_schema = '${target.schema}' and table_name = '${table}' and column_name = '${column}'`,
        );
        expect(found, `${table}.${column}`).toHaveLength(1);
      }
      const ran = (await target.query(`select name from ${target.schema}.kysely_migration`)).map((r) => String(r.name)).sort();
      expect(ran).toEqual(Object.keys(migrations('postgres')).sort());
    } finally {
      await target.drop();
    }
  }, 60_000);
});

describe('a migration that cannot run on SQLite', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it("is reported with Kysely's reason, not as migration unknown", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nivaran-unordered-'));
    dirs.push(dir);
    const file = path.join(dir, 'nivaran.sqlite');
    // A file from a newer release: it ran a migration this one does not know.
    const raw = new Database(file);
    const kysely = new Kysely<unknown>({ dialect: new SqliteDialect({ database: raw }) });
    const newer = { ...migrations('sqlite'), '9999-from-the-future': { up: async () => undefined } };
    const { error } = await new Migrator({ db: kysely, provider: { getMigrations: async () => newer } }).migrateToLatest();
    expect(error).toBeUndefined();
    await kysely.destroy();

    const opening = openSqlite(file);
    await expect(opening).rejects.toThrow(/Database migrations could not run on .*9999-from-the-future/);
    await expect(opening).rejects.not.toThrow(/unknown/);
  });
});
