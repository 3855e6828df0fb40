import { createHash } from 'node:crypto';
import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Kysely's PostgreSQL adapter takes one advisory lock id for every migration in the database,
 * so installations (or test runs) in different schemas of one database wait for each other.
 * This one locks per schema: instances of one installation still migrate one at a time, and
 * nothing else waits on them.
 */
export class SchemaMigrationAdapter extends PostgresAdapter {
  readonly #lockId: bigint;

  constructor(schema: string) {
    super();
    // A signed 64-bit id from the schema's name; advisory lock ids are bigint.
    this.#lockId = createHash('sha256').update(`nivaran-migrations:${schema}`).digest().readBigInt64BE(0);
  }

  override async acquireMigrationLock(db: Kysely<unknown>): Promise<void> {
    // Held by the migration connection (a session lock: Kysely takes it outside the migrations'
    // transaction), released below or when that connection closes.
    await sql`select pg_advisory_lock(${sql.lit(this.#lockId)})`.execute(db);
  }

  override async releaseMigrationLock(db: Kysely<unknown>): Promise<void> {
    await sql`select pg_advisory_unlock(${sql.lit(this.#lockId)})`.execute(db);
  }
}
