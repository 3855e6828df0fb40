import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, startHarness, type Harness } from '../helpers/harness.ts';

/** DPDP Rules r.9: every message that answers or updates a right or a grievance names the contact person and how to reach them. */
const LINE = {
  en: 'For any question about your data or this request, contact A. Sharma, Data Protection Officer: dpo@example.org, +91 11 2345 6789.',
  hi: 'अपने डेटा या इस मामले के बारे में किसी भी प्रश्न के लिए डेटा संरक्षण अधिकारी A. Sharma से संपर्क करें: dpo@example.org, +91 11 2345 6789।',
} as const;
const FILE = {
  en: ['hi', '2', 'yes', '1', '1', 'No water in Sector 4 since Friday morning.', '3', 'yes'],
  hi: ['नमस्ते', '१', 'हाँ', '१', '२', 'सेक्टर 4 में शुक्रवार सुबह से पानी नहीं आ रहा है।', '३', 'हाँ'],
} as const;
const WITHDRAW = { en: ['withdraw consent', 'yes'], hi: ['सहमति वापस लें', 'हाँ'] } as const;
const NUMBER = 'GRV-2026-000001';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
const say = async (h: Harness, t: string) => (await h.say(t)).map((r) => r.text);
async function inbox(h: Harness): Promise<string[]> {
  await h.app.sender.drain('console');
  return h.adapter.take().map((m) => m.text);
}

describe('the contact line', () => {
  it.each(['en', 'hi'] as const)('is on the acknowledgment, every ticket notice, the cancellation and the withdrawal acknowledgment (%s)', async (lang) => {
    const clock = new FakeClock('2026-11-23T04:30:00.000Z');
    h = await startHarness({ clock, env: { PROFILE_FILE: path.join(import.meta.dirname, '..', 'fixtures', 'profile-cpgrams.yaml') } });
    let last: string[] = [];
    for (const t of FILE[lang]) last = await say(h, t);
    expect(last.join('\n')).toContain(NUMBER);
    expect(last.find((t) => t.includes(NUMBER))).toContain(LINE[lang]);
    const act = (f: (u: never) => Promise<unknown>) => h!.app.store.transaction(f as never);
    const now = () => h!.clock.now();
    const steps: Array<[string, () => Promise<unknown>]> = [
      ['acknowledged', () => act((u) => h!.app.tickets.transition(u, NUMBER, 'acknowledged', { actor: 'o', now: now() }))],
      ['extended', () => act((u) => h!.app.tickets.extend(u, NUMBER, { unit: 'calendar_days', value: 5 }, { actor: 'o', reason: 'A site visit is needed.', now: now() }))],
      ['escalated', () => act((u) => h!.app.tickets.transition(u, NUMBER, 'escalated', { actor: 'o', reason: 'Needs a decision.', now: now() }))],
      ['resolved', () => act((u) => h!.app.tickets.transition(u, NUMBER, 'resolved', { actor: 'o', reason: 'Supply restored.', now: now() }))],
    ];
    for (const [what, step] of steps) {
      h.clock.advance(60_000);
      await step();
      const told = await inbox(h);
      expect(told, what).toHaveLength(1);
      expect(told[0], what).toContain(LINE[lang]);
    }
    // The resolution keeps its question last, beside its choices.
    h.clock.advance(60_000);
    const withdrawn = [];
    for (const t of WITHDRAW[lang]) withdrawn.push(...(await say(h, t)));
    expect(withdrawn.at(-1)).toContain(LINE[lang]);
  });

  it.each(['en', 'hi'] as const)('is on the cancellation of a request (%s)', async (lang) => {
    h = await startHarness({ clock: new FakeClock('2026-11-23T04:30:00.000Z') });
    for (const t of FILE[lang]) await say(h, t);
    await h.app.store.transaction((u) => h!.app.tickets.transition(u, NUMBER, 'withdrawn', { actor: 'citizen', reason: 'cancelled', now: h!.clock.now() }));
    const told = await inbox(h);
    expect(told[0]).toContain(h.app.content.translator.t(lang, 'common:ticket.withdrawn', { number: NUMBER, item: { t: 'common:ticket_word.grievance' } }));
    expect(told[0]).toContain(LINE[lang]);
  });
});
