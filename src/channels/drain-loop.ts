import { describeError } from '../errors.ts';
import type { Logger } from '../logger.ts';

/**
 * Delivers a live channel's committed replies: `kick()` right after a handled update, and a
 * timer for what others queue (scheduler notices, an officer's answer, a retry that came due).
 * Passes never overlap, so replies leave in the order the outbox holds them; a kick during a
 * pass schedules exactly one more pass after it.
 */
export class DrainLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;

  constructor(
    private readonly drain: () => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.timer ??= setInterval(() => this.kick(), this.intervalMs);
    // The loop alone must not keep the process alive; the bot's polling or server does.
    this.timer.unref();
  }

  /** Runs a pass now, or one more after the current pass. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
  }

  /** Stops the timer and waits for the pass under way, so no send is cut off mid-way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Resolves when no pass is running or pending (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.drain();
      } catch (err) {
        this.logger.warn({ error: describeError(err) }, 'outbox drain failed');
      }
    } while (this.again && !this.stopped);
  }
}
