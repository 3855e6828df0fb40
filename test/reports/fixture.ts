import path from 'node:path';
import type { ReportEvent, ReportRating, ReportReview, ReportRows, ReportTicket } from '../../src/reports/compute.ts';
import { featureQueries } from '../../src/storage/feature-queries.ts';
import { prepare } from '../../src/storage/prepared.ts';
import type { RatingsTable, ReviewsTable } from '../../src/storage/schema.ts';
import type { Store } from '../../src/storage/sqlite-store.ts';

/**
 * A month of desk work, November 2026, with numbers chosen so every figure of the report can be
 * worked out by hand (the working is in report.test.ts). Policies (test/reports/profile.yaml):
 * grievances `grv-working` (acknowledge 48 hours, resolve 10 working days on the in-central
 * calendar: Sat/Sun closed, Guru Nanak's Birthday Tue 24 Nov a holiday); data rights `dpdp`
 * (30 calendar days, no acknowledgment period).
 *
 * Rows at the month's edges check the IST boundaries: 31 Oct 23:59 IST and 1 Dec 00:00 IST are
 * outside, 1 Nov 00:30 IST (still 31 Oct in UTC) and 30 Nov 23:59:59 IST are inside.
 */

export const REPORT_PROFILE = path.join(import.meta.dirname, 'profile.yaml');

/** An IST wall-clock time, 'YYYY-MM-DD HH:MM[:SS]', as the stored UTC ISO string. */
export function ist(text: string): string {
  const [d, t] = text.split(' ');
  const time = t!.length === 5 ? `${t}:00` : t;
  return new Date(`${d}T${time}+05:30`).toISOString();
}

/** 23:59:59 IST of a day: where a day-unit period ends. */
const endOf = (day: string) => ist(`${day} 23:59:59`);

interface TicketSpec {
  number: string;
  right?: string;
  channel: string;
  language: 'en' | 'hi';
  created: string;
  ack?: string;
  resolved?: string;
  closed?: string;
  due: string;
  board?: string;
}

const G = (spec: TicketSpec) => ({ ...spec, kind: 'grievance', policy: 'grv-working' });
const D = (spec: TicketSpec) => ({ ...spec, kind: 'data_rights', policy: 'dpdp' });

