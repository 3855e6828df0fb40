import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { judge, readHeldOut } from '../../src/bench/intents-bench.ts';
import { optionsOf } from '../../src/engine/inputs.ts';
import type { StepOf } from '../../src/engine/schema.ts';
import { Understanding, type Reading } from '../../src/understanding/understanding.ts';
import { intentsSchema } from '../../src/understanding/intents.ts';
import { memoryEngine } from '../helpers/memory-engine.ts';

const { content } = memoryEngine();
const u = content.understanding;
const ask = (flow: string, step: string) => content.flows.set.flows.get(flow)!.steps.get(step) as StepOf<'ask'>;
const menu = ask('main', 'menu');
const atMenu = (text: string) => u.read(text, { step: 'main/menu', options: optionsOf(menu.input), atMenu: true });
const at = (flow: string, step: string, text: string) => {
  const s = ask(flow, step);
  return u.read(text, { step: `${flow}/${step}`, options: optionsOf(s.input), yesNo: s.input.kind === 'yes_no', atMenu: false });
};
const what = (r: Reading) => (r.kind === 'option' ? `option:${r.id}` : r.kind === 'intent' ? `intent:${r.intent.id}` : 'none');

describe('understanding citizens at the menu', () => {
  it('understands the phrases of the issue, in every script and spelling', () => {
    const expected: Array<[string, string]> = [
      ['शिकायत', 'option:grievance'],
      ['shikayat', 'option:grievance'],
      ['sikayat', 'option:grievance'],
      ['complaint', 'option:grievance'],
      ['mujhe complaint karni hai', 'option:grievance'],
      ['bill galat aaya hai', 'intent:problem'],
      ['bijli ka bill zyada aaya hai', 'intent:problem'],
      ['meri shikayat ka kya hua', 'option:status'],
      ['officer se baat karni hai', 'option:officer'],
      ['mera data delete karo', 'intent:erasure'],
      ['add a nominee', 'intent:nomination'],
      ['what can you do', 'intent:help'],
    ];
    for (const [text, want] of expected) expect(what(atMenu(text)), text).toBe(want);
  });

  it('never erases, withdraws consent, cancels or appeals on a guess: whatever is typed, those ask first', () => {
    const destructive = new Set(u.def.intents.filter((i) => i.confirm).map((i) => i.id));
    for (const text of u.def.intents.flatMap((i) => i.examples)) {
      for (const r of [atMenu(text), at('rights', 'menu', text), at('mydata', 'choose', text), at('grievance', 'ask_change', text)]) {
        const id = r.kind === 'intent' ? r.intent.id : r.kind === 'option' ? u.def.intents.find((i) => (i.options ?? [i.id]).includes(r.id))?.id : undefined;
        if (id && destructive.has(id)) expect(r.kind !== 'none' && r.sure, text).toBe(false);
      }
    }
    expect(u.def.intents.filter((i) => i.confirm).map((i) => i.id).sort()).toEqual(['appeal', 'cancel', 'erasure', 'withdraw_consent']);
  });

  it('meets its targets on the held-out set it never trained on: ≥ 95% understood, no destructive misfire', () => {
    const cases = readHeldOut(path.join(import.meta.dirname, '../../bench/intents-heldout.yaml'));
    const trained = new Set(u.def.intents.flatMap((i) => i.examples.map((e) => e.toLowerCase())));
    expect(cases.filter((c) => trained.has(c.text.toLowerCase())).map((c) => c.text)).toEqual([]);
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(cases.filter((c) => c.lang === 'roman').length / cases.length).toBeGreaterThanOrEqual(0.4);
    const outcomes = judge(content, cases);
    const ok = outcomes.filter((o) => (o.case.intent === 'none' ? !o.acted : o.got === o.case.intent)).length;
    expect(ok / outcomes.length).toBeGreaterThanOrEqual(0.95);
    expect(outcomes.filter((o) => o.destructive)).toEqual([]);
  });

  it('reads a ticket number written anywhere in a status request', () => {
    const r = u.read('GRV-2026-000123 ka status kya hai', { atMenu: false });
    expect(r).toMatchObject({ kind: 'intent', intent: { id: 'status' }, arg: 'GRV-2026-000123' });
  });

  it('treats small talk and noise as not understood', () => {
    for (const t of ['what?', 'ok', 'asdf', 'kya']) expect(what(atMenu(t)), t).toBe('none');
  });

  it('guesses the category of a problem', () => {
    const offered = ['service', 'staff', 'billing', 'personal_data', 'other'];
    expect(u.guessCategory('bijli ka bill zyada aaya hai', offered)).toBe('billing');
    expect(u.guessCategory('तीन दिन से पानी नहीं आ रहा', offered)).toBe('service');
    expect(u.guessCategory('counter wale babu ne rishwat maangi', offered)).toBe('staff');
    expect(u.guessCategory('xyz', offered)).toBe('other');
    // Only among the categories the question offers (a profile's departments bring their own).
    expect(u.guessCategory('bijli ka bill zyada aaya hai', ['water', 'roads'])).toBeUndefined();
  });
});

