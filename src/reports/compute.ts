import { CHAT_CHANNELS } from '../channels/by-number.ts';
import type { BusinessCalendar } from '../domain/sla/calendar.ts';
import type { Duration, DurationUnit } from '../domain/sla/duration.ts';
import type { SlaPolicy } from '../domain/sla/presets.ts';
import { elapsedIn, mean, median, percentile } from './measure.ts';
import { parseMonth } from './month.ts';

/**
 * The monthly report, computed from plain rows with no clock and no I/O, so every figure can be
 * checked by hand against a fixture set (test/reports/).
 *
 * What counts in month M (an IST calendar month):
 * - requests: tickets received in M (`created_at`);
 * - time to acknowledge: tickets acknowledged in M; time to resolve and the on-time share: tickets
 *   resolved in M (whenever received);
 * - open past due: tickets received before the end of M (or now, for the month under way), not
 *   resolved or closed by then, whose due date had passed;
 * - extensions, escalations and appeals: ticket events of M; Board referrals: `board_notified_at`
 *   in M; quality: reviews done in M; satisfaction: ratings given in M.
 */

/** A grievance counts as its own "right" beside the DPDP rights, in this order. */
export const RIGHTS = ['grievance', 'access', 'correction', 'erasure', 'withdraw_consent', 'nomination'] as const;
/** Shown with 0 when a month has none, so a chart's bars keep their places from month to month. */
/** Every channel a report counts, zero or not: the names the channels give their tickets. */
export const KNOWN_CHANNELS = CHAT_CHANNELS;
export const KNOWN_LANGUAGES = ['en', 'hi'] as const;

export const PERCENTILE_METHOD =
  'median: the middle value (the mean of the two middle values for an even count); 90th percentile: nearest rank, the value at rank ceil(0.9 × n) of the n values sorted ascending';
export const COUNTING_METHOD =
  'from receipt to the event, pauses and extensions included; hours on the wall clock; calendar days after the IST day of receipt; working days after the day of receipt on the business calendar, an event on a weekend or holiday counting as on the next working day; months as whole calendar months plus the fraction of the next';

export interface ReportTicket {
  id: number;
  number: string;
  kind: string;
  channel: string;
  language: string;
  /** The request fields as JSON; a data-rights ticket has `right`. */
  fields: string;
  policy_id: string;
  created_at: string;
  acknowledged_at: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  due_at: string;
  board_notified_at: string | null;
  /** The department holding the ticket (0015); absent in rows built by hand. */
  department?: string;
}

export interface ReportEvent {
  ticket_id: number;
  number: string;
  kind: string;
  at: string;
  actor: string;
  to_status: string | null;
  reason: string | null;
  data: string;
  /** The department holding the event's ticket now. */
  department?: string;
}

export interface ReportReview {
  status: string;
  reviewed_at: string | null;
  /** JSON {criterion id: 1..5}. */
  scores: string | null;
  /** The department of the reviewed conversation's ticket. */
  department?: string | null;
}

export interface ReportRating {
  rating: number;
  at: string;
  department?: string | null;
}

/** What the report is computed from. Rows outside the month are ignored, so a superset is fine. */
export interface ReportRows {
  tickets: readonly ReportTicket[];
  events: readonly ReportEvent[];
  reviews: readonly ReportReview[];
  ratings: readonly ReportRating[];
}

export interface ReportContext {
  /** Policies a ticket's `policy_id` may name: the profile's first, then the presets. */
  policies: readonly SlaPolicy[];
  /** Policy ids listed even in a month without tickets (the profile's). */
  listed: readonly string[];
  /** Counts working days (the profile's calendar, as the ticket clocks do). */
  calendar: BusinessCalendar;
  /** The escalation ladder: names the rung an escalation reached. */
  ladder: ReadonlyArray<{ role: string }>;
  /** Quality rubric criteria, in the order shown. */
  rubric: ReadonlyArray<{ id: string }>;
  now: Date;
  /** A department's report: its id and name, and the stored ids of its tickets (see departments/report.ts). */
  department?: { id: string; name: { en: string; hi: string }; ids: readonly string[] };
}

