import { createHmac } from 'node:crypto';

/**
 * The key the chain's links and head are computed with (AUDIT_SECRET): kept outside the database,
 * so someone who can write to the database cannot recompute a rewritten chain or move its head.
 * Set once at start-up (`setAuditKey`); undefined keeps the plain SHA-256 links. Kept apart from
 * audit-log.ts (no storage imports) so the migration that starts keying can read it.
 */
let auditKey: string | undefined;
export function setAuditKey(key: string | undefined): void {
  auditKey = key;
}
export function currentAuditKey(): string | undefined {
  return auditKey;
}

/** The head's MAC: its position, hash, purge point and key start, so none moves without the key. */
export function headMac(key: string, h: { seq: number; hash: string; purgeBelow: number; baseHash: string; keyedFrom: number }): string {
  return createHmac('sha256', key).update(JSON.stringify(['audit_head', h.seq, h.hash, h.purgeBelow, h.baseHash, h.keyedFrom])).digest('hex');
}
