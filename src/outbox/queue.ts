import { sql } from 'kysely';
import { featureQueries } from '../storage/feature-queries.ts';
import { prepare } from '../storage/prepared.ts';
import type { OutboxRow } from '../storage/queries.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';

/** A reply this instance holds a lease on, with what the sender needs to send it. */
export interface ClaimedRow extends OutboxRow {
  /** The citizen's last message in this conversation (WhatsApp's 24-hour window), if known. */
  last_inbound_at: string | null;
}

/** A last-inbound time before any real one: the window counts as closed until the citizen writes. */
const CLOSED_WINDOW = '1970-01-01T00:00:00.000Z';

const queries = featureQueries((db) => {
  const withWindow = () =>
    db.selectFrom('outbox')
      .leftJoin('conversation_state', 'conversation_state.conversation_key', 'outbox.conversation_key')
      .selectAll('outbox')
      .select('conversation_state.last_inbound_at');
  return {
    /** A channel's queue, oldest first (due or not: one conversation's rows keep their order). */
    queued: prepare<{ channel: string; limit: number }, ClaimedRow>((p) =>
      withWindow().where('outbox.status', '=', 'pending').where('outbox.channel', '=', p.channel).orderBy('outbox.id').limit(p.limit)),
    queuedOf: prepare<{ conversation_key: string; limit: number }, ClaimedRow>((p) =>
      withWindow().where('outbox.status', '=', 'pending').where('outbox.conversation_key', '=', p.conversation_key).orderBy('outbox.id').limit(p.limit)),
    /** One conversation's queue as it is now (read again once its lock is held). */
    conversation: prepare<{ conversation_key: string }, Pick<OutboxRow, 'id' | 'lease_owner' | 'lease_until' | 'next_attempt_at'>>((p) =>
      db.selectFrom('outbox').select(['id', 'lease_owner', 'lease_until', 'next_attempt_at'])
        .where('conversation_key', '=', p.conversation_key).where('status', '=', 'pending').orderBy('id')),
    lease: prepare<{ conversation_key: string; owner: string; until: string }, OutboxRow>((p) =>
      db.updateTable('outbox').set({ lease_owner: p.owner, lease_until: p.until })
        .where('conversation_key', '=', p.conversation_key).where('status', '=', 'pending').returningAll()),
    /** Just before a part goes out: the row says which, and the lease is renewed. */
    sendingPart: prepare<{ id: number; owner: string; part: number; until: string }, never>((p) =>
      db.updateTable('outbox').set({ sending_part: p.part, lease_until: p.until }).where('id', '=', p.id).where('lease_owner', '=', p.owner)),
    partAccepted: prepare<{ id: number; owner: string; parts: number }, never>((p) =>
      db.updateTable('outbox').set({ parts_sent: p.parts, sending_part: null }).where('id', '=', p.id).where('lease_owner', '=', p.owner)),
    /** The whole reply was accepted: it leaves the queue (the transcript is the history). */
    sent: prepare<{ id: number; owner: string }, never>((p) =>
      db.deleteFrom('outbox').where('id', '=', p.id).where('lease_owner', '=', p.owner)),
    /** `counted`: 1 for a failed attempt, 0 when the platform only asked to wait. */
    defer: prepare<{ id: number; owner: string; next_attempt_at: string; status: 'pending' | 'failed'; counted: number }, never>((p) =>
      db.updateTable('outbox')
        .set({ status: p.status, next_attempt_at: p.next_attempt_at, attempts: sql<number>`attempts + ${p.counted}`, lease_owner: null, lease_until: null, sending_part: null })
        .where('id', '=', p.id).where('lease_owner', '=', p.owner)),
    /** Waits for the citizen to write (a template's short form asked them to). */
    hold: prepare<{ id: number; owner: string }, never>((p) =>
      db.updateTable('outbox').set({ status: 'held', lease_owner: null, lease_until: null, sending_part: null })
        .where('id', '=', p.id).where('lease_owner', '=', p.owner)),
    markHeld: prepare<{ conversation_key: string }, never>((p) =>
      db.updateTable('conversation_state').set({ held: 1 }).where('conversation_key', '=', p.conversation_key)),
    /** The citizen wrote: held replies go out now, in their order, before anything newer. */
    releaseHeld: prepare<{ conversation_key: string; now: string }, never>((p) =>
      db.updateTable('outbox').set({ status: 'pending', next_attempt_at: p.now, parts_sent: 0, sending_part: null })
        .where('conversation_key', '=', p.conversation_key).where('status', '=', 'held')),
    /** The rest of a conversation's claim, given back after one of its replies failed or was held. */
    releaseConversation: prepare<{ conversation_key: string; owner: string }, never>((p) =>
      db.updateTable('outbox').set({ lease_owner: null, lease_until: null })
        .where('conversation_key', '=', p.conversation_key).where('lease_owner', '=', p.owner).where('status', '=', 'pending')),
    /** SQLite: one process owns the file, so leases of any other owner were left by a process that ended. */
    releaseOthers: prepare<{ owner: string }, never>((p) =>
      db.updateTable('outbox').set({ lease_owner: null, lease_until: null }).where('lease_owner', '<>', p.owner).where('status', '=', 'pending')),
    /** Leases this instance still holds, given back (a clean stop). */
    release: prepare<{ owner: string }, never>((p) =>
      db.updateTable('outbox').set({ lease_owner: null, lease_until: null }).where('lease_owner', '=', p.owner).where('status', '=', 'pending')),
    tryLock: prepare<{ key: string }, { ok: boolean }>((p) =>
      db.selectNoFrom(sql<boolean>`pg_try_advisory_xact_lock(hashtext(current_schema() || ':' || ${p.key}))`.as('ok'))),
    /**
     * The citizen's message: the window opens at its time (never moved back by a late
     * redelivery). Returns whether replies are held for this moment (a template's short form),
     * and `in_tail` with this message's split-number bit in bit 0 and the previous one's in bit 1.
     * A new row says "may" for the previous message: a conversation older than this row may
     * have transcripts before it.
     */
    touch: prepare<{ conversation_key: string; at: string; tail: number }, { held: number; in_tail: number }>((p) =>
      db.insertInto('conversation_state').values({ conversation_key: p.conversation_key, last_inbound_at: p.at, held: 0, in_tail: sql<number>`${p.tail} + 2` })
        .onConflict((oc) => oc.column('conversation_key').doUpdateSet({
          last_inbound_at: sql<string>`case when excluded.last_inbound_at > conversation_state.last_inbound_at then excluded.last_inbound_at else conversation_state.last_inbound_at end`,
          // (excluded.in_tail - 2) is this message's bit; the stored bit 0 becomes bit 1.
          in_tail: sql<number>`excluded.in_tail - 2 + 2 * (conversation_state.in_tail % 2)`,
        }))
        .returning(['held', 'in_tail'])),
    /** SQLite's form of `touch` (see `recordInbound`): the row as it was, then the write. */
    state: prepare<{ conversation_key: string }, { held: number; in_tail: number }>((p) =>
      db.selectFrom('conversation_state').select(['held', 'in_tail']).where('conversation_key', '=', p.conversation_key)),
    touchPlain: prepare<{ conversation_key: string; at: string; in_tail: number }, never>((p) =>
      db.insertInto('conversation_state').values({ conversation_key: p.conversation_key, last_inbound_at: p.at, held: 0, in_tail: p.in_tail })
        .onConflict((oc) => oc.column('conversation_key').doUpdateSet({
          last_inbound_at: sql<string>`case when excluded.last_inbound_at > conversation_state.last_inbound_at then excluded.last_inbound_at else conversation_state.last_inbound_at end`,
          in_tail: sql<number>`excluded.in_tail`,
        }))),
    /** The platform's word that the window is closed: the next message from the citizen reopens it. */
    closeWindow: prepare<{ conversation_key: string }, never>((p) =>
      db.updateTable('conversation_state').set({ last_inbound_at: CLOSED_WINDOW }).where('conversation_key', '=', p.conversation_key)),
    clearHeld: prepare<{ conversation_key: string }, never>((p) =>
      db.updateTable('conversation_state').set({ held: 0 }).where('conversation_key', '=', p.conversation_key)),
  };
});

