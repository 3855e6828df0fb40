import type Keyv from 'keyv';
import type { Executor } from './prepared.ts';
import type {
  ConsentRow, NominationRow, OutboxRow, PrincipalRow, Queries, TicketEventRow, TicketRow, TicketState, TimerRow, TranscriptRow, VerificationRow,
} from './queries.ts';
import type {
  ConsentLedgerTable, DeliveryStatusesTable, HandoffsTable, NominationsTable, OfficerNotificationsTable, PrincipalsTable, TicketEventsTable, TicketsTable,
  TimersTable, TranscriptsTable, VerificationsTable,
} from './schema.ts';

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
    /** The new row; undefined when a ticket with the same idempotency key already exists. */
    insert(row: Omit<TicketsTable, 'id'>): Promise<TicketRow | undefined>;
    byNumber(number: string): Promise<TicketRow | undefined>;
    byIdempotencyKey(key: string): Promise<TicketRow | undefined>;
    list(limit: number): Promise<TicketRow[]>;
    byId(id: number): Promise<TicketRow | undefined>;
    update(id: number, state: TicketState): Promise<void>;
    addEvent(event: Omit<TicketEventsTable, 'id'>): Promise<void>;
    events(ticketId: number): Promise<TicketEventRow[]>;
  };
  readonly timers: {
    add(timer: Omit<TimersTable, 'id' | 'fired_at'>): Promise<void>;
    /** Forgets a ticket's timers that have not fired (before scheduling its new ones). */
    dropPending(ticketId: number): Promise<void>;
    due(now: string, limit: number): Promise<TimerRow[]>;
    pendingOf(ticketId: number): Promise<TimerRow[]>;
    /** True for exactly one caller: the timer is now fired and is theirs to act on. */
    claim(id: number, now: string): Promise<boolean>;
  };
  readonly officerNotifications: {
    add(n: Omit<OfficerNotificationsTable, 'id' | 'read_at'>): Promise<void>;
    of(ticketId: number): Promise<Array<Omit<OfficerNotificationsTable, 'id'> & { id: number }>>;
  };
  readonly transcripts: {
    append(row: Omit<TranscriptsTable, 'id'>): Promise<void>;
    of(conversationKey: string): Promise<TranscriptRow[]>;
  };
  readonly outbox: {
    enqueue(row: { channel: string; conversation_key: string; payload: string; created_at: string }): Promise<void>;
    pending(channel: string, now: string, limit: number): Promise<OutboxRow[]>;
    /** Every queued reply of a channel, due or not, oldest first. */
    queued(channel: string, limit: number): Promise<OutboxRow[]>;
    /** One conversation's pending replies (the console serves one citizen at a time). */
    pendingOf(conversationKey: string, now: string, limit: number): Promise<OutboxRow[]>;
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
  /**
   * Short-lived state (a one-time-code challenge, a lock-out) in keyv, committed with the unit of
   * work. The TTL only lets keyv forget it; callers keep their own expiry against their clock.
   */
  readonly ephemeral: {
    get<T>(key: string): Promise<T | undefined>;
    set<T>(key: string, value: T, ttlMs: number): Promise<void>;
    delete(key: string): Promise<void>;
  };
  readonly consent: {
    add(row: Omit<ConsentLedgerTable, 'id'>): Promise<void>;
    /** The conversation's ledger, oldest first. */
    of(conversationKey: string): Promise<ConsentRow[]>;
  };
  readonly principals: {
    /** Inserts, or updates the one with the same external reference. */
    upsert(row: Omit<PrincipalsTable, 'id'>): Promise<void>;
    /** At most two: more than one principal on one number is ambiguous, and callers must say so. */
    byMobile(e164: string): Promise<PrincipalRow[]>;
    byEmail(email: string): Promise<PrincipalRow[]>;
    byId(id: number): Promise<PrincipalRow | undefined>;
  };
  readonly verifications: {
    add(row: Omit<VerificationsTable, 'id'>): Promise<void>;
    of(conversationKey: string): Promise<VerificationRow[]>;
  };
  /** What platforms report about messages we sent (WhatsApp's status callbacks). */
  readonly deliveryStatuses: {
    add(row: Omit<DeliveryStatusesTable, 'id'>): Promise<void>;
    of(channel: string, platformMessageId: string): Promise<Array<Omit<DeliveryStatusesTable, 'id'> & { id: number }>>;
  };
  readonly nominations: {
    add(row: Omit<NominationsTable, 'id'>): Promise<NominationRow>;
    of(conversationKey: string): Promise<NominationRow[]>;
    setStatus(id: number, status: 'active' | 'removed', at: string): Promise<void>;
  };
}

