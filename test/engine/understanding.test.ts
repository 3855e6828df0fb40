import { describe, expect, it } from 'vitest';
import { resume, type EngineEnv } from '../../src/engine/engine.ts';
import type { EngineEvent } from '../../src/engine/events.ts';
import type { SessionState } from '../../src/engine/session.ts';
import { intentsSchema } from '../../src/understanding/intents.ts';
import { Understanding } from '../../src/understanding/understanding.ts';
import { memoryEngine } from '../helpers/memory-engine.ts';

/** The engine with the shipped intents: free-form words at the menu, at questions and between conversations. */
function chat(tweak: (env: EngineEnv) => EngineEnv = (e) => e) {
  const m = memoryEngine();
  const env = tweak(m.env);
  let session: SessionState | undefined;
  let n = 0;
  let events: EngineEvent[] = [];
  const say = async (text: string, extra: { choiceId?: string } = {}) => {
    const r = await resume(env, session, { messageKey: `console:u${++n}`, text, ...extra });
    session = r.session;
    events = r.events;
    return m.render(r.events);
  };
  return {
    say,
    m,
    get session() {
      return session!;
    },
    keys: () => events.flatMap((e) => (e.type === 'msg_created' ? [e.key] : [])),
    choices: () => events.flatMap((e) => (e.type === 'msg_created' ? e.choices.map((c) => c.id) : [])),
    events: () => events,
    /** Language English, consent given: at the main menu. */
    async atMenu() {
      for (const t of ['hello', '2', 'yes']) await say(t);
      expect(session!.at).toEqual({ flow: 'main', step: 'menu' });
    },
  };
}

