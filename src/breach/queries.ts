import { sql } from 'kysely';
import { featureQueries } from '../storage/feature-queries.ts';
import { prepare } from '../storage/prepared.ts';
import type { BreachesTable, BreachRecipientsTable, BreachReportsTable } from './tables.ts';

export type BreachRow = Omit<BreachesTable, 'id'> & { id: number };
export type RecipientRow = Omit<BreachRecipientsTable, 'id'> & { id: number };
export type ReportRow = Omit<BreachReportsTable, 'id'> & { id: number };

const n = sql<number>`count(*)`.as('n');
/** What an erased identifier becomes (followed by the row's id, so the unique index still holds). */
export const ERASED = 'erased:';

/** Breaches, their recipients and reports; compiled once per dialect, run with `uow.exec`. */
export const breachQueries = featureQueries((db) => ({
  insert: prepare<Omit<BreachesTable, 'id' | 'board_reported_at' | 'reminders_sent'>, { id: number }>((p) =>
    db.insertInto('breaches').values({
      found_at: p.found_at, occurred: p.occurred, data_affected: p.data_affected, people_affected: p.people_affected, notice: p.notice,
      recorded_at: p.recorded_at, recorded_by: p.recorded_by, board_due_at: p.board_due_at, board_reported_at: null, reminders_sent: '[]',
    }).returning('id')),
  byId: prepare<{ id: number }, BreachRow>((p) => db.selectFrom('breaches').selectAll().where('id', '=', p.id)),
  list: prepare<{ limit: number }, BreachRow>((p) => db.selectFrom('breaches').selectAll().orderBy('id', 'desc').limit(p.limit)),
  /** Breaches whose report to the Board is not in yet, for the reminders. */
  unreported: prepare<Record<string, never>, BreachRow>(() => db.selectFrom('breaches').selectAll().where('board_reported_at', 'is', null).orderBy('id')),
  setReminders: prepare<{ id: number; reminders_sent: string }, never>((p) => db.updateTable('breaches').set({ reminders_sent: p.reminders_sent }).where('id', '=', p.id)),
  setReported: prepare<{ id: number; at: string }, never>((p) =>
    db.updateTable('breaches').set({ board_reported_at: p.at }).where('id', '=', p.id).where('board_reported_at', 'is', null)),

  /** One row per identifier; a second identifier leading to a conversation already listed adds none. */
  addRecipient: prepare<Omit<BreachRecipientsTable, 'id' | 'queued_at'>, never>((p) =>
    db.insertInto('breach_recipients').values({
      breach_id: p.breach_id, identifier: p.identifier, conversation_key: p.conversation_key, channel: p.channel, lang: p.lang, status: p.status, reason: p.reason,
    }).onConflict((oc) => oc.doNothing())),
  hasConversation: prepare<{ breach_id: number; conversation_key: string }, { n: number }>((p) =>
    db.selectFrom('breach_recipients').select(n).where('breach_id', '=', p.breach_id).where('conversation_key', '=', p.conversation_key)),
  /** The next people to tell, across breaches, oldest first. */
  pending: prepare<{ limit: number }, RecipientRow>((p) =>
    db.selectFrom('breach_recipients').selectAll().where('status', '=', 'pending').orderBy('id').limit(p.limit)),
  /** Claims one recipient; only the claim that changed the row tells them. */
  markQueued: prepare<{ id: number; at: string }, never>((p) =>
    db.updateTable('breach_recipients').set({ status: 'queued', queued_at: p.at }).where('id', '=', p.id).where('status', '=', 'pending')),
  counts: prepare<{ breach_id: number }, { status: string; n: number }>((p) =>
    db.selectFrom('breach_recipients').select(['status', n]).where('breach_id', '=', p.breach_id).groupBy('status')),
  /** Messages of this breach still in the outbox, by the outbox's status (sent ones are gone from it). */
  inOutbox: prepare<{ breach_id: number }, { status: string; n: number }>((p) =>
    db.selectFrom('outbox').innerJoin('breach_recipients as r', (j) => j.onRef('r.conversation_key', '=', 'outbox.conversation_key').onRef('r.queued_at', '=', 'outbox.created_at'))
      .select(['outbox.status', n]).where('r.breach_id', '=', p.breach_id).groupBy('outbox.status')),
  failedOf: prepare<{ breach_id: number; limit: number }, RecipientRow>((p) =>
    db.selectFrom('breach_recipients as r').innerJoin('outbox', (j) => j.onRef('r.conversation_key', '=', 'outbox.conversation_key').onRef('r.queued_at', '=', 'outbox.created_at'))
      .selectAll('r').where('r.breach_id', '=', p.breach_id).where('outbox.status', '=', 'failed').orderBy('r.id').limit(p.limit)),
  unreachable: prepare<{ breach_id: number; limit: number }, RecipientRow>((p) =>
    db.selectFrom('breach_recipients').selectAll().where('breach_id', '=', p.breach_id).where('status', '=', 'unreachable').orderBy('id').limit(p.limit)),

  /**
   * Erasure of the citizen's own data: the identifiers the DPO pasted that led to this
   * conversation are replaced by a marker; the row (the breach's count, the channel, whether they
   * were told) stays for the Board's report. The marker is unique per row (the unique index).
   */
  eraseIdentifiersOf: prepare<{ conversation_key: string }, never>((p) =>
    db.updateTable('breach_recipients').set({ identifier: sql<string>`${ERASED} || cast(id as varchar(20))` })
      .where('conversation_key', '=', p.conversation_key).where('identifier', 'not like', `${ERASED}%`)),
  countIdentifiersOf: prepare<{ conversation_key: string }, { n: number }>((p) =>
    db.selectFrom('breach_recipients').select(n).where('conversation_key', '=', p.conversation_key).where('identifier', 'not like', `${ERASED}%`)),
  /**
   * Retention: recipients of breaches found before the cutoff, no longer waiting to be told, lose
   * their identifier and conversation key (the counts, channels and statuses stay for the Board).
   */
  expiredRecipients: prepare<{ after: number; cutoff: string; limit: number }, { id: number }>((p) =>
    db.selectFrom('breach_recipients as r').innerJoin('breaches as b', 'b.id', 'r.breach_id').select('r.id')
      .where('r.id', '>', p.after).where('b.found_at', '<', p.cutoff).where('r.status', '<>', 'pending')
      .where((eb) => eb.or([eb('r.identifier', 'not like', `${ERASED}%`), eb('r.conversation_key', 'is not', null)]))
      .orderBy('r.id').limit(p.limit)),
  eraseRecipient: prepare<{ id: number }, never>((p) =>
    db.updateTable('breach_recipients').set({ identifier: sql<string>`${ERASED} || cast(id as varchar(20))`, conversation_key: null })
      .where('id', '=', p.id)),

  addReport: prepare<Omit<BreachReportsTable, 'id'>, never>((p) =>
    db.insertInto('breach_reports').values({ breach_id: p.breach_id, kind: p.kind, body: p.body, at: p.at, by: p.by })),
  reports: prepare<{ breach_id: number }, ReportRow>((p) => db.selectFrom('breach_reports').selectAll().where('breach_id', '=', p.breach_id).orderBy('id')),

  // Who is who: principals on file, and the conversations that are theirs.
  principalByRef: prepare<{ v: string }, { id: number }>((p) => db.selectFrom('principals').select('id').where('external_ref', '=', p.v)),
  principalsByMobile: prepare<{ v: string }, { id: number }>((p) => db.selectFrom('principals').select('id').where('mobile', '=', p.v)),
  principalsByEmail: prepare<{ v: string }, { id: number }>((p) => db.selectFrom('principals').select('id').where('email', '=', p.v)),
  conversationsOf: prepare<{ principal_id: number }, { conversation_key: string }>((p) =>
    db.selectFrom('verifications').select('conversation_key').distinct().where('principal_id', '=', p.principal_id)),
  /** Whether anyone ever wrote to us from this conversation. */
  spoke: prepare<{ key: string }, { n: number }>((p) => db.selectFrom('transcripts').select(n).where('conversation_key', '=', p.key).where('direction', '=', 'in')),
  /** The language the citizen last chose with us: their latest consent answer, else their latest ticket. */
  consentLang: prepare<{ key: string }, { lang: string }>((p) =>
    db.selectFrom('consent_ledger').select('lang').where('conversation_key', '=', p.key).orderBy('id', 'desc').limit(1)),
  ticketLang: prepare<{ key: string }, { lang: string }>((p) =>
    db.selectFrom('tickets').select('language as lang').where('conversation_key', '=', p.key).orderBy('id', 'desc').limit(1)),
}));
