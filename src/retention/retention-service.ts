import { appendAudit, auditPoint } from '../audit/audit-log.ts';
import { addCalendarMonths, endOfIstDayMs, istDayNumber } from '../domain/time/ist.ts';
import { breachQueries } from '../breach/queries.ts';
import { describeError } from '../errors.ts';
import { SWEEP_BATCH, type FileStore } from '../files/file-store.ts';
import type { Logger } from '../logger.ts';
import type { Profile } from '../profile/schema.ts';
import type { Executor, Prepared } from '../storage/prepared.ts';
import type { Store } from '../storage/sqlite-store.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';
import { keepReasonsOf, type KeepReason } from './exceptions.ts';
import { LegalHolds } from './holds.ts';
import { ID_SLOTS, idSlots, retentionQueries, type CandidateRow, type ConversationTable } from './queries.ts';

export interface RetentionDeps {
  store: Store;
  profile: Profile;
  clock: () => Date;
  logger: Logger;
  /**
   * Where evidence files' bytes live: given, the purge removes the bytes of the files it deleted
   * (once no other record refers to them); without it the scheduler's file sweep does, later.
   */
  files?: FileStore;
}

/** DPDP Rule 8(3): personal data and logs of its processing are kept for at least one year. */
export const RULE_8_3_FLOOR_MONTHS = 12;

/** The classes of data with a retention period of their own in the profile. */
export const DATA_CLASSES = ['transcripts', 'verifications', 'consent', 'tickets', 'audit'] as const;
export type DataClass = (typeof DATA_CLASSES)[number];

export const KEEP_REASONS: readonly KeepReason[] = ['open_ticket', 'appeal_pending', 'board_case', 'legal_hold'];

const PROFILE_FIELD = {
  transcripts: 'transcriptMonths',
  verifications: 'verificationMonths',
  consent: 'consentMonths',
  tickets: 'ticketMonths',
  audit: 'auditMonths',
} as const satisfies Record<DataClass, keyof Profile['retention']>;

const TABLE_OF: Record<'transcripts' | 'verifications' | 'consent', ConversationTable> = {
  transcripts: 'transcripts',
  verifications: 'verifications',
  consent: 'consent_ledger',
};

/** The rows a ticket takes with it. */
export const TICKET_RELATED = ['ticket_events', 'timers', 'officer_notifications', 'ratings', 'reviews'] as const;
type TicketRelated = (typeof TICKET_RELATED)[number];

/** Rows read and deleted per transaction: a big purge never holds the SQLite writer for long. */
const ROWS_PER_BATCH = 500;
/** Days a platform's message id is kept to drop a redelivery of it. */
export const PROCESSED_DAYS = 30;
/** Tickets per transaction: each takes its history, timers, notes, rating and review along. */
const TICKETS_PER_BATCH = 50;
/** Where runIfDue remembers the IST day it last ran (keyv, committed with the claim). */
const CLAIM_KEY = 'retention:last-run';
const CLAIM_TTL_MS = 7 * 86_400_000;

/** Each class's period in months as applied: the profile's, never below the Rule 8(3) floor. */
export function retentionMonths(profile: Profile): Record<DataClass, number> {
  const out = {} as Record<DataClass, number>;
  for (const c of DATA_CLASSES) {
    const months = Math.floor(Number(profile.retention[PROFILE_FIELD[c]]));
    // The profile schema already refuses less; a profile built in code must not get round it.
    out[c] = Number.isFinite(months) ? Math.max(RULE_8_3_FLOOR_MONTHS, months) : RULE_8_3_FLOOR_MONTHS;
  }
  return out;
}

/**
 * Rows older than this instant have outlived `months`: 00:00 IST of the same date `months`
 * calendar months before today's IST date (clamped to the month's end). A row is so kept for
 * its full period counted as General Clauses Act s.9 counts one, and a little longer, never less.
 */
export function retentionCutoff(now: Date, months: number): Date {
  const day = addCalendarMonths(istDayNumber(now), -months);
  return new Date(endOfIstDayMs(day - 1) + 1000);
}

