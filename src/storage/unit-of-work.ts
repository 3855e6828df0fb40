import type Keyv from 'keyv';
import type { ApiTokenRow, AuditRow, ChatScope, HandoffRow, OfficerRow, QueueCounts, QueueParams } from './desk-queries.ts';
import type { Dialect } from './db.ts';
import type { Executor } from './prepared.ts';
import { createSessionRepository, type SessionCache, type SessionQueries, type SessionRepository } from './session-repository.ts';
import type {
  ConsentRow, NominationRow, OutboxRow, PrincipalRow, Queries, TicketEventRow, TicketRow, TicketState, TimerRow, TranscriptRow, VerificationRow,
} from './queries.ts';
import type {
  ApiTokensTable, AuditLogTable, DeskSessionsTable, OfficersTable,
  ConsentLedgerTable, DeliveryStatusesTable, HandoffsTable, NominationsTable, OfficerNotificationsTable, PrincipalsTable, TicketEventsTable, TicketsTable,
  TimersTable, TranscriptsTable, VerificationsTable,
} from './schema.ts';

export type { StoredSession } from './session-repository.ts';

/**
 * Everything one inbound message may read or write, inside one transaction. Repositories are
 * thin: they name the statement and its parameters, the executor runs it.
 */
export interface UnitOfWork {
  /**
   * Feature modules' own statements (see `featureQueries`): run through the unit of work's
   * connection, like the repositories below, without each feature editing this interface.
   */
  readonly exec: Executor;
  readonly dialect: Dialect;
  /**
   * Serialises one conversation's units of work across instances (PostgreSQL: an advisory lock
   * held to the end of the transaction; SQLite: nothing, its one writer already does). Taken by
   * the router before a message is handled and by every enqueue, so a conversation's replies are
   * committed, numbered and claimed in one order.
   */
  lockConversation(conversationKey: string): Promise<void>;
  /** Records a platform message id; false when it was processed before (a redelivery). */
  markProcessed(channel: string, messageId: string, at: string): Promise<boolean>;
  /**
   * Whether a platform message id was processed already, without recording it: a cheap look
   * before work done outside the unit of work (a download). `markProcessed` stays the authority.
   */
  processed(channel: string, messageId: string): Promise<boolean>;
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
    /** Open tickets an officer may see, nearest deadline first. */
    queue(params: QueueParams): Promise<Array<TicketRow & { next_due: string }>>;
    queueCounts(params: Omit<QueueParams, 'limit' | 'offset'> & { now: string; soon: string }): Promise<QueueCounts>;
    assign(id: number, officerId: number | null, at: string | null): Promise<void>;
    ofConversation(conversationKey: string): Promise<TicketRow[]>;
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
    add(n: Omit<OfficerNotificationsTable, 'id' | 'read_at' | 'dispatched_at'>): Promise<void>;
    of(ticketId: number): Promise<Array<Omit<OfficerNotificationsTable, 'id'> & { id: number }>>;
  };
  readonly transcripts: {
    append(row: Omit<TranscriptsTable, 'id'>): Promise<void>;
    of(conversationKey: string): Promise<TranscriptRow[]>;
    /** Rows after the one with id `afterId` (live updates on the desk). */
    after(conversationKey: string, afterId: number, limit: number): Promise<TranscriptRow[]>;
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
    insert(row: Pick<HandoffsTable, 'conversation_key' | 'channel' | 'language' | 'reason' | 'created_at' | 'idempotency_key'>): Promise<void>;
    /** The conversation's waiting or taken hand-off, if any. */
    active(conversationKey: string): Promise<HandoffRow | undefined>;
    byId(id: number): Promise<HandoffRow | undefined>;
    open(limit: number): Promise<HandoffRow[]>;
    /** The open chats an officer may open (`ChatScope`), oldest first. */
    openIn(scope: ChatScope, limit: number): Promise<HandoffRow[]>;
    /** Citizens waiting for an officer, all of them (the admin's badge, /metrics). */
    waitingCount(): Promise<number>;
    /** Citizens waiting in the chats an officer may open: one statement, however many there are. */
    waitingCountIn(scope: ChatScope): Promise<number>;
    /** True for the one officer whose take succeeded. */
    take(id: number, officerId: number, at: string): Promise<boolean>;
    close(id: number, at: string): Promise<boolean>;
    waitingSince(before: string, limit: number): Promise<HandoffRow[]>;
    /** True once per hand-off: the citizen is to be told that nobody is free yet. */
    claimTimeout(id: number, at: string): Promise<boolean>;
  };
  readonly officers: {
    insert(row: Omit<OfficersTable, 'id' | 'last_login_at'>): Promise<OfficerRow>;
    byEmail(email: string): Promise<OfficerRow | undefined>;
    byId(id: number): Promise<OfficerRow | undefined>;
    list(): Promise<OfficerRow[]>;
    update(id: number, row: Pick<OfficersTable, 'name' | 'role' | 'lang' | 'active' | 'updated_at'>): Promise<void>;
    setPassword(id: number, hash: string, at: string): Promise<void>;
    loggedIn(id: number, at: string): Promise<void>;
  };
  readonly deskSessions: {
    insert(row: DeskSessionsTable): Promise<void>;
    byId(id: string): Promise<DeskSessionsTable | undefined>;
    delete(id: string): Promise<void>;
    deleteOf(officerId: number): Promise<void>;
    deleteExpired(now: string): Promise<void>;
  };
  readonly apiTokens: {
    insert(row: Omit<ApiTokensTable, 'id' | 'last_used_at' | 'revoked_at'>): Promise<ApiTokenRow>;
    byHash(hash: string): Promise<ApiTokenRow | undefined>;
    of(officerId: number): Promise<ApiTokenRow[]>;
    touch(id: number, at: string): Promise<void>;
    revoke(id: number, officerId: number, at: string): Promise<boolean>;
  };
  /** Raw access to the hash chain; append through `AuditLog`, which computes the hashes. */
  readonly audit: {
    bumpHead(): Promise<{ seq: number; hash: string }>;
    setHeadHash(hash: string): Promise<void>;
    insert(row: AuditLogTable): Promise<void>;
    after(seq: number, limit: number): Promise<AuditRow[]>;
    ofSubject(subject: string, limit: number): Promise<AuditRow[]>;
    head(): Promise<{ seq: number; hash: string }>;
  };
  /** Conversations' sessions: a fixed-size head and the answers apart (see session-repository.ts). */
  readonly sessions: SessionRepository;
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

