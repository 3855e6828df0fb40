import { sql, type Kysely } from 'kysely';
import { prepare } from './prepared.ts';
import type { Database, HandoffsTable, OutboxTable, TicketsTable, TranscriptsTable } from './schema.ts';

export type TicketRow = Omit<TicketsTable, 'id'> & { id: number };
export type OutboxRow = Omit<OutboxTable, 'id'> & { id: number };
export type TranscriptRow = Omit<TranscriptsTable, 'id'> & { id: number };
type NewTicket = Omit<TicketsTable, 'id'>;
type NewTranscript = Omit<TranscriptsTable, 'id'>;
type NewOutbox = Pick<OutboxTable, 'channel' | 'conversation_key' | 'payload' | 'created_at'>;
type NewHandoff = Omit<HandoffsTable, 'id' | 'status'>;

/**
 * Every statement the application runs, written with Kysely and compiled once per dialect.
 * Repositories run them through an `Executor`; nothing builds SQL on the per-message path.
 */
export function compileQueries(db: Kysely<Database>) {
  return {
    markProcessed: prepare<{ channel: string; message_id: string; at: string }, never>((p) =>
      db.insertInto('processed_messages').values({ channel: p.channel, message_id: p.message_id, at: p.at })
        .onConflict((oc) => oc.columns(['channel', 'message_id']).doNothing()),
    ),
    nextTicketSeq: prepare<{ prefix: string; year: number }, { last: number }>((p) =>
      db.insertInto('ticket_sequences').values({ prefix: p.prefix, year: p.year, last: 1 })
        .onConflict((oc) => oc.columns(['prefix', 'year']).doUpdateSet({ last: sql<number>`ticket_sequences.last + 1` }))
        .returning('last'),
    ),
    insertTicket: prepare<NewTicket, never>((p) =>
      db.insertInto('tickets').values({
        number: p.number, kind: p.kind, status: p.status, language: p.language, channel: p.channel,
        conversation_key: p.conversation_key, fields: p.fields, created_at: p.created_at, due_at: p.due_at,
        updated_at: p.updated_at, idempotency_key: p.idempotency_key,
      }).onConflict((oc) => oc.column('idempotency_key').doNothing()),
    ),
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
