import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { ChannelAdapter, Delivery, OutboundMessage } from '../channels/types.ts';
import { describeError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../storage/sqlite-store.ts';
import { isOptionalPurpose, optedOutOf } from './purposes.ts';
import { claim, outboxQueries, type ClaimedRow } from './queue.ts';

/** Queue rows looked at per claim. */
const SCAN = 2000;
const MAX_ATTEMPTS = 10;
/** A reply the platform keeps asking to wait for is marked failed only once it is this old (a day). */
const RATE_LIMIT_GIVE_UP_MS = 24 * 60 * 60_000;
/** Conversations sent to at once; each conversation's own replies go strictly one after another. */
const PARALLEL_CONVERSATIONS = 8;
/** Conversations claimed at once: a few rounds of the workers, so a lease is not held long unused. */
const CLAIM_CONVERSATIONS = PARALLEL_CONVERSATIONS * 4;
/** Claims per pass, so one pass ends even while replies keep arriving. */
const MAX_ROUNDS = 50;
export const DEFAULT_LEASE_MS = 30_000;

/**
 * What a channel may tell the sender about a failed send (duck-typed, so adapters need not
 * import the sender): `retryAfterMs` when the platform asked to wait (HTTP 429, WhatsApp's pair
 * limit); `retryable: false` when retrying cannot help (a refused template, a blocked number).
 */
interface SendFailure {
  retryAfterMs?: unknown;
  retryable?: unknown;
}

export interface OutboxSenderOptions {
  /** This instance's name in leases; unique per process (host, pid and a random part by default). */
  owner?: string;
  /** How long a claim lasts without news before another instance takes it over (OUTBOX_LEASE_SECONDS). */
  leaseMs?: number;
}

/** Counters for operators and the scale harness. */
export interface SenderStats {
  sent: number;
  /** Parts taken over after a crash that had been handed to the platform but not recorded: maybe sent twice. */
  inDoubt: number;
  /** Replies another instance took over while this one still held them (a lease ran out). */
  leaseLost: number;
  /**
   * Messages for a purpose the citizen opted out of after they were queued (STOP while an update
   * waited): deleted unsent, or with the parts already sent, the rest not sent.
   */
  optedOut: number;
}

/**
 * Delivers committed replies; any number of instances may share one outbox (docs/delivery.md).
 * A pass claims due conversations with a lease (see `claim`), sends each conversation's replies in
 * order, part by part, recording each part the platform accepted, and deletes a reply once all
 * its parts are accepted. A reply that fails is deferred (back-off or the platform's
 * retry-after) and its conversation's later replies wait behind it; other conversations go on.
 * A crash leaves a lease that runs out and is taken over: at most the one part in flight is sent
 * again, and it is counted.
 */
export class OutboxSender {
  private readonly busy = new Map<string, Promise<number>>();
  readonly owner: string;
  private readonly leaseMs: number;
  readonly stats: SenderStats = { sent: 0, inDoubt: 0, leaseLost: 0, optedOut: 0 };
  private started = false;

  constructor(
    private readonly store: Store,
    private readonly adapters: ReadonlyMap<string, ChannelAdapter>,
    private readonly clock: () => Date,
    private readonly logger: Logger,
    options: OutboxSenderOptions = {},
  ) {
    this.owner = options.owner ?? `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  /**
   * Sends everything due on `channel` (or only one conversation's, for the console, which serves
   * one citizen at a time); concurrent calls queue behind the pass under way.
   */
  drain(channel: string, conversationKey?: string): Promise<number> {
    const running = this.busy.get(channel);
    if (running) return running.then(() => this.drain(channel, conversationKey));
    const pass = this.pass(channel, conversationKey).finally(() => this.busy.delete(channel));
    this.busy.set(channel, pass);
    return pass;
  }

  async drainAll(): Promise<number> {
    let n = 0;
    for (const name of this.adapters.keys()) n += await this.drain(name);
    return n;
  }

  /** Waits for the passes under way and gives back the leases this instance still holds. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.busy.values()]);
    await this.store.transaction((uow) => uow.exec.run(outboxQueries(uow.dialect).release, { owner: this.owner }));
  }

  private leaseUntil(): string {
    return new Date(this.clock().getTime() + this.leaseMs).toISOString();
  }

  private async pass(channel: string, conversationKey: string | undefined): Promise<number> {
    const adapter = this.adapters.get(channel);
    if (!adapter) return 0;
    let sent = 0;
    // A channel that paces each chat (Telegram: one a second) needs more chats in flight to reach its overall rate.
    const parallel = adapter.concurrency ?? PARALLEL_CONVERSATIONS;
    const claimConversations = parallel * (CLAIM_CONVERSATIONS / PARALLEL_CONVERSATIONS);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const now = this.clock().toISOString();
      const rows = await this.store.transaction(async (uow) => {
        if (!this.started) {
          // SQLite has one process: what an earlier one (killed) left claimed is taken over now,
          // not after its lease. PostgreSQL's other instances may be alive: their leases run out.
          if (uow.dialect === 'sqlite') await uow.exec.run(outboxQueries(uow.dialect).releaseOthers, { owner: this.owner });
          this.started = true;
        }
        return claim(uow, { channel, conversationKey, owner: this.owner, now, until: this.leaseUntil(), conversations: claimConversations, scan: SCAN });
      });
      if (rows.length === 0) break;
      const queues = new Map<string, ClaimedRow[]>();
      for (const row of rows) {
        const q = queues.get(row.conversation_key);
        if (q) q.push(row);
        else queues.set(row.conversation_key, [row]);
      }
      const pending = [...queues.values()];
      const worker = async () => {
        for (let q = pending.shift(); q; q = pending.shift()) {
          // Not `sent += await …`: that reads `sent` before the await and loses other workers' counts.
          const n = await this.sendInOrder(adapter, q);
          sent += n;
        }
      };
      await Promise.all(Array.from({ length: Math.min(parallel, pending.length) }, worker));
      if (queues.size < claimConversations) break;
    }
    return sent;
  }

  /** One conversation's claimed replies, in order, stopping at the first that fails. */
  private async sendInOrder(adapter: ChannelAdapter, rows: readonly ClaimedRow[]): Promise<number> {
    let sent = 0;
    const key = rows[0]!.conversation_key;
    const conversation = { windowClosed: false };
    for (const row of rows) {
      const outcome = await this.sendOne(adapter, row, conversation).catch(async (err: unknown) => {
        await this.defer(adapter.name, row, err).catch((e: unknown) =>
          this.logger.warn({ channel: adapter.name, outboxId: row.id, error: describeError(e) }, 'deferring a reply failed; its lease will run out'));
        return 'failed' as const;
      });
      if (outcome === 'sent') {
        sent++;
        this.stats.sent++;
        continue;
      }
      // Not sent and gone from the queue: the conversation's next reply goes on.
      if (outcome === 'opted_out') continue;
      // Failed, held or taken over: the rest of the conversation waits behind it, unclaimed.
      if (outcome !== 'lost') {
        await this.store.transaction((uow) => uow.exec.run(outboxQueries(uow.dialect).releaseConversation, { conversation_key: key, owner: this.owner }))
          .catch(() => undefined);
      }
      return sent;
    }
    return sent;
  }

  private async sendOne(adapter: ChannelAdapter, row: ClaimedRow, conversation: { windowClosed: boolean }): Promise<'sent' | 'held' | 'lost' | 'opted_out'> {
    const { to, purpose, ...message } = JSON.parse(row.payload) as OutboundMessage & { to: string; purpose?: unknown };
    const optional = isOptionalPurpose(purpose) ? purpose : undefined;
    if (row.sending_part !== null) {
      this.stats.inDoubt++;
      this.logger.warn(
        { channel: adapter.name, outboxId: row.id, part: row.sending_part },
        'taking over a reply whose part was handed to the platform before a crash: that part may reach the citizen twice',
      );
    }
    let held = false;
    let lost = false;
    /** The part before which the citizen's opt-out stopped the reply (the parts before it were sent). */
    let optedOutAt: number | undefined;
    const q = (dialect: 'sqlite' | 'postgres') => outboxQueries(dialect);
    const delivery: Delivery = {
      partsSent: row.parts_sent,
      lastInboundAt: row.last_inbound_at && !conversation.windowClosed ? new Date(row.last_inbound_at) : undefined,
      sending: async (index) => {
        // Under the conversation's lock, so a claim elsewhere either sees this renewal or has
        // already taken the row (then this instance stops: the other one sends it).
        // The citizen's choice is read here, under the same lock as the router's STOP, not only
        // when the message was queued: a STOP committed before this part stops it (and the rest).
        const outcome = await this.store.transaction(async (uow) => {
          await uow.lockConversation(row.conversation_key);
          if (optional && (await optedOutOf(uow, row.conversation_key, optional))) {
            return (await uow.exec.run(q(uow.dialect).sent, { id: row.id, owner: this.owner })).changes === 0 ? 'lost' : 'opted_out';
          }
          return (await uow.exec.run(q(uow.dialect).sendingPart, { id: row.id, owner: this.owner, part: index, until: this.leaseUntil() })).changes === 0 ? 'lost' : 'go';
        });
        if (outcome === 'opted_out') {
          optedOutAt = index;
          throw new OptedOut();
        }
        if (outcome === 'lost') {
          lost = true;
          throw new LeaseLost();
        }
      },
      accepted: async (index, last) => {
        // The last part's record is the row's deletion, just after.
        if (last) return;
        await this.persist(() => this.store.transaction((uow) => uow.exec.run(q(uow.dialect).partAccepted, { id: row.id, owner: this.owner, parts: index + 1 })));
      },
      hold: () => {
        held = true;
      },
      windowClosed: async () => {
        conversation.windowClosed = true;
        await this.store.transaction((uow) => uow.exec.run(q(uow.dialect).closeWindow, { conversation_key: row.conversation_key }));
      },
    };
    try {
      if (adapter.reportsParts) await adapter.send(to, message, delivery);
      else {
        await delivery.sending(0);
        await adapter.send(to, message, delivery);
      }
    } catch (err) {
      if (optedOutAt !== undefined) {
        this.stats.optedOut++;
        // No conversation key or text: which reply, on which channel, and why is enough to trace it.
        this.logger.info({ channel: adapter.name, outboxId: row.id, purpose: optional, partsSent: optedOutAt },
          'not sent: the citizen opted out of this purpose after the message was queued');
        return 'opted_out';
      }
      if (lost) {
        this.stats.leaseLost++;
        this.logger.warn({ channel: adapter.name, outboxId: row.id }, 'another instance took this reply over (the lease ran out); it sends it');
        return 'lost';
      }
      throw err;
    }
    const done = await this.persist(() => this.store.transaction(async (uow) => {
      const qs = q(uow.dialect);
      if (!held) return (await uow.exec.run(qs.sent, { id: row.id, owner: this.owner })).changes;
      await uow.exec.run(qs.markHeld, { conversation_key: row.conversation_key });
      return (await uow.exec.run(qs.hold, { id: row.id, owner: this.owner })).changes;
    }));
    if (done === 0) {
      this.stats.leaseLost++;
      this.logger.warn({ channel: adapter.name, outboxId: row.id }, 'a reply was sent after its lease ran out and another instance took it over');
      return 'lost';
    }
    return held ? 'held' : 'sent';
  }

  /**
   * Records what the platform already accepted, trying again while the database is away (a
   * restart, a failover): given up, the part would be sent a second time. Within the lease no
   * other instance may take the reply, so trying for as long as the lease lasts is safe.
   */
  private async persist<T>(write: () => Promise<T>): Promise<T> {
    const giveUpAt = Date.now() + this.leaseMs;
    for (let wait = 200; ; wait = Math.min(wait * 2, 2000)) {
      try {
        return await write();
      } catch (err) {
        if (Date.now() + wait > giveUpAt) throw err;
        this.logger.warn({ error: describeError(err), retryInMs: wait }, 'recording a sent reply failed; trying again');
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  private async defer(channel: string, row: ClaimedRow, err: unknown): Promise<void> {
    const failure = (err && typeof err === 'object' ? err : {}) as SendFailure;
    // The platform asked to wait (a 429, WhatsApp's pair limit): not a failure of the reply, so it
    // does not use up its attempts. A storm of them (minutes of 429s) must not mark replies failed
    // and lose them; it waits as long as asked, until the reply is RATE_LIMIT_GIVE_UP_MS old.
    const waitAsked = typeof failure.retryAfterMs === 'number' && failure.retryAfterMs > 0 ? failure.retryAfterMs : undefined;
    const attempts = waitAsked === undefined ? row.attempts + 1 : row.attempts;
    const tooOld = this.clock().getTime() - Date.parse(row.created_at) >= RATE_LIMIT_GIVE_UP_MS;
    const hopeless = failure.retryable === false || attempts >= MAX_ATTEMPTS || (waitAsked !== undefined && tooOld);
    const delayMs = waitAsked ?? Math.min(2 ** attempts * 1000, 15 * 60_000);
    const next = new Date(this.clock().getTime() + delayMs).toISOString();
    await this.store.transaction((uow) =>
      uow.exec.run(outboxQueries(uow.dialect).defer, {
        id: row.id, owner: this.owner, next_attempt_at: next, status: hopeless ? 'failed' : 'pending', counted: attempts - row.attempts,
      }));
    this.logger.warn(
      { channel, outboxId: row.id, attempts, retryInMs: hopeless ? null : delayMs, error: describeError(err) },
      hopeless ? 'send failed; the reply is marked failed for an operator' : 'send failed; will retry',
    );
  }
}

/**
 * Thrown out of `Delivery.sending` when the sender stops a reply on purpose, not because the
 * platform failed: `outboxStop` tells the metrics not to count it as a send failure.
 */
class OutboxStop extends Error {
  readonly outboxStop = true;
}

/** Another instance took the reply over. */
class LeaseLost extends OutboxStop {
  constructor() {
    super('the outbox lease ran out and another instance took the reply over');
  }
}

/** The citizen opted out of the reply's purpose after it was queued; the row is already deleted. */
class OptedOut extends OutboxStop {
  constructor() {
    super('the citizen opted out of this message’s purpose after it was queued; it is not sent');
  }
}
