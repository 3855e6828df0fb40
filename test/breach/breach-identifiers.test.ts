import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pgTestSchema, postgresBackend } from '../helpers/backends.ts';
import { executeErasure, planErasure } from '../../src/citizen-data/erasure.ts';
import { featureQueries } from '../../src/storage/feature-queries.ts';
import { prepare } from '../../src/storage/prepared.ts';
import { FakeClock, startHarness, type Harness } from '../helpers/harness.ts';
import { BREACH } from './fixture.ts';

const NOW = '2026-12-07T04:30:00.000Z';
const DPO = { id: 3, role: 'dpo' };

let h: Harness | undefined;
let schema: Awaited<ReturnType<typeof pgTestSchema>> | undefined;
let backend: 'sqlite' | 'postgres' = 'sqlite';
afterEach(async () => {
  await h?.close();
  h = undefined;
  await schema?.drop();
  schema = undefined;
});

async function setup(): Promise<{ h: Harness; id: number }> {
  if (backend === 'postgres') schema = await pgTestSchema();
  h = await startHarness({ clock: new FakeClock('2026-11-23T04:30:00.000Z'), ...(schema ? { env: { DATABASE_URL: schema.url } } : {}) });
  for (const t of ['hi', '2', 'yes']) await h.say(t, { user: 'asha' });
  for (const t of ['नमस्ते', '१', 'हाँ']) await h.say(t, { user: 'ravi' });
  await h.app.store.transaction(async (u) => {
    await u.principals.upsert({ external_ref: 'CUST-1', name: null, mobile: '+919876543210', email: 'ravi@example.in', source: 'csv', updated_at: NOW });
    const ravi = (await u.principals.byMobile('+919876543210'))[0]!;
    await u.verifications.add({ conversation_key: 'console:ravi', principal_id: ravi.id, level: 'otp', method: 'sms', at: NOW, detail: '{}' });
  });
  h.clock.set(NOW);
  const id = await h.app.breaches.record(DPO, BREACH);
  await h.app.breaches.addAffected(DPO, id, '9876543210\nasha@example.in\nconsole:asha');
  await h.app.breaches.dispatch();
  return { h, id };
}

const q = featureQueries((db) => ({
  all: prepare<Record<string, never>, { identifier: string; conversation_key: string | null; status: string }>(() =>
    db.selectFrom('breach_recipients').select(['identifier', 'conversation_key', 'status']).orderBy('id')),
}));

async function recipients(h: Harness) {
  return h.app.store.transaction((u) => u.exec.all(q(u.dialect).all, {}));
}

for (const b of [{ name: 'sqlite' as const, skip: false }, { name: 'postgres' as const, skip: postgresBackend.skip }]) describe.skipIf(b.skip)(`breach recipients’ identifiers on ${b.name}: erased with the citizen’s data and by the retention purge`, () => {
  beforeEach(() => {
    backend = b.name;
  });

  it('the citizen’s own erasure replaces the mobile that led to their conversation; the row stays for the Board', async () => {
    const { h } = await setup();
    const before = await recipients(h);
    expect(before.map((r) => r.identifier)).toEqual(['mobile:+919876543210', 'email:asha@example.in', 'conversation:console:asha']);
    const plan = await h.app.store.transaction((u) => planErasure(u, 'console:ravi', h.clock.now(), h.app.content.profile));
    expect(plan.counts.breachIdentifiers).toBe(1);
    const done = await h.app.store.transaction((u) => executeErasure(u, 'console:ravi', plan.regime, h.clock.now()));
    expect(done.breachIdentifiers).toBe(1);
    const after = await recipients(h);
    expect(after[0]).toEqual({ identifier: expect.stringMatching(/^erased:\d+$/), conversation_key: 'console:ravi', status: 'queued' });
    expect(JSON.stringify(after)).not.toContain('9876543210');
    // Nobody else's row is touched, and a second erasure finds nothing more.
    expect(after.slice(1)).toEqual(before.slice(1));
    const again = await h.app.store.transaction((u) => planErasure(u, 'console:ravi', h.clock.now(), h.app.content.profile));
    expect(again.counts.breachIdentifiers).toBeUndefined();
  });

  it('the purge erases every identifier and conversation key of a breach found before the transcripts’ period, not a newer one', async () => {
    const { h } = await setup();
    // Just inside the period: nothing goes.
    h.clock.set('2027-12-01T04:30:00.000Z');
    expect((await h.app.retention.run({ dryRun: false })).housekeeping.breach_identifiers).toBe(0);
    expect((await recipients(h)).map((r) => r.identifier)).toContain('mobile:+919876543210');
    h.clock.set('2028-12-09T04:30:00.000Z');
    const dry = await h.app.retention.run({ dryRun: true });
    expect(dry.housekeeping.breach_identifiers).toBe(3);
    expect((await recipients(h)).map((r) => r.identifier)).toContain('email:asha@example.in');
    const report = await h.app.retention.run({ dryRun: false });
    expect(report.housekeeping.breach_identifiers).toBe(3);
    expect(report.counts.breach_identifiers).toBe(3);
    const rows = await recipients(h);
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(r.identifier).toMatch(/^erased:\d+$/);
      expect(r.conversation_key).toBeNull();
    }
    expect(rows.map((r) => r.status).sort()).toEqual(['queued', 'queued', 'unreachable']);
    expect((await h.app.retention.run({ dryRun: false })).housekeeping.breach_identifiers).toBe(0);
  });
});
