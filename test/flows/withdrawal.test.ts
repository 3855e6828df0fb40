import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ownDataQueries } from '../../src/citizen-data/queries.ts';
import { interject } from '../../src/storage/session-move.ts';
import { FakeClock, startHarness, type Harness } from '../helpers/harness.ts';

/**
 * DPDP s.6(6): once consent is withdrawn, nothing personal is collected. The bug this guards
 * against: after "withdraw consent" the bot still asked for, and stored, a rating comment.
 */
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Every byte of the SQLite files (WAL included). */
const databaseText = (h: Harness) => fs.readdirSync(h.dataDir).map((f) => fs.readFileSync(path.join(h.dataDir, f)).toString('utf8')).join('\n');
const texts = (replies: Array<{ text: string }>) => replies.map((r) => r.text).join('\n');

const SCRIPTS = {
  en: { file: ['hi', '2', 'yes', '1', '1', 'No water in Sector 4 since Friday morning.', '3', 'yes'], withdraw: ['withdraw consent', 'yes'], yes: 'yes' },
  hi: { file: ['नमस्ते', '१', 'हाँ', '१', '२', 'सेक्टर 4 में शुक्रवार सुबह से पानी नहीं आ रहा है।', '३', 'हाँ'], withdraw: ['सहमति वापस लें', 'हाँ'], yes: 'हाँ' },
} as const;

describe('after consent is withdrawn', () => {
  it.each(['en', 'hi'] as const)('a resolution asks whether the citizen is satisfied, and no rating or comment (%s)', async (lang) => {
    h = await startHarness({ clock: new FakeClock('2026-11-23T04:30:00.000Z') });
    const s = SCRIPTS[lang];
    for (const t of [...s.file, ...s.withdraw]) await h.say(t);
    const ledger = await h.app.store.transaction((u) => u.consent.of('console:citizen-1'));
    expect(ledger.map((c) => c.action)).toEqual(['given', 'withdrawn']);
    h.clock.advance(3_600_000);
    await h.app.store.transaction((u) => h!.app.tickets.transition(u, 'GRV-2026-000001', 'resolved', { actor: 'officer-7', reason: 'Supply restored on 24 November.', now: h!.clock.now() }));
    h.clock.advance(60_000);
    const answer = await h.say(s.yes);
    const said = texts(answer);
    const tr = h.app.content.translator;
    expect(said).toContain(tr.t(lang, 'law:feedback_noted', { number: 'GRV-2026-000001', item: { t: 'common:ticket_word.grievance' } }));
    expect(said).not.toContain(tr.t(lang, 'followup.rating_prompt', { number: 'GRV-2026-000001', item: { t: 'common:ticket_word.grievance' } }).slice(0, 20));
    expect(said).not.toContain(tr.t(lang, 'followup.comment_prompt').slice(0, 20));
    // A comment typed anyway is taken nowhere.
    await h.say('COMMENT-7731 the officer was slow and rude to me on the phone');
    const ratings = await h.app.store.transaction((u) => u.exec.all(ownDataQueries(u.dialect).ratingsOf, { conversation_key: 'console:citizen-1' }));
    expect(ratings).toEqual([]);
    const t = await h.app.store.transaction((u) => u.tickets.byNumber('GRV-2026-000001'));
    expect(t!.status).toBe('closed');
    await h.close();
    expect(databaseText(h)).not.toContain('COMMENT-7731');
  });

  it('no free-text question of any flow takes an answer, wherever the session stands (statutory ones excepted)', async () => {
    h = await startHarness({ clock: new FakeClock('2026-11-23T04:30:00.000Z') });
    const asks: Array<{ flow: string; step: string }> = [];
    const statutory: string[] = [];
    for (const [flow, f] of h.app.content.flows.set.flows) {
      for (const step of f.steps.values()) {
        if (step.type !== 'ask' || step.input.kind !== 'text') continue;
        if (step.statutory) statutory.push(`${flow}/${step.id}`);
        else asks.push({ flow, step: step.id });
      }
    }
    // The one question a withdrawn citizen is still asked: an officer's, on a request under way.
    expect(statutory).toEqual(['followup/info_reply']);
    expect(asks.length).toBeGreaterThanOrEqual(6);
    for (const [i, at] of asks.entries()) {
      const lang = i % 2 === 0 ? 'en' : 'hi';
      const user = `w-${i}`;
      const key = `console:${user}`;
      const s = SCRIPTS[lang];
      for (const t of [...s.file, ...s.withdraw]) await h.say(t, { user });
      // Whatever left the session at this question (an old interjection, a restart), it takes nothing.
      await h.app.store.transaction((u) => interject(u, key, at, { feedback_ticket: 'GRV-2026-000001', info_ticket: 'GRV-2026-000001' }, lang));
      const replies = await h.say(`MARKER-${i}-${at.flow}-${at.step} my new address is House 12, Gali 4`, { user });
      expect(texts(replies), `${at.flow}/${at.step}`).toContain(h.app.content.translator.t(lang, 'law:no_consent_text'));
      const session = await h.app.store.transaction((u) => u.sessions.get<{ vars: Record<string, unknown>; at: { flow: string } }>(key));
      expect(JSON.stringify(session!.state.vars)).not.toContain('MARKER');
      expect(session!.state.at.flow).toBe('consent');
    }
    await h.close();
    const db = databaseText(h);
    for (const [i, at] of asks.entries()) expect(db, `${at.flow}/${at.step}`).not.toContain(`MARKER-${i}-`);
  });
});