export const outboxQueries = queries;

/** The lock one conversation's writers and the outbox claim share on PostgreSQL. */
export function conversationLockKey(conversationKey: string): string {
  return `conversation:${conversationKey}`;
}

export interface ClaimOptions {
  channel: string;
  /** Only this conversation's replies (the console serves one citizen at a time). */
  conversationKey?: string | undefined;
  owner: string;
  now: string;
  until: string;
  /** Conversations claimed at most. */
  conversations: number;
  /** Rows of the queue looked at. */
  scan: number;
}

/**
 * Claims the due conversations of a channel: every queued reply of each, leased to `owner` until
 * `until`, oldest first. A conversation is skipped while any of its replies is leased to someone
 * else (another instance is sending it: order must hold) or its oldest reply is not due (a
 * retry-after holds back that conversation only).
 *
 * On PostgreSQL each conversation is taken under its advisory lock (the one its writers take
 * before enqueueing), tried without waiting: a conversation being written or claimed elsewhere is
 * left for the next pass, and once the lock is held the re-read sees every committed lease and
 * every committed reply, in id order. On SQLite the one process is the single writer (the sender
 * gives back, at its first claim, the leases an earlier process of the same file left).
 */
export async function claim(uow: UnitOfWork, o: ClaimOptions): Promise<ClaimedRow[]> {
  const q = queries(uow.dialect);
  const rows = o.conversationKey
    ? await uow.exec.all(q.queuedOf, { conversation_key: o.conversationKey, limit: o.scan })
    : await uow.exec.all(q.queued, { channel: o.channel, limit: o.scan });
  const pg = uow.dialect === 'postgres';
  const live = (r: Pick<OutboxRow, 'lease_until'>) => r.lease_until !== null && r.lease_until > o.now;
  const byConversation = new Map<string, ClaimedRow[]>();
  const skipped = new Set<string>();
  for (const row of rows) {
    const key = row.conversation_key;
    if (skipped.has(key)) continue;
    const list = byConversation.get(key);
    if (list) {
      if (live(row)) {
        byConversation.delete(key);
        skipped.add(key);
      } else list.push(row);
    } else if (row.next_attempt_at > o.now || live(row) || byConversation.size >= o.conversations) skipped.add(key);
    else byConversation.set(key, [row]);
  }
  const claimed: ClaimedRow[] = [];
  for (const [key, seen] of byConversation) {
    if (pg) {
      const [lock] = await uow.exec.all(q.tryLock, { key: conversationLockKey(key) });
      if (!lock?.ok) continue;
      const fresh = await uow.exec.all(q.conversation, { conversation_key: key });
      if (fresh.length === 0 || fresh[0]!.next_attempt_at > o.now || fresh.some(live)) continue;
    }
    const leased = await uow.exec.all(q.lease, { conversation_key: key, owner: o.owner, until: o.until });
    const window = seen[0]!.last_inbound_at;
    for (const r of leased.sort((a, b) => a.id - b.id)) claimed.push({ ...r, last_inbound_at: window });
  }
  return claimed;
}

