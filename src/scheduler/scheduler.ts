import { describeError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { TimerRow } from '../storage/queries.ts';
import type { Store } from '../storage/sqlite-store.ts';
import type { TicketService } from '../tickets/service.ts';

export interface SweepResult {
  due: number;
  fired: number;
  /** Claimed by another sweep or instance first. */
  skipped: number;
  failed: number;
  /** What each periodic job did (e.g. citizens told that no officer is free yet). */
  jobs: Record<string, number>;
}

/** Work that runs with every sweep after the timers; it claims its own rows, like the timers. */
export interface PeriodicJob {
  name: string;
  run(): Promise<number>;
}

export interface SchedulerOptions {
  /** Called after a sweep that queued messages, so the channels deliver them. */
  onDelivered?: () => void;
  jobs?: readonly PeriodicJob[];
}

const BATCH = 500;
/**
 * Timers fired in one unit of work. On PostgreSQL each commit waits for the WAL to reach disk,
 * so firing timers one per transaction costs a flush each; fifty share one. A chunk that fails
 * is retried timer by timer, so one bad timer never holds the others back.
 */
const CHUNK = 50;
const MAX_ROUNDS = 100;

/**
 * Fires due timers: reminders, acknowledgment and resolution breaches, escalations and the Board
 * notice. Timers live in SQL beside the tickets, so they survive a restart; each is claimed by a
 * row-locking UPDATE in its own unit of work, so it fires once even with several instances.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SweepResult> | undefined;

  constructor(
    private readonly store: Store,
    private readonly tickets: TicketService,
    private readonly clock: () => Date,
    private readonly logger: Logger,
    private readonly options: SchedulerOptions = {},
  ) {}

  /** One pass over everything due now. Overlapping calls share the pass under way. */
  sweep(): Promise<SweepResult> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  start(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => {
      this.sweep().catch((err: unknown) => this.logger.error({ error: describeError(err) }, 'scheduler sweep failed'));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async pass(): Promise<SweepResult> {
    const result: SweepResult = { due: 0, fired: 0, skipped: 0, failed: 0, jobs: {} };
    // Firing a timer schedules its ticket's next one, which may itself be due (after downtime):
    // query again until nothing is due, within a bound so that a bug cannot spin forever.
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const now = this.clock();
      const due = await this.store.transaction((uow) => uow.timers.due(now.toISOString(), BATCH));
      result.due += due.length;
      const count = (outcome: Awaited<ReturnType<TicketService['fire']>>) => {
        if (outcome === 'claimed_elsewhere') result.skipped++;
        else result.fired++;
      };
      const chunks: TimerRow[][] = [];
      for (let i = 0; i < due.length; i += CHUNK) chunks.push(due.slice(i, i + CHUNK));
      await Promise.all(
        chunks.map(async (chunk) => {
          try {
            const outcomes = await this.store.transaction(async (uow) => {
              const out: Array<Awaited<ReturnType<TicketService['fire']>>> = [];
              for (const timer of chunk) out.push(await this.tickets.fire(uow, timer, now));
              return out;
            });
            outcomes.forEach(count);
          } catch {
            for (const timer of chunk) {
              await this.store
                .transaction((uow) => this.tickets.fire(uow, timer, now))
                .then(count)
                .catch((err: unknown) => {
                  result.failed++;
                  this.logger.error({ timer: timer.id, ticket: timer.ticket_id, kind: timer.kind, error: describeError(err) }, 'timer failed; it will be retried');
                });
            }
          }
        }),
      );
      if (due.length === 0 || result.failed > 0) break;
    }
    // A failed timer stays unfired and is retried by the next sweep.
    let jobsDid = 0;
    for (const job of this.options.jobs ?? []) {
      try {
        const n = await job.run();
        result.jobs[job.name] = n;
        jobsDid += n;
      } catch (err) {
        this.logger.error({ job: job.name, error: describeError(err) }, 'periodic job failed; it runs again with the next sweep');
      }
    }
    if (result.fired > 0 || jobsDid > 0) this.options.onDelivered?.();
    return result;
  }
}
