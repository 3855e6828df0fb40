import { describe, expect, it } from 'vitest';
import { postgresBackend, useStores } from '../helpers/backends.ts';

/** A unit of work on PostgreSQL holds one connection: its statements must be awaited one by one. */
describe.skipIf(postgresBackend.skip)('a PostgreSQL unit of work', () => {
  const open = useStores(postgresBackend);

  it('refuses a query sent while another is running, naming the mistake; awaited ones run', async () => {
    const { store } = await open();
    await expect(store.transaction(async (uow) => {
      await Promise.all([uow.tickets.list(1), uow.handoffs.open(1)]);
    })).rejects.toThrow(/a unit of work sent a query while another was running \(await each one\)/);
    // The failed unit of work rolled back and left its connection usable.
    await expect(store.transaction(async (uow) => [await uow.tickets.list(1), await uow.handoffs.open(1)])).resolves.toEqual([[], []]);
  });
});
