import { z } from 'zod';
import { appendAudit } from '../audit/audit-log.ts';
import type { DeskUser } from '../desk/access.ts';
import { deliver, recipientOf } from '../outbox/enqueue.ts';
import { AppError, ERROR_CODES } from '../errors.ts';
import type { Translator } from '../i18n/i18n.ts';
import type { Logger } from '../logger.ts';
import type { Profile } from '../profile/schema.ts';
import type { Store } from '../storage/sqlite-store.ts';
import { breachQueries, type BreachRow, type RecipientRow, type ReportRow } from './queries.ts';
import { languageOf, MAX_IDENTIFIERS, parseIdentifiers, resolveIdentifier } from './recipients.ts';

const HOUR_MS = 3_600_000;
const text = (max: number) => z.string().trim().min(5, 'error.text_short').max(max, 'error.text_long');
const noticeText = z.object({ what: text(1000), consequences: text(1000), mitigation: text(1000), safety: text(1000) });
export type BreachNoticeText = z.infer<typeof noticeText>;

/** What the DPO records (Rule 7(1) items for the notice, and the facts for the Board). */
export const breachInputSchema = z.object({
  /** When the organisation became aware of the breach (ISO 8601). */
  foundAt: z.iso.datetime({ offset: true }),
  occurred: text(1000),
  dataAffected: text(1000),
  peopleAffected: text(1000),
  notice: z.object({ en: noticeText, hi: noticeText }),
});
export type BreachInput = z.infer<typeof breachInputSchema>;

/** A report to the Board (Rule 7(2)(b)); every field is free text the DPO writes. */
export const boardReportSchema = z.object({
  kind: z.enum(['detailed', 'followup']),
  /** Updated and detailed description of the breach. */
  description: text(5000),
  /** Broad facts: the events, circumstances and reasons that led to it. */
  facts: text(5000),
  /** Measures taken or proposed to mitigate the risk. */
  mitigation: text(5000),
  /** Findings about the person who caused it, if known. */
  findings: z.string().trim().max(5000).default(''),
  /** Remedial measures to prevent a recurrence. */
  remedial: text(5000),
});
export type BoardReportInput = z.input<typeof boardReportSchema>;

export interface BreachProgress {
  total: number;
  /** Handed to the outbox (told, or being told at the platform's pace). */
  queued: number;
  pending: number;
  /** Accepted by their channel (queued, and no longer in the outbox). */
  sent: number;
  /** The channel refused for good (blocked the bot, number gone): to be told by other means. */
  failed: number;
  /** Nobody on file, or no chat with us: to be told by other means. */
  unreachable: number;
}

export interface BreachView {
  breach: BreachRow & { notice: { en: BreachNoticeText; hi: BreachNoticeText } };
  progress: BreachProgress;
  reports: ReportRow[];
  /** Those to tell by other means (first 500): no channel, or the channel refused. */
  otherMeans: Array<{ identifier: string; reason: string }>;
  /** Hours left before the report to the Board is due (negative: late); null once reported. */
  hoursLeft: number | null;
}

export interface BreachServiceDeps {
  store: Store;
  profile: Profile;
  translator: Translator;
  logger: Logger;
  clock: () => Date;
}

function input(key: string): AppError {
  return new AppError(ERROR_CODES.DESK_INPUT, key);
}

/** Only the DPO and the administrator record breaches and see who was affected. */
export function canHandleBreaches(user: DeskUser): boolean {
  return user.role === 'dpo' || user.role === 'admin';
}

/**
 * Personal-data breaches (DPDP s.8(6), Rules 2025 Rule 7). The DPO records one, chooses who is
 * affected, and each affected person is told once, on the channel they use and in their
 * language, through the outbox at the platform's pace: a recipient's row turns `queued` in the
 * same transaction that writes their message, so a restart or a second instance never tells
 * anyone twice. The report to the Board has its own clock (72 hours by default) with reminders.
 * Every step is audited; audit rows carry counts, never identifiers.
 */
export class BreachService {
  constructor(private readonly deps: BreachServiceDeps) {}

  private guard(user: DeskUser): void {
    if (!canHandleBreaches(user)) throw new AppError(ERROR_CODES.DESK_FORBIDDEN, 'Only the Data Protection Officer or an administrator handles personal-data breaches.');
  }