describe('understanding answers to choice questions', () => {
  it('accepts synonyms and near-misses of the options, in either language', () => {
    expect(what(at('grievance', 'ask_category', 'biling'))).toBe('option:billing');
    expect(what(at('grievance', 'ask_category', 'bijli bill'))).toBe('option:billing');
    expect(what(at('grievance', 'ask_category', 'staf ka behaviour'))).toBe('option:staff');
    expect(what(at('grievance', 'ask_category', 'कर्मचारी'))).toBe('option:staff');
    expect(what(at('grievance', 'ask_contact_method', 'emaill'))).toBe('option:email');
    expect(what(at('grievance', 'ask_contact_method', 'mobile pe'))).toBe('option:phone');
    expect(what(at('rights', 'menu', 'nominee'))).toBe('option:nomination');
  });

  it('takes only a clear yes or no at a yes/no question, never a guess', () => {
    expect(what(at('grievance', 'ask_confirm', 'haan ji'))).toBe('option:yes');
    expect(what(at('grievance', 'ask_confirm', 'bilkul'))).toBe('option:yes');
    for (const t of ['maybe', 'pata nahi', 'yes no']) expect(at('grievance', 'ask_confirm', t).kind === 'option' && t, t).not.toBe(t);
  });

  it('lets a global intent through at any question, but a problem only at the menu', () => {
    expect(what(at('grievance', 'ask_contact_method', 'officer se baat karni hai'))).toBe('intent:officer');
    expect(what(at('grievance', 'ask_contact_method', 'bijli ka bill zyada aaya hai'))).toBe('none');
  });
});

describe('intents data', () => {
  it('is validated: an intent needs example phrasings and a known kind of action', () => {
    const base = { specVersion: '1.0.0', menu: 'main/menu', thresholds: { act: 0.5, ask: 0.3, margin: 0.05 } };
    expect(intentsSchema.safeParse({ ...base, intents: [{ id: 'x', do: { type: 'help' }, examples: ['a'] }] }).success).toBe(false);
    expect(intentsSchema.safeParse({ ...base, intents: [{ id: 'x', do: { type: 'fly' }, examples: ['a', 'b', 'c'] }] }).success).toBe(false);
    expect(intentsSchema.safeParse({ ...base, thresholds: { act: 0.3, ask: 0.5, margin: 0 }, intents: [{ id: 'x', do: { type: 'help' }, examples: ['a', 'b', 'c'] }] }).success).toBe(false);
  });

  it('learns an organisation’s own phrasing without code', () => {
    const def = intentsSchema.parse({
      ...u.def,
      intents: u.def.intents.map((i) => (i.id === 'officer' ? { ...i, examples: [...i.examples, 'mujhe saheb chahiye'] } : i)),
    });
    const mine = new Understanding(def, content.translator.labels);
    expect(mine.rank('mujhe saheb chahiye')[0]?.label).toBe('officer');
  });
});

describe('flows check of intents.yaml', () => {
  it('flags a target that is not a step, and an option or label no question has', async () => {
    const { inspectIntents } = await import('../../src/understanding/inspect.ts');
    expect(inspectIntents(u.def, content.flows.set, content.translator).problems).toEqual([]);
    const bad = intentsSchema.parse({
      ...u.def,
      intents: [
        ...u.def.intents,
        { id: 'lost', do: { type: 'call', to: 'nowhere/step' }, examples: ['a', 'b', 'c'] },
        { id: 'odd', options: ['no_such_option'], do: { type: 'help' }, examples: ['a', 'b', 'c'] },
      ],
      categories: { ...u.def.categories, weather: ['rain'] },
      options: { ...u.def.options, 'grievance.no_such_label': ['x'] },
    });
    const problems = inspectIntents(bad, content.flows.set, content.translator).problems.map((p) => `${p.code} ${p.where}`);
    expect(problems.sort()).toEqual([
      'bad_target intents/lost',
      'unknown_option intents/odd',
      'unknown_option intents/options/grievance.no_such_label',
    ]);
  });

  it('requires the label of every intent in both languages', async () => {
    const { checkContent } = await import('../../src/app.ts');
    const def = intentsSchema.parse({ ...u.def, intents: [...u.def.intents, { id: 'brand_new', do: { type: 'help' }, examples: ['a', 'b', 'c'] }] });
    const problems = checkContent({ ...content, understanding: new Understanding(def, content.translator.labels) });
    expect(problems.filter((p) => p.where === 'understanding:intent.brand_new').length).toBe(2);
  });
});
