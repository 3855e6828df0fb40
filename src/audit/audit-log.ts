import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { currentAuditKey, headMac } from './audit-key.ts';
import { AUDIT_GENESIS } from '../storage/migrations/0005-desk.ts';
import type { AuditRow } from '../storage/desk-queries.ts';
import { featureQueries } from '../storage/feature-queries.ts';
import { prepare } from '../storage/prepared.ts';
import { purgeRecordOf, unexplainedPurge, type PurgeRecord } from './purge-check.ts';
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

export { setAuditKey } from './audit-key.ts';

/**
 * The hash of a row: over the previous row's hash and this row's fields, as a JSON array so no two
 * different rows serialise alike. Changing, removing or reordering any row breaks every hash after
 * it. Keyed rows (from `keyed_from` on) use HMAC-SHA-256 with AUDIT_SECRET; older rows SHA-256.
 */
export function auditHash(prevHash: string, row: Pick<AuditRow, 'seq' | 'at' | 'actor' | 'action' | 'subject' | 'detail'>, key?: string): string {
  const data = JSON.stringify([prevHash, row.seq, row.at, row.actor, row.action, row.subject, row.detail]);
  return (key ? createHmac('sha256', key) : createHash('sha256')).update(data).digest('hex');
}

/** Re-signs the head after it moved (an append, or the retention purge moving its point). */
export async function sealAuditHead(uow: UnitOfWork): Promise<void> {
  const auditKey = currentAuditKey();
  if (!auditKey) return;
  const p = await auditPoint(uow);
  if (p.keyedFrom === null) return;
  await uow.exec.run(pointQueries(uow.dialect).setMac, { mac: headMac(auditKey, { ...p, keyedFrom: p.keyedFrom }) });
}

/**
 * Appends to the hash-chained audit log inside the caller's unit of work, so the entry commits
 * with the action it records, or not at all. The head row's lock orders concurrent appends
 * (PostgreSQL); SQLite has one writer.
 */
export async function appendAudit(uow: UnitOfWork, entry: AuditEntry): Promise<number> {
  const head = await uow.audit.bumpHead();
  const auditKey = currentAuditKey();
  let key: string | undefined;
  if (auditKey) {
    const [k] = await uow.exec.all(pointQueries(uow.dialect).keyedFrom, {});
    let keyedFrom = k?.keyed_from === null || k?.keyed_from === undefined ? null : Number(k.keyed_from);
    // Keying starts here only on an empty chain (a store opened without a key, as in tests): on a
    // chain with rows, the store's opening started it (migration 0017), so a null key start means
    // it was removed, and marking it here would bless rows rehashed without the key. Those stay
    // reported by `audit verify`; the new row is linked as the walk will check it (plain).
    if (keyedFrom === null && head.seq === 1) {
      const [p] = await uow.exec.all(pointQueries(uow.dialect).point, {});
      if (Number(p?.purge_below ?? 0) === 0) {
        await uow.exec.run(pointQueries(uow.dialect).setKeyedFrom, { seq: head.seq });
        keyedFrom = head.seq;
      }
    }
    if (keyedFrom !== null && head.seq >= keyedFrom) key = auditKey;
  }
  const row = {
    seq: head.seq,
    at: entry.at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject,
    detail: JSON.stringify(entry.detail ?? {}),
  };
  const hash = auditHash(head.hash, row, key);
  await uow.audit.insert({ ...row, prev_hash: head.hash, hash });
  await uow.audit.setHeadHash(hash);
  await sealAuditHead(uow);
  return head.seq;
}

export type AuditVerdict =
  /**
   * `purgedThrough`: rows up to it were removed by the retention purge (absent when none were);
   * `purgeCutoff`: rows before this instant had expired, as the purge that did it recorded.
   */
  | { ok: true; rows: number; headSeq: number; purgedThrough?: number; purgeCutoff?: string }
  | { ok: false; rows: number; brokenSeq: number; reason: string };

const PAGE = 1000;

/** The head of the chain and its purge point, read together. */
export interface AuditPoint {
  seq: number;
  hash: string;
  /** Rows up to this seq were (or may be) deleted by the retention purge. */
  purgeBelow: number;
  /** The hash of row `purgeBelow`: what the first kept row points to. */
  baseHash: string;
  /** The first row linked with AUDIT_SECRET (null: none yet). */
  keyedFrom: number | null;
  /** The head's MAC (null before a key was set). */
  mac: string | null;
}

const pointQueries = featureQueries((db) => ({
  point: prepare<Record<string, never>, { seq: number; hash: string; purge_below: number; base_hash: string; keyed_from: number | null; mac: string | null }>(() =>
    db.selectFrom('audit_head').select(['seq', 'hash', 'purge_below', 'base_hash', 'keyed_from', 'mac']).where('id', '=', 1)),
  keyedFrom: prepare<Record<string, never>, { keyed_from: number | null }>(() => db.selectFrom('audit_head').select('keyed_from').where('id', '=', 1)),
  setKeyedFrom: prepare<{ seq: number }, never>((p) => db.updateTable('audit_head').set({ keyed_from: p.seq }).where('id', '=', 1)),
  setMac: prepare<{ mac: string }, never>((p) => db.updateTable('audit_head').set({ mac: p.mac }).where('id', '=', 1)),
}));

