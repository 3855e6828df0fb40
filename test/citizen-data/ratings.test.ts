import { afterEach, describe, expect, it } from 'vitest';
import { optionsOf, parseAnswer } from '../../src/engine/inputs.ts';
import type { InputSpec } from '../../src/engine/schema.ts';
import { featureQueries } from '../../src/storage/feature-queries.ts';
import { prepare } from '../../src/storage/prepared.ts';
import { memoryEngine } from '../helpers/memory-engine.ts';
import { startHarness, texts, type Harness } from '../helpers/harness.ts';

const q = featureQueries((db) => ({
  ratings: prepare<Record<string, never>, { ticket_id: number; conversation_key: string; rating: number; comment: string | null }>(() =>
    db.selectFrom('ratings').select(['ticket_id', 'conversation_key', 'rating', 'comment']).orderBy('id')),
  feedback: prepare<Record<string, never>, { data: string }>(() => db.selectFrom('ticket_events').select('data').where('kind', '=', 'feedback').orderBy('id')),
}));

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ratings = () => h!.app.store.transaction((u) => u.exec.all(q(u.dialect).ratings, {}));
const resolve = (reason: string) =>
  h!.app.store.transaction((u) => h!.app.tickets.transition(u, 'GRV-2026-000001', 'resolved', { actor: 'officer-1', reason, now: h!.clock.now() }));

async function grievance(user = 'citizen-1'): Promise<void> {
  for (const line of ['hi', '2', 'yes', '1', '1', 'No water in Sector 4 since Friday morning.', '3', 'yes']) await h!.say(line, { user });
}

describe('satisfaction ratings', () => {
  it('are stored once per ticket, the latest replacing the earlier, with the comment masked', async () => {
    h = await startHarness();
    await grievance();
    await resolve('Supply restored.');
    await h.say('no');
    expect(texts(await h.say('२'))).toContain('Would you like to add a comment?');
    expect(texts(await h.say('Still dry. Aadhaar 2345 6789 0124 if you need it.'))).toContain('Thank you for your feedback.');
    expect(await ratings()).toEqual([{ ticket_id: 1, conversation_key: 'console:citizen-1', rating: 2, comment: 'Still dry. Aadhaar XXXX XXXX 0124 if you need it.' }]);

    // Answered again after the appeal: the new rating replaces the first.
    await resolve('Pipeline repaired.');
    await h.say('yes');
    await h.say('5');
    await h.say('skip');
    expect(await ratings()).toEqual([{ ticket_id: 1, conversation_key: 'console:citizen-1', rating: 5, comment: null }]);
    const events = await h.app.store.transaction((u) => u.exec.all(q(u.dialect).feedback, {}));
    expect(events.map((e) => JSON.parse(e.data) as unknown)).toEqual([
      { satisfied: false }, { rating: 2, comment: true }, { satisfied: true }, { rating: 5, comment: false },
    ]);
  });

  it('masks a comment even when it reaches the service unmasked, and ignores another chat’s ticket or an unanswered one', async () => {
    h = await startHarness();
    await grievance();
    const now = h.clock.now();
    await h.app.store.transaction(async (u) => {
      expect(await h!.app.tickets.citizenRated(u, 'GRV-2026-000001', 'console:citizen-1', 4, 'x', now)).toBe(false); // not answered yet
    });
    await resolve('Supply restored.');
    await h.app.store.transaction(async (u) => {
      expect(await h!.app.tickets.citizenRated(u, 'GRV-2026-000001', 'console:someone-else', 1, 'x', now)).toBe(false);
      expect(await h!.app.tickets.citizenRated(u, 'GRV-2026-000001', 'console:citizen-1', 6, 'x', now)).toBe(false);
      expect(await h!.app.tickets.citizenRated(u, 'GRV-2026-000001', 'console:citizen-1', 3, 'card 4111 1111 1111 1111', now)).toBe(true);
    });
    expect(await ratings()).toEqual([{ ticket_id: 1, conversation_key: 'console:citizen-1', rating: 3, comment: 'card XXXX XXXX XXXX 1111' }]);
  });

  it('a low rating after “satisfied” offers the appeal; “yes” appeals the closed ticket one rung up', async () => {
    h = await startHarness();
    await grievance();
    await resolve('Supply restored.');
    await h.say('yes');
    await h.say('2');
    expect(texts(await h.say('छोड़ें'))).toContain('Would you like to appeal?');
    expect(texts(await h.say('yes'))).toContain('Your appeal on ticket GRV-2026-000001 has been recorded and referred to the Grievance Officer.');
    const t = await h.app.store.transaction((u) => u.tickets.byNumber('GRV-2026-000001'));
    expect(t).toMatchObject({ status: 'appealed', level: 1 });
  });

  it('a rating typed where a number is expected but out of range is asked again', async () => {
    h = await startHarness();
    await grievance();
    await resolve('Supply restored.');
    await h.say('yes');
    const again = texts(await h.say('9'));
    expect(again).toContain('Please choose one of the options: type its number (1 to 5) or tap it.');
    expect(again).toContain('Type a number from 1 to 5, or tap an option.');
  });
});

describe('an optional text question', () => {
  const optional: InputSpec = { kind: 'text', min: 2, max: 1000, optional: true };
  const { content } = memoryEngine();
  const parse = (text: string, choiceId?: string) => parseAnswer(optional, { text, ...(choiceId ? { choiceId } : {}) }, content.translator.labels, new Date('2026-11-22T05:30:00Z'));

  it('offers “Skip”, and takes it tapped, as its number, or in words of either language', () => {
    expect(optionsOf(optional)).toEqual([{ id: 'skip', label: 'common:answer.skip' }]);
    for (const said of ['skip', 'Skip.', '1', '१', 'no', 'nahi', 'नहीं', 'छोड़ें', 'छोड़ दें', 'कुछ नहीं']) expect(parse(said), said).toEqual({ ok: true, value: null });
    expect(parse('', 'skip')).toEqual({ ok: true, value: null });
  });

  it('keeps any other answer as text, with the usual checks', () => {
    expect(parse('The officer was helpful.')).toEqual({ ok: true, value: 'The officer was helpful.' });
    expect(parse('x')).toMatchObject({ ok: false, reason: 'too_short' });
    expect(parse('🙂🙂')).toMatchObject({ ok: false, reason: 'no_words' });
    // A plain text question has no "Skip".
    expect(optionsOf({ kind: 'text', min: 1, max: 10 })).toEqual([]);
    expect(parseAnswer({ kind: 'text', min: 1, max: 10 }, { text: 'skip' }, content.translator.labels, new Date('2026-11-22T05:30:00Z'))).toEqual({ ok: true, value: 'skip' });
  });
});
