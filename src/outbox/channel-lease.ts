import { featureQueries } from '../storage/feature-queries.ts';
import { prepare } from '../storage/prepared.ts';
import type { Store } from '../storage/sqlite-store.ts';

const queries = featureQueries((db) => ({
  /** Takes the lease when it is free, expired or already ours; no row changed means someone else holds it. */
  take: prepare<{ name: string; owner: string; now: string; until: string }, never>((p) =>
    db.insertInto('channel_leases').values({ name: p.name, owner: p.owner, lease_until: p.until })
      .onConflict((oc) => oc.column('name')
        .doUpdateSet({ owner: p.owner, lease_until: p.until })
        .where((eb) => eb.or([eb('channel_leases.lease_until', '<=', p.now), eb('channel_leases.owner', '=', p.owner)])))),
  release: prepare<{ name: string; owner: string }, never>((p) =>
    db.deleteFrom('channel_leases').where('name', '=', p.name).where('owner', '=', p.owner)),
}));

/**
 * A channel only one instance may drive at a time (WhatsApp Web: one browser session per
 * number), held with a lease in the database that every instance shares. The holder renews it;
 * when its process dies the lease runs out and another instance takes the channel over.
 */
export class ChannelLease {
  constructor(
    private readonly store: Store,
    readonly name: string,
    readonly owner: string,
    private readonly clock: () => Date,
    readonly leaseMs: number,
  ) {}

  /** True when this instance holds the channel now (taken or renewed). */
  async take(): Promise<boolean> {
    const now = this.clock();
    const until = new Date(now.getTime() + this.leaseMs).toISOString();
    const { changes } = await this.store.transaction((uow) =>
      uow.exec.run(queries(uow.dialect).take, { name: this.name, owner: this.owner, now: now.toISOString(), until }));
    return changes > 0;
  }

  async release(): Promise<void> {
    await this.store.transaction((uow) => uow.exec.run(queries(uow.dialect).release, { name: this.name, owner: this.owner }));
  }
}
