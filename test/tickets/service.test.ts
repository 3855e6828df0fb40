import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { FakeClock, startHarness, type Harness } from '../helpers/harness.ts';

const CPGRAMS_PROFILE = path.join(import.meta.dirname, '..', 'fixtures', 'profile-cpgrams.yaml');

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
    expect(replies[0]!.text).toBe(
      `आपके टिकट ${NUMBER} की जाँच अब चल रही है। उत्तर की अंतिम तिथि: 23 दिसंबर 2026।\n` +
        'अपने डेटा या इस मामले के बारे में किसी भी प्रश्न के लिए डेटा संरक्षण अधिकारी A. Sharma से संपर्क करें: dpo@example.org, +91 11 2345 6789।',
    );
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

  it('refuses an extension of a DPDP ticket: the Act and Rules provide none', async () => {
    const h = await withTicket();
    const before = (await act(h, (u) => u.tickets.byNumber(NUMBER)))!;
    const err = await act(h, (u) => h.app.tickets.extend(u, NUMBER, { unit: 'calendar_days', value: 80 }, { ...at('2026-12-04T05:00:00.000Z'), reason: 'Records must be fetched.' })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NIV_TICKET_EXTENSION_NOT_ALLOWED' });
    expect((err as Error).message).toContain('DPDP Rules 2025, rule 14(3)');
    expect((err as Error).message).not.toContain('the law allows');
    const after = (await act(h, (u) => u.tickets.byNumber(NUMBER)))!;
    expect([after.due_at, after.extension]).toEqual([before.due_at, null]);
    expect(await inbox(h)).toEqual([]);
  });

  it('allows one extension where the law provides one (CPGRAMS), naming that law to the citizen', async () => {
    const clock = new FakeClock(RECEIVED);
    h = await startHarness({ clock, env: { PROFILE_FILE: CPGRAMS_PROFILE } });
    for (const t of ['hi', '2', 'yes', '1', '1', 'No water in Sector 4 since Friday morning.', '3', 'yes']) await h.say(t);
    await inbox(h);
    const ext = { unit: 'calendar_days', value: 15 } as const;
    await act(h, (u) => h!.app.tickets.extend(u, NUMBER, ext, { ...at('2026-12-10T05:00:00.000Z'), reason: 'Records must be fetched from the zonal office.' }));
    const t = (await act(h, (u) => u.tickets.byNumber(NUMBER)))!;
    // 21 days from Mon 23 Nov is 14 Dec; 15 more is 29 Dec.
    expect(t.due_at).toBe('2026-12-29T18:29:59.000Z');
    const again = act(h, (u) => h!.app.tickets.extend(u, NUMBER, ext, { ...at('2026-12-11T05:00:00.000Z'), reason: 'Once more, please.' }));
    await expect(again).rejects.toMatchObject({ code: 'NIV_TICKET_EXTENSION_NOT_ALLOWED', message: expect.stringContaining('DARPG CPGRAMS guidelines') });
    const replies = await inbox(h);
    expect(replies[0]!.text).toBe(
      `The time to answer your ticket ${NUMBER} has been extended to 29 December 2026, as the DARPG CPGRAMS guidelines of 23 August 2024 (interim reply with reasons) allow.\n` +
        'Reason: Records must be fetched from the zonal office.\n' +
        'For any question about your data or this request, contact A. Sharma, Data Protection Officer: dpo@example.org, +91 11 2345 6789.',
    );
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
