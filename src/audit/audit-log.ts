import { createHash } from 'node:crypto';
import { AUDIT_GENESIS } from '../storage/migrations/0005-desk.ts';
import type { AuditRow } from '../storage/desk-queries.ts';
import type { Store } from '../storage/sqlite-store.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';

/** One entry: who did what to which record. `detail` must carry no personal data. */
export interface AuditEntry {
  /** `officer:<id>`, `system` or `cli`. */
  actor: string;
  action: string;
  /** `ticket:<number>`, `handoff:<id>`, `officer:<id>`, `conversation:<key>`. */
  subject: string;
  detail?: Record<string, unknown>;
  at: Date;
}

/**
 * The hash of a row: SHA-256 over the previous row's hash and this row's fields, as a JSON array
 * so no two different rows serialise alike. Changing, removing or reordering any row breaks every
 * hash after it.
 */
export function auditHash(prevHash: string, row: Pick<AuditRow, 'seq' | 'at' | 'actor' | 'action' | 'subject' | 'detail'>): string {
  return createHash('sha256')
    .update(JSON.stringify([prevHash, row.seq, row.at, row.actor, row.action, row.subject, row.detail]))
    .digest('hex');
}

/**
 * Appends to the hash-chained audit log inside the caller's unit of work, so the entry commits
 * with the action it records, or not at all. The head row's lock orders concurrent appends
 * (PostgreSQL); SQLite has one writer.
 */
export async function appendAudit(uow: UnitOfWork, entry: AuditEntry): Promise<number> {
  const head = await uow.audit.bumpHead();
  const row = {
    seq: head.seq,
    at: entry.at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject,
    detail: JSON.stringify(entry.detail ?? {}),
  };
  const hash = auditHash(head.hash, row);
  await uow.audit.insert({ ...row, prev_hash: head.hash, hash });
  await uow.audit.setHeadHash(hash);
  return head.seq;
}

export type AuditVerdict =
  | { ok: true; rows: number; headSeq: number }
  | { ok: false; rows: number; brokenSeq: number; reason: string };

const PAGE = 1000;

/**
 * Walks the chain from the first row and recomputes every hash. Names the first row that does
 * not follow from the one before it: edited, inserted, removed (a gap), or a head that does not
 * match the last row.
 */
export async function verifyAudit(store: Store): Promise<AuditVerdict> {
  let prevHash = AUDIT_GENESIS;
  let expected = 1;
  let rows = 0;
  let head = { seq: 0, hash: AUDIT_GENESIS };
  let headRead = false;
  for (;;) {
    const page = await store.transaction((uow) => uow.audit.after(expected - 1, PAGE));
    for (const r of page) {
      if (r.seq !== expected) return { ok: false, rows, brokenSeq: expected, reason: `row ${expected} is missing (the next row is ${r.seq})` };
      if (r.prev_hash !== prevHash) return { ok: false, rows, brokenSeq: r.seq, reason: `row ${r.seq} does not point to the hash of row ${r.seq - 1}` };
      if (auditHash(prevHash, r) !== r.hash) return { ok: false, rows, brokenSeq: r.seq, reason: `row ${r.seq} was changed after it was written (its hash does not match its contents)` };
      prevHash = r.hash;
      expected++;
      rows++;
    }
    if (page.length === PAGE) continue;
    // A row commits with the head that counts it, so a head ahead of the walk means rows were
    // appended while it ran (walk on) or the last rows were removed (nothing more to read).
    if (headRead && page.length === 0) break;
    head = await store.transaction((uow) => uow.audit.head());
    headRead = true;
    if (head.seq <= rows) break;
  }
  if (head.seq > rows) {
    return { ok: false, rows, brokenSeq: rows + 1, reason: `the chain ends at row ${rows} but its head records row ${head.seq}: the last rows were removed` };
  }
  if (head.seq < rows) {
    return { ok: false, rows, brokenSeq: head.seq + 1, reason: `the head records row ${head.seq} but the chain goes on to row ${rows}: rows were added without the head` };
  }
  if (head.hash !== prevHash) {
    return { ok: false, rows, brokenSeq: rows, reason: `row ${rows} is not the row its head records: the end of the chain was rewritten` };
  }
  return { ok: true, rows, headSeq: head.seq };
}