/** What recording an inbound message found. */
export interface InboundRecord {
  /** Held replies were queued again: this message was the citizen's "show me". */
  released: boolean;
  /**
   * The conversation's previous inbound message may end in the first part of a number split over
   * two messages (its `mayEndNumber` was true, or it is not known): see `split-numbers.ts`.
   */
  previousMayEndNumber: boolean;
}

/**
 * The citizen wrote: the conversation's window opens at `at`, for every instance. When replies
 * were held for this (WhatsApp's template short form asked the citizen to write to read them),
 * they are queued again, in order, and `released` is true: this message was the citizen's "show
 * me", not an answer to a question they have not read yet.
 *
 * `mayEndNumber` is kept for the next message (this row is written for every inbound message, so
 * it costs no statement of its own), and the previous message's is returned.
 */
export async function recordInbound(uow: UnitOfWork, conversationKey: string, at: string, now: string, mayEndNumber = true): Promise<InboundRecord> {
  const q = queries(uow.dialect);
  const tail = mayEndNumber ? 1 : 0;
  let state: { held: number; in_tail: number } | undefined;
  let previousMayEndNumber: boolean;
  if (uow.dialect === 'sqlite') {
    // Read, then a write without RETURNING: SQLite's RETURNING costs more than the read (about
    // 8 µs against 3 + 3 per message in the bench). Safe here because the one process's units of
    // work run one at a time, the sender's `markHeld` among them, so nothing changes the row
    // between the two statements.
    [state] = await uow.exec.all(q.state, { conversation_key: conversationKey });
    previousMayEndNumber = !state || Number(state.in_tail) % 2 === 1;
    await uow.exec.run(q.touchPlain, { conversation_key: conversationKey, at, in_tail: tail + (previousMayEndNumber ? 2 : 0) });
  } else {
    // PostgreSQL: one upsert, whose row lock makes it see a `held` that a sender (which does not
    // take the conversation's lock) commits meanwhile; a read before it could miss that.
    [state] = await uow.exec.all(q.touch, { conversation_key: conversationKey, at, tail });
    previousMayEndNumber = !state || Number(state.in_tail) >= 2;
  }
  if (!state || Number(state.held) === 0) return { released: false, previousMayEndNumber };
  await uow.exec.run(q.clearHeld, { conversation_key: conversationKey });
  const released = await uow.exec.run(q.releaseHeld, { conversation_key: conversationKey, now });
  return { released: released.changes > 0, previousMayEndNumber };
}
