import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db.ts';
import { bigintType, tableWithId } from './columns.ts';

/**
 * Running it for real: officers told by email (and a Telegram chat of the officers), and
 * citizens' evidence files.
 *
 * - `officer_notifications.dispatched_at` and `handoffs.officers_notified_at` mark what the
 *   notification dispatcher has turned into deliveries. A marker on the row (not a cursor on the
 *   id) because on PostgreSQL ids may commit out of order. Rows from before this migration are
 *   marked, so an upgrade does not email officers about old tickets.
 * - `notify_settings`: each officer's choice per kind (immediate, daily digest, off) and the
 *   digest's time of day in IST.
 * - `notify_deliveries`: one row per notification and recipient; unique, so a dispatcher that
 *   runs twice (a restart, a second instance) queues it once; claimed before sending and
 *   marked sent after, so it is never sent twice.
 * - `file_blobs` and `evidence_files`: evidence files by content (SHA-256), their bytes in the
 *   database on PostgreSQL, under DATA_DIR/files on SQLite.
 */
export function migration0013(dialect: Dialect) {
  const bigint = bigintType(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('officer_notifications').addColumn('dispatched_at', 'text').execute();
      await sql`update officer_notifications set dispatched_at = 'before-0013'`.execute(db);
      await db.schema.createIndex('officer_notifications_dispatch').on('officer_notifications').column('dispatched_at').execute();
      await db.schema.alterTable('handoffs').addColumn('officers_notified_at', 'text').execute();
      await sql`update handoffs set officers_notified_at = 'before-0013'`.execute(db);
      await db.schema.createIndex('handoffs_officers_notified').on('handoffs').column('officers_notified_at').execute();

      await db.schema
        .createTable('notify_settings')
        .addColumn('officer_id', bigint, (c) => c.primaryKey())
        /** HH:MM in IST. */
        .addColumn('digest_time', 'text', (c) => c.notNull())
        /** JSON {kind: 'immediate' | 'digest' | 'off'}; a kind not named is immediate. */
        .addColumn('modes', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await tableWithId(db, 'notify_deliveries', dialect)
        /** `n:<officer_notifications.id>` or `h:<handoffs.id>`. */
        .addColumn('source', 'text', (c) => c.notNull())
        /** 0 for the officers' Telegram chat. */
        .addColumn('officer_id', bigint, (c) => c.notNull())
        .addColumn('via', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('ticket_number', 'text')
        .addColumn('handoff_id', bigint)
        .addColumn('digest', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('due_at', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('claimed_at', 'text')
        .addColumn('batch', 'text')
        .addColumn('sent_at', 'text')
        .addUniqueConstraint('notify_deliveries_once', ['source', 'officer_id', 'via'])
        .execute();
      await db.schema.createIndex('notify_deliveries_due').on('notify_deliveries').columns(['status', 'due_at']).execute();
      await db.schema.createIndex('notify_deliveries_batch').on('notify_deliveries').column('batch').execute();

      await db.schema
        .createTable('file_blobs')
        .addColumn('sha256', 'text', (c) => c.primaryKey())
        .addColumn('size', bigint, (c) => c.notNull())
        /** Only on PostgreSQL (DATABASE_URL); on SQLite the bytes are in DATA_DIR/files. */
        .addColumn('bytes', dialect === 'postgres' ? 'bytea' : 'blob')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await tableWithId(db, 'evidence_files', dialect)
        .addColumn('conversation_key', 'text', (c) => c.notNull())
        .addColumn('ticket_id', bigint)
        .addColumn('sha256', 'text', (c) => c.notNull())
        /** From the content, never from the name the sender gave. */
        .addColumn('mime', 'text', (c) => c.notNull())
        .addColumn('size', bigint, (c) => c.notNull())
        /** `citizen` or `officer:<id>`. */
        .addColumn('added_by', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('evidence_files_conversation').on('evidence_files').column('conversation_key').execute();
      await db.schema.createIndex('evidence_files_ticket').on('evidence_files').column('ticket_id').execute();
      await db.schema.createIndex('evidence_files_sha').on('evidence_files').column('sha256').execute();
    },
  };
}
