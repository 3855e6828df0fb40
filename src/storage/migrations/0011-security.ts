import type { Kysely } from 'kysely';
import type { Dialect } from '../db.ts';
import { bigintType } from './columns.ts';

/**
 * Security hardening (issue 14):
 * - a legal hold's release reason is kept on the hold (masked), no longer in the audit log's
 *   details, which hold no free text;
 * - API tokens expire;
 * - the audit head carries a keyed MAC of itself (so moving the head or its purge point without
 *   the secret is detected) and the first row written under a key (older rows keep plain
 *   SHA-256 links, verified as such).
 */
export function migration0011(dialect: Dialect) {
  const bigint = bigintType(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('legal_holds').addColumn('release_reason', 'text').execute();
      await db.schema.alterTable('api_tokens').addColumn('expires_at', 'text').execute();
      await db.schema.alterTable('audit_head').addColumn('mac', 'text').execute();
      await db.schema.alterTable('audit_head').addColumn('keyed_from', bigint).execute();
    },
  };
}
