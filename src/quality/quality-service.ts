import type { Logger } from '../logger.ts';
import type { Profile } from '../profile/schema.ts';
import type { Store } from '../storage/sqlite-store.ts';

export interface QualityDeps {
  store: Store;
  profile: Profile;
  clock: () => Date;
  logger: Logger;
}

/** Quality review: the periodic stratified sample and reviewers' scores (being written). */
export class QualityService {
  constructor(private readonly deps: QualityDeps) {}

  /** The scheduler's job: draws the sample of a period that has ended and has none yet. */
  async sampleIfDue(): Promise<number> {
    void this.deps;
    return 0;
  }
}
