import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db.ts';
import { bigintType, tableWithId } from './columns.ts';

/** The genesis value of the audit chain: the `prev_hash` of its first row. */
export const AUDIT_GENESIS = '0'.repeat(64);

/**
 * The officers' desk: accounts, their browser sessions and API tokens, the hash-chained audit
 * log (with its head row, whose lock orders concurrent appends), ticket assignment, and the live
 * hand-off's officer and times.
 */
export function migration0005(dialect: Dialect) {
  const autoId = (db: Kysely<unknown>, table: string) => tableWithId(db, table, dialect);
  const bigint = bigintType(dialect);

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await autoId(db, 'officers')
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('lang', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('last_login_at', 'text')
        .execute();

      // The session id is the SHA-256 of the cookie's token: a copy of the table opens no session.
      await db.schema.createTable('desk_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('officer_id', bigint, (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('desk_sessions_officer').on('desk_sessions').column('officer_id').execute();

      await autoId(db, 'api_tokens')
        .addColumn('officer_id', bigint, (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema.createIndex('api_tokens_officer').on('api_tokens').column('officer_id').execute();

      await db.schema.createTable('audit_log')
        .addColumn('seq', bigint, (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_log_subject').on('audit_log').columns(['subject', 'seq']).execute();
      await db.schema.createTable('audit_head')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('seq', bigint, (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.insertInto('audit_head' as never).values({ id: 1, seq: 0, hash: AUDIT_GENESIS } as never).execute();
      // Append-only in the database itself, not only in the code: an UPDATE or DELETE fails.
      if (dialect === 'postgres') {
        await sql`create function audit_log_append_only() returns trigger language plpgsql as $$
          begin raise exception 'audit_log is append-only'; end $$`.execute(db);
        await sql`create trigger audit_log_append_only before update or delete on audit_log
          for each row execute function audit_log_append_only()`.execute(db);
      } else {
        await sql`create trigger audit_log_no_update before update on audit_log
          begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
        await sql`create trigger audit_log_no_delete before delete on audit_log
          begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
      }

      await db.schema.alterTable('tickets').addColumn('assigned_to', bigint).execute();
      await db.schema.alterTable('tickets').addColumn('assigned_at', 'text').execute();
      await db.schema.createIndex('tickets_status_due').on('tickets').columns(['status', 'due_at']).execute();

      await db.schema.alterTable('handoffs').addColumn('officer_id', bigint).execute();
      await db.schema.alterTable('handoffs').addColumn('taken_at', 'text').execute();
      await db.schema.alterTable('handoffs').addColumn('closed_at', 'text').execute();
      await db.schema.alterTable('handoffs').addColumn('timeout_notified_at', 'text').execute();
      await db.schema.createIndex('handoffs_conversation').on('handoffs').columns(['conversation_key', 'status']).execute();
      await db.schema.createIndex('handoffs_status').on('handoffs').columns(['status', 'created_at']).execute();
    },
  };
}
