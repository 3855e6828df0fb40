import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import type { KeyvStoreAdapter, StoredData } from 'keyv';
import { sql, type Kysely } from 'kysely';
import { prepare, type Executor } from './prepared.ts';
import type { Database } from './schema.ts';

/**
 * The keyv table's statements, compiled once per dialect like the rest (`compileQueries`), so
 * they run through the same `Executor` and its statement cache as the repositories.
 */
export function compileKeyvQueries(db: Kysely<Database>) {
  return {
    // FOR UPDATE: a session is read to be written back in the same transaction. The row lock makes
    // a concurrent writer (a message on another instance, an officer taking the chat) wait for
    // this commit instead of having its write overwritten by ours.
    get: prepare<{ key: string }, { value: string }>((p) => db.selectFrom('keyv').select('value').where('key', '=', p.key).forUpdate()),
    set: prepare<{ key: string; value: string }, never>((p) =>
      db.insertInto('keyv').values({ key: p.key, value: p.value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: (eb) => eb.ref('excluded.value') })),
    ),
    delete: prepare<{ key: string }, never>((p) => db.deleteFrom('keyv').where('key', '=', p.key)),
    // A prefix compare instead of LIKE: no wildcard escaping, whose default differs between
    // PostgreSQL (backslash) and SQLite (none). `clear` is an operator tool, never on the hot path.
    clear: prepare<{ prefix: string; chars: number }, never>((p) =>
      db.deleteFrom('keyv').where(sql<string>`substr(${sql.ref('key')}, 1, ${p.chars})`, '=', p.prefix)),
  };
}

export type KeyvQueries = ReturnType<typeof compileKeyvQueries>;

/**
 * A keyv store on the SQL database that runs every call on the connection of the unit of work
 * it is called from. A pooled store (PostgreSQL) has no single connection to hand keyv, yet a
 * session must commit or roll back with the ticket, transcript and outbox rows of its message;
 * so the store enters {@link KeyvSqlStore.within} with the transaction's executor around the
 * work, and `AsyncLocalStorage` carries it through every `await` into keyv's calls here.
 *
 * Called outside a unit of work it throws rather than open a connection of its own: such a write
 * would commit apart from the message it belongs to. The owning `Keyv` must be created with
 * `throwOnErrors: true`, or keyv would swallow that error (and any failed write) and return
 * `undefined`/`false`.
 */
export class KeyvSqlStore extends EventEmitter implements KeyvStoreAdapter {
  opts: Record<string, unknown> = {};
  namespace?: string | undefined;
  private readonly scope = new AsyncLocalStorage<Executor>();

  constructor(private readonly queries: KeyvQueries) {
    super();
  }

  /** Runs `work` with `executor` as the connection of every keyv call made within it. */
  within<T>(executor: Executor, work: () => Promise<T>): Promise<T> {
    return this.scope.run(executor, work);
  }

  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    const [row] = await this.executor().all(this.queries.get, { key });
    return row?.value as StoredData<Value> | undefined;
  }

  async set(key: string, value: unknown): Promise<boolean> {
    await this.executor().run(this.queries.set, { key, value: typeof value === 'string' ? value : JSON.stringify(value) });
    return true;
  }

  async delete(key: string): Promise<boolean> {
    return (await this.executor().run(this.queries.delete, { key })).changes > 0;
  }

  async clear(): Promise<void> {
    const prefix = this.namespace ? `${this.namespace}:` : '';
    await this.executor().run(this.queries.clear, { prefix, chars: prefix.length });
  }

  async has(key: string): Promise<boolean> {
    return (await this.executor().all(this.queries.get, { key })).length > 0;
  }

  async disconnect(): Promise<void> {
    // The connections belong to the SQL store, which closes them.
  }

  private executor(): Executor {
    const ex = this.scope.getStore();
    if (!ex) {
      throw new Error('sessions can only be read or written inside Store.transaction(), so that they commit with the rest of the message');
    }
    return ex;
  }
}
