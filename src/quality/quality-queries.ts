import { sql } from 'kysely';
import { featureQueries } from '../storage/feature-queries.ts';
import { prepare } from '../storage/prepared.ts';
import type { ReviewSamplesTable, ReviewsTable } from '../storage/schema.ts';

export type ReviewRow = Omit<ReviewsTable, 'id'> & { id: number };

/** A review with the ticket it is about, as the queue and the officer's scores list it. */
export interface ReviewListRow extends ReviewRow {
  number: string;
  kind: string;
  channel: string;
  language: string;
  ticket_status: string;
  resolved_at: string | null;
  closed_at: string | null;
  /** The department holding the reviewed ticket (0015). */
  department?: string;
}

export interface CandidateRow {
  id: number;
  channel: string;
  language: string;
  kind: string;
  conversation_key: string;
  assigned_to: number | null;
}

const FINISHED_ANSWERED = ['resolved', 'closed'];

/** Quality review's statements (run with `uow.exec`). */
export const qualityQueries = featureQueries((db) => {
  const inScope = (scope: string) => sql<boolean>`(${scope} = '*' or ${scope} like '%,' || tickets.department || ',%')`;
  const listed = () =>
    db.selectFrom('reviews').innerJoin('tickets', 'tickets.id', 'reviews.ticket_id')
      .selectAll('reviews')
      .select(['tickets.number', 'tickets.kind', 'tickets.channel', 'tickets.language', 'tickets.status as ticket_status', 'tickets.resolved_at', 'tickets.closed_at', 'tickets.department']);
  return {
    sampleOf: prepare<{ period: string }, ReviewSamplesTable>((p) => db.selectFrom('review_samples').selectAll().where('period', '=', p.period)),
    /** Changes 1 for the one caller that claims the period; 0 when it was drawn already. */
    insertSample: prepare<ReviewSamplesTable, never>((p) =>
      db.insertInto('review_samples').values({ period: p.period, every_days: p.every_days, candidates: p.candidates, sampled: p.sampled, created_at: p.created_at })
        .onConflict((oc) => oc.column('period').doNothing())),
    /**
     * Tickets that finished in [start, end) and were never sampled: answered (resolved, or closed
     * after being resolved) at `resolved_at`, withdrawn at `closed_at`.
     */
    candidates: prepare<{ start: string; end: string }, CandidateRow>((p) =>
      db.selectFrom('tickets')
        .select(['tickets.id', 'tickets.channel', 'tickets.language', 'tickets.kind', 'tickets.conversation_key', 'tickets.assigned_to'])
        .where((eb) => eb.or([
          eb.and([
            eb('tickets.status', 'in', FINISHED_ANSWERED),
            eb(eb.fn.coalesce('tickets.resolved_at', 'tickets.closed_at'), '>=', p.start),
            eb(eb.fn.coalesce('tickets.resolved_at', 'tickets.closed_at'), '<', p.end),
          ]),
          eb.and([eb('tickets.status', '=', 'withdrawn'), eb('tickets.closed_at', '>=', p.start), eb('tickets.closed_at', '<', p.end)]),
        ]))
        .where((eb) => eb.not(eb.exists(eb.selectFrom('reviews').select('reviews.id').whereRef('reviews.ticket_id', '=', 'tickets.id'))))
        .orderBy('tickets.id')),
    insertReview: prepare<Pick<ReviewsTable, 'ticket_id' | 'conversation_key' | 'period' | 'stratum' | 'officer_id' | 'created_at'>, never>((p) =>
      db.insertInto('reviews').values({
        ticket_id: p.ticket_id, conversation_key: p.conversation_key, period: p.period, stratum: p.stratum, officer_id: p.officer_id,
        status: 'pending', created_at: p.created_at,
      }).onConflict((oc) => oc.column('ticket_id').doNothing())),
    /**
     * Pending reviews in `scope`: '*' for all, or `,dept1,dept2,` (the stored department ids a
     * reviewer may see, as the desk's queue scope is written), filtered before the limit.
     */
    pending: prepare<{ limit: number; scope: string }, ReviewListRow>((p) =>
      listed().where('reviews.status', '=', 'pending').where(inScope(p.scope)).orderBy('reviews.created_at').orderBy('reviews.id').limit(p.limit)),
    pendingCount: prepare<{ scope: string }, { n: number | string }>((p) =>
      db.selectFrom('reviews').innerJoin('tickets', 'tickets.id', 'reviews.ticket_id').select((eb) => eb.fn.countAll().as('n'))
        .where('reviews.status', '=', 'pending').where(inScope(p.scope))),
    byId: prepare<{ id: number }, ReviewListRow>((p) => listed().where('reviews.id', '=', p.id)),
    /** Changes 1 for the one reviewer whose scores were saved; 0 when the review was done already. */
    saveScores: prepare<{ id: number; reviewer_id: number; scores: string; notes: string | null; reviewed_at: string }, never>((p) =>
      db.updateTable('reviews')
        .set({ status: 'done', reviewer_id: p.reviewer_id, scores: p.scores, notes: p.notes, reviewed_at: p.reviewed_at })
        .where('id', '=', p.id).where('status', '=', 'pending')),
    doneOfOfficer: prepare<{ officer_id: number; limit: number }, ReviewListRow>((p) =>
      listed().where('reviews.status', '=', 'done').where('reviews.officer_id', '=', p.officer_id)
        .orderBy('reviews.reviewed_at', 'desc').orderBy('reviews.id', 'desc').limit(p.limit)),
    /** Scored reviews from the period `from` on (periods are `YYYY-MM-DD` and sort as text). */
    doneFrom: prepare<{ from: string }, Pick<ReviewRow, 'id' | 'officer_id' | 'period' | 'scores'>>((p) =>
      db.selectFrom('reviews').select(['reviews.id', 'reviews.officer_id', 'reviews.period', 'reviews.scores'])
        .where('reviews.status', '=', 'done').where('reviews.period', '>=', p.from).orderBy('reviews.period').orderBy('reviews.id')),
    /** Hand-offs since a time, counted by the step the citizen was at and the reason. */
    handoffSteps: prepare<{ since: string }, { flow_step: string | null; reason: string; n: number | string }>((p) =>
      db.selectFrom('handoffs').select(['handoffs.flow_step', 'handoffs.reason', (eb) => eb.fn.countAll().as('n')])
        .where('handoffs.created_at', '>=', p.since).groupBy(['handoffs.flow_step', 'handoffs.reason'])),
    /**
     * Conversations waiting at a question whose citizen has written nothing since `before`:
     * the session blob (keyv, `session:<conversation key>`) and the time of the citizen's last
     * message. The LIKE only narrows the rows; the caller parses each blob and checks it.
     */
    idleWaitingSessions: prepare<{ before: string }, { key: string; value: string; last_in: string }>((p) =>
      db.selectFrom(
        db.selectFrom('keyv')
          .select(['keyv.key', 'keyv.value'])
          .select((eb) => eb.selectFrom('transcripts').select('transcripts.at')
            .where('transcripts.conversation_key', '=', sql<string>`substr(${sql.ref('keyv.key')}, 9)`)
            .where('transcripts.direction', '=', 'in')
            .orderBy('transcripts.id', 'desc').limit(1)
            .as('last_in'))
          .where('keyv.key', 'like', 'session:%')
          .where('keyv.value', 'like', '%"status":"waiting"%')
          .as('s'))
        .select(['s.key', 's.value', 's.last_in'])
        .where('s.last_in', '<', p.before)
        .$castTo<{ key: string; value: string; last_in: string }>()),
  };
});