describe('free-form words in a conversation', () => {
  it('a problem typed at the menu starts a grievance with it as the description and a guessed category, both changeable', async () => {
    const c = chat();
    await c.atMenu();
    await c.say('bijli ka bill zyada aaya hai');
    expect(c.session.at).toEqual({ flow: 'grievance', step: 'ask_contact_method' });
    const summary = (await c.say('3')).join('\n');
    expect(summary).toContain('bijli ka bill zyada aaya hai');
    expect(summary).toContain('Charges, fees or payments');
    await c.say('no');
    await c.say('1'); // change the category
    expect(c.session.at).toEqual({ flow: 'grievance', step: 'ask_category' });
    const again = (await c.say('1')).join('\n');
    expect(again).toContain('Delay or poor service');
    expect(again).toContain('bijli ka bill zyada aaya hai');
    await c.say('yes');
    expect(c.events().find((e) => e.type === 'ticket_open_requested')).toMatchObject({
      fields: { category: 'service', description: 'bijli ka bill zyada aaya hai', contact: null },
    });
  });

  it('a problem typed at the menu longer than the description question takes is not cut: the citizen is asked to shorten it', async () => {
    const c = chat();
    await c.atMenu();
    // 2,400 letters of a real complaint (a paste from a letter): over the grievance flow's 2,000.
    const long = `The electricity bill for March was charged twice and the extra amount was never refunded. ${'My meter was read wrongly again. '.repeat(70)}`.trim();
    let out = (await c.say(long)).join('\n');
    // A long text may be understood only at middling confidence: "Did you mean …?", yes.
    if (out.includes('Did you mean')) out = (await c.say('yes')).join('\n');
    expect(out).toContain(`Your message is ${long.length} characters long`);
    expect(c.session.at).toEqual({ flow: 'grievance', step: 'ask_description' });
    expect(c.session.vars.description).toBeUndefined();
    // The category was still guessed from it (the summary shows it, changeable), and the shorter text is the description.
    expect(c.session.vars.category).toBeDefined();
    await c.say('The electricity bill for March was charged twice; the extra amount was never refunded.');
    const summary = (await c.say('3')).join('\n');
    expect(summary).toContain('Please check your grievance');
    expect(summary).not.toContain('My meter was read wrongly again');
    expect(summary).toContain('The electricity bill for March was charged twice; the extra amount was never refunded.');
  });

  it('never hijacks a free-text answer: a description that mentions "officer" or "status" stays the description', async () => {
    const c = chat();
    await c.atMenu();
    await c.say('1');
    await c.say('1');
    for (const text of ['The officer at the counter would not tell me the status of my application.', 'officer se baat karni hai, status bhi nahi bataya']) {
      const d = chat();
      await d.atMenu();
      await d.say('1');
      await d.say('1');
      await d.say(text);
      expect(d.session.vars.description, text).toBe(text);
      expect(d.session.at).toEqual({ flow: 'grievance', step: 'ask_contact_method' });
      expect(d.events().some((e) => e.type === 'handoff_requested')).toBe(false);
    }
  });

  it('asks "Did you mean …?" at middling confidence: yes acts, no says what the bot can do', async () => {
    // Every reading falls in the middle band when acting needs certainty.
    const unsure = (env: EngineEnv): EngineEnv => {
      const def = intentsSchema.parse({ ...env.understanding!.def, thresholds: { act: 1, ask: 0.3, margin: 1 } });
      return { ...env, understanding: new Understanding(def, env.labels) };
    };
    const c = chat(unsure);
    await c.atMenu();
    expect(await c.say('officer se baat karni hai')).toEqual(['Did you mean: Talk to an officer?']);
    expect(c.choices()).toEqual(['yes', 'no']);
    await c.say('haan');
    expect(c.keys()).toContain('main.officer_queued');

    const d = chat(unsure);
    await d.atMenu();
    await d.say('mujhe shikayat karni hai');
    expect(d.keys()).toEqual(['understanding:did_you_mean']);
    await d.say('nahi');
    expect(d.keys()).toEqual(['understanding:can_do', 'main.menu']);
    expect(d.session.at).toEqual({ flow: 'main', step: 'menu' });
    // Anything but yes or no (1 and 2 are the yes and no just shown) is read afresh.
    await d.say('mujhe shikayat karni hai');
    await d.say('3');
    expect(d.session.at).toEqual({ flow: 'status', step: 'ask_ref' });
  });

  it('asks before withdrawing consent, erasing, cancelling or appealing, however sure', async () => {
    const c = chat();
    await c.atMenu();
    expect(await c.say('meri sahmati wapas lo')).toEqual(['Do you really want to withdraw your consent? Please choose yes or no.']);
    await c.say('no');
    expect(c.session.consent).toBeTruthy();
    expect(c.session.at).toEqual({ flow: 'main', step: 'menu' });
    await c.say('withdraw my consent please');
    expect(c.keys()).toEqual(['understanding:confirm']);
    await c.say('yes');
    expect(c.session.at).toEqual({ flow: 'consent', step: 'withdraw_ask' });
    expect(c.session.consent).toBeTruthy();
  });

  it('lets a citizen ask for an officer in their own words at a question that is not free text, then come back', async () => {
    const c = chat();
    await c.atMenu();
    for (const t of ['1', '1', 'The water supply in our lane has been irregular for two weeks.', '1']) await c.say(t);
    expect(c.session.at).toEqual({ flow: 'grievance', step: 'ask_phone' });
    await c.say('kisi adhikari se baat karni hai');
    expect(c.keys()).toEqual(['main.officer_queued', 'grievance.ask_phone']);
    expect(c.session.at).toEqual({ flow: 'grievance', step: 'ask_phone' });
  });

  it('accepts a near-miss of an option', async () => {
    const c = chat();
    await c.atMenu();
    await c.say('complaint');
    expect(c.session.at).toEqual({ flow: 'grievance', step: 'ask_category' });
    await c.say('biling');
    expect(c.session.vars.category).toBe('billing');
  });

  it('reads a message between conversations as at the menu; thanks is answered and closes nothing', async () => {
    const c = chat();
    await c.atMenu();
    for (const t of ['1', '1', 'The water supply in our lane has been irregular for two weeks.', '3', 'yes']) await c.say(t);
    expect(c.session.status).toBe('ended');
    expect(await c.say('thank you')).toEqual(['You are welcome. Write here whenever you need help.']);
    expect(c.session.status).toBe('ended');
    await c.say('meri shikayat ka kya hua');
    expect(c.session.at).toEqual({ flow: 'status', step: 'ask_ref' });
  });

  it('says plainly what the bot can do when a message at the menu is not understood', async () => {
    const c = chat();
    await c.atMenu();
    await c.say('asdf qwer');
    expect(c.keys()).toEqual(['understanding:can_do', 'main.menu']);
  });

  it('without the understanding model, only numbers, labels and command words work (as before)', async () => {
    const c = chat((env) => ({ ...env, understanding: undefined }));
    await c.atMenu();
    await c.say('shikayat');
    expect(c.keys()).toEqual(['common:input.invalid_choice', 'main.menu']);
  });
});

describe('free-form words without consent', () => {
  it('keeps nothing typed: a problem guessed at the menu starts the grievance from its first question', async () => {
    const c = chat();
    await c.atMenu();
    // As after a withdrawal: at the menu, consent gone.
    const s = { ...c.session, consent: null };
    const m = c.m;
    const r1 = await resume(m.env, s, { messageKey: 'console:x1', text: 'bijli ka bill zyada aaya hai aur koi sunta nahi' });
    expect(JSON.stringify(r1.session)).not.toContain('bijli');
    const r2 = r1.session.vars._guess ? await resume(m.env, r1.session, { messageKey: 'console:x2', text: 'yes' }) : r1;
    expect(JSON.stringify(r2.session)).not.toContain('bijli');
    expect(r2.session.at).toEqual({ flow: 'grievance', step: 'ask_category' });
  });
});
