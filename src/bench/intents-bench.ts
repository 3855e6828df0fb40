import fs from 'node:fs';
import YAML from 'yaml';
import { z } from 'zod';
import type { Content } from '../app.ts';
import { resolveTarget } from '../engine/flow-set.ts';
import { optionsOf } from '../engine/inputs.ts';
import type { Reading, Understanding } from '../understanding/understanding.ts';

/**
 * `npm run bench -- --only intents`: how well citizens' own words are understood, on a held-out
 * set the model never sees (bench/intents-heldout.yaml), read as at the main menu, where every
 * intent applies. Accuracy counts a message understood when the bot acts on, or asks about, the
 * right intent; a wrong action is acting on another intent without asking.
 */
export const heldOutSchema = z.record(z.string(), z.record(z.enum(['hi', 'roman', 'en']), z.array(z.string().min(1))));
export type HeldOut = z.infer<typeof heldOutSchema>;

export interface Case {
  text: string;
  intent: string;
  lang: 'hi' | 'roman' | 'en';
}

export function readHeldOut(file: string): Case[] {
  const data = heldOutSchema.parse(YAML.parse(fs.readFileSync(file, 'utf8')));
  return Object.entries(data).flatMap(([intent, byLang]) =>
    Object.entries(byLang).flatMap(([lang, texts]) => texts.map((text) => ({ text, intent, lang: lang as Case['lang'] }))),
  );
}

export interface Outcome {
  readonly case: Case;
  /** The intent the bot would act on or ask about; 'none' when it says what it can do. */
  readonly got: string;
  readonly acted: boolean;
  readonly destructive: boolean;
}

/** What the bot would do with each message at the menu. */
export function judge(content: Content, cases: readonly Case[]): Outcome[] {
  const u = content.understanding;
  const menuPos = resolveTarget('main', u.menu);
  const menu = content.flows.set.flows.get(menuPos.flow)?.steps.get(menuPos.step);
  if (menu?.type !== 'ask') throw new Error(`${u.menu} is not a question`);
  const options = optionsOf(menu.input);
  return cases.map((c) => {
    const r = u.read(c.text, { step: u.menu, options, atMenu: true });
    const intent = intentOf(u, r);
    return {
      case: c,
      got: intent?.id ?? 'none',
      acted: r.kind !== 'none' && r.sure,
      destructive: r.kind !== 'none' && r.sure && intent?.confirm === true,
    };
  });
}

function intentOf(u: Understanding, r: Reading) {
  if (r.kind === 'intent') return r.intent;
  if (r.kind === 'option') return u.def.intents.find((i) => (i.options ?? [i.id]).includes(r.id));
  return undefined;
}

export function intentsReport(content: Content, file: string, out: (s: string) => void): { accuracy: number; wrong: number; destructive: number } {
  const cases = readHeldOut(file);
  const outcomes = judge(content, cases);
  const ok = (o: Outcome) => (o.case.intent === 'none' ? !o.acted : o.got === o.case.intent);
  const pct = (list: readonly Outcome[]) => (list.length === 0 ? '   -' : `${((100 * list.filter(ok).length) / list.length).toFixed(1).padStart(5)}%`);
  const train = content.understanding.def.intents.reduce((n, i) => n + i.examples.length, 0);
  const roman = cases.filter((c) => c.lang === 'roman').length;
  out(`\n7. Understanding citizens' words: ${cases.length} held-out messages (${((100 * roman) / cases.length).toFixed(0)}% romanised Hindi or Hinglish), model trained on ${train} examples in flows/intents.yaml`);
  const accuracy = outcomes.filter(ok).length / outcomes.length;
  out(`   understood: ${(100 * accuracy).toFixed(1)}%   (target ≥ 95%)`);
  out(`   by language: Devanagari ${pct(outcomes.filter((o) => o.case.lang === 'hi'))}, romanised/Hinglish ${pct(outcomes.filter((o) => o.case.lang === 'roman'))}, English ${pct(outcomes.filter((o) => o.case.lang === 'en'))}`);
  const intents = [...new Set(cases.map((c) => c.intent))];
  out('   by intent:');
  for (const i of intents) {
    const list = outcomes.filter((o) => o.case.intent === i);
    out(`     ${i.padEnd(17)} ${pct(list)}  (${list.length})`);
  }
  const wrong = outcomes.filter((o) => o.acted && o.got !== o.case.intent);
  const destructive = outcomes.filter((o) => o.destructive);
  const asked = outcomes.filter((o) => !o.acted && o.got !== 'none').length;
  out(`   acted without asking: ${outcomes.filter((o) => o.acted).length}, asked "Did you mean …?" or to confirm: ${asked}`);
  out(`   wrong actions (acted on another intent): ${wrong.length} (${((100 * wrong.length) / outcomes.length).toFixed(1)}%)`);
  out(`   destructive misfires (erase, withdraw, cancel or appeal done without confirming): ${destructive.length}   (target 0)`);
  const misses = outcomes.filter((o) => !ok(o));
  if (misses.length > 0) {
    out('   confusions (expected → got: message):');
    for (const o of misses) out(`     ${o.case.intent} → ${o.got}${o.acted ? ' (acted)' : ''}: ${o.case.text}`);
  }
  // Cost: every held-out message read many times, after a warm-up.
  const u = content.understanding;
  const options = judgeOptions(content);
  for (let i = 0; i < 3; i++) for (const c of cases) u.read(c.text, { step: u.menu, options, atMenu: true });
  // CPU time, not wall time: on a shared machine the wall clock also counts other processes' turns.
  const rounds = 200;
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  for (let i = 0; i < rounds; i++) for (const c of cases) u.read(c.text, { step: u.menu, options, atMenu: true });
  const cpu = process.cpuUsage(c0);
  const n = rounds * cases.length;
  const wall = Number(process.hrtime.bigint() - t0) / 1000 / n;
  const us = (cpu.user + cpu.system) / n;
  out(`   cost: ${us.toFixed(1)} µs of CPU per message (intent and menu options; ${wall.toFixed(1)} µs wall)   (target < 50 µs)`);
  return { accuracy, wrong: wrong.length, destructive: destructive.length };
}

function judgeOptions(content: Content) {
  const p = resolveTarget('main', content.understanding.menu);
  const step = content.flows.set.flows.get(p.flow)?.steps.get(p.step);
  return step?.type === 'ask' ? optionsOf(step.input) : [];
}
