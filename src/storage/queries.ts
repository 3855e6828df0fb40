import { sql, type Kysely, type Selectable } from 'kysely';
import { compileDeskQueries } from './desk-queries.ts';
import { prepare } from './prepared.ts';
import type {
  ConsentLedgerTable, Database, DeliveryStatusesTable, HandoffsTable, NominationsTable, OfficerNotificationsTable, OutboxTable, PrincipalsTable,
  TicketEventsTable, TicketsTable, TimersTable, TranscriptsTable, VerificationsTable,
} from './schema.ts';

export type TicketRow = Omit<TicketsTable, 'id'> & { id: number };
export type OutboxRow = Selectable<OutboxTable>;
export type TranscriptRow = Omit<TranscriptsTable, 'id'> & { id: number };
export type TicketEventRow = Omit<TicketEventsTable, 'id'> & { id: number };
export type TimerRow = Omit<TimersTable, 'id'> & { id: number };
export type ConsentRow = Omit<ConsentLedgerTable, 'id'> & { id: number };
export type PrincipalRow = Omit<PrincipalsTable, 'id'> & { id: number };
export type VerificationRow = Omit<VerificationsTable, 'id'> & { id: number };
export type NominationRow = Omit<NominationsTable, 'id'> & { id: number };
/** The fields of a ticket that change after it is opened. */
export type TicketState = Pick<
  TicketsTable,
  | 'status' | 'updated_at' | 'ack_due_at' | 'acknowledged_at' | 'due_at' | 'level' | 'level_started_at' | 'level_due_at'
  | 'pauses' | 'extension' | 'breached_at' | 'board_notified_at' | 'resolved_at' | 'closed_at'
>;
const TICKET_STATE_COLUMNS = [
  'status', 'updated_at', 'ack_due_at', 'acknowledged_at', 'due_at', 'level', 'level_started_at', 'level_due_at',
  'pauses', 'extension', 'breached_at', 'board_notified_at', 'resolved_at', 'closed_at',
] as const satisfies ReadonlyArray<keyof TicketState>;
const NEW_TICKET_COLUMNS = [
  'number', 'kind', 'language', 'channel', 'conversation_key', 'fields', 'created_at', 'idempotency_key', 'policy_id', 'regime',
  'assigned_to', 'assigned_at', ...TICKET_STATE_COLUMNS,
] as const satisfies ReadonlyArray<keyof NewTicket>;
/** Kysely values whose every column is a placeholder of the same name. */
export function placeholders<K extends string, P extends Record<K, unknown>>(p: P, columns: readonly K[]): Pick<P, K> {
  return Object.fromEntries(columns.map((c) => [c, p[c]])) as Pick<P, K>;
}
type NewTicket = Omit<TicketsTable, 'id'>;
type NewTranscript = Omit<TranscriptsTable, 'id'>;
type NewOutbox = Pick<OutboxTable, 'channel' | 'conversation_key' | 'payload' | 'created_at'>;
type NewHandoff = Pick<HandoffsTable, 'conversation_key' | 'channel' | 'language' | 'reason' | 'created_at' | 'idempotency_key'>;

/**
 * Every statement the application runs, written with Kysely and compiled once per dialect.
 * Repositories run them through an `Executor`; nothing builds SQL on the per-message path.
 */
