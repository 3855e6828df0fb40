import { createHash } from 'node:crypto';
import Keyv from 'keyv';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import type { Pool, PoolClient } from 'pg';
import { AppError, ERROR_CODES } from '../errors.ts';
import { migrations, pgCompiler, UNORDERED_MIGRATIONS } from './db.ts';
import { SchemaIntrospector, SchemaMigrationAdapter } from './pg-migration-lock.ts';
import { compileKeyvQueries, KeyvSqlStore } from './keyv-sql-store.ts';
import type { Executor, Prepared } from './prepared.ts';
import { compileQueries, type Queries } from './queries.ts';
import type { Store } from './sqlite-store.ts';
import { compileSessionQueries, SessionCache, type SessionQueries } from './session-repository.ts';
import { createUnitOfWork, type UnitOfWork } from './unit-of-work.ts';

/** Options for {@link PgStore.open}. */
export interface PgStoreOptions {
  /** Connections in the pool, and so units of work that can run at once. Default 10. */
  poolSize?: number;
  /**
   * A statement running longer is cancelled by the server, and a query not answered within a
   * little more (a blackholed server) is abandoned by the client: the unit of work fails alone,
   * instead of every message waiting on a database that does not answer. Default 15 s.
   */
  statementTimeoutMs?: number;
}

/**
 * PostgreSQL store: the same `Store`/`UnitOfWork` ports and compiled queries as the SQLite store,
 * over a `pg` pool. Each unit of work is one transaction on its own pooled connection, so units
 * of work run concurrently (up to the pool size) and PostgreSQL's row locks order the ones that
 * touch the same rows (a ticket sequence, a timer). Several processes may share one database.
 *
 * Statements run as named prepared statements: node-postgres parses each one once per connection
 * and afterwards only binds and executes it.
 */
export class PgStore implements Store {
  private readonly queries: Queries;
  private readonly keyvStore: KeyvSqlStore;
  private readonly sessions: Keyv;
  private readonly sessionStore: { queries: SessionQueries; cache: SessionCache };
  /** Statement name by SQL text; a stable name lets every pooled connection reuse its parse. */
  private readonly names = new Map<string, string>();
  private closed = false;

  private constructor(private readonly pool: Pool) {
    const compiler = pgCompiler();
    this.queries = compileQueries(compiler);
    this.keyvStore = new KeyvSqlStore(compileKeyvQueries(compiler));
    this.sessionStore = { queries: compileSessionQueries(compiler, 'postgres'), cache: new SessionCache() };
    this.sessions = new Keyv({
      store: this.keyvStore,
      namespace: 'session',
      serialize: JSON.stringify,
      deserialize: JSON.parse,
      // keyv swallows store errors by default (get → undefined, set → false); here a failed
      // session read or write must fail the unit of work instead of committing without it.
      throwOnErrors: true,
    });
  }