/** Ephemeral keys live in the session keyv under a prefix no conversation key can start with. */
const EPHEMERAL_PREFIX = '~';

export function createUnitOfWork(ex: Executor, q: Queries, sessions: Keyv): UnitOfWork {
  return {
    markProcessed: async (channel, message_id, at) => (await ex.run(q.markProcessed, { channel, message_id, at })).changes === 1,
    tickets: {
      nextNumber: async (prefix, year) => {
        const [row] = await ex.all(q.nextTicketSeq, { prefix, year });
        if (!row) throw new Error('ticket sequence returned no row');
        return row.last;
      },
      insert: async (row) => (await ex.all(q.insertTicket, row))[0],
      byNumber: async (number) => (await ex.all(q.ticketByNumber, { number }))[0],
      byIdempotencyKey: async (key) => (await ex.all(q.ticketByIdempotencyKey, { key }))[0],
      list: (limit) => ex.all(q.listTickets, { limit }),
      byId: async (id) => (await ex.all(q.ticketById, { id }))[0],
      update: async (id, state) => {
        await ex.run(q.updateTicketState, { ...state, id });
      },
      addEvent: async (event) => {
        await ex.run(q.insertTicketEvent, event);
      },
      events: (ticket_id) => ex.all(q.ticketEvents, { ticket_id }),
    },
    timers: {
      add: async (timer) => {
        await ex.run(q.insertTimer, timer);
      },
      dropPending: async (ticket_id) => {
        await ex.run(q.dropPendingTimers, { ticket_id });
      },
      due: (now, limit) => ex.all(q.dueTimers, { now, limit }),
      pendingOf: (ticket_id) => ex.all(q.pendingTimersOf, { ticket_id }),
      claim: async (id, now) => (await ex.run(q.claimTimer, { id, now })).changes === 1,
    },
    officerNotifications: {
      add: async (n) => {
        await ex.run(q.insertOfficerNotification, n);
      },
      of: (ticket_id) => ex.all(q.officerNotificationsOf, { ticket_id }),
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
      pendingOf: (conversation_key, now, limit) => ex.all(q.pendingOutboxOf, { conversation_key, now, limit }),
      queued: (channel, limit) => ex.all(q.queuedOutbox, { channel, limit }),
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
    ephemeral: {
      get: async <T>(key: string) => (await sessions.get(`${EPHEMERAL_PREFIX}${key}`)) as T | undefined,
      set: async (key, value, ttlMs) => {
        await sessions.set(`${EPHEMERAL_PREFIX}${key}`, value, ttlMs);
      },
      delete: async (key) => {
        await sessions.delete(`${EPHEMERAL_PREFIX}${key}`);
      },
    },
    consent: {
      add: async (row) => {
        await ex.run(q.insertConsent, row);
      },
      of: (conversation_key) => ex.all(q.consentOf, { conversation_key }),
    },
    principals: {
      upsert: async (row) => {
        await ex.run(q.upsertPrincipal, row);
      },
      byMobile: (mobile) => ex.all(q.principalByMobile, { mobile }),
      byEmail: (email) => ex.all(q.principalByEmail, { email }),
      byId: async (id) => (await ex.all(q.principalById, { id }))[0],
    },
    verifications: {
      add: async (row) => {
        await ex.run(q.insertVerification, row);
      },
      of: (conversation_key) => ex.all(q.verificationsOf, { conversation_key }),
    },
    deliveryStatuses: {
      add: async (row) => {
        await ex.run(q.insertDeliveryStatus, row);
      },
      of: (channel, platform_message_id) => ex.all(q.deliveryStatusesOf, { channel, platform_message_id }),
    },
    nominations: {
      add: async (row) => (await ex.all(q.insertNomination, row))[0]!,
      of: (conversation_key) => ex.all(q.nominationsOf, { conversation_key }),
      setStatus: async (id, status, updated_at) => {
        await ex.run(q.setNominationStatus, { id, status, updated_at });
      },
    },
  };
}
