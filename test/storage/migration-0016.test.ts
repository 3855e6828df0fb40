import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations, openSqlite } from '../../src/storage/db.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('migration 0016 (the split-number bit in conversation_state)', () => {
  it('keeps every conversation_state row and marks its last message as one that may end in digits', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nivaran-0016-'));
    dirs.push(dir);
    const file = path.join(dir, 'nivaran.sqlite');
    // A file as the release before 0016 left it, with a conversation in it.
    const raw = new Database(file);
    const before = Object.fromEntries(Object.entries(migrations('sqlite')).filter(([name]) => name < '0016'));
    const kysely = new Kysely<unknown>({ dialect: new SqliteDialect({ database: raw }) });
    const { error } = await new Migrator({ db: kysely, provider: { getMigrations: async () => before } }).migrateToLatest();
    expect(error).toBeUndefined();
    raw.prepare("insert into conversation_state (conversation_key, last_inbound_at, held) values ('whatsapp:91980', '2026-12-01T10:00:00.000Z', 1)").run();
    await kysely.destroy();

    const db = await openSqlite(file);
    try {
      expect(db.prepare('select * from conversation_state').all()).toEqual([
        { conversation_key: 'whatsapp:91980', last_inbound_at: '2026-12-01T10:00:00.000Z', held: 1, in_tail: 3 },
      ]);
      // One B-tree for the row written at every inbound message, not a table and its key's index.
      const ddl = db.prepare("select sql from sqlite_master where name = 'conversation_state'").get() as { sql: string };
      expect(ddl.sql.toLowerCase()).toContain('without rowid');
    } finally {
      db.close();
    }
  });
});
