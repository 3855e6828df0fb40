import { EventEmitter } from 'node:events';
import type Database from 'better-sqlite3';
import type { KeyvStoreAdapter, StoredData } from 'keyv';

/**
 * A keyv store on the embedded SQLite file, sharing the better-sqlite3 connection that the
 * SQL store uses. Sharing the connection is the point: a session written inside a unit of work
 * commits or rolls back together with the ticket, transcript and outbox rows of that message.
 *
 * keyv does TTL and serialisation itself; this store only keeps strings by key. It replaces
 * @keyv/sqlite, which would pull in a second native SQLite build (see stack-notes.md).
 */
export class KeyvSqliteStore extends EventEmitter implements KeyvStoreAdapter {
  opts: Record<string, unknown> = {};
  namespace?: string | undefined;
  private readonly getStmt: Database.Statement<[string], { value: string }>;
  private readonly setStmt: Database.Statement<[string, string]>;
  private readonly deleteStmt: Database.Statement<[string]>;
  private readonly clearStmt: Database.Statement<[string]>;

  constructor(private readonly db: Database.Database, table = 'keyv') {
    super();
    // The table is created by the SQL migrations; table names cannot be bound, so it is checked.
    if (!/^[a-z_]+$/.test(table)) throw new Error(`invalid keyv table name: ${table}`);
    this.getStmt = db.prepare(`SELECT value FROM ${table} WHERE key = ?`);
    this.setStmt = db.prepare(
      `INSERT INTO ${table} (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
    );
    this.deleteStmt = db.prepare(`DELETE FROM ${table} WHERE key = ?`);
    this.clearStmt = db.prepare(`DELETE FROM ${table} WHERE key LIKE ?`);
  }

  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    return this.getStmt.get(key)?.value as StoredData<Value> | undefined;
  }

  async set(key: string, value: unknown): Promise<boolean> {
    this.setStmt.run(key, typeof value === 'string' ? value : JSON.stringify(value));
    return true;
  }

  async delete(key: string): Promise<boolean> {
    return this.deleteStmt.run(key).changes > 0;
  }

  async clear(): Promise<void> {
    const prefix = this.namespace ? `${this.namespace}:` : '';
    this.clearStmt.run(`${prefix.replace(/[%_]/g, '\\$&')}%`);
  }

  async has(key: string): Promise<boolean> {
    return this.getStmt.get(key) !== undefined;
  }

  async disconnect(): Promise<void> {
    // The connection belongs to the SQL store, which closes it.
  }
}
