import type Database from 'better-sqlite3';
import Keyv from 'keyv';
import { KeyvSqliteStore } from './keyv-sqlite-store.ts';
import { openSqlite, sqliteCompiler } from './db.ts';
import type { Executor, Prepared } from './prepared.ts';
import { compileQueries } from './queries.ts';
import { compileSessionQueries, SessionCache } from './session-repository.ts';
import { createUnitOfWork, type UnitOfWork } from './unit-of-work.ts';

/** The storage port the router, CLI and sender use. */
export interface Store {
  /**
   * Runs `work` atomically: all its writes commit together or not at all. Units of work are
   * serialised; several may share one commit (group commit), and each promise settles only
   * after its data is committed. Never do network I/O inside a unit of work.
   */
  transaction<T>(work: (uow: UnitOfWork) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

interface Job {
  work: (uow: UnitOfWork) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** Above this, a batch is committed and a new one begun, to bound the time readers wait. */
const MAX_BATCH = 256;

/**
 * SQLite store: one connection, statements prepared once and cached, and group commit.
 * One file commit costs ~40 µs in WAL mode; with many conversations in flight their messages
 * share a commit, each in its own SAVEPOINT so a failing one rolls back alone.
 */
export class SqliteStore implements Store {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly queue: Job[] = [];
  private draining = false;
  private closed = false;
  private readonly uow: UnitOfWork;
  private readonly stmt: Record<'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackTo', Database.Statement>;

  private constructor(private readonly db: Database.Database) {
    // Each unit of work runs in a SAVEPOINT, and SQLite copies every page a savepoint changes to
    // its sub-journal first (to roll that one job back). Kept on disk, that journal spills to a
    // temporary file once one job passes 64 KiB (a ticket does) and then takes two write calls
    // per page for the rest of the batch: about 30 per message, a third of the SQL's CPU time in
    // the durable-path bench. In memory it is emptied at each RELEASE, so it holds one job's
    // pages at a time. (Temporary tables, and sorts larger than the page cache, are then kept in
    // memory too: a report grouping a million tickets holds its groups in memory, not a file.)
    db.pragma('temp_store = MEMORY');
    const executor: Executor = {
      all: async <P extends object, R>(q: Prepared<P, R>, params: P) => this.prepared(q).all(q.bind(params)) as R[],
      run: async <P extends object>(q: Prepared<P, unknown>, params: P) => {
        const s = this.prepared(q);
        // Statements with RETURNING are readers in better-sqlite3 and must be run with all().
        if (s.reader) return { changes: s.all(q.bind(params)).length };
        const r = s.run(q.bind(params));
        return { changes: r.changes, lastId: Number(r.lastInsertRowid) };
      },
    };
    const sessions = new Keyv({
      store: new KeyvSqliteStore(db),
      namespace: 'session',
      serialize: JSON.stringify,
      deserialize: JSON.parse,
      // A failed session write must fail the unit of work, not be swallowed by keyv.
      throwOnErrors: true,
    });
    const compiler = sqliteCompiler();
    this.uow = createUnitOfWork(executor, compileQueries(compiler), sessions, 'sqlite', {
      queries: compileSessionQueries(compiler, 'sqlite'),
      cache: new SessionCache(),
    });
    this.stmt = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
      savepoint: db.prepare('SAVEPOINT unit'),
      release: db.prepare('RELEASE unit'),
      rollbackTo: db.prepare('ROLLBACK TO unit'),
    };
  }

  static async open(file: string): Promise<SqliteStore> {
    return new SqliteStore(await openSqlite(file));
  }

  /** The raw connection, for tests and tools that inspect the file. */
  get connection(): Database.Database {
    return this.db;
  }

  transaction<T>(work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.draining) void this.drain();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.draining) await new Promise((r) => setImmediate(r));
    this.db.close();
  }

  private prepared(q: Prepared<object, unknown>): Database.Statement {
    let s = this.statements.get(q.sql);
    if (!s) {
      s = this.db.prepare(q.sql);
      this.statements.set(q.sql, s);
    }
    return s;
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
        this.stmt.begin.run();
        for (const job of batch) {
          this.stmt.savepoint.run();
          try {
            const value = await job.work(this.uow);
            this.stmt.release.run();
            outcomes.push({ ok: true, value });
          } catch (error) {
            this.stmt.rollbackTo.run();
            this.stmt.release.run();
            outcomes.push({ ok: false, error });
          }
        }
        try {
          this.stmt.commit.run();
        } catch (error) {
          if (this.db.inTransaction) this.stmt.rollback.run();
          for (const job of batch) job.reject(error);
          continue;
        }
        batch.forEach((job, i) => {
          const o = outcomes[i]!;
          if (o.ok) job.resolve(o.value);
          else job.reject(o.error);
        });
      }
    } finally {
      this.draining = false;
    }
  }
}
