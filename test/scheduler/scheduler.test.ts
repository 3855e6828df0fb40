import { afterEach, describe, expect, it } from 'vitest';
import { pgTestSchema, postgresBackend } from '../helpers/backends.ts';
import { FakeClock, startHarness, type Harness } from '../helpers/harness.ts';

// Mon 23 Nov 2026, 10:00 IST. Default profile: DPDP 30 calendar days; ladder officer 7 working
// days → grievance officer 15 calendar days → DPO 30 calendar days; reminders at 50% and 80%.
const RECEIVED = '2026-11-23T04:30:00.000Z';
const FILE = ['hi', '2', 'yes', '1', '1', 'No water in Sector 4 since Friday morning.', '3', 'yes'];

// The same scheduler runs on both stores: on PostgreSQL each test gets a schema of its own.
for (const backend of [{ name: 'sqlite', skip: false }, { name: 'postgres', skip: postgresBackend.skip }]) {
  describe.skipIf(backend.skip)(`scheduler on ${backend.name}`, () => {
    let open: Harness[] = [];
    let schema: Awaited<ReturnType<typeof pgTestSchema>> | undefined;
    afterEach(async () => {
      for (const h of open) await h.close().catch(() => undefined);
      open = [];
      await schema?.drop();
      schema = undefined;
    });
    async function harness(opts: Parameters<typeof startHarness>[0] = {}) {
      if (backend.name === 'postgres') schema ??= await pgTestSchema();
      const h = await startHarness({ ...opts, env: schema ? { DATABASE_URL: schema.url } : {} });
      open.push(h);
      return h;
    }
    const ticket = (h: Harness) => h.app.store.transaction((u) => u.tickets.byNumber('GRV-2026-000001'));
    const notes = async (h: Harness) => {
      const t = (await ticket(h))!;
      return h.app.store.transaction((u) => u.officerNotifications.of(t.id));
    };

    describe('clock and timers', () => {
      it('sets the clock from the policy and the ladder (holiday on 24 Nov skipped for working days)', async () => {
        const h = await harness({ clock: new FakeClock(RECEIVED) });
        for (const t of FILE) await h.say(t);
        const t = (await ticket(h))!;
        expect(t.created_at).toBe('2026-11-23T04:30:07.000Z');
        expect(t.due_at).toBe('2026-12-23T18:29:59.000Z');
        // Working days after Mon 23 Nov: 25, 26, 27, 30 Nov, 1, 2, 3 Dec (24 Nov: Guru Nanak's Birthday).
        expect(t.level_due_at).toBe('2026-12-03T18:29:59.000Z');
        const timers = await h.app.store.transaction((u) => u.timers.pendingOf(t.id));
        // One pending timer per ticket: the next thing its clock implies (the 50% reminder).
        expect(timers.map((x) => [x.kind, JSON.parse(x.data)])).toEqual([['reminder', { fraction: 0.5, level: 0 }]]);
      });

      it('fires each reminder once, also across a restart, then escalates one rung when the rung time passes', async () => {
        const clock = new FakeClock(RECEIVED);
        const h = await harness({ clock });
        for (const t of FILE) await h.say(t);
        expect(await h.app.scheduler.sweep()).toMatchObject({ due: 0, fired: 0 });

        clock.set('2026-11-29T00:00:00.000Z'); // past 50% of 23 Nov 10:00 → 4 Dec 00:00 IST
        expect(await h.app.scheduler.sweep()).toMatchObject({ due: 1, fired: 1 });
        expect(await h.app.scheduler.sweep()).toMatchObject({ due: 0, fired: 0 });
        expect((await notes(h)).map((n) => n.kind)).toEqual(['new_ticket', 'reminder']);

        await h.close();
        open = [];
        const again = await harness({ dataDir: h.dataDir, clock });
        expect(await again.app.scheduler.sweep()).toMatchObject({ due: 0, fired: 0 });

        clock.set('2026-12-04T00:00:00.000Z'); // past the officer's 7 working days
        const r = await again.app.scheduler.sweep();
        expect(r.fired).toBe(2); // the 80% reminder and the rung deadline
        const t = (await ticket(again))!;
        expect(t.status).toBe('escalated');
        expect(t.level).toBe(1);
        expect((await notes(again)).map((n) => `${n.role}:${n.kind}`)).toEqual([
          'officer:new_ticket', 'officer:reminder', 'officer:reminder', 'grievance_officer:escalated',
        ]);
        const told = await again.app.store.transaction((u) => u.outbox.pendingOf('console:citizen-1', '2099-01-01T00:00:00.000Z', 10));
        expect(told.map((o) => (JSON.parse(o.payload) as { text: string }).text).join('\n')).toContain('referred to the Grievance Officer');
        expect(await again.app.scheduler.sweep()).toMatchObject({ due: 0 });
      });

      it('tells the citizen of the right to go to the Data Protection Board once, at the top of the ladder', async () => {
        const clock = new FakeClock(RECEIVED);
        const h = await harness({ clock });
        for (const t of FILE) await h.say(t);
        for (const at of ['2026-12-04T00:00:00.000Z', '2026-12-20T00:00:00.000Z', '2026-12-24T00:00:00.000Z', '2027-01-31T00:00:00.000Z', '2027-02-28T00:00:00.000Z']) {
          clock.set(at);
          await h.app.scheduler.sweep();
        }
        const t = (await ticket(h))!;
        expect(t.level).toBe(2);
        expect(t.board_notified_at).not.toBeNull();
        expect(t.breached_at).not.toBeNull();
        const texts = (await h.app.store.transaction((u) => u.outbox.pendingOf('console:citizen-1', '2099-01-01T00:00:00.000Z', 50))).map((o) => (JSON.parse(o.payload) as { text: string }).text);
        const board = texts.filter((x) => x.includes('Data Protection Board'));
        expect(board).toHaveLength(1);
        expect(board[0]).toContain('GRV-2026-000001');
        expect(board[0]).toContain('No water in Sector 4 since Friday morning.');
      });

      it('a timer claimed twice fires once', async () => {
        const clock = new FakeClock(RECEIVED);
        const h = await harness({ clock });
        for (const t of FILE) await h.say(t);
        const t = (await ticket(h))!;
        const [first] = await h.app.store.transaction((u) => u.timers.pendingOf(t.id));
        const now = new Date('2026-12-01T00:00:00.000Z');
        const a = await h.app.store.transaction((u) => h.app.tickets.fire(u, first!, now));
        const b = await h.app.store.transaction((u) => h.app.tickets.fire(u, first!, now));
        expect([a, b]).toEqual(['fired', 'claimed_elsewhere']);
      });
    });
  });
}