/** One class of data in a purge. */
export interface ClassReport {
  /** The period applied, in months. */
  months: number;
  /** Rows from before this instant (UTC ISO) had expired. */
  cutoff: string;
  /** Expired rows deleted (in a dry run: that would be deleted). Tickets: tickets, their own rows are in `related`. */
  deleted: number;
  /** Expired rows kept, per reason; a row kept for two reasons counts under both. */
  kept: Record<KeepReason, number>;
  /** Expired rows kept for any reason. */
  keptTotal: number;
}

/** What a purge deleted (or, in a dry run, would delete), per data class. */
export interface PurgeReport {
  dryRun: boolean;
  at: string;
  classes: Record<DataClass, ClassReport>;
  /** The rows that went with the deleted tickets. */
  related: Record<TicketRelated, number>;
  /** Expired citizen export links and desk log-ins (no retention period: they simply expired). */
  housekeeping: { data_exports: number; desk_sessions: number; breach_identifiers: number; processed_messages: number; delivery_statuses: number; sessions: number };
  /**
   * Evidence files deleted: with their ticket, or (sent while no ticket was open) after the
   * transcripts' period, kept for the same exceptions as the rest of their conversation.
   * `bytes` is their total size; `blobs` the stored contents removed because nothing else
   * refers to them any more (0 in a dry run, which removes nothing).
   */
  files: { deleted: number; bytes: number; kept: Record<KeepReason, number>; keptTotal: number; blobs: number };
  /** Rows deleted per table. */
  counts: Record<string, number>;
  /** Every row deleted. */
  deleted: number;
  /** The audit log's rows up to this seq are gone (its purge point after the run). */
  auditPurgedThrough: number;
  /** The `retention.purge` audit row (a real run only). */
  auditSeq?: number;
}

function emptyKept(): Record<KeepReason, number> {
  return { open_ticket: 0, appeal_pending: 0, board_case: 0, legal_hold: 0 };
}

const num = (v: unknown) => Number(v ?? 0);

/**
 * Retention: the daily purge of what has outlived its period (profile `retention`, never below
 * one year), except conversations whose ticket is open, whose appeal or Board case is pending, or
 * that an admin placed under a legal hold (`keepReasons`). Deletes run in bounded transactions;
 * the audit log is cut at its purge point so the rest of the chain still verifies; each real run
 * appends one `retention.purge` audit row with its counts and periods.
 */
export class RetentionService {
  readonly holds: LegalHolds;

  constructor(private readonly deps: RetentionDeps) {
    this.holds = new LegalHolds({ store: deps.store, clock: deps.clock });
  }

  /** Each class's period as applied and the cutoff it gives now. */
  periods(now = this.deps.clock()): Record<DataClass, { months: number; cutoff: string }> {
    const months = retentionMonths(this.deps.profile);
    const out = {} as Record<DataClass, { months: number; cutoff: string }>;
    for (const c of DATA_CLASSES) out[c] = { months: months[c], cutoff: retentionCutoff(now, months[c]).toISOString() };
    return out;
  }

  /**
   * Purges what has expired, or with `dryRun` only counts it (nothing is written, not even the
   * audit row). Safe to run twice at once: a row deleted by the other run is simply not counted.
   */
  async run(opts: { dryRun: boolean; actor?: string }): Promise<PurgeReport> {
    const now = this.deps.clock();
    const periods = this.periods(now);
    const report: PurgeReport = {
      dryRun: opts.dryRun,
      at: now.toISOString(),
      classes: Object.fromEntries(DATA_CLASSES.map((c) => [c, { ...periods[c], deleted: 0, kept: emptyKept(), keptTotal: 0 }])) as Record<DataClass, ClassReport>,
      related: { ticket_events: 0, timers: 0, officer_notifications: 0, ratings: 0, reviews: 0 },
      housekeeping: { data_exports: 0, desk_sessions: 0, breach_identifiers: 0, processed_messages: 0, delivery_statuses: 0, sessions: 0 },
      files: { deleted: 0, bytes: 0, kept: emptyKept(), keptTotal: 0, blobs: 0 },
      counts: {},
      deleted: 0,
      auditPurgedThrough: 0,
    };

    try {
      await this.housekeeping(now, opts.dryRun, report);
      for (const c of ['transcripts', 'verifications', 'consent'] as const) await this.purgeConversationRows(c, now, opts.dryRun, report);
      await this.purgeConversationFiles(now, opts.dryRun, report);
      await this.purgeTickets(now, opts.dryRun, report);
      await this.purgeBreachIdentifiers(opts.dryRun, report);
      await this.purgeDeliveryTraces(now, opts.dryRun, report);
      await this.purgeIdleSessions(now, opts.dryRun, report);
      await this.sweepFileBytes(opts.dryRun, report);
      await this.purgeAudit(opts.dryRun, report, opts.actor ?? 'system', now);
    } catch (error) {
      // What was deleted before the failure is still recorded, marked as an unfinished purge.
      if (!opts.dryRun) await this.record(report, opts.actor, now, true).catch(() => undefined);
      throw error;
    }
    const seq = await this.record(report, opts.actor, now, false);
    if (!opts.dryRun) report.auditSeq = seq;
    return report;
  }

