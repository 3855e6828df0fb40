import type { Kysely } from 'kysely';

/**
 * Delivery across restarts and instances (docs/delivery.md):
 * - the outbox becomes a leased work queue: `lease_owner`/`lease_until` say which instance is
 *   sending a row and until when (a lease that runs out is taken over); `parts_sent` counts the
 *   platform messages of a reply already accepted, so a retry sends only the rest;
 *   `sending_part` is set just before a part goes out and cleared once it is recorded, so a
 *   reply taken over after a crash knows it may repeat that one part (and says so);
 * - `conversation_state` keeps each conversation's last inbound time (WhatsApp's 24-hour
 *   window) where every instance reads it, and whether a reply waits for the citizen to write
 *   (the template's short form asked them to);
 * - `channel_leases`: a channel that only one instance may drive (WhatsApp Web) is held by a lease.
 */
export function migration0009() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('outbox').addColumn('lease_owner', 'text').execute();
      await db.schema.alterTable('outbox').addColumn('lease_until', 'text').execute();
      await db.schema.alterTable('outbox').addColumn('parts_sent', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('outbox').addColumn('sending_part', 'integer').execute();
      // The claim reads a channel's queue oldest first, and one conversation's rows in order.
      await db.schema.createIndex('outbox_queue').on('outbox').columns(['channel', 'status', 'id']).execute();
      await db.schema.createIndex('outbox_conversation').on('outbox').columns(['conversation_key', 'id']).execute();

      await db.schema
        .createTable('conversation_state')
        .addColumn('conversation_key', 'text', (c) => c.primaryKey())
        .addColumn('last_inbound_at', 'text', (c) => c.notNull())
        .addColumn('held', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();

      await db.schema
        .createTable('channel_leases')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('lease_until', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
