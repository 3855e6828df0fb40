import { appendAudit, type AuditEntry } from '../audit/audit-log.ts';
import type { BusinessCalendar } from '../domain/sla/calendar.ts';
import { SLA_PRESETS, type SlaPolicy } from '../domain/sla/presets.ts';
import { TICKET_KINDS, type Profile } from '../profile/schema.ts';
import { featureQueries } from '../storage/feature-queries.ts';
import { prepare } from '../storage/prepared.ts';
import type { Store } from '../storage/sqlite-store.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';
import { computeMonthlyReport, type MonthlyReport, type ReportContext, type ReportEvent, type ReportRating, type ReportReview, type ReportRows, type ReportTicket } from './compute.ts';
import { parseMonth } from './month.ts';

interface Range {
  from: string;
  to: string;
  /** Where "open past due" is measured (the month's end, or now). */
  as_of: string;
}

const queries = featureQueries((db) => ({
  /**
   * Every ticket the month's figures may need: received, acknowledged, resolved or referred to
   * the Board in the month, or open and past due at `as_of`. One pass over the table.
   */
  tickets: prepare<Range, ReportTicket>((p) =>
    db.selectFrom('tickets')
      .select(['id', 'number', 'kind', 'channel', 'language', 'fields', 'policy_id', 'created_at', 'acknowledged_at', 'resolved_at', 'closed_at', 'due_at', 'board_notified_at', 'department'])
      .where((eb) => eb.or([
        eb.and([eb('created_at', '>=', p.from), eb('created_at', '<', p.to)]),
        eb.and([eb('acknowledged_at', '>=', p.from), eb('acknowledged_at', '<', p.to)]),
        eb.and([eb('resolved_at', '>=', p.from), eb('resolved_at', '<', p.to)]),
        eb.and([eb('board_notified_at', '>=', p.from), eb('board_notified_at', '<', p.to)]),
        eb.and([
          eb('created_at', '<', p.as_of),
          eb('due_at', '<', p.as_of),
          eb.or([eb('resolved_at', 'is', null), eb('resolved_at', '>=', p.as_of)]),
          eb.or([eb('closed_at', 'is', null), eb('closed_at', '>=', p.as_of)]),
        ]),
      ]))
      .orderBy('id')),
  /** Extensions, escalations, appeals and transfers of the month, with their ticket's number and department. */
  events: prepare<Omit<Range, 'as_of'>, ReportEvent>((p) =>
    db.selectFrom('ticket_events as e')
      .innerJoin('tickets as t', 't.id', 'e.ticket_id')
      .select(['e.ticket_id', 't.number', 'e.kind', 'e.at', 'e.actor', 'e.to_status', 'e.reason', 'e.data', 't.department'])
      .where((eb) => eb.or([
        eb('e.kind', '=', 'extension'),
        eb('e.kind', '=', 'escalation'),
        eb('e.kind', '=', 'transfer'),
        eb.and([eb('e.kind', '=', 'transition'), eb('e.to_status', '=', 'appealed')]),
      ]))
      .where('e.at', '>=', p.from)
      .where('e.at', '<', p.to)
      .orderBy('e.at')
      .orderBy('e.id')),
  reviews: prepare<Omit<Range, 'as_of'>, ReportReview>((p) =>
    db.selectFrom('reviews as r')
      .leftJoin('tickets as t', 't.id', 'r.ticket_id')
      .select(['r.status', 'r.reviewed_at', 'r.scores', 't.department'])
      .where('r.status', '=', 'done')
      .where('r.reviewed_at', '>=', p.from)
      .where('r.reviewed_at', '<', p.to)
      .orderBy('r.id')),
  ratings: prepare<Omit<Range, 'as_of'>, ReportRating>((p) =>
    db.selectFrom('ratings as r').leftJoin('tickets as t', 't.id', 'r.ticket_id')
      .select(['r.rating', 'r.at', 't.department']).where('r.at', '>=', p.from).where('r.at', '<', p.to).orderBy('r.id')),
}));

/** Reads the rows of `month`'s report inside the caller's unit of work. */
export async function loadReportRows(uow: UnitOfWork, month: string, now: Date): Promise<ReportRows> {
  const range = parseMonth(month);
  const asOf = new Date(Math.max(Date.parse(range.from), Math.min(now.getTime(), Date.parse(range.to)))).toISOString();
  const q = queries(uow.dialect);
  const window = { from: range.from, to: range.to };
  return {
    tickets: (await uow.exec.all(q.tickets, { ...window, as_of: asOf })).map((t) => ({ ...t, id: Number(t.id) })),
    events: (await uow.exec.all(q.events, window)).map((e) => ({ ...e, ticket_id: Number(e.ticket_id) })),
    reviews: await uow.exec.all(q.reviews, window),
    ratings: (await uow.exec.all(q.ratings, window)).map((r) => ({ ...r, rating: Number(r.rating) })),
  };
}

/** What a report needs besides the rows: the profile's policies, ladder and rubric, and the calendar. */
export function reportContext(profile: Pick<Profile, 'policies' | 'ladder' | 'quality'>, calendar: BusinessCalendar, now: Date): ReportContext {
  const own: SlaPolicy[] = TICKET_KINDS.map((k) => profile.policies[k]);
  return {
    policies: [...own, ...SLA_PRESETS],
    listed: [...new Set(own.map((p) => p.id))],
    calendar,
    ladder: profile.ladder,
    rubric: profile.quality.rubric,
    now,
  };
}

export interface MonthlyReportDeps {
  store: Store;
  profile: Pick<Profile, 'policies' | 'ladder' | 'quality'>;
  calendar: BusinessCalendar;
  now: Date;
}

/**
 * The month's report, its rows read in one transaction. With `audit`, the audit row (e.g.
 * `report.view`) is appended in that same transaction.
 * @throws AppError CLI_USAGE for a month not written YYYY-MM.
 */
export async function monthlyReport(deps: MonthlyReportDeps, month: string, audit?: Omit<AuditEntry, 'at'>): Promise<MonthlyReport> {
  parseMonth(month);
  const rows = await deps.store.transaction(async (uow) => {
    const loaded = await loadReportRows(uow, month, deps.now);
    if (audit) await appendAudit(uow, { ...audit, at: deps.now });
    return loaded;
  });
  return computeMonthlyReport(rows, month, reportContext(deps.profile, deps.calendar, deps.now));
}
