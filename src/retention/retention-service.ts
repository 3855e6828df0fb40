import type { Logger } from '../logger.ts';
import type { Profile } from '../profile/schema.ts';
import type { Store } from '../storage/sqlite-store.ts';

export interface RetentionDeps {
  store: Store;
  profile: Profile;
  clock: () => Date;
  logger: Logger;
}

/** What a purge deleted (or, in a dry run, would delete), per data class. */
export interface PurgeReport {
  dryRun: boolean;
  at: string;
  counts: Record<string, number>;
}

/** Retention: the daily purge of expired data, with its exceptions (being written). */
export class RetentionService {
  constructor(private readonly deps: RetentionDeps) {}

  async run(opts: { dryRun: boolean }): Promise<PurgeReport> {
    return { dryRun: opts.dryRun, at: this.deps.clock().toISOString(), counts: {} };
  }

  /** The scheduler's daily job: runs the purge once per IST day. */
  async runIfDue(): Promise<number> {
    return 0;
  }
}