export interface TimeMeasure {
  unit: DurationUnit;
  /** The policy's period in `unit`, or null when it sets none (DPDP has no acknowledgment period). */
  limit: number | null;
  count: number;
  median: number | null;
  p90: number | null;
}

export interface PolicyTimes {
  policy: string;
  title: { en: string; hi: string } | null;
  acknowledge: TimeMeasure;
  resolve: TimeMeasure;
}

export interface OnTimeFigures {
  resolved: number;
  onTime: number;
  late: number;
  /** onTime / resolved, 0–1 to four decimals; null with nothing resolved. */
  share: number | null;
}

export interface MonthlyReport {
  month: string;
  /** The month's first instant (00:00 IST on the 1st) and the next month's, UTC ISO. */
  from: string;
  to: string;
  /** Where "open past due" is measured: the month's end, or now for the month under way. */
  asOf: string;
  /** False for the month under way (or a month still to come). */
  complete: boolean;
  generatedAt: string;
  method: { percentiles: string; counting: string };
  requests: {
    total: number;
    byRight: Record<string, number>;
    byChannel: Record<string, number>;
    byLanguage: Record<string, number>;
  };
  times: PolicyTimes[];
  onTime: OnTimeFigures & {
    byPolicy: Array<OnTimeFigures & { policy: string }>;
    openPastDue: { count: number; byPolicy: Record<string, number> };
  };
  extensions: {
    count: number;
    items: Array<{ number: string; at: string; reason: string; duration: Duration | null }>;
  };
  escalations: {
    count: number;
    /** By the scheduler when a rung's time ran out. */
    automatic: number;
    byOfficers: number;
    byLevel: Array<{ level: number; role: string; count: number }>;
    /** Citizens' appeals (not satisfied, or `appeal …`), which also move a ticket up. */
    appeals: number;
  };
  board: { count: number; items: Array<{ number: string; at: string }> };
  /** The department this report is for; null for the whole organisation. */
  department: { id: string; name: { en: string; hi: string } } | null;
  /**
   * Tickets moved between departments in the month. A department's report counts those it
   * received (`in`) and sent (`out`); the organisation's has `in` and `out` null.
   */
  transfers: { count: number; in: number | null; out: number | null };
  quality: {
    reviews: number;
    criteria: Array<{ id: string; average: number | null; count: number }>;
    /** The mean of every score given in the month. */
    overall: number | null;
  };
  ratings: { count: number; average: number | null; distribution: Record<'1' | '2' | '3' | '4' | '5', number> };
}

/** The request a ticket is: `grievance`, or the data right its `fields.right` names. */
export function rightOf(t: Pick<ReportTicket, 'kind' | 'fields'>): string {
  if (t.kind !== 'data_rights') return t.kind;
  const right = parseJson(t.fields)?.right;
  return typeof right === 'string' && right.length > 0 ? right : 'unspecified';
}

