import type { Kysely } from 'kysely';

/**
 * Indexes the retention purge and the monthly report scan by: a deleted ticket's officers' notes,
 * and tickets by when they were resolved or referred to the Board.
 */
export function migration0008() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createIndex('officer_notifications_ticket').on('officer_notifications').column('ticket_id').execute();
      await db.schema.createIndex('tickets_resolved').on('tickets').column('resolved_at').execute();
      await db.schema.createIndex('tickets_board').on('tickets').column('board_notified_at').execute();
    },
  };
}
