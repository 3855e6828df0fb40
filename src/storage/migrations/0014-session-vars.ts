import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * A conversation's answers (the session's `vars`), one row per answer, apart from the session's
 * fixed-size head in `keyv`. Writing a message's session then writes the head and only the answers
 * that changed, so its cost no longer grows with the number of answers kept (see
 * `session-repository.ts`). The primary key clusters a conversation's rows (WITHOUT ROWID on SQLite):
 * one answer's write touches one leaf page.
 *
 * Existing sessions are not rewritten here: a head that still carries its answers inline is read as
 * it is, and its next write moves them into rows (`SessionRepository.set`).
 */
export function migration0014(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const table = db.schema
        .createTable('session_vars')
        .addColumn('session_key', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('session_vars_pk', ['session_key', 'name']);
      await (dialect === 'sqlite' ? table.modifyEnd(sql`without rowid`) : table).execute();
    },
  };
}
