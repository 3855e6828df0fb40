import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db.ts';
import { AUDIT_GENESIS } from './0005-desk.ts';
import { bigintType, tableWithId } from './columns.ts';

/**
 * Quality review (the weekly sample and reviewers' scores), satisfaction ratings, legal holds,
 * the citizen's own-data export links, and the audit log's purge point: rows up to
 * `audit_head.purge_below` may be deleted by the retention purge, which keeps the hash of the last
 * deleted row as `base_hash` so the rest of the chain still verifies.
 */
export function migration0006(dialect: Dialect) {
  const autoId = (db: Kysely<unknown>, table: string) => tableWithId(db, table, dialect);
  const bigint = bigintType(dialect);

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await autoId(db, 'reviews')
        .addColumn('ticket_id', bigint, (c) => c.notNull().unique())
        .addColumn('conversation_key', 'text', (c) => c.notNull())
        /** The sampling period's first day (IST), e.g. 2026-11-16. */
        .addColumn('period', 'text', (c) => c.notNull())
        /** channel|language|kind */
        .addColumn('stratum', 'text', (c) => c.notNull())
        /** The officer who held the ticket when it closed (scores are theirs). */
        .addColumn('officer_id', bigint)
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reviewer_id', bigint)
        /** JSON {criterion id: 1..5}. */
        .addColumn('scores', 'text')
        .addColumn('notes', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('reviewed_at', 'text')
        .execute();
      await db.schema.createIndex('reviews_status').on('reviews').columns(['status', 'created_at']).execute();
      await db.schema.createIndex('reviews_officer').on('reviews').columns(['officer_id', 'reviewed_at']).execute();
      await db.schema.createIndex('reviews_period').on('reviews').column('period').execute();

      await autoId(db, 'ratings')
        .addColumn('ticket_id', bigint, (c) => c.notNull().unique())
        .addColumn('conversation_key', 'text', (c) => c.notNull())
        .addColumn('rating', 'integer', (c) => c.notNull())
        .addColumn('comment', 'text')
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();

      await autoId(db, 'legal_holds')
        .addColumn('conversation_key', 'text', (c) => c.notNull())
        .addColumn('ticket_number', 'text')
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('set_by', 'text', (c) => c.notNull())
        .addColumn('set_at', 'text', (c) => c.notNull())
        .addColumn('released_by', 'text')
        .addColumn('released_at', 'text')
        .execute();
      await db.schema.createIndex('legal_holds_conversation').on('legal_holds').columns(['conversation_key', 'released_at']).execute();

      await autoId(db, 'data_exports')
        /** SHA-256 of the link's random token; the token is only in the link sent to the citizen. */
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('conversation_key', 'text', (c) => c.notNull())
        .addColumn('lang', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('downloaded_at', 'text')
        .execute();
      await db.schema.createIndex('data_exports_expiry').on('data_exports').column('expires_at').execute();

      // Indexes the purge's and the reports' range scans use.
      await db.schema.createIndex('transcripts_at').on('transcripts').column('at').execute();
      await db.schema.createIndex('verifications_at').on('verifications').column('at').execute();
      await db.schema.createIndex('consent_ledger_at').on('consent_ledger').column('at').execute();
      await db.schema.createIndex('tickets_created').on('tickets').column('created_at').execute();
      await db.schema.createIndex('ticket_events_kind_at').on('ticket_events').columns(['kind', 'at']).execute();

      await db.schema.alterTable('audit_head').addColumn('purge_below', bigint, (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('audit_head').addColumn('base_hash', 'text', (c) => c.notNull().defaultTo(AUDIT_GENESIS)).execute();
      // Deleting stays refused except for rows the purge has first declared expired (same transaction).
      if (dialect === 'postgres') {
        await sql`create or replace function audit_log_append_only() returns trigger language plpgsql as $$
          begin
            if tg_op = 'DELETE' and old.seq <= (select purge_below from audit_head where id = 1) then return old; end if;
            raise exception 'audit_log is append-only';
          end $$`.execute(db);
      } else {
        await sql`drop trigger audit_log_no_delete`.execute(db);
        await sql`create trigger audit_log_no_delete before delete on audit_log
          when old.seq > (select purge_below from audit_head where id = 1)
          begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
      }
    },
  };
}