export function computeMonthlyReport(rows: ReportRows, month: string, ctx: ReportContext): MonthlyReport {
  const range = parseMonth(month);
  const fromMs = Date.parse(range.from);
  const toMs = Date.parse(range.to);
  const nowMs = ctx.now.getTime();
  const asOfMs = Math.min(nowMs, toMs);
  const inMonth = (iso: string | null | undefined): iso is string => {
    if (!iso) return false;
    const ms = Date.parse(iso);
    return ms >= fromMs && ms < toMs;
  };
  const policyById = new Map<string, SlaPolicy>();
  for (const p of ctx.policies) if (!policyById.has(p.id)) policyById.set(p.id, p);

  // Requests received in the month.
  const received = rows.tickets.filter((t) => inMonth(t.created_at));
  const byRight = zeroed(RIGHTS);
  const byChannel = zeroed(KNOWN_CHANNELS);
  const byLanguage = zeroed(KNOWN_LANGUAGES);
  for (const t of received) {
    bump(byRight, rightOf(t));
    bump(byChannel, t.channel);
    bump(byLanguage, t.language);
  }

  // Times, per policy so units never mix.
  const policyIds = unique([
    ...ctx.listed,
    ...rows.tickets.filter((t) => inMonth(t.created_at) || inMonth(t.acknowledged_at) || inMonth(t.resolved_at)).map((t) => t.policy_id).sort(),
  ]);
  const times: PolicyTimes[] = policyIds.map((id) => {
    const policy = policyById.get(id);
    const ackUnit: DurationUnit = policy?.acknowledge?.unit ?? policy?.resolve.unit ?? 'calendar_days';
    const resolveUnit: DurationUnit = policy?.resolve.unit ?? 'calendar_days';
    const mine = rows.tickets.filter((t) => t.policy_id === id);
    const ack = mine.filter((t) => inMonth(t.acknowledged_at)).map((t) => elapsedIn(ackUnit, new Date(t.created_at), new Date(t.acknowledged_at!), ctx.calendar));
    const res = mine.filter((t) => inMonth(t.resolved_at)).map((t) => elapsedIn(resolveUnit, new Date(t.created_at), new Date(t.resolved_at!), ctx.calendar));
    return {
      policy: id,
      title: policy ? { en: policy.title.en, hi: policy.title.hi } : null,
      acknowledge: measure(ackUnit, policy?.acknowledge?.value ?? null, ack),
      resolve: measure(resolveUnit, policy?.resolve.value ?? null, res),
    };
  });

  // On time: among tickets resolved in the month, resolved by their due time (pauses and the
  // extension included, as stored).
  const resolved = rows.tickets.filter((t) => inMonth(t.resolved_at));
  const onTimeOf = (list: readonly ReportTicket[]): OnTimeFigures => {
    const ok = list.filter((t) => Date.parse(t.resolved_at!) <= Date.parse(t.due_at)).length;
    return { resolved: list.length, onTime: ok, late: list.length - ok, share: list.length === 0 ? null : round4(ok / list.length) };
  };
  const openPastDue = asOfMs < fromMs
    ? []
    : rows.tickets.filter((t) =>
        Date.parse(t.created_at) < asOfMs &&
        Date.parse(t.due_at) < asOfMs &&
        (t.resolved_at === null || Date.parse(t.resolved_at) >= asOfMs) &&
        (t.closed_at === null || Date.parse(t.closed_at) >= asOfMs));
  const openByPolicy: Record<string, number> = {};
  for (const t of openPastDue) bump(openByPolicy, t.policy_id);

  // Events of the month.
  const events = rows.events.filter((e) => inMonth(e.at)).sort((a, b) => a.at.localeCompare(b.at) || a.number.localeCompare(b.number));
  const extensions = events.filter((e) => e.kind === 'extension').map((e) => ({
    number: e.number,
    at: e.at,
    reason: e.reason ?? '',
    duration: durationOf(parseJson(e.data)?.duration),
  }));
  const escalations = events.filter((e) => e.kind === 'escalation');
  const levels = new Map<number, number>();
  for (const e of escalations) {
    const level = parseJson(e.data)?.level;
    const n = typeof level === 'number' && Number.isInteger(level) ? level : -1;
    levels.set(n, (levels.get(n) ?? 0) + 1);
  }
  const automatic = escalations.filter((e) => e.actor === 'system').length;
  const transferEvents = events.filter((e) => e.kind === 'transfer').map((e) => parseJson(e.data) ?? {});
  const ids = ctx.department?.ids;
  const transfersIn = ids ? transferEvents.filter((d) => ids.includes(String(d.to))).length : null;
  const transfersOut = ids ? transferEvents.filter((d) => ids.includes(String(d.from))).length : null;
  const transfers = { count: ids ? (transfersIn ?? 0) + (transfersOut ?? 0) : transferEvents.length, in: transfersIn, out: transfersOut };

  const board = rows.tickets
    .filter((t) => inMonth(t.board_notified_at))
    .map((t) => ({ number: t.number, at: t.board_notified_at! }))
    .sort((a, b) => a.at.localeCompare(b.at) || a.number.localeCompare(b.number));

  // Quality: reviews done in the month, averaged per rubric criterion.
  const scoresByCriterion = new Map<string, number[]>(ctx.rubric.map((c) => [c.id, []]));
  let reviews = 0;
  for (const r of rows.reviews) {
    if (r.status !== 'done' || !inMonth(r.reviewed_at)) continue;
    reviews++;
    for (const [criterion, score] of Object.entries(parseJson(r.scores ?? '') ?? {})) {
      if (typeof score !== 'number' || !Number.isInteger(score) || score < 1 || score > 5) continue;
      let list = scoresByCriterion.get(criterion);
      if (!list) scoresByCriterion.set(criterion, (list = []));
      list.push(score);
    }
  }
  const criteria = [...scoresByCriterion].map(([id, list]) => ({ id, average: mean(list) ?? null, count: list.length }));

  const ratings = rows.ratings.filter((r) => inMonth(r.at) && Number.isInteger(r.rating) && r.rating >= 1 && r.rating <= 5);
  const distribution = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  for (const r of ratings) distribution[String(r.rating) as keyof typeof distribution]++;

  return {
    month: range.month,
    from: range.from,
    to: range.to,
    asOf: new Date(Math.max(asOfMs, fromMs)).toISOString(),
    complete: nowMs >= toMs,
    generatedAt: ctx.now.toISOString(),
    method: { percentiles: PERCENTILE_METHOD, counting: COUNTING_METHOD },
    requests: { total: received.length, byRight, byChannel, byLanguage },
    times,
    onTime: {
      ...onTimeOf(resolved),
      byPolicy: unique(resolved.map((t) => t.policy_id).sort()).map((policy) => ({ policy, ...onTimeOf(resolved.filter((t) => t.policy_id === policy)) })),
      openPastDue: { count: openPastDue.length, byPolicy: openByPolicy },
    },
    extensions: { count: extensions.length, items: extensions },
    escalations: {
      count: escalations.length,
      automatic,
      byOfficers: escalations.length - automatic,
      byLevel: [...levels].sort(([a], [b]) => a - b).map(([level, count]) => ({ level, role: ctx.ladder[level]?.role ?? 'unknown', count })),
      appeals: events.filter((e) => e.kind === 'transition' && e.to_status === 'appealed').length,
    },
    board: { count: board.length, items: board },
    department: ctx.department ? { id: ctx.department.id, name: ctx.department.name } : null,
    transfers,
    quality: { reviews, criteria, overall: mean([...scoresByCriterion.values()].flat()) ?? null },
    ratings: { count: ratings.length, average: mean(ratings.map((r) => r.rating)) ?? null, distribution },
  };
}

function measure(unit: DurationUnit, limit: number | null, values: number[]): TimeMeasure {
  return { unit, limit, count: values.length, median: median(values) ?? null, p90: percentile(values, 90) ?? null };
}

function zeroed(keys: readonly string[]): Record<string, number> {
  return Object.fromEntries(keys.map((k) => [k, 0]));
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function unique<T>(list: readonly T[]): T[] {
  return [...new Set(list)];
}

function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

/** A JSON object stored as text (an event's data); undefined for anything else or text that does not parse. */
export function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function durationOf(v: unknown): Duration | null {
  if (!v || typeof v !== 'object') return null;
  const { unit, value } = v as { unit?: unknown; value?: unknown };
  return typeof unit === 'string' && typeof value === 'number' ? { unit: unit as DurationUnit, value } : null;
}
