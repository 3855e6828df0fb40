import { z } from 'zod';
import { RULE_8_3_FLOOR_MONTHS, retentionCutoff } from '../retention/retention-service.ts';

/**
 * What a `retention.purge` audit row (a whole run) or a `retention.audit_purge` row (one step of
 * the audit log's purge, written in the step's own transaction) says about the audit log itself.
 * Only the fields the check needs; the row is inside the keyed chain, so it cannot be forged
 * without AUDIT_SECRET.
 */
const PURGE_ACTIONS: ReadonlySet<string> = new Set(['retention.purge', 'retention.audit_purge']);

const purgeDetail = z.object({
  auditPurgedThrough: z.number().int().nonnegative(),
  months: z.object({ audit: z.number() }).partial().optional(),
  cutoffs: z.object({ audit: z.string() }).partial().optional(),
});

/** A recorded purge as the walk found it. */
export interface PurgeRecord {
  seq: number;
  at: string;
  through: number;
  /** Audit rows from before this instant had expired (as the purge computed it). */
  cutoff: string | undefined;
  /** The audit period the purge applied, in months. */
  months: number | undefined;
}

/** The purge record in `detail`, or undefined when the row records none. */
export function purgeRecordOf(row: { seq: number; at: string; action: string; detail: string }): PurgeRecord | undefined {
  if (!PURGE_ACTIONS.has(row.action)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(row.detail);
  } catch {
    return undefined;
  }
  const parsed = purgeDetail.safeParse(json);
  if (!parsed.success) return undefined;
  return { seq: row.seq, at: row.at, through: parsed.data.auditPurgedThrough, cutoff: parsed.data.cutoffs?.audit, months: parsed.data.months?.audit };
}

/**
 * Why a purge point of `purgeBelow` is not explained, or the cutoff of the purge that explains it (undefined: nothing purged). The point only moves
 * by the retention purge, and every run records where it left it in a row appended after it, so
 * that row is always among the kept ones. Its recorded cutoff must also lie at least the period it
 * recorded before the purge ran, and never less than the Rule 8(3) floor of 12 months: a purge that
 * hid recent rows (today's) is refused even when recorded. A period the profile lowered but kept
 * at or above the floor is the organisation's choice, and is not refused.
 */
export function unexplainedPurge(purgeBelow: number, records: readonly PurgeRecord[]): { reason: string } | { cutoff: string } | undefined {
  if (purgeBelow === 0) return undefined;
  const rec = records.filter((r) => r.through === purgeBelow).at(-1);
  if (!rec) return { reason: `rows 1–${purgeBelow} are marked purged but no recorded retention purge (audit row retention.purge) left the purge point there` };
  const months = Math.max(RULE_8_3_FLOOR_MONTHS, rec.months ?? 0);
  const latest = retentionCutoff(new Date(rec.at), months).getTime();
  if (rec.cutoff === undefined || !(Date.parse(rec.cutoff) <= latest)) {
    return { reason: `the retention purge recorded at row ${rec.seq} removed audit rows younger than ${months} months (its cutoff ${rec.cutoff ?? 'is not recorded'})` };
  }
  return { cutoff: rec.cutoff };
}
