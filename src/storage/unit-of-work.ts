import type Keyv from 'keyv';
import type { Executor } from './prepared.ts';
import type { OutboxRow, Queries, TicketRow, TranscriptRow } from './queries.ts';
import type { HandoffsTable, TicketsTable, TranscriptsTable } from './schema.ts';

/** The session blob as kept in keyv: versioned so a format change starts conversations over. */
export interface StoredSession<S> {
  v: number;
  rev: number;
  state: S;
}

/**
 * Everything one inbound message may read or write, inside one transaction. Repositories are
 * thin: they name the statement and its parameters, the executor runs it.
 */
export interface UnitOfWork {
  /** Records a platform message id; false when it was processed before (a redelivery). */
  markProcessed(channel: string, messageId: string, at: string): Promise<boolean>;
  readonly tickets: {
    nextNumber(prefix: string, year: number): Promise<number>;
    insert(row: Omit<TicketsTable, 'id'>): Promise<boolean>;
    byNumber(number: string): Promise<TicketRow | undefined>;
    byIdempotencyKey(key: string): Promise<TicketRow | undefined>;
    list(limit: number): Promise<TicketRow[]>;
  };
  readonly transcripts: {
    append(row: Omit<TranscriptsTable, 'id'>): Promise<void>;
    of(conversationKey: string): Promise<TranscriptRow[]>;
  };
  readonly outbox: {
    enqueue(row: { channel: string; conversation_key: string; payload: string; created_at: string }): Promise<void>;
    pending(channel: string, now: string, limit: number): Promise<OutboxRow[]>;
    /** The channel accepted the message: it leaves the queue. */
    markSent(id: number): Promise<boolean>;
    defer(id: number, nextAttemptAt: string, status: 'pending' | 'failed'): Promise<void>;
  };
  readonly handoffs: {
    insert(row: Omit<HandoffsTable, 'id' | 'status'>): Promise<void>;
  };
  readonly sessions: {
    get<S>(key: string): Promise<StoredSession<S> | undefined>;
    set<S>(key: string, value: StoredSession<S>): Promise<void>;
  };
}

export function createUnitOfWork(ex: Executor, q: Queries, sessions: Keyv): UnitOfWork {
  return {
    markProcessed: async (channel, message_id, at) => (await ex.run(q.markProcessed, { channel, message_id, at })).changes === 1,
    tickets: {
      nextNumber: async (prefix, year) => {
        const [row] = await ex.all(q.nextTicketSeq, { prefix, year });
        if (!row) throw new Error('ticket sequence returned no row');
        return row.last;
      },
      insert: async (row) => (await ex.run(q.insertTicket, row)).changes === 1,
      byNumber: async (number) => (await ex.all(q.ticketByNumber, { number }))[0],
      byIdempotencyKey: async (key) => (await ex.all(q.ticketByIdempotencyKey, { key }))[0],
      list: (limit) => ex.all(q.listTickets, { limit }),
    },
    transcripts: {
      append: async (row) => {
        await ex.run(q.appendTranscript, row);
      },
      of: (conversation_key) => ex.all(q.transcriptOf, { conversation_key }),
    },
    outbox: {
      enqueue: async (row) => {
        await ex.run(q.enqueueOutbox, row);
      },
      pending: (channel, now, limit) => ex.all(q.pendingOutbox, { channel, now, limit }),
      markSent: async (id) => (await ex.run(q.deleteSentOutbox, { id })).changes === 1,
      defer: async (id, next_attempt_at, status) => {
        await ex.run(q.deferOutbox, { id, next_attempt_at, status });
      },
    },
    handoffs: {
      insert: async (row) => {
        await ex.run(q.insertHandoff, row);
      },
    },
    sessions: {
      get: async <S>(key: string) => (await sessions.get(key)) as StoredSession<S> | undefined,
      set: async (key, value) => {
        await sessions.set(key, value);
      },
    },
  };
}
