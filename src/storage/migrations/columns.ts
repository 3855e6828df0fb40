import type { CreateTableBuilder, Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * The one difference the migrations have between dialects: how an auto-increment key and a
 * 64-bit integer are declared. A plain INTEGER PRIMARY KEY is SQLite's rowid, always increasing
 * for these append-mostly tables, without AUTOINCREMENT's extra write per insert.
 */
export function tableWithId(db: Kysely<unknown>, table: string, dialect: Dialect): CreateTableBuilder<string, 'id'> {
  const b = db.schema.createTable(table);
  return dialect === 'postgres'
    ? b.addColumn('id', 'bigserial', (c) => c.primaryKey())
    : b.addColumn('id', 'integer', (c) => c.primaryKey());
}

export function bigintType(dialect: Dialect): 'bigint' | 'integer' {
  return dialect === 'postgres' ? 'bigint' : 'integer';
}

/**
 * Runs `work` in a transaction: the migrator's own when it holds one (every pending migration and
 * its record in one, db.ts), or one of its own.
 */
export function inTransaction(db: Kysely<unknown>, work: (trx: Kysely<unknown>) => Promise<void>): Promise<void> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