export async function auditPoint(uow: UnitOfWork): Promise<AuditPoint> {
  const [row] = await uow.exec.all(pointQueries(uow.dialect).point, {});
  return {
    seq: Number(row?.seq ?? 0),
    hash: row?.hash ?? AUDIT_GENESIS,
    purgeBelow: Number(row?.purge_below ?? 0),
    baseHash: row?.base_hash ?? AUDIT_GENESIS,
    keyedFrom: row?.keyed_from === null || row?.keyed_from === undefined ? null : Number(row.keyed_from),
    mac: row?.mac ?? null,
  };
}

/**
 * Walks the chain from its first kept row (row 1, or the one after the retention purge's point,
 * whose hash the head keeps) and recomputes every hash. Names the first row that does not follow
 * from the one before it: edited, inserted, removed (a gap), or a head that does not match the
 * last row. A purge that runs meanwhile moves the start: the walk is then made again from there.
 */
export async function verifyAudit(store: Store): Promise<AuditVerdict> {
  let start = await store.transaction(auditPoint);
  for (let attempt = 0; ; attempt++) {
    const verdict = await walkAudit(store, start);
    if (verdict.ok || attempt >= 3) return verdict;
    const now = await store.transaction(auditPoint);
    if (now.purgeBelow === start.purgeBelow) return verdict;
    start = now;
  }
}

async function walkAudit(store: Store, start: AuditPoint): Promise<AuditVerdict> {
  const auditKey = currentAuditKey();
  const first = start.purgeBelow + 1;
  const keyedFrom = start.keyedFrom;
  // A store opened with a key starts keying at once (migration 0017, or the first append on an
  // empty chain), so with a key set, a chain with rows and no key start is not one never keyed:
  // its key start and MAC were removed, letting every row be rehashed with plain SHA-256.
  if (keyedFrom === null && auditKey && start.seq > 0) {
    return { ok: false, rows: 0, brokenSeq: start.seq, reason: 'the audit log\'s key start was removed (audit_head.keyed_from is empty on a chain with rows): its rows may have been rewritten without AUDIT_SECRET' };
  }
  // The head and its purge point are signed: moving them (to hide the last rows, or today's under
  // a raised purge point) without the key is seen here, before any row is read.
  if (keyedFrom !== null && auditKey) {
    const expected = headMac(auditKey, { ...start, keyedFrom });
    if (!start.mac || start.mac.length !== expected.length || !timingSafeEqual(Buffer.from(start.mac), Buffer.from(expected))) {
      return { ok: false, rows: 0, brokenSeq: start.seq, reason: 'the audit head (its last row or purge point) was moved without AUDIT_SECRET' };
    }
  }
  let prevHash = start.baseHash;
  let expected = first;
  let rows = 0;
  let head: AuditPoint = start;
  let headRead = false;
  const purges: PurgeRecord[] = [];
  for (;;) {
    const page = await store.transaction((uow) => uow.audit.after(expected - 1, PAGE));
    for (const r of page) {
      if (r.seq !== expected) return { ok: false, rows, brokenSeq: expected, reason: `row ${expected} is missing (the next row is ${r.seq})` };
      if (r.prev_hash !== prevHash) {
        const what = r.seq === first && first > 1 ? `the hash the retention purge kept of row ${r.seq - 1}` : `the hash of row ${r.seq - 1}`;
        return { ok: false, rows, brokenSeq: r.seq, reason: `row ${r.seq} does not point to ${what}` };
      }
      if (keyedFrom !== null && r.seq >= keyedFrom && !auditKey) {
        return { ok: false, rows, brokenSeq: r.seq, reason: `rows from ${keyedFrom} on are keyed: set AUDIT_SECRET to verify them` };
      }
      if (auditHash(prevHash, r, keyedFrom !== null && r.seq >= keyedFrom ? auditKey : undefined) !== r.hash) return { ok: false, rows, brokenSeq: r.seq, reason: `row ${r.seq} was changed after it was written (its hash does not match its contents)` };
      const purge = purgeRecordOf(r);
      if (purge) purges.push(purge);
      prevHash = r.hash;
      expected++;
      rows++;
    }
    if (page.length === PAGE) continue;
    // A row commits with the head that counts it, so a head ahead of the walk means rows were
    // appended while it ran (walk on) or the last rows were removed (nothing more to read).
    if (headRead && page.length === 0) break;
    head = await store.transaction(auditPoint);
    headRead = true;
    if (head.seq <= expected - 1) break;
  }
  const last = expected - 1;
  if (head.seq > last) {
    return { ok: false, rows, brokenSeq: last + 1, reason: `the chain ends at row ${last} but its head records row ${head.seq}: the last rows were removed` };
  }
  if (head.seq < last) {
    return { ok: false, rows, brokenSeq: head.seq + 1, reason: `the head records row ${head.seq} but the chain goes on to row ${last}: rows were added without the head` };
  }
  if (head.hash !== prevHash) {
    return { ok: false, rows, brokenSeq: last, reason: `row ${last} is not the row its head records: the end of the chain was rewritten` };
  }
  // A raised purge point hides rows as well as a moved head does: only a recorded purge of rows
  // old enough explains it (the head's MAC does not, to whoever holds the key or ran a short period).
  const purge = unexplainedPurge(start.purgeBelow, purges);
  if (purge && 'reason' in purge) return { ok: false, rows, brokenSeq: start.purgeBelow, reason: purge.reason };
  return purge ? { ok: true, rows, headSeq: head.seq, purgedThrough: start.purgeBelow, purgeCutoff: purge.cutoff } : { ok: true, rows, headSeq: head.seq };
}
