import { createHash } from 'node:crypto';
import { PostgresAdapter, PostgresIntrospector, sql, type DatabaseMetadataOptions, type Kysely, type SchemaMetadata, type TableMetadata } from 'kysely';

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

/**
 * What Kysely's migrator asks of the database (does the schema exist, do its tables exist), looked
 * up in this installation's schema only. Kysely's own introspector reads every schema of the
 * database and calls `has_schema_privilege` on each: a schema dropped meanwhile by another
 * installation (or another test run) makes that query fail with "schema … does not exist".
 */
export class SchemaIntrospector extends PostgresIntrospector {
  readonly #db: Kysely<unknown>;
  readonly #schema: string;

  constructor(db: Kysely<unknown>, schema: string) {
    super(db);
    this.#db = db;
    this.#schema = schema;
  }

  override async getSchemas(): Promise<SchemaMetadata[]> {
    const rows = await sql<{ name: string }>`select nspname as name from pg_catalog.pg_namespace where nspname = ${this.#schema}`.execute(this.#db);
    return rows.rows;
  }

  override async getTables(_options?: DatabaseMetadataOptions): Promise<TableMetadata[]> {
    const rows = await sql<{ name: string; kind: string }>`
      select c.relname as name, c.relkind as kind from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${this.#schema} and c.relkind in ('r', 'v', 'p')`.execute(this.#db);
    // The migrator reads names and schemas only.
    return rows.rows.map((r) => ({ name: r.name, schema: this.#schema, isView: r.kind === 'v', columns: [] }));
  }
}
