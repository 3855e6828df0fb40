import { afterEach, describe, expect, it } from 'vitest';
import { updatesCommand } from '../../src/consent/updates.ts';
import { FakeClock, startHarness, type Harness } from '../helpers/harness.ts';

const RECEIVED = '2026-11-23T04:30:00.000Z'; // Mon 23 Nov 2026, 10:00 IST
const NUMBER = 'GRV-2026-000001';
const HINT = 'Reply STOP to stop updates / अपडेट बंद करने के लिए STOP या “बंद करें” लिखें';
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function consented(lang: 'en' | 'hi'): Promise<Harness> {
  h = await startHarness({ clock: new FakeClock(RECEIVED) });
  for (const t of lang === 'en' ? ['hi', '2', 'yes'] : ['नमस्ते', '१', 'हाँ']) await h.say(t);
  return h;
}

async function withTicket(lang: 'en' | 'hi'): Promise<Harness> {
  const h = await consented(lang);
  const yes = lang === 'en' ? 'yes' : 'हाँ';
  for (const t of ['1', '1', 'No water in Sector 4 since Friday morning.', '3', yes]) await h.say(t);
  return h;
}

const ledger = (h: Harness) => h.app.store.transaction((u) => u.consent.of('console:citizen-1'));

/** The officer's move, and what the citizen's phone shows without them typing anything. */
async function officer(h: Harness, to: 'acknowledged' | 'in_progress' | 'resolved', iso: string): Promise<string[]> {
  h.clock.set(iso);
  await h.app.store.transaction((u) => h.app.tickets.transition(u, NUMBER, to, { actor: 'officer-7', now: new Date(iso) }));
  await h.app.sender.drain('console');
  return h.adapter.take().map((m) => m.text);
}

