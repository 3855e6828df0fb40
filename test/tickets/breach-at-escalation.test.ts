import { afterEach, describe, expect, it } from 'vitest';
import { fileGrievance } from '../helpers/desk.ts';
import { FakeClock, startHarness, type Harness } from '../helpers/harness.ts';

// The statutory deadline must be recorded as breached however the ticket reaches it: swept on
// time hour by hour, or swept once after the service was down past it. Before, an escalation
// fired after the deadline re-planned only future timers and the breach was never recorded.
const RECEIVED = '2026-11-23T05:30:00.000Z';
const HOUR = 3_600_000;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

type Uow = Parameters<Parameters<Harness['app']['store']['transaction']>[0]>[0];
const act = <T>(h: Harness, f: (uow: Uow) => Promise<T>) => h.app.store.transaction(f);

async function breachOf(h: Harness, number: string) {
  const t = (await act(h, (u) => u.tickets.byNumber(number)))!;
  const events = await act(h, (u) => u.tickets.events(t.id));
  const told = await act(h, (u) => u.officerNotifications.of(t.id));
  return { t, breaches: events.filter((e) => e.kind === 'breach' && JSON.parse(e.data).what === 'resolve'), told: told.filter((n) => n.kind === 'breach') };
}

describe('the statutory deadline of a grievance', () => {
  it('is recorded once when the service was down past it and the first sweep also escalates', async () => {
    h = await startHarness({ clock: new FakeClock(RECEIVED) });
    const number = await fileGrievance(h);
    const due = (await act(h, (u) => u.tickets.byNumber(number)))!.due_at;
    h.clock.advance(40 * 24 * HOUR);
    await h.app.scheduler.sweep();
    const { t, breaches, told } = await breachOf(h, number);
    expect(t.level).toBeGreaterThan(0);
    expect(t.breached_at).toBe(h.clock.now().toISOString());
    expect(breaches.map((e) => JSON.parse(e.data))).toEqual([{ what: 'resolve', due }]);
    expect(told).toHaveLength(1);
    await h.app.scheduler.sweep();
    expect((await breachOf(h, number)).breaches).toHaveLength(1);
  });

  it('is recorded within the hour when swept every hour', async () => {
    h = await startHarness({ clock: new FakeClock(RECEIVED) });
    const number = await fileGrievance(h);
    const due = (await act(h, (u) => u.tickets.byNumber(number)))!.due_at;
    while (h.clock.now().toISOString() <= due) {
      h.clock.advance(HOUR);
      await h.app.scheduler.sweep();
    }
    const { t, breaches, told } = await breachOf(h, number);
    expect(t.breached_at).not.toBeNull();
    expect(new Date(t.breached_at!).getTime() - new Date(due).getTime()).toBeLessThanOrEqual(HOUR);
    expect(breaches).toHaveLength(1);
    expect(told).toHaveLength(1);
  });

  it('stays recorded when the last rung times out at the deadline itself and the Board notice goes out', async () => {
    h = await startHarness({ clock: new FakeClock(RECEIVED) });
    const number = await fileGrievance(h);
    // Swept at each timer's exact instant, as a punctual scheduler would, up the whole ladder.
    for (let i = 0; i < 40; i++) {
      const t = (await act(h, (u) => u.tickets.byNumber(number)))!;
      if (t.board_notified_at) break;
      const [next] = await act(h, (u) => u.timers.pendingOf(t.id));
      if (!next) break;
      h.clock.set(next.fire_at);
      await h.app.scheduler.sweep();
    }
    const { t, breaches, told } = await breachOf(h, number);
    expect(t.board_notified_at).not.toBeNull();
    expect(t.breached_at).not.toBeNull();
    expect(breaches).toHaveLength(1);
    expect(told).toHaveLength(1);
  });
});
