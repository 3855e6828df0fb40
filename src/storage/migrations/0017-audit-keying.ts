import type { Kysely } from 'kysely';
import { currentAuditKey, headMac } from '../../audit/audit-key.ts';

/**
 * Starts keying the audit chain when the store is first opened with a key (openStore sets it
 * before migrating): `keyed_from` becomes the next row and the head is sealed. Until now it was
 * set by the first keyed append, so a chain with rows and no `keyed_from` could be a chain
 * never keyed, or one whose key start and MAC were removed and every row rehashed with plain
 * SHA-256; `audit verify` could not tell them apart and called the forgery intact. After this
 * one-time step a null `keyed_from` on a chain with rows, while a key is set, means it was
 * removed. Rows written before keep their SHA-256 links and are verified as such. Without a key
 * (no store opened through openStore) nothing changes: the first keyed append starts keying.
 */
export function migration0017() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const key = currentAuditKey();
      if (!key) return;
      const trx = db as unknown as Kysely<{ audit_head: { id: number; seq: number | string; hash: string; purge_below: number | string; base_hash: string; keyed_from: number | string | null; mac: string | null } }>;
      const head = await trx.selectFrom('audit_head').select(['seq', 'hash', 'purge_below', 'base_hash', 'keyed_from']).where('id', '=', 1).executeTakeFirst();
      if (!head || head.keyed_from !== null) return;
      const h = { seq: Number(head.seq), hash: head.hash, purgeBelow: Number(head.purge_below), baseHash: head.base_hash, keyedFrom: Number(head.seq) + 1 };
      await trx.updateTable('audit_head').set({ keyed_from: h.keyedFrom, mac: headMac(key, h) }).where('id', '=', 1).execute();
    },
  };
}