export function createUnitOfWork(
  ex: Executor, q: Queries, sessions: Keyv, dialect: Dialect, sessionStore: { queries: SessionQueries; cache: SessionCache },
): UnitOfWork {
  // On PostgreSQL a unit of work is created per transaction, so this set is that transaction's locks.
  const locked = new Set<string>();
  const lockConversation = async (key: string) => {
    if (dialect !== 'postgres' || locked.has(key)) return;
    await ex.all(q.lockConversation, { key: `conversation:${key}` });
    locked.add(key);
  };
  return {
    exec: ex,
    dialect,
    lockConversation,
    markProcessed: async (channel, message_id, at) => (await ex.run(q.markProcessed, { channel, message_id, at })).changes === 1,
    processed: async (channel, message_id) => (await ex.all(q.isProcessed, { channel, message_id })).length > 0,
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
      queue: (params) => ex.all(q.ticketQueue, params),
      queueCounts: async (params) => {
        const [row] = await ex.all(q.ticketQueueCounts, params);
        // PostgreSQL returns count(*) and sum() as int8 or numeric: normalise to numbers.
        return {
          total: Number(row?.total ?? 0), breached: Number(row?.breached ?? 0), due_soon: Number(row?.due_soon ?? 0),
          unassigned: Number(row?.unassigned ?? 0), mine: Number(row?.mine ?? 0),
        };
      },
      assign: async (id, assigned_to, assigned_at) => {
        await ex.run(q.assignTicket, { id, assigned_to, assigned_at });
      },
      ofConversation: (conversation_key) => ex.all(q.ticketsOfConversation, { conversation_key }),
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
      after: (conversation_key, after, limit) => ex.all(q.transcriptAfter, { conversation_key, after, limit }),
    },
    outbox: {
      enqueue: async (row) => {
        // An await saved per reply on SQLite, where there is no row lock to take.
        if (dialect === 'postgres') await lockConversation(row.conversation_key);
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
      active: async (conversation_key) => (await ex.all(q.activeHandoffOf, { conversation_key }))[0],
      byId: async (id) => (await ex.all(q.handoffById, { id }))[0],
      open: (limit) => ex.all(q.openHandoffs, { limit }),
      openIn: (scope, limit) => ex.all(q.openHandoffsIn, { ...scope, limit }),
      waitingCount: async () => Number((await ex.all(q.waitingHandoffCount, {}))[0]?.n ?? 0),
      waitingCountIn: async (scope) => Number((await ex.all(q.waitingHandoffCountIn, scope))[0]?.n ?? 0),
      take: async (id, officer_id, at) => (await ex.run(q.takeHandoff, { id, officer_id, at })).changes === 1,
      close: async (id, at) => (await ex.run(q.closeHandoff, { id, at })).changes === 1,
      waitingSince: (before, limit) => ex.all(q.waitingHandoffsBefore, { before, limit }),
      claimTimeout: async (id, at) => (await ex.run(q.claimHandoffTimeout, { id, at })).changes === 1,
    },
    officers: {
      insert: async (row) => (await ex.all(q.insertOfficer, row))[0]!,
      byEmail: async (email) => (await ex.all(q.officerByEmail, { email }))[0],
      byId: async (id) => (await ex.all(q.officerById, { id }))[0],
      list: () => ex.all(q.listOfficers, {}),
      update: async (id, row) => {
        await ex.run(q.updateOfficer, { ...row, id });
      },
      setPassword: async (id, password_hash, updated_at) => {
        await ex.run(q.setOfficerPassword, { id, password_hash, updated_at });
      },
      loggedIn: async (id, at) => {
        await ex.run(q.setOfficerLogin, { id, at });
      },
    },
    deskSessions: {
      insert: async (row) => {
        await ex.run(q.insertDeskSession, row);
      },
      byId: async (id) => (await ex.all(q.deskSessionById, { id }))[0],
      delete: async (id) => {
        await ex.run(q.deleteDeskSession, { id });
      },
      deleteOf: async (officer_id) => {
        await ex.run(q.deleteDeskSessionsOf, { officer_id });
      },
      deleteExpired: async (now) => {
        await ex.run(q.deleteExpiredDeskSessions, { now });
      },
    },
    apiTokens: {
      insert: async (row) => (await ex.all(q.insertApiToken, row))[0]!,
      byHash: async (token_hash) => (await ex.all(q.apiTokenByHash, { token_hash }))[0],
      of: (officer_id) => ex.all(q.apiTokensOf, { officer_id }),
      touch: async (id, at) => {
        await ex.run(q.touchApiToken, { id, at });
      },
      revoke: async (id, officer_id, at) => (await ex.run(q.revokeApiToken, { id, officer_id, at })).changes === 1,
    },
    audit: {
      bumpHead: async () => {
        const [row] = await ex.all(q.bumpAuditHead, {});
        if (!row) throw new Error('audit_head has no row: the 0005 migration did not run');
        return { seq: Number(row.seq), hash: row.hash };
      },
      setHeadHash: async (hash) => {
        await ex.run(q.setAuditHeadHash, { hash });
      },
      insert: async (row) => {
        await ex.run(q.insertAudit, row);
      },
      after: async (seq, limit) => (await ex.all(q.auditAfter, { after: seq, limit })).map((r) => ({ ...r, seq: Number(r.seq) })),
      ofSubject: async (subject, limit) => (await ex.all(q.auditOfSubject, { subject, limit })).map((r) => ({ ...r, seq: Number(r.seq) })),
      head: async () => {
        const [row] = await ex.all(q.auditHead, {});
        return { seq: Number(row?.seq ?? 0), hash: row?.hash ?? '' };
      },
    },
    sessions: createSessionRepository(ex, sessionStore.queries, sessionStore.cache),
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