  async record(user: DeskUser, raw: unknown): Promise<number> {
    this.guard(user);
    const parsed = breachInputSchema.safeParse(raw);
    if (!parsed.success) throw input(parsed.error.issues[0]?.message.startsWith('error.') ? parsed.error.issues[0].message : 'error.breach_fields');
    const b = parsed.data;
    const now = this.deps.clock();
    const found = new Date(b.foundAt);
    if (found.getTime() > now.getTime() + 60_000) throw input('error.breach_found_future');
    const due = new Date(found.getTime() + this.deps.profile.law.breach.boardReportHours * HOUR_MS);
    return this.deps.store.transaction(async (uow) => {
      const q = breachQueries(uow.dialect);
      const [row] = await uow.exec.all(q.insert, {
        found_at: found.toISOString(), occurred: b.occurred, data_affected: b.dataAffected, people_affected: b.peopleAffected,
        notice: JSON.stringify(b.notice), recorded_at: now.toISOString(), recorded_by: actorOf(user), board_due_at: due.toISOString(),
      });
      const id = Number(row!.id);
      await appendAudit(uow, { actor: actorOf(user), action: 'breach.record', subject: `breach:${id}`, detail: { found_at: found.toISOString(), board_due_at: due.toISOString() }, at: now });
      this.deps.logger.warn({ breach: id, boardDueAt: due.toISOString() }, 'personal-data breach recorded: the report to the Board is due');
      return id;
    });
  }

  /**
   * Adds the people affected, from a pasted list: each identifier is resolved to the
   * conversations that are theirs; those with none are kept to be told by other means. Adding
   * the same people again adds nobody twice.
   */
  async addAffected(user: DeskUser, breachId: number, pasted: string): Promise<{ identifiers: number; told: number; unreachable: number }> {
    this.guard(user);
    const ids = parseIdentifiers(pasted);
    if (ids.length === 0) throw input('error.breach_no_identifiers');
    if (ids.length > MAX_IDENTIFIERS) throw input('error.breach_too_many');
    const now = this.deps.clock();
    let told = 0;
    let unreachable = 0;
    await this.get(breachId);
    // Several transactions of a bounded size: a list of 100,000 does not hold the database for long.
    for (let i = 0; i < ids.length; i += 1000) {
      await this.deps.store.transaction(async (uow) => {
        const q = breachQueries(uow.dialect);
        for (const id of ids.slice(i, i + 1000)) {
          const r = await resolveIdentifier(uow, id);
          if (r.conversations.length === 0) {
            const added = await uow.exec.run(q.addRecipient, { breach_id: breachId, identifier: r.identifier, conversation_key: null, channel: null, lang: 'en', status: 'unreachable', reason: r.reason ?? 'not_found' });
            unreachable += added.changes;
            continue;
          }
          for (const key of r.conversations) {
            if (((await uow.exec.all(q.hasConversation, { breach_id: breachId, conversation_key: key }))[0]?.n ?? 0) > 0) continue;
            const lang = await languageOf(uow, key);
            await uow.exec.run(q.addRecipient, { breach_id: breachId, identifier: r.identifier, conversation_key: key, channel: recipientOf(key).channel, lang, status: 'pending', reason: null });
            told++;
          }
        }
        if (i + 1000 >= ids.length) {
          await appendAudit(uow, { actor: actorOf(user), action: 'breach.affected', subject: `breach:${breachId}`, detail: { identifiers: ids.length, to_tell: told, unreachable }, at: now });
        }
      });
    }
    return { identifiers: ids.length, told, unreachable };
  }

