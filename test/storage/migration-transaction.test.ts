import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sql, type Kysely, type Migration } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteMigrator } from '../../src/storage/db.ts';
import { tempDataDir } from '../helpers/harness.ts';

/**
 * An upgrade killed half-way (or a migration that fails half-way) must leave a SQLite database as it
 * was, so the next start runs the pending migrations whole: Kysely ran each one bare and recorded it
 * afterwards, so a table could be left half made, or a migration done but not recorded.
 */
describe('SQLite migrations', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const tables = (raw: Database.Database) =>
    (raw.prepare("select name from sqlite_master where type = 'table' and name not like 'kysely%' order by name").all() as Array<{ name: string }>).map((r) => r.name);
  const recorded = (raw: Database.Database) => (raw.prepare('select name from kysely_migration order by name').all() as Array<{ name: string }>).map((r) => r.name);

  it('run in one transaction with their records: one failing half-way leaves nothing, and the next start runs them all', async () => {
    dir = tempDataDir();
    const raw = new Database(path.join(dir, 'db.sqlite'));
    let fail = true;
    const list = (): Record<string, Migration> => ({
      '0001-a': { up: async (db: Kysely<unknown>) => void (await sql`create table a (id integer primary key)`.execute(db)) },
      '0002-b': {
        up: async (db: Kysely<unknown>) => {
          await sql`create table b (id integer primary key)`.execute(db);
          await sql`insert into a (id) values (1)`.execute(db);
          if (fail) throw new Error('the process died here');
        },
      },
    });
    const first = sqliteMigrator(raw, list());
    const { error } = await first.migrator.migrateToLatest();
    await first.kysely.destroy();
    expect(String(error)).toContain('the process died here');
    expect(tables(raw)).toEqual([]);
    expect(recorded(raw)).toEqual([]);

    fail = false;
    const second = sqliteMigrator(raw, list());
    expect((await second.migrator.migrateToLatest()).error).toBeUndefined();
    await second.kysely.destroy();
    expect(tables(raw)).toEqual(['a', 'b']);
    expect(recorded(raw)).toEqual(['0001-a', '0002-b']);
    expect(raw.prepare('select count(*) as n from a').get()).toEqual({ n: 1 });
    raw.close();
  });
});
