import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  DummyDriver,
  Kysely,
  Migrator,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteDialect,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type Migration,
} from 'kysely';
import { AppError, ERROR_CODES } from '../errors.ts';
import type { Database as Schema } from './schema.ts';
import { privateDir, privateFile } from '../security/file-modes.ts';
import { migration0001 } from './migrations/0001-init.ts';
import { migration0002 } from './migrations/0002-ticket-clocks.ts';
import { migration0003 } from './migrations/0003-consent-identity.ts';
import { migration0004 } from './migrations/0004-delivery-statuses.ts';
import { migration0005 } from './migrations/0005-desk.ts';
import { migration0006 } from './migrations/0006-quality-retention.ts';
import { migration0007 } from './migrations/0007-quality-samples.ts';
import { migration0008 } from './migrations/0008-purge-indexes.ts';
import { migration0009 } from './migrations/0009-delivery.ts';
import { migration0011 } from './migrations/0011-security.ts';
import { migration0012 } from './migrations/0012-breaches.ts';
import { migration0013 } from './migrations/0013-operations.ts';
import { migration0014 } from './migrations/0014-session-vars.ts';
import { migration0015 } from './migrations/0015-departments.ts';
import { migration0016 } from './migrations/0016-conversation-tail.ts';
import { migration0017 } from './migrations/0017-audit-keying.ts';
import { migration0018 } from './migrations/0018-file-form-keys.ts';
import { migration0019 } from './migrations/0019-session-answers.ts';

export type Dialect = 'sqlite' | 'postgres';

/** Every migration, in order. Forward only; a shipped migration is never edited. */
export function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001-init': migration0001(dialect),
    '0002-ticket-clocks': migration0002(dialect),
    '0003-consent-identity': migration0003(dialect),
    '0004-delivery-statuses': migration0004(dialect),
    '0005-desk': migration0005(dialect),
    '0006-quality-retention': migration0006(dialect),
    '0007-quality-samples': migration0007(dialect),
    '0008-purge-indexes': migration0008(),
    '0009-delivery': migration0009(),
    '0011-security': migration0011(dialect),
    '0012-breaches': migration0012(dialect),
    '0013-operations': migration0013(dialect),
    '0014-session-vars': migration0014(dialect),
    '0015-departments': migration0015(dialect),
    '0016-conversation-tail': migration0016(dialect),
    '0017-audit-keying': migration0017(),
    '0018-file-form-keys': migration0018(),
    '0019-session-answers': migration0019(dialect),
  };
}

/**
 * For both Migrators. A release shipped 0013-operations before 0011-security and 0012-breaches
 * existed, so a database it migrated has 0013 run and 0011/0012 pending: Kysely's default
 * refuses that ("corrupted migrations") and the database would never open again. The three are
 * independent (0011 alters tables of 0005/0006, 0012 adds its own tables and an index on 0003's
 * verifications, 0013 alters tables of 0001/0002 and adds its own), so running 0011/0012 after
 * 0013 leaves the same schema. Pending migrations still run in name order.
 */
export const UNORDERED_MIGRATIONS = true;

/** A Kysely that only compiles (no connection): used to prepare the hot-path queries. */
export function sqliteCompiler(): Kysely<Schema> {
  return new Kysely<Schema>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  });
}

/**
 * The PostgreSQL counterpart of {@link sqliteCompiler}: the same builder code compiles to `$n`
 * placeholders and PostgreSQL quoting. It never connects; `PgStore` runs what it compiles.
 */
export function pgCompiler(): Kysely<Schema> {
  return new Kysely<Schema>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
}

/**
 * SQLite runs DDL in transactions, though Kysely's adapter says it does not (so its migrator runs
 * each migration bare and records it afterwards). Said here, the migrator runs the pending
 * migrations and their records in one transaction: a start-up killed half-way through an upgrade
 * leaves the database as it was, and the next start runs them whole, instead of finding a table
 * half made or a migration done but not recorded.
 */
class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/** The migrator of a SQLite file (exported for the test that interrupts one). */
export function sqliteMigrator(raw: Database.Database, list: Record<string, Migration>): { kysely: Kysely<unknown>; migrator: Migrator } {
  const sqlite = new SqliteDialect({ database: nonClosing(raw) });
  const kysely = new Kysely<unknown>({
    dialect: {
      createAdapter: () => new TransactionalSqliteAdapter(),
      createDriver: () => sqlite.createDriver(),
      createIntrospector: (db) => sqlite.createIntrospector(db),
      createQueryCompiler: () => sqlite.createQueryCompiler(),
    },
  });
  const migrator = new Migrator({ db: kysely, provider: { getMigrations: async () => list }, allowUnorderedMigrations: UNORDERED_MIGRATIONS });
  return { kysely, migrator };
}

/**
 * Opens (creating if needed) the SQLite file, sets the pragmas the hot path relies on and runs
 * pending migrations. WAL lets readers proceed during a write; synchronous=NORMAL keeps every
 * committed message across a process crash (a power cut may lose the last few commits).
 */
export async function openSqlite(file: string): Promise<Database.Database> {
  let raw: Database.Database;
  try {
    if (file !== ':memory:') privateDir(path.dirname(file));
    raw = new Database(file);
    // Created 0600 (its -wal and -shm follow), and an older, world-readable file tightened.
    if (file !== ':memory:') for (const f of [file, `${file}-wal`, `${file}-shm`]) privateFile(f);
  } catch (cause) {
    throw new AppError(ERROR_CODES.STORAGE_OPEN, `Cannot open the database file ${file}: check DATA_DIR and its permissions.`, { cause });
  }
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('busy_timeout = 5000');
  raw.pragma('foreign_keys = ON');
  // Hot pages (sessions, index roots) are rewritten by every message; checkpointing less often
  // copies each of them back once per checkpoint instead of many times.
  raw.pragma('wal_autocheckpoint = 10000');
  // 4 MB of page cache. It is process memory (malloc), and it fills: with 10,000 conversations
  // the file passes 20 MB and a 32 MB cache held 30 MB of RSS. The hot pages (index interiors,
  // the sessions in flight) fit in 4 MB; a miss is a read from the OS's file cache, and the
  // durable path measured no slower (docs/performance.md, memory).
  raw.pragma('cache_size = -4096');

  const { kysely, migrator } = sqliteMigrator(raw, migrations('sqlite'));
  const { error, results } = await migrator.migrateToLatest();
  await kysely.destroy();
  if (error) {
    // Kysely fails some checks (unordered or missing migrations) before running any migration:
    // then no result has status Error and its own message is the only account of what went wrong.
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? `: ${error.message}` : '';
    const what = failed ? `Database migration ${failed} failed` : 'Database migrations could not run';
    raw.close();
    throw new AppError(ERROR_CODES.STORAGE_MIGRATION, `${what} on ${file}${reason}.`, { cause: error });
  }
  return raw;
}

/** Kysely closes its database on destroy(); the store keeps using the connection afterwards. */
function nonClosing(db: Database.Database): Database.Database {
  return new Proxy(db, {
    get: (t, k) => {
      if (k === 'close') return () => undefined;
      const v: unknown = Reflect.get(t, k, t);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
}