  /**
   * Tells the next affected people: up to `limit` per transaction, until none are left or
   * `maxBatches` have run. Each recipient is claimed (pending → queued) and their message
   * written in one transaction, so a crash leaves them either told-and-marked or neither.
   */
  async dispatch(opts: { limit?: number; maxBatches?: number } = {}): Promise<number> {
    const limit = opts.limit ?? 500;
    const maxBatches = opts.maxBatches ?? 20;
    let total = 0;
    for (let batch = 0; batch < maxBatches; batch++) {
      const done = await this.deps.store.transaction(async (uow) => {
        const q = breachQueries(uow.dialect);
        const rows = await uow.exec.all(q.pending, { limit });
        const now = this.deps.clock();
        const at = now.toISOString();
        const breaches = new Map<number, BreachRow>();
        const perBreach = new Map<number, number>();
        for (const r of rows) {
          if ((await uow.exec.run(q.markQueued, { id: r.id, at })).changes !== 1) continue;
          let b = breaches.get(r.breach_id);
          if (!b) {
            b = (await uow.exec.all(q.byId, { id: r.breach_id }))[0]!;
            breaches.set(r.breach_id, b);
          }
          await deliver(uow, recipientOf(r.conversation_key!), { text: this.noticeText(b, r), choices: [] }, at);
          perBreach.set(r.breach_id, (perBreach.get(r.breach_id) ?? 0) + 1);
        }
        for (const [id, n] of perBreach) await appendAudit(uow, { actor: 'system', action: 'breach.notified', subject: `breach:${id}`, detail: { queued: n }, at: now });
        return { claimed: rows.length, queued: [...perBreach.values()].reduce((a, b) => a + b, 0) };
      });
      total += done.queued;
      if (done.claimed < limit) break;
    }
    return total;
  }

  /** The notice one affected person gets, in their language (Rule 7(1)(a)–(e)). */
  noticeText(b: BreachRow, r: Pick<RecipientRow, 'lang'>): string {
    const lang = r.lang === 'hi' ? 'hi' : 'en';
    const n = (JSON.parse(b.notice) as Record<'en' | 'hi', BreachNoticeText>)[lang];
    return this.deps.translator.t(lang, 'law:breach.notice', { what: n.what, occurred: b.occurred, consequences: n.consequences, mitigation: n.mitigation, safety: n.safety });
  }

  async list(user: DeskUser): Promise<Array<BreachRow & { progress: BreachProgress }>> {
    this.guard(user);
    return this.deps.store.transaction(async (uow) => {
      const rows = await uow.exec.all(breachQueries(uow.dialect).list, { limit: 100 });
      const out = [];
      for (const b of rows) out.push({ ...b, id: Number(b.id), progress: await progressOf(uow, Number(b.id)) });
      return out;
    });
  }

  async view(user: DeskUser, breachId: number): Promise<BreachView> {
    this.guard(user);
    const now = this.deps.clock();
    return this.deps.store.transaction(async (uow) => {
      const q = breachQueries(uow.dialect);
      const b = (await uow.exec.all(q.byId, { id: breachId }))[0];
      if (!b) throw new AppError(ERROR_CODES.TICKET_NOT_FOUND, `There is no breach ${breachId}.`);
      const progress = await progressOf(uow, breachId);
      const reports = await uow.exec.all(q.reports, { breach_id: breachId });
      const otherMeans = [
        ...(await uow.exec.all(q.unreachable, { breach_id: breachId, limit: 500 })).map((r) => ({ identifier: r.identifier, reason: r.reason ?? 'not_found' })),
        ...(await uow.exec.all(q.failedOf, { breach_id: breachId, limit: 500 })).map((r) => ({ identifier: r.conversation_key ?? r.identifier, reason: 'refused' })),
      ].slice(0, 500);
      await appendAudit(uow, { actor: actorOf(user), action: 'breach.view', subject: `breach:${breachId}`, at: now });
      const hoursLeft = b.board_reported_at ? null : Math.floor((Date.parse(b.board_due_at) - now.getTime()) / HOUR_MS);
      return { breach: { ...b, id: Number(b.id), notice: JSON.parse(b.notice) as BreachView['breach']['notice'] }, progress, reports, otherMeans, hoursLeft };
    });
  }

  /** Records a report to the Board; the first detailed one stops the 72-hour clock. */
  async addReport(user: DeskUser, breachId: number, raw: unknown): Promise<void> {
    this.guard(user);
    const parsed = boardReportSchema.safeParse(raw);
    if (!parsed.success) throw input(parsed.error.issues[0]?.message.startsWith('error.') ? parsed.error.issues[0].message : 'error.breach_fields');
    await this.get(breachId);
    const now = this.deps.clock();
    await this.deps.store.transaction(async (uow) => {
      const q = breachQueries(uow.dialect);
      const { kind, ...body } = parsed.data;
      await uow.exec.run(q.addReport, { breach_id: breachId, kind, body: JSON.stringify(body), at: now.toISOString(), by: actorOf(user) });
      if (kind === 'detailed') await uow.exec.run(q.setReported, { id: breachId, at: now.toISOString() });
      await appendAudit(uow, { actor: actorOf(user), action: 'breach.report', subject: `breach:${breachId}`, detail: { kind }, at: now });
    });
  }

