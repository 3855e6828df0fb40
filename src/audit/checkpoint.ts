import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError, ERROR_CODES } from '../errors.ts';
import type { Store } from '../storage/sqlite-store.ts';
import { auditPoint } from './audit-log.ts';

/**
 * A signed checkpoint of the audit log: its last row and that row's hash at one moment, kept by the
 * organisation away from the database. The head's MAC proves the head was written with the key,
 * not that it is the newest one: a copy of an earlier database (head and rows) verifies on its
 * own. Against a checkpoint taken later, it does not.
 */
export const checkpointSchema = z.object({
  kind: z.literal('nivaran-audit-checkpoint'),
  version: z.literal(1),
  /** The last row when the checkpoint was made. */
  seq: z.number().int().positive(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  /** When that row was written (UTC ISO): a purge may remove it only once it has expired. */
  rowAt: z.string().datetime(),
  /** Rows then kept (the purge had removed those up to `purgedThrough`). */
  rows: z.number().int().nonnegative(),
  purgedThrough: z.number().int().nonnegative(),
  madeAt: z.string().datetime(),
  /** HMAC-SHA-256 with AUDIT_SECRET over every field above. */
  mac: z.string().regex(/^[0-9a-f]{64}$/),
});
export type Checkpoint = z.infer<typeof checkpointSchema>;

function checkpointMac(key: string, c: Omit<Checkpoint, 'mac'>): string {
  return createHmac('sha256', key)
    .update(JSON.stringify(['audit_checkpoint', c.kind, c.version, c.seq, c.hash, c.rowAt, c.rows, c.purgedThrough, c.madeAt]))
    .digest('hex');
}

/** The checkpoint of the log as it is now: its head row, read with the head in one transaction. */
export async function makeCheckpoint(store: Store, key: string, now: Date): Promise<Checkpoint> {
  const body = await store.transaction(async (uow) => {
    const point = await auditPoint(uow);
    const [row] = point.seq > point.purgeBelow ? await uow.audit.after(point.seq - 1, 1) : [];
    if (!row || row.seq !== point.seq) {
      throw new AppError(ERROR_CODES.AUDIT_CHECKPOINT_INVALID, 'The audit log has no last row to checkpoint yet (it is empty, or its last row is missing: run `nivaran audit verify`).');
    }
    return {
      kind: 'nivaran-audit-checkpoint' as const,
      version: 1 as const,
      seq: point.seq,
      hash: row.hash,
      rowAt: row.at,
      rows: point.seq - point.purgeBelow,
      purgedThrough: point.purgeBelow,
      madeAt: now.toISOString(),
    };
  });
  return { ...body, mac: checkpointMac(key, body) };
}

/** Reads a checkpoint file's text; refuses one not signed with `key` (altered, or another installation's). */
export function parseCheckpoint(text: string, key: string): Checkpoint {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError(ERROR_CODES.AUDIT_CHECKPOINT_INVALID, 'The checkpoint file is not JSON: give the file `nivaran audit checkpoint` wrote.');
  }
  const parsed = checkpointSchema.safeParse(json);
  if (!parsed.success) throw new AppError(ERROR_CODES.AUDIT_CHECKPOINT_INVALID, `The checkpoint file is malformed (${parsed.error.issues[0]?.path.join('.') || 'root'}): give the file \`nivaran audit checkpoint\` wrote.`);
  const { mac, ...body } = parsed.data;
  const expected = checkpointMac(key, body);
  if (!timingSafeEqual(Buffer.from(mac), Buffer.from(expected))) {
    throw new AppError(ERROR_CODES.AUDIT_CHECKPOINT_INVALID, 'The checkpoint file is not signed with this AUDIT_SECRET: it was altered, or comes from another installation.');
  }
  return parsed.data;
}

/**
 * Why the log no longer holds the checkpoint's row, or undefined when it does. Run after
 * `verifyAudit` found the chain intact, so the row's hash standing for every row before it.
 * A row the retention purge removed is accepted only if the purge that removed it (`purgeCutoff`,
 * from the verdict) had it expired: older than its cutoff.
 */
export async function checkAgainst(store: Store, cp: Checkpoint, purgeCutoff: string | undefined): Promise<string | undefined> {
  const { point, row } = await store.transaction(async (uow) => {
    const point = await auditPoint(uow);
    const [row] = await uow.audit.after(cp.seq - 1, 1);
    return { point, row };
  });
  const when = `the checkpoint of ${cp.madeAt}`;
  if (point.seq < cp.seq) {
    return `the chain ends at row ${point.seq} but ${when} recorded row ${cp.seq}: the log was rolled back to an earlier copy, or its last rows were removed`;
  }
  if (cp.seq <= point.purgeBelow) {
    if (purgeCutoff !== undefined && Date.parse(cp.rowAt) < Date.parse(purgeCutoff)) return undefined;
    return `row ${cp.seq} of ${when} (written ${cp.rowAt}) is behind the purge point ${point.purgeBelow}, but it had not expired when purged`;
  }
  if (!row || row.seq !== cp.seq) return `row ${cp.seq} recorded by ${when} is missing`;
  if (row.hash !== cp.hash) return `row ${cp.seq} is not the row ${when} recorded: it or a row before it was rewritten`;
  return undefined;
}
