import { describe, expect, it } from 'vitest';
import { runScenario, type ScenarioOptions, type ScenarioResult } from '../../../src/bench/scale/scale.ts';
import { TEST_DATABASE_URL } from '../../helpers/backends.ts';
import { fixedTimeEnv, LIBFAKETIME } from '../../helpers/fixed-time.ts';

/**
 * The promise of docs/delivery.md attacked with real processes: `nivaran start` killed with
 * SIGKILL in the middle of a burst of citizens and started again, Graph answering 429s, and on
 * PostgreSQL two instances behind no sticky routing with the database cut. Nothing is timed here
 * (`npm run bench -- --only scale` prints the figures); the test asserts what must hold.
 */

const base: Omit<ScenarioOptions, 'backend' | 'instances'> = {
  citizens: 16,
  kills: 2,
  dbCutMs: 0,
  stormMs: 3000,
  chaosStartMs: 1500,
  killEveryMs: 3000,
  stormAtMs: 2500,
  thinkMs: 400,
  seed: 7,
  deadlineMs: 200_000,
  // Longer than a stall of a starved process on a loaded 2-core CI machine (a restart bundles and
  // migrates while the others send): a lease that runs out under a live but stalled instance is a
  // takeover too, and its repeat would be charged to the kills.
  leaseSeconds: 15,
};

function assertDelivered(r: ScenarioResult): void {
  expect(r.kills).toBeGreaterThan(0);
  expect(r.stuck).toBe(0);
  expect(r.ticketsPerCitizen).toEqual({ none: 0, one: r.options.citizens, more: 0 });
  expect(r.outboxLeft).toBe(0);
  // A crash may repeat the one part it had in flight per conversation, never more, and every
  // repeat is one the taking-over instance counted as in doubt.
  expect(r.maxDuplicatesPerCitizen).toBeLessThanOrEqual(r.kills);
  expect(r.duplicateAcks).toBeLessThanOrEqual(r.kills);
  expect(r.duplicateSends).toBeLessThanOrEqual(r.inDoubt);
}

describe.skipIf(!LIBFAKETIME)('delivery under kill -9 (child processes)', () => {
  it('SQLite: an instance killed twice mid-burst and started again loses no reply and opens one ticket per citizen', { timeout: 240_000 }, async () => {
    const r = await runScenario({ ...base, backend: 'sqlite', instances: 1, env: fixedTimeEnv('2026-11-23T04:30:00Z') });
    assertDelivered(r);
  });

  it.skipIf(!TEST_DATABASE_URL)('PostgreSQL: two instances, no sticky routing, kills and a database cut: no reply lost, one ticket per citizen', { timeout: 400_000 }, async () => {
    const r = await runScenario({
      ...base, backend: 'postgres', instances: 2, dbCutMs: 3000, dbCutAtMs: 5000, adminUrl: TEST_DATABASE_URL, env: fixedTimeEnv('2026-11-23T04:30:00Z'),
    });
    assertDelivered(r);
  });
});
