import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, startHarness, type Harness } from '../helpers/harness.ts';

const RECEIVED = '2026-11-23T04:30:00.000Z'; // Mon 23 Nov 2026, 10:00 IST
const NUMBER = 'GRV-2026-000001';
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function withTicket(lang: '1' | '2' = '2') {
  const clock = new FakeClock(RECEIVED);
  h = await startHarness({ clock });
  for (const t of ['hi', lang, lang === '2' ? 'yes' : 'हाँ', '1', '1', 'No water in Sector 4 since Friday morning.', '3', lang === '2' ? 'yes' : 'हाँ']) await h.say(t);
  return h;
}
const act = <T>(h: Harness, f: (uow: Parameters<Parameters<Harness['app']['store']['transaction']>[0]>[0]) => Promise<T>) => h.app.store.transaction(f);
/** Moves the harness clock to the officer's action, so what it queues is due when the citizen next writes. */
const at = (iso: string) => {
  h!.clock.set(iso);
  return { actor: 'officer-7', now: new Date(iso) };
};

/** What the citizen's phone shows next, without them typing anything. */
async function inbox(h: Harness) {
  await h.app.sender.drain('console');
  return h.adapter.take();
}

describe('ticket service', () => {
  it('acknowledges on the first action and tells the citizen in their language', async () => {
    const h = await withTicket('1');
    await act(h, (u) => h.app.tickets.transition(u, NUMBER, 'in_progress', at('2026-11-23T06:00:00.000Z')));
    const t = (await act(h, (u) => u.tickets.byNumber(NUMBER)))!;
    expect(t.acknowledged_at).toBe('2026-11-23T06:00:00.000Z');
    const replies = await inbox(h);
    expect(replies[0]!.text).toBe(`आपका टिकट ${NUMBER} अब जाँच के अधीन है। उत्तर की अंतिम तिथि: 23 दिसंबर 2026।`);
  });

  it('pauses the clock while awaiting the citizen, takes their answer in the chat, and moves the due date by the paused days', async () => {
    const h = await withTicket();
    // Asked on Tue 1 Dec 12:00 IST; the citizen answers on Fri 4 Dec 09:00 IST: the ends of
    // 1, 2 and 3 Dec fall inside the pause, so the 30-day period gains three days.
    await act(h, (u) => h.app.tickets.transition(u, NUMBER, 'awaiting_citizen', { ...at('2026-12-01T06:30:00.000Z'), reason: 'Please send your consumer number.' }));
    h.clock.set('2026-12-04T03:30:00.000Z');
    const first = await h.say('status GRV-2026-000001');
    expect(first[0]!.text).toContain('Please send your consumer number.');
    expect(first.at(-1)!.text).toBe(`Please type your reply to the officer's question about ticket ${NUMBER}.`);
    const reply = await h.say('Consumer number 44-1029-3');
    expect(reply[0]!.text).toContain('passed to the officer');
    const t = (await act(h, (u) => u.tickets.byNumber(NUMBER)))!;
    expect(t.status).toBe('in_progress');
    expect(JSON.parse(t.pauses)).toEqual([{ from: '2026-12-01T06:30:00.000Z', to: '2026-12-04T03:30:01.000Z' }]);
    expect(t.due_at).toBe('2026-12-26T18:29:59.000Z');
    const history = await act(h, (u) => u.tickets.events(t.id));
    expect(history.map((e) => `${e.kind}:${e.to_status ?? ''}`)).toEqual(['opened:open', 'transition:awaiting_citizen', 'citizen_reply:', 'transition:in_progress']);
    expect(JSON.parse(history[2]!.data)).toEqual({ text: 'Consumer number 44-1029-3' });
  });

  it('allows one extension with a reason and tells the citizen the new date', async () => {
    const h = await withTicket();
    const ext = { unit: 'calendar_days', value: 15 } as const;
    await act(h, (u) => h.app.tickets.extend(u, NUMBER, ext, { ...at('2026-12-10T05:00:00.000Z'), reason: 'Records must be fetched from the zonal office.' }));
    const t = (await act(h, (u) => u.tickets.byNumber(NUMBER)))!;
    expect(t.due_at).toBe('2027-01-07T18:29:59.000Z');
    await expect(act(h, (u) => h.app.tickets.extend(u, NUMBER, ext, { ...at('2026-12-11T05:00:00.000Z'), reason: 'Once more, please.' }))).rejects.toThrow(/already extended once/);
    const replies = await inbox(h);
    expect(replies[0]!.text).toBe(`The time to answer your ticket ${NUMBER} has been extended to 7 January 2027.\nReason: Records must be fetched from the zonal office.`);
  });

  it('refuses a transition the life cycle does not allow', async () => {
    const h = await withTicket();
    await expect(act(h, (u) => h.app.tickets.transition(u, NUMBER, 'closed', at('2026-11-24T05:00:00.000Z')))).rejects.toThrow(/is open; it cannot become closed/);
  });

  it('after a resolution, "not satisfied" appeals one rung up; satisfied closes', async () => {
    const h = await withTicket();
    await act(h, (u) => h.app.tickets.transition(u, NUMBER, 'resolved', { ...at('2026-11-30T05:00:00.000Z'), reason: 'Supply restored on 29 November.' }));
    const told = await inbox(h);
    expect(told[0]!.text).toContain('Answer: Supply restored on 29 November.');
    expect(told[0]!.choices.map((c) => c.id)).toEqual(['yes', 'no']);
    await h.say('no');
    let t = (await act(h, (u) => u.tickets.byNumber(NUMBER)))!;
    expect([t.status, t.level]).toEqual(['appealed', 1]);
    await act(h, (u) => h.app.tickets.transition(u, NUMBER, 'resolved', { ...at('2026-12-02T05:00:00.000Z'), reason: 'Pipeline repaired.' }));
    expect((await inbox(h))[0]!.text).toContain('Pipeline repaired.');
    await h.say('yes');
    t = (await act(h, (u) => u.tickets.byNumber(NUMBER)))!;
    expect(t.status).toBe('closed');
  });
});
