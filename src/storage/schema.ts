import type { Generated } from 'kysely';

/**
 * Table shapes for Kysely. Timestamps are ISO 8601 UTC strings (`toISOString()`): they sort
 * as text, read the same on SQLite and PostgreSQL, and need no type parser.
 */
export interface TicketsTable {
  id: Generated<number>;
  number: string;
  kind: string;
  status: string;
  language: string;
  channel: string;
  conversation_key: string;
  /** The request fields an officer needs, as JSON (already redacted). */
  fields: string;
  created_at: string;
  due_at: string;
  updated_at: string;
  /** Derived from the inbound message and step, so a retry never opens a second ticket. */
  idempotency_key: string;
}

export interface TicketSequencesTable {
  prefix: string;
  year: number;
  last: number;
}

export interface TranscriptsTable {
  id: Generated<number>;
  conversation_key: string;
  direction: 'in' | 'out';
  message_id: string | null;
  text: string;
  at: string;
}

export interface OutboxTable {
  id: Generated<number>;
  channel: string;
  conversation_key: string;
  /** The rendered `OutboundMessage` as JSON. */
  payload: string;
  /** Sent rows are deleted; `failed` ones stay for an operator to see. */
  status: 'pending' | 'failed';
  attempts: number;
  created_at: string;
  next_attempt_at: string;
}

export interface ProcessedMessagesTable {
  channel: string;
  message_id: string;
  at: string;
}

export interface HandoffsTable {
  id: Generated<number>;
  conversation_key: string;
  channel: string;
  language: string;
  reason: string;
  status: 'waiting' | 'taken' | 'closed';
  created_at: string;
  idempotency_key: string;
}

export interface KeyvTable {
  key: string;
  value: string;
}

export interface Database {
  tickets: TicketsTable;
  ticket_sequences: TicketSequencesTable;
  transcripts: TranscriptsTable;
  outbox: OutboxTable;
  processed_messages: ProcessedMessagesTable;
  handoffs: HandoffsTable;
  keyv: KeyvTable;
}
