import { sql } from 'kysely';
import { featureQueries } from '../storage/feature-queries.ts';
import { prepare } from '../storage/prepared.ts';

/**
 * The purge's statements (see `featureQueries`). Candidates are read in pages walking the primary
 * key (`id > after`), so each expired row is read once however many pages there are, and deleted
 * by id lists of a fixed size: `ID_SLOTS` placeholders, unused ones bound to -1 (no row has it),
 * which keeps every statement prepared once on both backends.
 */
export const ID_SLOTS = 100;

type IdSlots = Record<string, number>;

/** The bound parameters of an id list: i0…i99, padded with -1. */
export function idSlots(ids: readonly number[]): IdSlots {
  if (ids.length > ID_SLOTS) throw new Error(`at most ${ID_SLOTS} ids per statement`);
  const out: IdSlots = {};
  for (let i = 0; i < ID_SLOTS; i++) out[`i${i}`] = ids[i] ?? -1;
  return out;
}

const slotRefs = (p: IdSlots): number[] => Array.from({ length: ID_SLOTS }, (_, i) => p[`i${i}`]!);

/** The tables of conversation data purged by their own time column `at`. */
export const CONVERSATION_TABLES = ['transcripts', 'verifications', 'consent_ledger'] as const;
export type ConversationTable = (typeof CONVERSATION_TABLES)[number];

/** Tickets whose handling is over: only these ever expire. */
export const FINISHED_STATUSES = ['closed', 'resolved', 'withdrawn'] as const;

export interface CandidateRow {
  id: number;
  conversation_key: string;
}