export function compileQueries(db: Kysely<Database>) {
  return {
    ...compileDeskQueries(db),
    isProcessed: prepare<{ channel: string; message_id: string }, { one: number }>((p) =>
      db.selectFrom('processed_messages').select(sql<number>`1`.as('one')).where('channel', '=', p.channel).where('message_id', '=', p.message_id)),
    markProcessed: prepare<{ channel: string; message_id: string; at: string }, never>((p) =>
      db.insertInto('processed_messages').values({ channel: p.channel, message_id: p.message_id, at: p.at })
        .onConflict((oc) => oc.columns(['channel', 'message_id']).doNothing()),
    ),
    nextTicketSeq: prepare<{ prefix: string; year: number }, { last: number }>((p) =>
      db.insertInto('ticket_sequences').values({ prefix: p.prefix, year: p.year, last: 1 })
        .onConflict((oc) => oc.columns(['prefix', 'year']).doUpdateSet({ last: sql<number>`ticket_sequences.last + 1` }))
        .returning('last'),
    ),
    /** Returns the new row, or nothing when a ticket with this idempotency key exists. */
    insertTicket: prepare<NewTicket, TicketRow>((p) =>
      db.insertInto('tickets').values(placeholders(p, NEW_TICKET_COLUMNS))
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .returningAll(),
    ),
    updateTicketState: prepare<TicketState & { id: number }, never>((p) =>
      db.updateTable('tickets').set(placeholders(p, TICKET_STATE_COLUMNS)).where('id', '=', p.id)),
    ticketById: prepare<{ id: number }, TicketRow>((p) => db.selectFrom('tickets').selectAll().where('id', '=', p.id)),
    insertTicketEvent: prepare<Omit<TicketEventsTable, 'id'>, never>((p) =>
      db.insertInto('ticket_events').values({
        ticket_id: p.ticket_id, at: p.at, actor: p.actor, kind: p.kind, from_status: p.from_status, to_status: p.to_status,
        reason: p.reason, data: p.data,
      })),
    ticketEvents: prepare<{ ticket_id: number }, TicketEventRow>((p) =>
      db.selectFrom('ticket_events').selectAll().where('ticket_id', '=', p.ticket_id).orderBy('id')),
    insertTimer: prepare<Omit<TimersTable, 'id' | 'fired_at'>, never>((p) =>
      db.insertInto('timers').values({ ticket_id: p.ticket_id, kind: p.kind, fire_at: p.fire_at, data: p.data })),
    dropPendingTimers: prepare<{ ticket_id: number }, never>((p) =>
      db.deleteFrom('timers').where('ticket_id', '=', p.ticket_id).where('fired_at', 'is', null)),
    dueTimers: prepare<{ now: string; limit: number }, TimerRow>((p) =>
      db.selectFrom('timers').selectAll().where('fired_at', 'is', null).where('fire_at', '<=', p.now).orderBy('fire_at').limit(p.limit)),
    pendingTimersOf: prepare<{ ticket_id: number }, TimerRow>((p) =>
      db.selectFrom('timers').selectAll().where('ticket_id', '=', p.ticket_id).where('fired_at', 'is', null).orderBy('fire_at')),
    /** The claim: the UPDATE takes the row lock, so of two instances racing only one changes the row. */
    claimTimer: prepare<{ id: number; now: string }, never>((p) =>
      db.updateTable('timers').set({ fired_at: p.now }).where('id', '=', p.id).where('fired_at', 'is', null)),
    insertOfficerNotification: prepare<Omit<OfficerNotificationsTable, 'id' | 'read_at'>, never>((p) =>
      db.insertInto('officer_notifications').values({ ticket_id: p.ticket_id, role: p.role, kind: p.kind, at: p.at, data: p.data })),
    insertConsent: prepare<Omit<ConsentLedgerTable, 'id'>, never>((p) =>
      db.insertInto('consent_ledger').values({
        conversation_key: p.conversation_key, channel: p.channel, lang: p.lang, notice_version: p.notice_version,
        notice_hash: p.notice_hash, action: p.action, at: p.at, message_id: p.message_id,
      })),
    consentOf: prepare<{ conversation_key: string }, ConsentRow>((p) =>
      db.selectFrom('consent_ledger').selectAll().where('conversation_key', '=', p.conversation_key).orderBy('id')),
    upsertPrincipal: prepare<Omit<PrincipalsTable, 'id'>, never>((p) =>
      db.insertInto('principals').values({ external_ref: p.external_ref, name: p.name, mobile: p.mobile, email: p.email, source: p.source, updated_at: p.updated_at })
        .onConflict((oc) => oc.column('external_ref').doUpdateSet({
          name: (eb) => eb.ref('excluded.name'), mobile: (eb) => eb.ref('excluded.mobile'), email: (eb) => eb.ref('excluded.email'),
          source: (eb) => eb.ref('excluded.source'), updated_at: (eb) => eb.ref('excluded.updated_at'),
        }))),
    principalByMobile: prepare<{ mobile: string }, PrincipalRow>((p) =>
      db.selectFrom('principals').selectAll().where('mobile', '=', p.mobile).orderBy('id').limit(2)),
    principalByEmail: prepare<{ email: string }, PrincipalRow>((p) =>
      db.selectFrom('principals').selectAll().where('email', '=', p.email).orderBy('id').limit(2)),
    principalById: prepare<{ id: number }, PrincipalRow>((p) => db.selectFrom('principals').selectAll().where('id', '=', p.id)),
    insertVerification: prepare<Omit<VerificationsTable, 'id'>, never>((p) =>
      db.insertInto('verifications').values({
        conversation_key: p.conversation_key, principal_id: p.principal_id, level: p.level, method: p.method, at: p.at, detail: p.detail,
      })),
    verificationsOf: prepare<{ conversation_key: string }, VerificationRow>((p) =>
      db.selectFrom('verifications').selectAll().where('conversation_key', '=', p.conversation_key).orderBy('id')),
    insertNomination: prepare<Omit<NominationsTable, 'id'>, NominationRow>((p) =>
      db.insertInto('nominations').values({
        conversation_key: p.conversation_key, principal_id: p.principal_id, nominee_name: p.nominee_name, relation: p.relation,
        contact: p.contact, status: p.status, ticket_number: p.ticket_number, created_at: p.created_at, updated_at: p.updated_at,
      }).returningAll()),
    nominationsOf: prepare<{ conversation_key: string }, NominationRow>((p) =>
      db.selectFrom('nominations').selectAll().where('conversation_key', '=', p.conversation_key).orderBy('id')),
    setNominationStatus: prepare<{ id: number; status: 'active' | 'removed'; updated_at: string }, never>((p) =>
      db.updateTable('nominations').set({ status: p.status, updated_at: p.updated_at }).where('id', '=', p.id)),
    insertDeliveryStatus: prepare<Omit<DeliveryStatusesTable, 'id'>, never>((p) =>
      db.insertInto('delivery_statuses').values({
        channel: p.channel, platform_message_id: p.platform_message_id, status: p.status, at: p.at, error_code: p.error_code,
      })),
    deliveryStatusesOf: prepare<{ channel: string; platform_message_id: string }, Omit<DeliveryStatusesTable, 'id'> & { id: number }>((p) =>
      db.selectFrom('delivery_statuses').selectAll().where('channel', '=', p.channel).where('platform_message_id', '=', p.platform_message_id).orderBy('id')),
    officerNotificationsOf: prepare<{ ticket_id: number }, Omit<OfficerNotificationsTable, 'id'> & { id: number }>((p) =>
      db.selectFrom('officer_notifications').selectAll().where('ticket_id', '=', p.ticket_id).orderBy('id')),
    ticketByNumber: prepare<{ number: string }, TicketRow>((p) =>
      db.selectFrom('tickets').selectAll().where('number', '=', p.number)),
    ticketByIdempotencyKey: prepare<{ key: string }, TicketRow>((p) =>
      db.selectFrom('tickets').selectAll().where('idempotency_key', '=', p.key)),
    listTickets: prepare<{ limit: number }, TicketRow>((p) =>
      db.selectFrom('tickets').selectAll().orderBy('id').limit(p.limit)),
    appendTranscript: prepare<NewTranscript, never>((p) =>
      db.insertInto('transcripts').values({
        conversation_key: p.conversation_key, direction: p.direction, message_id: p.message_id, text: p.text, at: p.at,
      }),
    ),
    transcriptOf: prepare<{ conversation_key: string }, TranscriptRow>((p) =>
      db.selectFrom('transcripts').selectAll().where('conversation_key', '=', p.conversation_key).orderBy('id')),
    /**
     * PostgreSQL only: one conversation's writers (a message, a ticket notice, an officer's reply)
     * and the outbox claim take turns, so replies get ids in commit order and instances serialise
     * one citizen's messages. Held until the transaction ends. Advisory locks belong to the whole
     * database, so the key carries the installation's schema: two installations in one database (or
     * two test runs) never wait on each other's citizens (the same in the claim and the blob lock).
     */
    lockConversation: prepare<{ key: string }, { locked: unknown }>((p) =>
      db.selectNoFrom(sql<unknown>`pg_advisory_xact_lock(hashtext(current_schema() || ':' || ${p.key}))`.as('locked'))),
    enqueueOutbox: prepare<NewOutbox, never>((p) =>
      db.insertInto('outbox').values({
        channel: p.channel, conversation_key: p.conversation_key, payload: p.payload, status: 'pending',
        attempts: 0, created_at: p.created_at, next_attempt_at: p.created_at,
      }),
    ),
    pendingOutbox: prepare<{ channel: string; now: string; limit: number }, OutboxRow>((p) =>
      db.selectFrom('outbox').selectAll()
        .where('status', '=', 'pending').where('channel', '=', p.channel).where('next_attempt_at', '<=', p.now)
        .orderBy('id').limit(p.limit)),
    /** Every reply still queued on a channel, due or not, oldest first: the sender keeps each conversation in order. */
    queuedOutbox: prepare<{ channel: string; limit: number }, OutboxRow>((p) =>
      db.selectFrom('outbox').selectAll().where('status', '=', 'pending').where('channel', '=', p.channel).orderBy('id').limit(p.limit)),
    pendingOutboxOf: prepare<{ conversation_key: string; now: string; limit: number }, OutboxRow>((p) =>
      db.selectFrom('outbox').selectAll()
        .where('status', '=', 'pending').where('conversation_key', '=', p.conversation_key).where('next_attempt_at', '<=', p.now)
        .orderBy('id').limit(p.limit)),
    deleteSentOutbox: prepare<{ id: number }, never>((p) => db.deleteFrom('outbox').where('id', '=', p.id)),
    deferOutbox: prepare<{ id: number; next_attempt_at: string; status: 'pending' | 'failed' }, never>((p) =>
      db.updateTable('outbox').set({ status: p.status, next_attempt_at: p.next_attempt_at, attempts: sql<number>`attempts + 1` })
        .where('id', '=', p.id)),
    insertHandoff: prepare<NewHandoff, never>((p) =>
      db.insertInto('handoffs').values({
        conversation_key: p.conversation_key, channel: p.channel, language: p.language, reason: p.reason,
        status: 'waiting', created_at: p.created_at, idempotency_key: p.idempotency_key,
      }).onConflict((oc) => oc.column('idempotency_key').doNothing()),
    ),
  };
}

export type Queries = ReturnType<typeof compileQueries>;
