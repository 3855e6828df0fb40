import type { ChannelAdapter, OutboundMessage } from '../channels/types.ts';
import { describeError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { OutboxRow } from '../storage/queries.ts';
import type { Store } from '../storage/sqlite-store.ts';

const BATCH = 500;
const MAX_ATTEMPTS = 10;
/** Conversations sent to at once; each conversation's own replies go strictly one after another. */
const PARALLEL_CONVERSATIONS = 8;

/**
 * What a channel may tell the sender about a failed send (duck-typed, so adapters need not
 * import the sender): `retryAfterMs` when the platform asked to wait (HTTP 429, WhatsApp's pair
 * limit); `retryable: false` when retrying cannot help (a refused template, a blocked number).
 */
interface SendFailure {
  retryAfterMs?: unknown;
  retryable?: unknown;
}

/**
 * Delivers committed replies. A reply leaves the queue only after its channel accepted it, so a
 * crash between the two sends it again at the next start (at-least-once: at most the one reply
 * per conversation that was in flight). Conversations are served in parallel; within one, a reply
 * that waits (back-off or the platform's retry-after) holds back the replies after it, so the
 * citizen always reads them in order.
 */
export class OutboxSender {
  private readonly busy = new Map<string, Promise<number>>();

  constructor(
    private readonly store: Store,
    private readonly adapters: ReadonlyMap<string, ChannelAdapter>,
    private readonly clock: () => Date,
    private readonly logger: Logger,
  ) {}

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

  private async pass(channel: string, conversationKey: string | undefined): Promise<number> {
    const adapter = this.adapters.get(channel);
    if (!adapter) return 0;
    const rows = await this.store.transaction((uow) =>
      conversationKey ? uow.outbox.pendingOf(conversationKey, '9999-12-31T23:59:59.999Z', BATCH) : uow.outbox.queued(channel, BATCH));
    // Each conversation's queue, oldest first; one whose oldest reply is not due yet waits whole.
    const now = this.clock().toISOString();
    const queues = new Map<string, OutboxRow[]>();
    const waiting = new Set<string>();
    for (const row of rows) {
      const key = row.conversation_key;
      if (waiting.has(key)) continue;
      const q = queues.get(key);
      if (q) q.push(row);
      else if (row.next_attempt_at <= now) queues.set(key, [row]);
      else waiting.add(key);
    }
    let sent = 0;
    const pending = [...queues.values()];
    const worker = async () => {
      for (let q = pending.shift(); q; q = pending.shift()) {
        // Not `sent += await …`: that reads `sent` before the await and loses other workers' counts.
        const n = await this.sendInOrder(adapter, q);
        sent += n;
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_CONVERSATIONS, pending.length) }, worker));
    return sent;
  }

  /** One conversation's replies, in order, stopping at the first that fails. */
  private async sendInOrder(adapter: ChannelAdapter, rows: readonly OutboxRow[]): Promise<number> {
    let sent = 0;
    for (const row of rows) {
      const { to, ...message } = JSON.parse(row.payload) as OutboundMessage & { to: string };
      try {
        await adapter.send(to, message);
        await this.store.transaction((uow) => uow.outbox.markSent(row.id));
        sent++;
      } catch (err) {
        await this.defer(adapter.name, row, err);
        return sent;
      }
    }
    return sent;
  }

  private async defer(channel: string, row: OutboxRow, err: unknown): Promise<void> {
    const failure = (err && typeof err === 'object' ? err : {}) as SendFailure;
    const attempts = row.attempts + 1;
    const hopeless = failure.retryable === false || attempts >= MAX_ATTEMPTS;
    const delayMs = typeof failure.retryAfterMs === 'number' && failure.retryAfterMs > 0
      ? failure.retryAfterMs
      : Math.min(2 ** attempts * 1000, 15 * 60_000);
    const next = new Date(this.clock().getTime() + delayMs).toISOString();
    await this.store.transaction((uow) => uow.outbox.defer(row.id, next, hopeless ? 'failed' : 'pending'));
    this.logger.warn(
      { channel, outboxId: row.id, attempts, retryInMs: hopeless ? null : delayMs, error: describeError(err) },
      hopeless ? 'send failed; the reply is marked failed for an operator' : 'send failed; will retry',
    );
  }
}
