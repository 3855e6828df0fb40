import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, startHarness, type Harness } from '../helpers/harness.ts';

// Fri 4 Dec 2026, 10:00 IST. DPDP, 30 days: due 3 Jan 2027; the 90-day ceiling is 4 Mar 2027.
const RECEIVED = '2026-12-04T04:30:00.000Z';
const CEILING = '2027-03-04T18:29:59.000Z';
const NUMBER = 'GRV-2026-000001';
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function withTicket(): Promise<Harness> {
  h = await startHarness({ clock: new FakeClock(RECEIVED) });
  for (const t of ['hi', '2', 'yes', '1', '1', 'No water in Sector 4 since Friday morning.', '3', 'yes']) await h.say(t);
  return h;
}
const act = <T>(h: Harness, f: (uow: Parameters<Parameters<Harness['app']['store']['transaction']>[0]>[0]) => Promise<T>) => h.app.store.transaction(f);
const ticket = (h: Harness) => act(h, (u) => u.tickets.byNumber(NUMBER)).then((t) => t!);

describe('the 90-day ceiling of a DPDP ticket', () => {
  it('holds whatever a long pause adds: the due date stops at 90 days from receipt and the officer is told', async () => {
    const h = await withTicket();
    expect((await ticket(h)).due_at).toBe('2027-01-03T18:29:59.000Z');
    h.clock.set('2026-12-10T05:00:00.000Z');
    await act(h, (u) => h.app.tickets.transition(u, NUMBER, 'awaiting_citizen', { actor: 'officer-7', reason: 'Your consumer number, please.', now: h.clock.now() }));
    // The citizen answers 100 days later: without the ceiling the due date would be mid-April.
    h.clock.set('2027-03-20T05:00:00.000Z');
    const reply = await h.say('Consumer number 44-1029-3');
    expect(reply.map((r) => r.text).join('\n')).toContain('passed to the officer');
    const t = await ticket(h);
    expect(t.status).toBe('in_progress');
    expect(t.due_at).toBe(CEILING);
    expect(h.app.tickets.clockOf(t, h.clock.now())).toMatchObject({ dueAt: CEILING, ceilingAt: CEILING, capped: true });
    const told = await act(h, (u) => u.officerNotifications.of(t.id));
    expect(told.map((n) => n.kind)).toContain('ceiling_reached');
  });

  it('fires the breach at the ceiling even while the clock is paused, once', async () => {
    const h = await withTicket();
    h.clock.set('2026-12-10T05:00:00.000Z');
    await act(h, (u) => h.app.tickets.transition(u, NUMBER, 'awaiting_citizen', { actor: 'officer-7', reason: 'Your consumer number, please.', now: h.clock.now() }));
    h.clock.set('2027-03-04T18:00:00.000Z');
    await h.app.scheduler.sweep();
    expect((await ticket(h)).breached_at).toBeNull();
    h.clock.set('2027-03-04T18:30:00.000Z');
    await h.app.scheduler.sweep();
    await h.app.scheduler.sweep();
    const t = await ticket(h);
    expect(t.breached_at).toBe('2027-03-04T18:30:00.000Z');
    const events = await act(h, (u) => u.tickets.events(t.id));
    expect(events.filter((e) => e.kind === 'breach').map((e) => JSON.parse(e.data))).toEqual([{ what: 'resolve', due: CEILING, ceiling: true }]);
  });

  it('refuses the extension that broke it (80 days on a ticket of 4 December) and tells the citizen nothing', async () => {
    const h = await withTicket();
    await h.app.sender.drain('console');
    h.adapter.take();
    const err = await act(h, (u) => h.app.tickets.extend(u, NUMBER, { unit: 'calendar_days', value: 80 }, { actor: 'operator', reason: 'Records are with the zonal office.', now: new Date('2026-12-05T05:00:00.000Z') })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NIV_TICKET_EXTENSION_NOT_ALLOWED' });
    expect((await ticket(h)).due_at).toBe('2027-01-03T18:29:59.000Z');
    await h.app.sender.drain('console');
    expect(h.adapter.take()).toEqual([]);
  });
});
