import type { Kysely } from 'kysely';

/**
 * `evidence_files.idempotency_key`: the desk's upload form sends a token made with the page, so
 * the same submission sent again (the officer presses again after a timeout, the browser
 * resubmits) finds the file it attached and neither attaches it nor replies to the citizen a
 * second time. Null for files a citizen sent (the platform's message id dedupes those) and for
 * the API. Unique, as the tickets' and hand-offs' keys are: a second insert with the same key
 * waits for the first and then does nothing (PostgreSQL), so two instances cannot both attach it.
 */
export function migration0018() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('evidence_files').addColumn('idempotency_key', 'text').execute();
      await db.schema.createIndex('evidence_files_idempotency').on('evidence_files').column('idempotency_key').unique().execute();
    },
  };
}
