import { sql, type Kysely } from 'kysely';
import { inTransaction } from './columns.ts';
import type { Dialect } from '../db.ts';

/**
 * `conversation_state.in_tail`: whether the conversation's last inbound message may end in the
 * first part of a number split over two messages (bit 0) and whether the one before it may
 * (bit 1; see `recordInbound` and `split-numbers.ts`). The router writes this row for every
 * inbound message anyway, so the split-number check no longer reads the transcript for every
 * message that starts with a digit (a menu answer): only when the previous one may end in digits.
 * Rows from before this migration get 3 ("may"), so the next message is checked as before.
 *
 * On SQLite the table is rebuilt WITHOUT ROWID: its key is text, and with a rowid every write of
 * the row (one per inbound message) touched two B-trees, the table and its key's index.
 */
export function migration0016(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect === 'postgres') {
        await db.schema.alterTable('conversation_state').addColumn('in_tail', 'integer', (c) => c.notNull().defaultTo(3)).execute();
        return;
      }
      // Kysely runs SQLite migrations outside a transaction: the rebuild takes its own, so a crash
      // half-way leaves the old table as it was.
      await inTransaction(db, async (trx) => {
        await sql`create table conversation_state_0016 (
          conversation_key text primary key, last_inbound_at text not null,
          held integer not null default 0, in_tail integer not null default 3) without rowid`.execute(trx);
        await sql`insert into conversation_state_0016 (conversation_key, last_inbound_at, held)
          select conversation_key, last_inbound_at, held from conversation_state`.execute(trx);
        await sql`drop table conversation_state`.execute(trx);
        await sql`alter table conversation_state_0016 rename to conversation_state`.execute(trx);
      });
    },
  };
}