describe('updates opt-out: STOP / बंद करें (seed 002)', () => {
  it('knows the words as whole messages only, in English, romanised Hindi and Hindi', () => {
    for (const w of ['STOP', 'stop', ' Stop! ', 'band karo', 'Band Karo.', 'बंद करें', 'बंद करो', 'बन्द करें।', 'unsubscribe']) expect(updatesCommand(w), w).toBe('stop');
    for (const w of ['START', 'shuru karo', 'शुरू करें', 'शुरू करो']) expect(updatesCommand(w), w).toBe('start');
    for (const w of ['stop using my data', 'पानी की सप्लाई बंद है', 'stop the deletion', 'band', 'please stop']) expect(updatesCommand(w), w).toBeUndefined();
  });

  it('English: STOP at a question is recorded in the ledger with time, channel and notice version; the question is still open', async () => {
    const h = await consented('en');
    await h.say('1'); // grievance: the first question is asked
    h.clock.set('2026-11-23T05:00:00.000Z');
    const reply = await h.say('STOP');
    expect(reply.map((m) => m.text)).toEqual([
      'You will no longer receive updates from us. Replies to your requests and notices the law requires (acknowledgments, answers, breach notices) will still be sent. To receive updates again, type START.',
    ]);
    const rows = await ledger(h);
    expect(rows.at(-1)).toMatchObject({ action: 'opted_out:updates', channel: 'console', lang: 'en', notice_version: h.app.content.profile.consent.noticeVersion, at: '2026-11-23T05:00:00.000Z' });
    // Consent to the service is untouched: the grievance goes on from the same question.
    expect(rows.filter((r) => r.action === 'given')).toHaveLength(1);
    const next = await h.say('1');
    expect(next.map((m) => m.text).join('\n')).not.toContain('no longer receive updates');
    expect(await h.app.store.transaction((u) => u.transcripts.of('console:citizen-1'))).toEqual(expect.arrayContaining([expect.objectContaining({ direction: 'in', text: 'STOP' })]));
  });

  it('Hindi: “बंद करें”, “band karo” and “बंद करो” are answered in Hindi; “शुरू करें” opts back in', async () => {
    const h = await consented('hi');
    for (const w of ['बंद करें', 'band karo', 'बंद करो']) {
      const r = await h.say(w);
      expect(r.map((m) => m.text)).toEqual([expect.stringContaining('अब आपको हमारी ओर से अपडेट नहीं भेजे जाएँगे।')]);
    }
    const back = await h.say('शुरू करें');
    expect(back[0]!.text).toBe('अपडेट फिर से चालू कर दिए गए हैं। इन्हें कभी भी बंद करने के लिए “बंद करें” या STOP लिखें।');
    expect((await ledger(h)).map((r) => r.action).filter((a) => a.includes(':updates'))).toEqual(['opted_out:updates', 'opted_out:updates', 'opted_out:updates', 'opted_in:updates']);
  });

  it('before STOP, “under examination” after the acknowledgment is an update: it carries the STOP hint (English)', async () => {
    const h = await withTicket('en');
    expect((await officer(h, 'acknowledged', '2026-11-23T06:00:00.000Z'))[0]).toContain(`ticket ${NUMBER}`);
    // Before STOP: "under examination" after the acknowledgment is an update, with the hint.
    const update = await officer(h, 'in_progress', '2026-11-23T07:00:00.000Z');
    expect(update).toHaveLength(1);
    expect(update[0]).toContain('now under examination');
    expect(update[0]!.endsWith(HINT)).toBe(true);
  });

  it('after STOP the update is neither sent nor written to the transcript; statutory notices go out (Hindi)', async () => {
    const h = await withTicket('hi');
    await h.say('बंद करें');
    const ack = await officer(h, 'acknowledged', '2026-11-23T06:00:00.000Z');
    expect(ack).toHaveLength(1);
    expect(ack[0]).toContain(NUMBER);
    expect(ack[0]).not.toContain(HINT);
    const before = (await h.app.store.transaction((u) => u.transcripts.of('console:citizen-1'))).length;
    expect(await officer(h, 'in_progress', '2026-11-23T07:00:00.000Z')).toEqual([]);
    expect((await h.app.store.transaction((u) => u.transcripts.of('console:citizen-1'))).length).toBe(before);
    const resolved = await officer(h, 'resolved', '2026-11-23T08:00:00.000Z');
    expect(resolved.join('\n')).toContain(NUMBER);
  });

  it('STOP while an officer holds the chat is recorded and confirmed; the officer sees it and keeps the chat', async () => {
    const { addOfficer } = await import('../helpers/desk.ts');
    const h = await consented('en');
    const meena = await addOfficer(h.app, 'officer', 'Meena');
    await h.say('officer');
    const chat = (await h.app.handoffs.open()).find((r) => r.conversation_key === 'console:citizen-1')!;
    await h.app.desk.takeChat(meena, chat.id);
    h.adapter.take();
    const reply = await h.say('STOP');
    expect(reply.map((m) => m.text).join('\n')).toContain('You will no longer receive updates from us.');
    expect((await ledger(h)).at(-1)).toMatchObject({ action: 'opted_out:updates' });
    const seen = await h.app.desk.chatAfter(meena, chat.id, 0);
    expect(seen.rows.map((r) => r.text)).toContain('STOP');
    expect(seen.status).toBe('taken');
    // Anything else is still the officer's alone.
    expect(await h.say('Thank you, madam')).toEqual([]);
  });

  it('START from a new citizen is a greeting: the welcome and language question, no ledger row; after STOP it opts back in', async () => {
    h = await startHarness({ clock: new FakeClock(RECEIVED) });
    const first = (await h.say('Start')).map((m) => m.text).join('\n');
    expect(first).toContain('Please choose your language');
    expect(first).not.toContain('Updates are on again');
    expect(await ledger(h)).toEqual([]);
    for (const t of ['2', 'yes']) await h.say(t);
    await h.say('STOP');
    const back = await h.say('START');
    expect(back.map((m) => m.text)).toEqual([expect.stringContaining('Updates are on again')]);
    expect((await ledger(h)).map((r) => r.action).filter((a) => a.includes(':updates'))).toEqual(['opted_out:updates', 'opted_in:updates']);
  });
});