export const retentionQueries = featureQueries((db) => {
  // The three tables share the columns the purge reads (id, conversation_key, at); Kysely is
  // given one of them for its types, and the table name is the only difference in the SQL.
  const page = (table: ConversationTable) =>
    prepare<{ after: number; cutoff: string; limit: number }, CandidateRow>((p) =>
      db.selectFrom(table as 'transcripts').select(['id', 'conversation_key'])
        .where('id', '>', p.after).where('at', '<', p.cutoff).orderBy('id').limit(p.limit));
  const deleteIds = (table: ConversationTable | 'tickets') =>
    prepare<IdSlots, never>((p) => db.deleteFrom(table as 'transcripts').where('id', 'in', slotRefs(p)));
  const deleteByTicket = (table: 'ticket_events' | 'timers' | 'officer_notifications' | 'ratings' | 'reviews') =>
    prepare<IdSlots, never>((p) => db.deleteFrom(table as 'ticket_events').where('ticket_id', 'in', slotRefs(p)));

  return {
    page: { transcripts: page('transcripts'), verifications: page('verifications'), consent_ledger: page('consent_ledger') },
    deleteIds: { transcripts: deleteIds('transcripts'), verifications: deleteIds('verifications'), consent_ledger: deleteIds('consent_ledger'), tickets: deleteIds('tickets') },

    /**
     * Finished tickets whose last resolution and closure are both older than the cutoff (a ticket
     * reopened after it was closed keeps its old `closed_at`, so the later of the two counts).
     */
    ticketPage: prepare<{ after: number; cutoff: string; limit: number }, CandidateRow>((p) =>
      db.selectFrom('tickets').select(['id', 'conversation_key'])
        .where('id', '>', p.after)
        .where('status', 'in', [...FINISHED_STATUSES])
        .where(sql<string>`coalesce(closed_at, resolved_at, updated_at)`, '<', p.cutoff)
        .where(sql<string>`coalesce(resolved_at, closed_at, updated_at)`, '<', p.cutoff)
        .orderBy('id').limit(p.limit)),
    /** A ticket's own rows, deleted before it. */
    deleteByTicket: {
      ticket_events: deleteByTicket('ticket_events'),
      timers: deleteByTicket('timers'),
      officer_notifications: deleteByTicket('officer_notifications'),
      ratings: deleteByTicket('ratings'),
      reviews: deleteByTicket('reviews'),
    },
    countByTicket: {
      ticket_events: prepare<IdSlots, { n: number }>((p) => db.selectFrom('ticket_events').select(sql<number>`count(*)`.as('n')).where('ticket_id', 'in', slotRefs(p))),
      timers: prepare<IdSlots, { n: number }>((p) => db.selectFrom('timers').select(sql<number>`count(*)`.as('n')).where('ticket_id', 'in', slotRefs(p))),
      officer_notifications: prepare<IdSlots, { n: number }>((p) =>
        db.selectFrom('officer_notifications').select(sql<number>`count(*)`.as('n')).where('ticket_id', 'in', slotRefs(p))),
      ratings: prepare<IdSlots, { n: number }>((p) => db.selectFrom('ratings').select(sql<number>`count(*)`.as('n')).where('ticket_id', 'in', slotRefs(p))),
      reviews: prepare<IdSlots, { n: number }>((p) => db.selectFrom('reviews').select(sql<number>`count(*)`.as('n')).where('ticket_id', 'in', slotRefs(p))),
    },

    /** Evidence files sent while no ticket was open, older than the cutoff (their conversation's exceptions are checked after). */
    filePage: prepare<{ after: number; cutoff: string; limit: number }, CandidateRow>((p) =>
      db.selectFrom('evidence_files').select(['id', 'conversation_key'])
        .where('id', '>', p.after).where('ticket_id', 'is', null).where('created_at', '<', p.cutoff).orderBy('id').limit(p.limit)),
    /** How many evidence files and bytes an id list (or the tickets of one) holds: counted before the delete, for the report. */
    fileTally: prepare<IdSlots, { n: number; bytes: number }>((p) =>
      db.selectFrom('evidence_files').select([sql<number>`count(*)`.as('n'), sql<number>`coalesce(sum(size), 0)`.as('bytes')]).where('id', 'in', slotRefs(p))),
    fileTallyByTicket: prepare<IdSlots, { n: number; bytes: number }>((p) =>
      db.selectFrom('evidence_files').select([sql<number>`count(*)`.as('n'), sql<number>`coalesce(sum(size), 0)`.as('bytes')]).where('ticket_id', 'in', slotRefs(p))),
    deleteFileIds: prepare<IdSlots, never>((p) => db.deleteFrom('evidence_files').where('id', 'in', slotRefs(p))),
    deleteFilesByTicket: prepare<IdSlots, never>((p) => db.deleteFrom('evidence_files').where('ticket_id', 'in', slotRefs(p))),

    /** The first audit row to keep: the oldest at or after the cutoff. */
    firstKeptAudit: prepare<{ cutoff: string }, { seq: number }>((p) =>
      db.selectFrom('audit_log').select('seq').where('at', '>=', p.cutoff).orderBy('seq').limit(1)),
    auditHashAt: prepare<{ seq: number }, { hash: string }>((p) => db.selectFrom('audit_log').select('hash').where('seq', '=', p.seq)),
    /** Declares rows up to `seq` expired (the delete trigger then lets them go); only from the point read before. */
    setPurgePoint: prepare<{ seq: number; hash: string; old: number }, never>((p) =>
      db.updateTable('audit_head').set({ purge_below: p.seq, base_hash: p.hash }).where('id', '=', 1).where('purge_below', '=', p.old)),
    deleteAuditThrough: prepare<{ seq: number; old: number }, never>((p) =>
      db.deleteFrom('audit_log').where('seq', '<=', p.seq).where('seq', '>', p.old)),
    /** PostgreSQL: takes the head row's lock, which also orders audit appends (runIfDue's claim). */
    lockAuditHead: prepare<Record<string, never>, { seq: number }>(() => db.selectFrom('audit_head').select('seq').where('id', '=', 1).forUpdate()),

    countExpiredExports: prepare<{ now: string }, { n: number }>((p) =>
      db.selectFrom('data_exports').select(sql<number>`count(*)`.as('n')).where('expires_at', '<', p.now)),
    deleteExpiredExports: prepare<{ now: string; limit: number }, never>((p) =>
      db.deleteFrom('data_exports').where('id', 'in', db.selectFrom('data_exports').select('id').where('expires_at', '<', p.now).limit(p.limit))),
    // Traces of delivery, by age: a platform's message ids (the redelivery guard) and its status
    // callbacks. Neither table has an index on its time (one more write per message for a daily
    // job), so each batch reads until it has found its rows.
    countProcessedBefore: prepare<{ before: string }, { n: number }>((p) =>
      db.selectFrom('processed_messages').select(sql<number>`count(*)`.as('n')).where('at', '<', p.before)),
    deleteProcessedBefore: prepare<{ before: string; limit: number }, never>((p) =>
      db.deleteFrom('processed_messages').where((eb) => eb(eb.refTuple('channel', 'message_id'), 'in',
        eb.selectFrom('processed_messages as old').select(['old.channel', 'old.message_id']).where('old.at', '<', p.before).limit(p.limit).$asTuple('channel', 'message_id')))),
    countStatusesBefore: prepare<{ before: string }, { n: number }>((p) =>
      db.selectFrom('delivery_statuses').select(sql<number>`count(*)`.as('n')).where('at', '<', p.before)),
    deleteStatusesBefore: prepare<{ before: string; limit: number }, never>((p) =>
      db.deleteFrom('delivery_statuses').where('id', 'in', db.selectFrom('delivery_statuses').select('id').where('at', '<', p.before).limit(p.limit))),
    /** Conversations the citizen last wrote to before `before`, in key order from `after`. */
    idleConversations: prepare<{ after: string; before: string; limit: number }, { conversation_key: string }>((p) =>
      db.selectFrom('conversation_state').select('conversation_key')
        .where('conversation_key', '>', p.after).where('last_inbound_at', '<', p.before).orderBy('conversation_key').limit(p.limit)),
    /** When the citizen last wrote, read again under the conversation's lock. */
    lastInboundOf: prepare<{ conversation_key: string }, { last_inbound_at: string }>((p) =>
      db.selectFrom('conversation_state').select('last_inbound_at').where('conversation_key', '=', p.conversation_key)),
    countExpiredSessions: prepare<{ now: string }, { n: number }>((p) =>
      db.selectFrom('desk_sessions').select(sql<number>`count(*)`.as('n')).where('expires_at', '<', p.now)),
    deleteExpiredSessions: prepare<{ now: string; limit: number }, never>((p) =>
      db.deleteFrom('desk_sessions').where('id', 'in', db.selectFrom('desk_sessions').select('id').where('expires_at', '<', p.now).limit(p.limit))),

    /** Whether a conversation has left any trace (a hold on a mistyped key would protect nothing). */
    conversationSeen: prepare<{ key: string }, { n: number }>((p) =>
      db.selectFrom('transcripts').select(sql<number>`1`.as('n')).where('conversation_key', '=', p.key)
        .union(db.selectFrom('tickets').select(sql<number>`1`.as('n')).where('conversation_key', '=', p.key))
        .union(db.selectFrom('consent_ledger').select(sql<number>`1`.as('n')).where('conversation_key', '=', p.key))),
  };
});
