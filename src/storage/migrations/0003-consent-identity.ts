import type { Kysely } from 'kysely';
import type { Dialect } from '../db.ts';
import { bigintType, tableWithId } from './columns.ts';

/**
 * Consent and identity: the consent ledger (evidence under DPDP s.6(10)), the directory of data
 * principals the organisation has on file, the record of each identity check (never the code),
 * and nominations (s.14).
 */
export function migration0003(dialect: Dialect) {
  const autoId = (db: Kysely<unknown>, table: string) => tableWithId(db, table, dialect);
  const bigint = bigintType(dialect);

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await autoId(db, 'consent_ledger')
        .addColumn('conversation_key', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('lang', 'text', (c) => c.notNull())
        .addColumn('notice_version', 'text', (c) => c.notNull())
        .addColumn('notice_hash', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text')
        .execute();
      await db.schema.createIndex('consent_ledger_conversation').on('consent_ledger').columns(['conversation_key', 'id']).execute();

      await autoId(db, 'principals')
        .addColumn('external_ref', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text')
        .addColumn('mobile', 'text')
        .addColumn('email', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('principals_mobile').on('principals').column('mobile').execute();
      await db.schema.createIndex('principals_email').on('principals').column('email').execute();

      await autoId(db, 'verifications')
        .addColumn('conversation_key', 'text', (c) => c.notNull())
        .addColumn('principal_id', bigint)
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
        .execute();
      await db.schema.createIndex('verifications_conversation').on('verifications').columns(['conversation_key', 'id']).execute();

      await autoId(db, 'nominations')
        .addColumn('conversation_key', 'text', (c) => c.notNull())
        .addColumn('principal_id', bigint)
        .addColumn('nominee_name', 'text', (c) => c.notNull())
        .addColumn('relation', 'text', (c) => c.notNull())
        .addColumn('contact', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('ticket_number', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('nominations_conversation').on('nominations').columns(['conversation_key', 'id']).execute();
    },
  };
}