export const TICKETS = [
  // Grievances. Times to acknowledge in hours; to resolve in working days.
  G({ number: 'GRV-2026-000101', channel: 'telegram', language: 'hi', created: ist('2026-11-02 10:00'), ack: ist('2026-11-02 16:00'), resolved: ist('2026-11-06 12:00'), due: endOf('2026-11-13') }),
  G({ number: 'GRV-2026-000102', channel: 'whatsapp-cloud', language: 'en', created: ist('2026-11-06 15:00'), ack: ist('2026-11-09 15:00'), resolved: ist('2026-11-25 11:00'), due: endOf('2026-11-20') }),
  G({ number: 'GRV-2026-000103', channel: 'console', language: 'en', created: ist('2026-11-19 09:00'), ack: ist('2026-11-19 21:00'), resolved: ist('2026-11-23 10:00'), due: endOf('2026-12-04') }),
  G({ number: 'GRV-2026-000104', channel: 'telegram', language: 'hi', created: ist('2026-11-23 10:00'), ack: ist('2026-11-25 10:00'), due: endOf('2026-12-15') }),
  G({ number: 'GRV-2026-000105', channel: 'whatsapp-cloud', language: 'hi', created: ist('2026-10-28 10:00'), ack: ist('2026-10-29 10:00'), resolved: ist('2026-11-03 17:00'), due: endOf('2026-11-11') }),
  G({ number: 'GRV-2026-000106', channel: 'telegram', language: 'en', created: ist('2026-10-12 10:00'), ack: ist('2026-10-13 10:00'), due: endOf('2026-10-27'), board: ist('2026-11-16 10:00') }),
  G({ number: 'GRV-2026-000107', channel: 'whatsapp-cloud', language: 'hi', created: ist('2026-11-21 10:00'), ack: ist('2026-11-21 11:30'), resolved: ist('2026-11-28 12:00'), due: endOf('2026-12-07') }),
  // Data-rights requests, in calendar days.
  D({ number: 'DPR-2026-000201', right: 'access', channel: 'console', language: 'en', created: ist('2026-11-01 00:30'), ack: ist('2026-11-02 10:00'), resolved: ist('2026-11-05 10:00'), due: endOf('2026-12-01') }),
  D({ number: 'DPR-2026-000202', right: 'erasure', channel: 'telegram', language: 'hi', created: ist('2026-11-30 23:50'), due: endOf('2026-12-30') }),
  D({ number: 'DPR-2026-000203', right: 'correction', channel: 'console', language: 'en', created: ist('2026-10-31 23:59'), ack: ist('2026-11-02 09:00'), due: endOf('2026-12-15') }),
  D({ number: 'DPR-2026-000204', right: 'withdraw_consent', channel: 'whatsapp-cloud', language: 'hi', created: ist('2026-11-03 10:00'), ack: ist('2026-11-03 11:00'), resolved: ist('2026-11-03 12:00'), due: endOf('2026-12-03') }),
  D({ number: 'DPR-2026-000205', right: 'nomination', channel: 'whatsapp-web', language: 'hi', created: ist('2026-11-10 10:00'), ack: ist('2026-11-13 10:00'), resolved: ist('2026-12-12 10:00'), due: endOf('2026-12-10') }),
  D({ number: 'DPR-2026-000206', right: 'access', channel: 'console', language: 'en', created: ist('2026-10-01 10:00'), ack: ist('2026-10-02 10:00'), resolved: ist('2026-11-04 10:00'), due: endOf('2026-10-31'), board: ist('2026-11-30 23:59:59') }),
  D({ number: 'DPR-2026-000207', right: 'erasure', channel: 'whatsapp-cloud', language: 'en', created: ist('2026-11-15 10:00'), ack: ist('2026-11-16 10:00'), resolved: ist('2026-11-30 23:00'), due: endOf('2026-12-15') }),
  D({ number: 'DPR-2026-000208', right: 'access', channel: 'telegram', language: 'en', created: ist('2026-10-20 10:00'), ack: ist('2026-10-21 10:00'), resolved: ist('2026-12-02 10:00'), due: endOf('2026-11-19'), board: ist('2026-12-01 00:00') }),
  D({ number: 'DPR-2026-000209', right: 'access', channel: 'telegram', language: 'en', created: ist('2026-12-01 00:00'), due: endOf('2026-12-31') }),
  // Withdrawn by the citizen before its due date passed unnoticed: closed, so not open past due.
  D({ number: 'DPR-2026-000210', right: 'erasure', channel: 'telegram', language: 'hi', created: ist('2026-10-05 10:00'), closed: ist('2026-11-10 10:00'), due: endOf('2026-11-04') }),
];

interface EventSpec {
  number: string;
  kind: 'escalation' | 'extension' | 'transition' | 'reminder';
  at: string;
  actor: string;
  to_status?: string;
  reason?: string;
  data?: Record<string, unknown>;
}

