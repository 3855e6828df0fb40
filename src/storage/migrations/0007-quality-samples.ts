import type { Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * Quality review, second part:
 * - `review_samples`: one row per sampling period that has been drawn (also when it had nothing to
 *   draw), so a period is sampled exactly once, across restarts and instances (its primary key);
 * - `handoffs.flow_step`: `flow/step` where the citizen was when they asked for an officer (the
 *   question they were answering, or where three answers in a row did not fit), for the desk's
 *   trends per flow step. Hand-offs from before this migration have none.
 */
export function migration0007(_dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('review_samples')
        /** The period's first day (IST), as in `reviews.period`. */
        .addColumn('period', 'text', (c) => c.primaryKey())
        .addColumn('every_days', 'integer', (c) => c.notNull())
        /** Tickets finished in the period and not yet reviewed, and how many were drawn. */
        .addColumn('candidates', 'integer', (c) => c.notNull())
        .addColumn('sampled', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.alterTable('handoffs').addColumn('flow_step', 'text').execute();
    },
  };
}
