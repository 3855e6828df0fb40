import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db.ts';
import { bigintType, tableWithId } from './columns.ts';

/**
 * Personal-data breaches (DPDP s.8(6), Rule 7): the breach, each affected person once (a partial
 * unique index keeps one row per conversation even when two identifiers lead to it), and the
 * reports to the Board; and who consented for a minor (s.9).
 */
export function migration0012(dialect: Dialect) {
  const bigint = bigintType(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await tableWithId(db, 'breaches', dialect)
        .addColumn('found_at', 'text', (c) => c.notNull())
        .addColumn('occurred', 'text', (c) => c.notNull())
        .addColumn('data_affected', 'text', (c) => c.notNull())
        .addColumn('people_affected', 'text', (c) => c.notNull())
        .addColumn('notice', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .addColumn('recorded_by', 'text', (c) => c.notNull())
        .addColumn('board_due_at', 'text', (c) => c.notNull())
        .addColumn('board_reported_at', 'text')
        .addColumn('reminders_sent', 'text', (c) => c.notNull().defaultTo('[]'))
        .execute();
      await tableWithId(db, 'breach_recipients', dialect)
        .addColumn('breach_id', bigint, (c) => c.notNull())
        .addColumn('identifier', 'text', (c) => c.notNull())
        .addColumn('conversation_key', 'text')
        .addColumn('channel', 'text')
        .addColumn('lang', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('queued_at', 'text')
        .execute();
      // One row per conversation told, and one per identifier that leads to none.
      await db.schema.createIndex('breach_recipients_identifier').on('breach_recipients').columns(['breach_id', 'identifier']).unique()
        .where(sql.ref('conversation_key'), 'is', null).execute();
      await db.schema.createIndex('breach_recipients_conversation').on('breach_recipients').columns(['breach_id', 'conversation_key']).unique()
        .where('conversation_key', 'is not', null).execute();
      await db.schema.createIndex('breach_recipients_status').on('breach_recipients').columns(['status', 'id']).execute();
      await tableWithId(db, 'breach_reports', dialect)
        .addColumn('breach_id', bigint, (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('by', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('breach_reports_breach').on('breach_reports').column('breach_id').execute();
      // Who consented for a minor (DPDP s.9): the guardian on file, verified by a one-time code.
      await tableWithId(db, 'consent_guardians', dialect)
        .addColumn('conversation_key', 'text', (c) => c.notNull())
        .addColumn('guardian_principal_id', bigint, (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('notice_version', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('consent_guardians_conversation').on('consent_guardians').columns(['conversation_key', 'id']).execute();
      // Who a principal on file is in our chats: the conversations that proved to be theirs.
      await db.schema.createIndex('verifications_principal').on('verifications').column('principal_id').execute();
    },
  };
}
