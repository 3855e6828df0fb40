import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db.ts';
import { tableWithId } from './columns.ts';

/**
 * The first schema. Written with Kysely's schema builder so that the same migration runs on
 * SQLite and PostgreSQL; the only dialect difference is how an auto-increment key is declared.
 */
export function migration0001(dialect: Dialect) {
  const autoId = (db: Kysely<unknown>, table: string) => tableWithId(db, table, dialect);

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await autoId(db, 'tickets')
        .addColumn('number', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('conversation_key', 'text', (c) => c.notNull())
        .addColumn('fields', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('due_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
        .execute();
      await db.schema.createIndex('tickets_conversation').on('tickets').columns(['conversation_key', 'id']).execute();

      await db.schema
        .createTable('ticket_sequences')
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('year', 'integer', (c) => c.notNull())
        .addColumn('last', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('ticket_sequences_pk', ['prefix', 'year'])
        .execute();

      await autoId(db, 'transcripts')
        .addColumn('conversation_key', 'text', (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text')
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('transcripts_conversation').on('transcripts').columns(['conversation_key', 'id']).execute();

      await autoId(db, 'outbox')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('conversation_key', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .execute();
      // The outbox is a queue, not a history (the transcript is the history): a row is deleted
      // once its channel accepted it, so the table holds only what is still to be sent and
      // needs no index beyond its key. The processed-message mark, written in the same
      // transaction as these rows, is what makes a redelivered message add none.

      await db.schema
        .createTable('processed_messages')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('processed_messages_pk', ['channel', 'message_id'])
        // One B-tree instead of a rowid table plus its key index: one insert per message, not two.
        .$call((b) => (dialect === 'sqlite' ? b.modifyEnd(sql`without rowid`) : b))
        .execute();

      await autoId(db, 'handoffs')
        .addColumn('conversation_key', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
        .execute();

      await db.schema
        .createTable('keyv')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