  /**
   * Connects, runs pending migrations and returns the store. `url` is a `postgres://` connection
   * string (DATABASE_URL); its `options` parameter may set e.g. `-c search_path=...`.
   *
   * @throws AppError `STORAGE_OPEN` when the server cannot be reached or refuses the login,
   *   `STORAGE_MIGRATION` when a migration fails.
   */
  static async open(url: string, options: PgStoreOptions = {}): Promise<PgStore> {
    const where = describeServer(url);
    // Loaded here, not at the top: importing `pg` takes ~80 ms, which a SQLite installation
    // (whose CLI bundle would otherwise load it at every start) should not pay.
    const pg = await import('pg');
    const types = new pg.TypeOverrides();
    // bigserial ids and bigint columns are int8, which pg returns as strings by default (they may
    // exceed 2^53). Ids here stay far below that; set on this pool only, not pg's global parsers.
    types.setTypeParser(pg.types.builtins.INT8, parseInt8);
    const statementTimeoutMs = options.statementTimeoutMs ?? 15_000;
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      types,
      statement_timeout: statementTimeoutMs,
      query_timeout: statementTimeoutMs + 5000,
      // A server that does not answer the connection: fail the unit of work, try again next time.
      connectionTimeoutMillis: Math.min(statementTimeoutMs, 10_000),
      // TCP keep-alive finds a connection whose server vanished without a reset.
      keepAlive: true,
    });
    // A pooled connection that dies while idle is emitted here; without a listener the process
    // would exit. The pool discards it and the next checkout connects afresh. A connection that
    // dies while checked out is handled in `transaction` (its own 'error' listener).
    pool.on('error', () => undefined);

    let schema: string | null | undefined;
    try {
      const client = await pool.connect();
      try {
        schema = (await client.query<{ schema: string | null }>('select current_schema() as schema')).rows[0]?.schema;
      } finally {
        client.release();
      }
    } catch (cause) {
      await pool.end().catch(() => undefined);
      const reason = cause instanceof Error ? `: ${cause.message}` : '';
      throw new AppError(
        ERROR_CODES.STORAGE_OPEN,
        `Cannot connect to PostgreSQL at ${where}${reason}. Check DATABASE_URL and that the server is running and accepts this login.`,
        { cause },
      );
    }
    if (!schema) {
      await pool.end();
      throw new AppError(
        ERROR_CODES.STORAGE_OPEN,
        `PostgreSQL at ${where} has no schema to create tables in: the search_path names none that exists. Check DATABASE_URL.`,
      );
    }

    // Migrations run on a connection of their own without the statement timeout: an instance that
    // starts while another is migrating waits for it, however long its migrations take.
    const migrationPool = new pg.Pool({ connectionString: url, max: 1, types, connectionTimeoutMillis: 10_000, keepAlive: true });
    migrationPool.on('error', () => undefined);
    const kysely = new Kysely<unknown>({
      dialect: new (class extends PostgresDialect {
        override createAdapter() {
          return new SchemaMigrationAdapter(schema as string);
        }
        override createIntrospector(db: Kysely<unknown>) {
          return new SchemaIntrospector(db, schema as string);
        }
      })({ pool: migrationPool }),
    });
    // Without a schema Kysely looks for its migration table in every schema of the database and
    // would take another schema's (another instance's, another test run's) for this one's.
    const migrator = new Migrator({
      db: kysely,
      provider: { getMigrations: async () => migrations('postgres') },
      migrationTableSchema: schema,
      // A database migrated by a release with 0013 but not 0011/0012 (see UNORDERED_MIGRATIONS).
      allowUnorderedMigrations: UNORDERED_MIGRATIONS,
    });
    const { error, results } = await migrator.migrateToLatest();
    await kysely.destroy();
    if (error) {
      await pool.end();
      const failed = results?.find((r) => r.status === 'Error')?.migrationName;
      const reason = error instanceof Error ? `: ${error.message}` : '';
      const what = failed ? `Database migration ${failed} failed` : 'Database migrations could not run';
      throw new AppError(ERROR_CODES.STORAGE_MIGRATION, `${what} on PostgreSQL at ${where}${reason}.`, { cause: error });
    }
    return new PgStore(pool);
  }

  /**
   * Runs `work` in one transaction on one pooled connection: BEGIN, the work, COMMIT; on any
   * error ROLLBACK and rethrow. Units of work run concurrently, each on its own connection.
   */
  async transaction<T>(work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('store is closed');
    const client = await this.pool.connect();
    let ended = false;
    let broken: Error | undefined;
    // A connection reset while this unit of work holds the client ("Connection terminated
    // unexpectedly", an administrator's pg_terminate_backend) is emitted on the client; without a
    // listener it would end the process. The query under way rejects as well, so the unit of work
    // fails alone, and the connection is destroyed rather than returned to the pool.
    const onError = (err: Error) => {
      broken = err;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const executor = this.executor(client, () => ended);
      const uow = createUnitOfWork(executor, this.queries, this.sessions, 'postgres', this.sessionStore);
      const value = await this.keyvStore.within(executor, () => work(uow));
      // COMMIT of a transaction that already failed (a statement error the work caught) does
      // not raise: PostgreSQL rolls back and answers ROLLBACK. The writes are gone, so say so.
      const done = await client.query('COMMIT');
      if (done.command !== 'COMMIT') throw new Error('the transaction was rolled back: a statement in it had failed');
      return value;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        // The connection is unusable (e.g. the server went away): the pool must not reuse it.
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      }
      throw error;
    } finally {
      ended = true;
      client.off('error', onError);
      client.release(broken);
    }
  }

  /** Ends the pool once the units of work in flight have released their connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private executor(client: PoolClient, ended: () => boolean): Executor {
    let inFlight = false;
    const query = async (q: Prepared<object, unknown>, params: object) => {
      // A unit of work kept past its transaction would write on a connection that is back in
      // the pool, possibly inside someone else's transaction.
      if (ended()) throw new Error('a unit of work was used after its transaction ended');
      // One connection answers one query at a time: a second sent before the first answered
      // would wait in pg's queue, which pg 8 deprecates and pg 9 removes (and SQLite, being
      // synchronous, would never show the mistake). Await each statement of a unit of work.
      if (inFlight) throw new Error(`a unit of work sent a query while another was running (await each one): ${q.sql.slice(0, 80)}`);
      inFlight = true;
      try {
        return await client.query({ name: this.statementName(q.sql), text: q.sql, values: q.bind(params) });
      } finally {
        inFlight = false;
      }
    };
    return {
      all: async <P extends object, R>(q: Prepared<P, R>, params: P) =>
        (await query(q as Prepared<object, unknown>, params)).rows as R[],
      // rowCount is the rows inserted, updated or deleted: 0 for an INSERT … ON CONFLICT DO
      // NOTHING that conflicted, and the returned rows' count for a statement with RETURNING.
      run: async <P extends object>(q: Prepared<P, unknown>, params: P) =>
        ({ changes: (await query(q as Prepared<object, unknown>, params)).rowCount ?? 0 }),
    };
  }

  private statementName(text: string): string {
    let name = this.names.get(text);
    if (!name) {
      // PostgreSQL truncates names at 63 bytes; 16 hex digits of SHA-1 cannot collide among the
      // few dozen statements an application has.
      name = `niv_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
      this.names.set(text, name);
    }
    return name;
  }
}

function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint value ${text} is beyond JavaScript's safe integers`);
  return n;
}

/** `host:port` of a connection string, for messages: never the user's password. */
function describeServer(url: string): string {
  try {
    const u = new URL(url);
    // A socket directory may be given as ?host=/var/run/postgresql instead of in the authority.
    const host = u.hostname || u.searchParams.get('host') || 'localhost';
    return `${host}:${u.port || '5432'}`;
  } catch {
    return '(an unreadable DATABASE_URL)';
  }
}