export const EVENTS: EventSpec[] = [
  { number: 'GRV-2026-000106', kind: 'extension', at: ist('2026-10-15 10:00'), actor: 'officer:3', reason: 'Outside the month.', data: { duration: { unit: 'working_days', value: 3 } } },
  { number: 'DPR-2026-000203', kind: 'extension', at: ist('2026-11-20 10:00'), actor: 'officer:3', reason: 'Records are held at the district office.', data: { duration: { unit: 'calendar_days', value: 15 } } },
  { number: 'GRV-2026-000104', kind: 'extension', at: ist('2026-11-26 10:00'), actor: 'officer:4', reason: 'A site visit is needed.', data: { duration: { unit: 'working_days', value: 5 } } },
  { number: 'GRV-2026-000106', kind: 'escalation', at: ist('2026-10-28 00:00'), actor: 'system', to_status: 'escalated', data: { level: 1 } },
  { number: 'GRV-2026-000106', kind: 'escalation', at: ist('2026-11-05 00:00'), actor: 'system', to_status: 'escalated', data: { level: 2 } },
  { number: 'GRV-2026-000102', kind: 'escalation', at: ist('2026-11-18 00:00'), actor: 'system', to_status: 'escalated', data: { level: 1 } },
  { number: 'DPR-2026-000203', kind: 'escalation', at: ist('2026-11-25 15:00'), actor: 'officer:7', to_status: 'escalated', reason: 'Needs the Grievance Officer.', data: { level: 1 } },
  { number: 'GRV-2026-000104', kind: 'escalation', at: ist('2026-12-01 00:00'), actor: 'system', to_status: 'escalated', data: { level: 1 } },
  { number: 'GRV-2026-000103', kind: 'transition', at: ist('2026-11-26 12:00'), actor: 'citizen', to_status: 'appealed', reason: 'citizen not satisfied with the resolution', data: { level: 1 } },
  { number: 'GRV-2026-000103', kind: 'transition', at: ist('2026-11-23 10:00'), actor: 'officer:3', to_status: 'resolved', reason: 'Repaired.' },
  { number: 'GRV-2026-000102', kind: 'reminder', at: ist('2026-11-12 10:00'), actor: 'system' },
];

type Scores = Record<string, number>;
const scores = (a: number, b: number, c: number, d: number, e: number): Scores => ({ correct_information: a, tone: b, timeliness: c, language_quality: d, resolution: e });

export const REVIEWS: Array<{ number: string; status: 'done' | 'pending'; reviewed_at: string | null; scores: Scores | null }> = [
  { number: 'GRV-2026-000101', status: 'done', reviewed_at: ist('2026-11-10 12:00'), scores: scores(5, 4, 3, 5, 4) },
  { number: 'GRV-2026-000103', status: 'done', reviewed_at: ist('2026-11-25 12:00'), scores: scores(4, 5, 2, 4, 3) },
  { number: 'DPR-2026-000201', status: 'done', reviewed_at: ist('2026-11-30 23:59'), scores: scores(3, 3, 4, 5, 2) },
  { number: 'GRV-2026-000105', status: 'pending', reviewed_at: null, scores: null },
  { number: 'DPR-2026-000204', status: 'done', reviewed_at: ist('2026-12-01 00:00'), scores: scores(1, 1, 1, 1, 1) },
];

export const RATINGS: Array<{ number: string; rating: number; at: string }> = [
  { number: 'GRV-2026-000101', rating: 5, at: ist('2026-11-08 10:00') },
  { number: 'GRV-2026-000103', rating: 2, at: ist('2026-11-24 10:00') },
  { number: 'DPR-2026-000201', rating: 4, at: ist('2026-11-06 10:00') },
  { number: 'DPR-2026-000204', rating: 5, at: ist('2026-11-04 10:00') },
  { number: 'DPR-2026-000207', rating: 4, at: ist('2026-11-30 23:59:59') },
  { number: 'GRV-2026-000105', rating: 1, at: ist('2026-10-30 10:00') },
  { number: 'DPR-2026-000208', rating: 3, at: ist('2026-12-02 12:00') },
];

