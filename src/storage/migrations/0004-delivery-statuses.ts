import type { Kysely } from 'kysely';
import type { Dialect } from '../db.ts';
import { tableWithId } from './columns.ts';

/** What a platform reported about a message we sent: sent, delivered, read or failed (with its code). */
export function migration0004(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await tableWithId(db, 'delivery_statuses', dialect)
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('platform_message_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('error_code', 'integer')
        .execute();
      await db.schema.createIndex('delivery_statuses_message').on('delivery_statuses').columns(['channel', 'platform_message_id']).execute();
    },
  };
}