  /**
   * The scheduler's daily job: runs the purge at most once per IST day, across restarts and
   * instances. The day is claimed first (in keyv, under the audit head's row lock on PostgreSQL,
   * so two instances cannot both claim it); a purge that fails gives the claim back, and the next
   * sweep tries again. Returns the rows deleted.
   */
  async runIfDue(): Promise<number> {
    const now = this.deps.clock();
    const day = istDayNumber(now);
    const previous = await this.deps.store.transaction(async (uow) => {
      if (uow.dialect === 'postgres') await uow.exec.all(retentionQueries(uow.dialect).lockAuditHead, {});
      const last = await uow.ephemeral.get<{ day: number; at: string }>(CLAIM_KEY);
      if (last && last.day >= day) return 'taken' as const;
      await uow.ephemeral.set(CLAIM_KEY, { day, at: now.toISOString() }, CLAIM_TTL_MS);
      return last ?? null;
    });
    if (previous === 'taken') return 0;
    try {
      const report = await this.run({ dryRun: false, actor: 'system' });
      this.deps.logger.info({ counts: report.counts, auditSeq: report.auditSeq }, 'retention purge done');
      return report.deleted;
    } catch (error) {
      await this.deps.store
        .transaction(async (uow) => {
          if (previous) await uow.ephemeral.set(CLAIM_KEY, previous, CLAIM_TTL_MS);
          else await uow.ephemeral.delete(CLAIM_KEY);
        })
        .catch((e: unknown) => this.deps.logger.error({ error: describeError(e) }, 'retention: could not give back the day’s claim'));
      throw error;
    }
  }

  /** Totals the report and appends its `retention.purge` audit row (counts, kept rows, periods; no conversation keys). */
  private async record(report: PurgeReport, actor: string | undefined, now: Date, failed: boolean): Promise<number> {
    report.counts = {
      transcripts: report.classes.transcripts.deleted,
      verifications: report.classes.verifications.deleted,
      consent_ledger: report.classes.consent.deleted,
      tickets: report.classes.tickets.deleted,
      ...report.related,
      evidence_files: report.files.deleted,
      audit_log: report.classes.audit.deleted,
      ...report.housekeeping,
    };
    report.deleted = Object.values(report.counts).reduce((a, b) => a + b, 0);
    if (report.dryRun) return 0;
    return this.deps.store.transaction((uow) =>
      appendAudit(uow, {
        actor: actor ?? 'system',
        action: 'retention.purge',
        subject: 'retention',
        detail: {
          ...(failed ? { unfinished: true } : {}),
          counts: report.counts,
          months: Object.fromEntries(DATA_CLASSES.map((c) => [c, report.classes[c].months])),
          cutoffs: Object.fromEntries(DATA_CLASSES.map((c) => [c, report.classes[c].cutoff])),
          kept: { ...Object.fromEntries(DATA_CLASSES.filter((c) => c !== 'audit').map((c) => [c, report.classes[c].kept])), evidence_files: report.files.kept },
          fileBytes: report.files.bytes,
          fileBlobs: report.files.blobs,
          auditPurgedThrough: report.auditPurgedThrough,
        },
        at: now,
      }));
  }

