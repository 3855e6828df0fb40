import type { ChannelAdapter, OutboundMessage } from '../channels/types.ts';
import { describeError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../storage/sqlite-store.ts';

const BATCH = 100;
const MAX_ATTEMPTS = 10;

/**
 * Delivers committed replies, oldest first, one channel at a time. A reply leaves the queue only
 * after its adapter accepted it; a failure is retried with exponential back-off and, after
 * MAX_ATTEMPTS, left as `failed` for an operator to see. Sending happens outside any unit of work.
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
   * Sends everything due on `channel` (or only one conversation's, for the console, which
   * serves one citizen at a time); concurrent calls queue behind the pass under way.
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
    let sent = 0;
    for (;;) {
      const now = this.clock().toISOString();
      const rows = await this.store.transaction((uow) =>
        conversationKey ? uow.outbox.pendingOf(conversationKey, now, BATCH) : uow.outbox.pending(channel, now, BATCH));
      if (rows.length === 0) return sent;
      const blocked = new Set<string>();
      for (const row of rows) {
        // Keep each conversation in order: after one failure, its later replies wait too.
        if (blocked.has(row.conversation_key)) continue;
        const { to, ...message } = JSON.parse(row.payload) as OutboundMessage & { to: string };
        try {
          await adapter.send(to, message);
          await this.store.transaction((uow) => uow.outbox.markSent(row.id));
          sent++;
        } catch (err) {
          blocked.add(row.conversation_key);
          const attempts = row.attempts + 1;
          const delayMs = Math.min(2 ** attempts * 1000, 15 * 60_000);
          const next = new Date(this.clock().getTime() + delayMs).toISOString();
          await this.store.transaction((uow) => uow.outbox.defer(row.id, next, attempts >= MAX_ATTEMPTS ? 'failed' : 'pending'));
          this.logger.warn({ channel, outboxId: row.id, attempts, error: describeError(err) }, 'send failed; will retry');
        }
      }
      if (blocked.size > 0 || rows.length < BATCH) return sent;
    }
  }
}