  /**
   * The report to the Board as a document (Rule 7(2)): the breach, every report made, and the
   * intimations to the affected people in figures.
   */
  async boardReport(user: DeskUser, breachId: number): Promise<Record<string, unknown>> {
    const v = await this.view(user, breachId);
    const now = this.deps.clock();
    await this.deps.store.transaction((uow) => appendAudit(uow, { actor: actorOf(user), action: 'breach.report_download', subject: `breach:${breachId}`, at: now }));
    const org = this.deps.profile.organisation;
    return {
      rule: 'DPDP Rules 2025, Rule 7(2)',
      dataFiduciary: { name: org.name.en, contact: { title: org.contact.title.en, name: org.contact.name, email: org.contact.email ?? null, phone: org.contact.phone ?? null } },
      breach: {
        id: v.breach.id, foundAt: v.breach.found_at, occurred: v.breach.occurred, dataAffected: v.breach.data_affected, peopleAffected: v.breach.people_affected,
        description: v.breach.notice.en.what, likelyConsequences: v.breach.notice.en.consequences, mitigation: v.breach.notice.en.mitigation,
        recordedAt: v.breach.recorded_at, boardReportDueAt: v.breach.board_due_at, boardReportedAt: v.breach.board_reported_at,
      },
      reports: v.reports.map((r) => ({ kind: r.kind, at: r.at, by: r.by, ...(JSON.parse(r.body) as Record<string, unknown>) })),
      intimations: { ...v.progress, toTellByOtherMeans: v.progress.unreachable + v.progress.failed },
      generatedAt: now.toISOString(),
    };
  }

  /**
   * Reminds the DPO (a warning in the log and an audit row, shown on the desk) as the Board's
   * deadline nears: at each of `law.breach.reminderHours` before it, and once when it passes.
   */
  async remindIfDue(): Promise<number> {
    const now = this.deps.clock();
    return this.deps.store.transaction(async (uow) => {
      const q = breachQueries(uow.dialect);
      let reminded = 0;
      for (const b of await uow.exec.all(q.unreported, {})) {
        const sent = JSON.parse(b.reminders_sent) as number[];
        const left = (Date.parse(b.board_due_at) - now.getTime()) / HOUR_MS;
        const due = [...this.deps.profile.law.breach.reminderHours, 0].filter((h) => left <= h && !sent.includes(h));
        if (due.length === 0) continue;
        const h = Math.min(...due);
        await uow.exec.run(q.setReminders, { id: Number(b.id), reminders_sent: JSON.stringify([...sent, ...due].sort((a, c) => c - a)) });
        await appendAudit(uow, { actor: 'system', action: 'breach.reminder', subject: `breach:${b.id}`, detail: { hours_before_due: h, board_due_at: b.board_due_at }, at: now });
        this.deps.logger.warn({ breach: Number(b.id), boardDueAt: b.board_due_at }, h === 0 ? 'breach report to the Board is overdue' : `breach report to the Board due within ${h} hours`);
        reminded++;
      }
      return reminded;
    });
  }

  private async get(id: number): Promise<BreachRow> {
    const b = await this.deps.store.transaction(async (uow) => (await uow.exec.all(breachQueries(uow.dialect).byId, { id }))[0]);
    if (!b) throw new AppError(ERROR_CODES.TICKET_NOT_FOUND, `There is no breach ${id}.`);
    return b;
  }
}

async function progressOf(uow: Parameters<Parameters<Store['transaction']>[0]>[0], breachId: number): Promise<BreachProgress> {
  const q = breachQueries(uow.dialect);
  const by = Object.fromEntries((await uow.exec.all(q.counts, { breach_id: breachId })).map((r) => [r.status, Number(r.n)]));
  const out = Object.fromEntries((await uow.exec.all(q.inOutbox, { breach_id: breachId })).map((r) => [r.status, Number(r.n)]));
  const queued = by.queued ?? 0;
  const failed = out.failed ?? 0;
  return {
    total: queued + (by.pending ?? 0) + (by.unreachable ?? 0),
    queued,
    pending: by.pending ?? 0,
    sent: queued - (out.pending ?? 0) - failed,
    failed,
    unreachable: by.unreachable ?? 0,
  };
}

function actorOf(user: DeskUser): string {
  return `officer:${user.id}`;
}
