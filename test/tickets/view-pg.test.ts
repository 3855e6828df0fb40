import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { addOfficer, fileGrievance } from '../helpers/desk.ts';
import { pgTestSchema, TEST_DATABASE_URL } from '../helpers/backends.ts';
import { FakeClock, startHarness, type Harness } from '../helpers/harness.ts';

/**
 * One PostgreSQL connection runs one query at a time: a unit of work that sends a second before
 * the first answered relies on pg's queue, which pg 8 deprecates and pg 9 removes. The ticket
 * page read its history, timers and notes that way.
 */
describe.skipIf(!TEST_DATABASE_URL)('a ticket read on PostgreSQL', () => {
  let h: Harness | undefined;
  let schema: Awaited<ReturnType<typeof pgTestSchema>> | undefined;
  const original = pg.Client.prototype.query;
  afterEach(async () => {
    pg.Client.prototype.query = original;
    await h?.close();
    await schema?.drop();
  });

  it('sends its queries one after the other on the connection', { timeout: 60_000 }, async () => {
    schema = await pgTestSchema();
    h = await startHarness({ clock: new FakeClock('2026-11-23T05:30:00.000Z'), env: { DATABASE_URL: schema.url } });
    const admin = await addOfficer(h.app, 'admin', 'Meena Rao');
    const number = await fileGrievance(h, { user: 'asha' });
    const overlapping: string[] = [];
    pg.Client.prototype.query = function (this: pg.Client & { _queryQueue: unknown[]; activeQuery: unknown }, ...args: unknown[]) {
      // A query already waiting behind the active one: this call overlaps it (pg's own test).
      if (this._queryQueue.length > 0) overlapping.push(String((args[0] as { text?: string })?.text ?? args[0]).slice(0, 80));
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    const view = await h.app.desk.ticket(admin, number);
    expect(view.history.length).toBeGreaterThan(0);
    expect(overlapping).toEqual([]);
  });
});
