import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach } from 'vitest';
import { PgStore } from '../../src/storage/pg-store.ts';
import { SqliteStore, type Store } from '../../src/storage/sqlite-store.ts';

/** The PostgreSQL server the tests may use; its tests are skipped when unset. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

/** A storage backend the contract suite runs against. */
export interface Backend {
  readonly name: 'sqlite' | 'postgres';
  /** True when the backend is not available here: its tests must be reported skipped. */
  readonly skip: boolean;
  /** Opens a store on fresh, empty storage. */
  open(): Promise<OpenedStore>;
}

export interface OpenedStore {
  store: Store;
  /** Rows in a table, read beside the store: for what the ports cannot read back (hand-offs, keyv). */
  count(table: string): Promise<number>;
  /** Closes the store and removes its storage. */
  dispose(): Promise<void>;
}

export const sqliteBackend: Backend = {
  name: 'sqlite',
  skip: false,
  async open() {
    // Not harness.ts's tempDataDir: that module loads the whole app, which a storage test does not need.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nivaran-store-'));
    const store = await SqliteStore.open(path.join(dir, 'db.sqlite'));
    return {
      store,
      count: async (table) => (store.connection.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n,
      dispose: async () => {
        await store.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/**
 * Each store gets a schema of its own (`nivaran_test_<random>`, selected with the connection
 * string's `options=-c search_path=...`), dropped on dispose: test files run in parallel, and a
 * run must never see another's rows or leave its own behind.
 */
export const postgresBackend: Backend = {
  name: 'postgres',
  skip: !TEST_DATABASE_URL,
  async open() {
    const db = await pgTestSchema();
    try {
      const store = await PgStore.open(db.url, { poolSize: 4 });
      return {
        store,
        count: async (table) => Number((await db.query(`select count(*) as n from ${db.schema}.${table}`))[0]?.n),
        dispose: async () => {
          await store.close();
          await db.drop();
        },
      };
    } catch (error) {
      await db.drop();
      throw error;
    }
  },
};

/**
 * A new, empty schema on TEST_DATABASE_URL and a connection string whose `search_path` is that
 * schema, so whatever is opened on `url` creates its tables there. `drop` removes it and them.
 */
export async function pgTestSchema(): Promise<{
  schema: string;
  url: string;
  query: (text: string) => Promise<Array<Record<string, unknown>>>;
  drop: () => Promise<void>;
}> {
  const base = TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is not set');
  const schema = `nivaran_test_${randomBytes(6).toString('hex')}`;
  const query = async (text: string) => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      return (await client.query<Record<string, unknown>>(text)).rows;
    } finally {
      await client.end();
    }
  };
  await query(`create schema ${schema}`);
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { schema, url: url.toString(), query, drop: async () => void (await query(`drop schema if exists ${schema} cascade`)) };
}

export const backends: readonly Backend[] = [sqliteBackend, postgresBackend];

/**
 * Registers clean-up in the calling `describe` and returns an `open` whose stores are disposed
 * after each test (and, should a test time out before that, after the file).
 */
export function useStores(backend: Backend): () => Promise<OpenedStore> {
  const open: OpenedStore[] = [];
  const disposeAll = async () => {
    for (const o of open.splice(0)) await o.dispose();
  };
  afterEach(disposeAll);
  afterAll(disposeAll);
  return async () => {
    const opened = await backend.open();
    open.push(opened);
    return opened;
  };
}

/** A store with raw SQL beside it: what someone with database access can do (the audit log's tests). */
export interface StoreWithSql {
  store: Store;
  sql: (text: string) => Promise<void>;
  /** Drops the triggers that keep the audit log append-only (a tamperer's first step). */
  dropTriggers: () => Promise<void>;
}

/**
 * Like `useStores`, with a raw SQL connection beside each store (SQLite: the store's own; PostgreSQL:
 * a client on the store's schema), closed and dropped after each test.
 */
export function useStoresWithSql(backend: Backend): (() => Promise<StoreWithSql>) & { closePostgres: () => Promise<void> } {
  const open = useStores(backend);
  const cleanups: Array<() => Promise<void>> = [];
  /** Closes and drops the PostgreSQL stores opened so far (a test that opens many, one after another). */
  const closePostgres = async () => {
    for (const c of cleanups.splice(0)) await c();
  };
  afterEach(closePostgres);
  const openWithSql = async (): Promise<StoreWithSql> => {
    if (backend.name === 'sqlite') {
      const { store } = await open();
      const db = (store as SqliteStore).connection;
      return { store, sql: async (t) => void db.exec(t), dropTriggers: async () => void db.exec('drop trigger audit_log_no_update; drop trigger audit_log_no_delete') };
    }
    const schema = await pgTestSchema();
    const store = await PgStore.open(schema.url, { poolSize: 4 });
    const client = new pg.Client({ connectionString: schema.url });
    await client.connect();
    cleanups.push(async () => {
      await client.end();
      await store.close();
      await schema.drop();
    });
    const sql = async (t: string) => void (await client.query(t));
    return { store, sql, dropTriggers: () => sql('drop trigger audit_log_append_only on audit_log') };
  };
  return Object.assign(openWithSql, { closePostgres });
}