  /**
   * The redelivery guard's message ids after PROCESSED_DAYS (platforms stop redelivering within
   * days: Meta retries for up to 7, Telegram for 24 hours), and the platforms' delivery statuses
   * with the transcripts they describe (the transcripts' period). Without this both tables grew
   * by a row per message for ever.
   */
  private async purgeDeliveryTraces(now: Date, dryRun: boolean, report: PurgeReport): Promise<void> {
    const jobs = [
      ['processed_messages', 'countProcessedBefore', 'deleteProcessedBefore', new Date(now.getTime() - PROCESSED_DAYS * 86_400_000).toISOString()],
      ['delivery_statuses', 'countStatusesBefore', 'deleteStatusesBefore', report.classes.transcripts.cutoff],
    ] as const;
    for (const [name, count, del, before] of jobs) {
      if (dryRun) {
        report.housekeeping[name] = await this.deps.store.transaction(async (uow) => num((await uow.exec.all(this.q(uow)[count], { before }))[0]?.n));
        continue;
      }
      for (;;) {
        const n = await this.deps.store.transaction(async (uow) => (await uow.exec.run(this.q(uow)[del], { before, limit: ROWS_PER_BATCH })).changes);
        report.housekeeping[name] += n;
        if (n < ROWS_PER_BATCH) break;
      }
    }
  }

  /**
   * Chat sessions of conversations the citizen has not written to for the transcripts' period: the
   * answers of a form left half-way (a name, a number, a description) would otherwise be kept for
   * ever. Kept for the same exceptions as the transcript (an open ticket, an appeal, a Board case, a
   * legal hold), and while an officer holds the chat. A citizen who comes back starts afresh (their
   * language, the notice, their consent asked again).
   */
  private async purgeIdleSessions(now: Date, dryRun: boolean, report: PurgeReport): Promise<void> {
    const before = report.classes.transcripts.cutoff;
    let after = '';
    for (let more = true; more; ) {
      more = await this.deps.store.transaction(async (uow) => {
        const rows = await uow.exec.all(this.q(uow).idleConversations, { after, before, limit: ROWS_PER_BATCH });
        if (rows.length === 0) return false;
        after = rows.at(-1)!.conversation_key;
        const reasons = await keepReasonsOf(uow, rows.map((r) => r.conversation_key), now, this.deps.profile);
        for (const { conversation_key: key } of rows) {
          if (reasons.get(key)!.length > 0) continue;
          // The citizen may have written since the page was read (PostgreSQL: another instance):
          // under the conversation's lock, which their message's unit of work holds, read again.
          await uow.lockConversation(key);
          const [state] = await uow.exec.all(this.q(uow).lastInboundOf, { conversation_key: key });
          if (!state || state.last_inbound_at >= before) continue;
          const stored = await uow.sessions.get<unknown>(key);
          if (!stored || stored.live) continue;
          if (!dryRun) await uow.sessions.delete(key);
          report.housekeeping.sessions++;
        }
        return rows.length === ROWS_PER_BATCH;
      });
    }
  }

  /** Expired export links and desk sessions. */
  private async housekeeping(now: Date, dryRun: boolean, report: PurgeReport): Promise<void> {
    const at = now.toISOString();
    const jobs = [
      ['data_exports', 'countExpiredExports', 'deleteExpiredExports'],
      ['desk_sessions', 'countExpiredSessions', 'deleteExpiredSessions'],
    ] as const;
    for (const [name, count, del] of jobs) {
      if (dryRun) {
        report.housekeeping[name] = await this.deps.store.transaction(async (uow) => num((await uow.exec.all(this.q(uow)[count], { now: at }))[0]?.n));
        continue;
      }
      for (;;) {
        const n = await this.deps.store.transaction(async (uow) => (await uow.exec.run(this.q(uow)[del], { now: at, limit: ROWS_PER_BATCH })).changes);
        report.housekeeping[name] += n;
        if (n < ROWS_PER_BATCH) break;
      }
    }
  }

  /** Transcripts, identity checks or consent records older than their period, conversation by conversation. */
  private async purgeConversationRows(cls: 'transcripts' | 'verifications' | 'consent', now: Date, dryRun: boolean, report: PurgeReport): Promise<void> {
    const table = TABLE_OF[cls];
    const out = report.classes[cls];
    let after = 0;
    for (let more = true; more; ) {
      more = await this.deps.store.transaction(async (uow) => {
        const q = this.q(uow);
        const rows = await uow.exec.all(q.page[table], { after, cutoff: out.cutoff, limit: ROWS_PER_BATCH });
        if (rows.length === 0) return false;
        after = num(rows.at(-1)!.id);
        const doomed = await this.sortOut(uow, rows, now, out);
        out.deleted += await this.deleteIds(uow.exec, q.deleteIds[table], doomed, dryRun);
        return rows.length === ROWS_PER_BATCH;
      });
    }
  }