/** The fixture as the plain rows `computeMonthlyReport` takes (ids in TICKETS order from 1). */
export function fixtureRows(): ReportRows {
  const ids = new Map(TICKETS.map((t, i) => [t.number, i + 1]));
  const tickets: ReportTicket[] = TICKETS.map((t, i) => ({
    id: i + 1,
    number: t.number,
    kind: t.kind,
    channel: t.channel,
    language: t.language,
    fields: JSON.stringify(t.right ? { right: t.right } : { category: 'water' }),
    policy_id: t.policy,
    created_at: t.created,
    acknowledged_at: t.ack ?? null,
    resolved_at: t.resolved ?? null,
    closed_at: t.closed ?? null,
    due_at: t.due,
    board_notified_at: t.board ?? null,
  }));
  const events: ReportEvent[] = EVENTS.map((e) => ({
    ticket_id: ids.get(e.number)!, number: e.number, kind: e.kind, at: e.at, actor: e.actor, to_status: e.to_status ?? null, reason: e.reason ?? null, data: JSON.stringify(e.data ?? {}),
  }));
  const reviews: ReportReview[] = REVIEWS.map((r) => ({ status: r.status, reviewed_at: r.reviewed_at, scores: r.scores ? JSON.stringify(r.scores) : null }));
  const ratings: ReportRating[] = RATINGS.map((r) => ({ rating: r.rating, at: r.at }));
  return { tickets, events, reviews, ratings };
}

const inserts = featureQueries((db) => ({
  review: prepare<Omit<ReviewsTable, 'id'>, never>((p) =>
    db.insertInto('reviews').values({
      ticket_id: p.ticket_id, conversation_key: p.conversation_key, period: p.period, stratum: p.stratum, officer_id: p.officer_id, status: p.status,
      reviewer_id: p.reviewer_id, scores: p.scores, notes: p.notes, created_at: p.created_at, reviewed_at: p.reviewed_at,
    })),
  rating: prepare<Omit<RatingsTable, 'id'>, never>((p) =>
    db.insertInto('ratings').values({ ticket_id: p.ticket_id, conversation_key: p.conversation_key, rating: p.rating, comment: p.comment, at: p.at })),
}));

/** Writes the fixture into a store as the app would have: tickets, their events, reviews and ratings. */
export async function insertFixture(store: Store): Promise<void> {
  await store.transaction(async (uow) => {
    const ids = new Map<string, number>();
    for (const [i, t] of TICKETS.entries()) {
      const key = `${t.channel}:citizen-${i + 1}`;
      const row = await uow.tickets.insert({
        number: t.number,
        kind: t.kind,
        status: t.closed ? 'withdrawn' : t.resolved ? 'resolved' : 'in_progress',
        language: t.language,
        channel: t.channel,
        conversation_key: key,
        fields: JSON.stringify(t.right ? { right: t.right } : { category: 'water' }),
        created_at: t.created,
        due_at: t.due,
        updated_at: t.resolved ?? t.ack ?? t.created,
        idempotency_key: `fixture:${t.number}`,
        policy_id: t.policy,
        regime: 'dpdp',
        ack_due_at: null,
        acknowledged_at: t.ack ?? null,
        level: 0,
        level_started_at: t.created,
        level_due_at: null,
        pauses: '[]',
        extension: null,
        breached_at: null,
        board_notified_at: t.board ?? null,
        resolved_at: t.resolved ?? null,
        closed_at: t.closed ?? null,
        assigned_to: null,
        assigned_at: null,
      });
      if (!row) throw new Error(`fixture ticket ${t.number} not inserted`);
      ids.set(t.number, row.id);
    }
    for (const e of EVENTS) {
      await uow.tickets.addEvent({
        ticket_id: ids.get(e.number)!, at: e.at, actor: e.actor, kind: e.kind, from_status: null, to_status: e.to_status ?? null, reason: e.reason ?? null, data: JSON.stringify(e.data ?? {}),
      });
    }
    const q = inserts(uow.dialect);
    for (const r of REVIEWS) {
      await uow.exec.run(q.review, {
        ticket_id: ids.get(r.number)!, conversation_key: 'fixture', period: '2026-11-02', stratum: 'console|en|grievance', officer_id: null, status: r.status,
        reviewer_id: r.status === 'done' ? 9 : null, scores: r.scores ? JSON.stringify(r.scores) : null, notes: null, created_at: ist('2026-11-02 09:00'), reviewed_at: r.reviewed_at,
      });
    }
    for (const r of RATINGS) {
      await uow.exec.run(q.rating, { ticket_id: ids.get(r.number)!, conversation_key: 'fixture', rating: r.rating, comment: null, at: r.at });
    }
  });
}