  /**
   * Evidence files sent while no ticket was open (a ticket's own go with it): they are part of
   * the conversation, so they expire with its transcript and are kept for the same exceptions.
   */
  private async purgeConversationFiles(now: Date, dryRun: boolean, report: PurgeReport): Promise<void> {
    const cutoff = report.classes.transcripts.cutoff;
    const out: ClassReport = { months: report.classes.transcripts.months, cutoff, deleted: 0, kept: report.files.kept, keptTotal: 0 };
    let after = 0;
    for (let more = true; more; ) {
      more = await this.deps.store.transaction(async (uow) => {
        const q = this.q(uow);
        const rows = await uow.exec.all(q.filePage, { after, cutoff, limit: ROWS_PER_BATCH });
        if (rows.length === 0) return false;
        after = num(rows.at(-1)!.id);
        const doomed = await this.sortOut(uow, rows, now, out);
        for (let i = 0; i < doomed.length; i += ID_SLOTS) {
          const ids = idSlots(doomed.slice(i, i + ID_SLOTS));
          const [tally] = await uow.exec.all(q.fileTally, ids);
          report.files.bytes += num(tally?.bytes);
          report.files.deleted += dryRun ? num(tally?.n) : (await uow.exec.run(q.deleteFileIds, ids)).changes;
        }
        return rows.length === ROWS_PER_BATCH;
      });
    }
    report.files.keptTotal += out.keptTotal;
  }

  /** The stored contents no record refers to any more, in steps (the file store's sweep takes at most SWEEP_BATCH a time). */
  private async sweepFileBytes(dryRun: boolean, report: PurgeReport): Promise<void> {
    const files = this.deps.files;
    if (dryRun || !files || report.files.deleted === 0) return;
    for (;;) {
      const n = await files.sweep(this.deps.store);
      report.files.blobs += n;
      if (n < SWEEP_BATCH) break;
    }
  }

  /** Finished tickets past their period, with their history, timers, notes, rating and review. */
  private async purgeTickets(now: Date, dryRun: boolean, report: PurgeReport): Promise<void> {
    const out = report.classes.tickets;
    let after = 0;
    for (let more = true; more; ) {
      more = await this.deps.store.transaction(async (uow) => {
        const q = this.q(uow);
        const rows = await uow.exec.all(q.ticketPage, { after, cutoff: out.cutoff, limit: TICKETS_PER_BATCH });
        if (rows.length === 0) return false;
        after = num(rows.at(-1)!.id);
        const doomed = await this.sortOut(uow, rows, now, out);
        if (doomed.length > 0) {
          const ids = idSlots(doomed);
          for (const table of TICKET_RELATED) {
            report.related[table] += dryRun
              ? num((await uow.exec.all(q.countByTicket[table], ids))[0]?.n)
              : (await uow.exec.run(q.deleteByTicket[table], ids)).changes;
          }
          // The ticket's evidence files go with it (counted first: the report says how many and how big).
          const [tally] = await uow.exec.all(q.fileTallyByTicket, ids);
          report.files.bytes += num(tally?.bytes);
          report.files.deleted += dryRun ? num(tally?.n) : (await uow.exec.run(q.deleteFilesByTicket, ids)).changes;
          out.deleted += await this.deleteIds(uow.exec, q.deleteIds.tickets, doomed, dryRun);
        }
        return rows.length === TICKETS_PER_BATCH;
      });
    }
  }

  /**
   * Breach recipients' identifiers (the mobiles, emails, references the DPO pasted) and
   * conversation keys, once the breach was found longer ago than the transcripts' period and the
   * person is no longer waiting to be told: the row stays (counts, channel, status) for the
   * Board's report, without who it was.
   */
  private async purgeBreachIdentifiers(dryRun: boolean, report: PurgeReport): Promise<void> {
    const cutoff = report.classes.transcripts.cutoff;
    let after = 0;
    for (let more = true; more; ) {
      more = await this.deps.store.transaction(async (uow) => {
        const bq = breachQueries(uow.dialect);
        const rows = await uow.exec.all(bq.expiredRecipients, { after, cutoff, limit: ROWS_PER_BATCH });
        if (rows.length === 0) return false;
        after = num(rows.at(-1)!.id);
        if (!dryRun) for (const r of rows) await uow.exec.run(bq.eraseRecipient, { id: num(r.id) });
        report.housekeeping.breach_identifiers += rows.length;
        return rows.length === ROWS_PER_BATCH;
      });
    }
  }

  /**
   * The audit log's rows older than its period, in steps of at most ROWS_PER_BATCH: each step
   * moves the purge point (and the hash verification starts from), deletes up to it (the only
   * delete the table's trigger lets through) and records where it left the point (a
   * `retention.audit_purge` row), in one transaction. `audit verify` accepts a purge point only
   * when a kept row recorded it; with the record in the step's own transaction, a purge cut off
   * after any step (a crash, a lost connection: nothing more written, not even the run's
   * `retention.purge` row) leaves a log that verifies, never one that reads as tampered. The next
   * run goes on from the point.
   */
  private async purgeAudit(dryRun: boolean, report: PurgeReport, actor: string, now: Date): Promise<void> {
    const out = report.classes.audit;
    const { store } = this.deps;
    const target = await store.transaction(async (uow) => {
      const point = await auditPoint(uow);
      const [first] = await uow.exec.all(this.q(uow).firstKeptAudit, { cutoff: out.cutoff });
      return { point, through: first ? num(first.seq) - 1 : point.seq };
    });
    report.auditPurgedThrough = target.point.purgeBelow;
    if (target.through <= target.point.purgeBelow) return;
    if (dryRun) {
      out.deleted = target.through - target.point.purgeBelow;
      report.auditPurgedThrough = target.through;
      return;
    }
    for (;;) {
      const step = await store.transaction(async (uow) => {
        const q = this.q(uow);
        const point = await auditPoint(uow);
        if (point.purgeBelow >= target.through) return { done: true, deleted: 0, through: point.purgeBelow };
        const seq = Math.min(target.through, point.purgeBelow + ROWS_PER_BATCH);
        const [row] = await uow.exec.all(q.auditHashAt, { seq });
        if (!row) throw new Error(`audit row ${seq} is missing: run \`nivaran audit verify\``);
        // Only from the point just read: another purge that moved it meanwhile makes this a no-op.
        if ((await uow.exec.run(q.setPurgePoint, { seq, hash: row.hash, old: point.purgeBelow })).changes !== 1) {
          return { done: false, deleted: 0, through: point.purgeBelow };
        }
        const deleted = (await uow.exec.run(q.deleteAuditThrough, { seq, old: point.purgeBelow })).changes;
        // Appended after the point, so always among the kept rows; it seals the moved head too.
        await appendAudit(uow, {
          actor,
          action: 'retention.audit_purge',
          subject: 'retention',
          detail: { auditPurgedThrough: seq, deleted, months: { audit: out.months }, cutoffs: { audit: out.cutoff } },
          at: now,
        });
        return { done: seq >= target.through, deleted, through: seq };
      });
      out.deleted += step.deleted;
      report.auditPurgedThrough = step.through;
      if (step.done) break;
    }
  }

  /**
   * Splits a page of expired rows into those that may go and those kept by an exception of
   * their conversation (counted per reason). The exceptions are read in the same transaction
   * as the delete, so a ticket opened meanwhile is seen.
   */
  private async sortOut(uow: UnitOfWork, rows: CandidateRow[], now: Date, out: ClassReport): Promise<number[]> {
    const reasons = await keepReasonsOf(uow, rows.map((r) => r.conversation_key), now, this.deps.profile);
    const doomed: number[] = [];
    for (const r of rows) {
      const why = reasons.get(r.conversation_key)!;
      if (why.length === 0) {
        doomed.push(num(r.id));
        continue;
      }
      out.keptTotal++;
      for (const k of why) out.kept[k]++;
    }
    return doomed;
  }

  private async deleteIds(ex: Executor, statement: Prepared<Record<string, number>, never>, ids: number[], dryRun: boolean): Promise<number> {
    if (dryRun) return ids.length;
    let n = 0;
    for (let i = 0; i < ids.length; i += ID_SLOTS) n += (await ex.run(statement, idSlots(ids.slice(i, i + ID_SLOTS)))).changes;
    return n;
  }

  private q(uow: UnitOfWork) {
    return retentionQueries(uow.dialect);
  }
}
