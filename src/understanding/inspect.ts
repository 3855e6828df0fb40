import { ENTRY, resolveTarget, type FlowSet } from '../engine/flow-set.ts';
import type { Problem } from '../engine/inspect.ts';
import type { StepOf } from '../engine/schema.ts';
import type { Translator } from '../i18n/i18n.ts';
import type { IntentsDefinition } from './intents.ts';

/** Texts the engine says when it reads free-form words; required in both languages. */
export const UNDERSTANDING_KEYS = ['understanding:did_you_mean', 'understanding:confirm', 'understanding:guess_declined', 'understanding:can_do', 'understanding:nothing_done'] as const;

/** Option labels every yes/no question has (see engine/inputs.ts). */
const YES_NO_LABELS = ['common:answer.yes', 'common:answer.no'];

/**
 * `flows check` for flows/intents.yaml: every target a real step, the menu a choice question,
 * every option, category and label it names one the flows offer, and the texts it needs (the
 * label of each intent in "Did you mean …?") listed so the locale check requires them.
 */
export function inspectIntents(def: IntentsDefinition, set: FlowSet, translator: Translator): { keys: string[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const add = (code: Problem['code'], where: string, message: string) => problems.push({ code, where, message });
  const keys: string[] = [...UNDERSTANDING_KEYS];
  const asks: StepOf<'ask'>[] = [];
  for (const flow of set.flows.values()) for (const step of flow.def.steps) if (step.type === 'ask') asks.push(step);
  const optionIds = new Set(asks.flatMap((a) => (a.input.kind === 'choice' ? a.input.options.map((o) => o.id) : [])));
  const labelKeys = new Set([...YES_NO_LABELS, ...asks.flatMap((a) => (a.input.kind === 'choice' ? a.input.options.map((o) => o.label) : []))]);
  const stepAt = (t: string) => {
    const p = resolveTarget(ENTRY.flow, t);
    return set.flows.get(p.flow)?.steps.get(p.step);
  };

  const menu = stepAt(def.menu);
  if (!menu) add('bad_target', 'intents/menu', `${def.menu} does not exist`);
  else if (menu.type !== 'ask' || menu.input.kind !== 'choice') add('bad_target', 'intents/menu', `${def.menu} is not a choice question`);

  for (const intent of def.intents) {
    const where = `intents/${intent.id}`;
    const d = intent.do;
    if (!d) continue;
    keys.push(`understanding:intent.${intent.id}`);
    if ((d.type === 'call' || d.type === 'reset' || d.type === 'describe') && !stepAt(d.to)) add('bad_target', where, `goes to ${d.to}, which does not exist`);
    if (d.type === 'say') keys.push(d.text);
    for (const o of intent.options ?? []) if (!optionIds.has(o)) add('unknown_option', where, `no choice question has an option "${o}"`);
    if (d.type === 'describe') {
      const categoryAsk = asks.find((a) => a.save === d.category && a.input.kind === 'choice');
      // Categories the question does not offer (a profile's departments bring their own) are never guessed.
      if (!categoryAsk) add('unknown_option', where, `no choice question saves "${d.category}"`);
    }
  }
  for (const label of Object.keys(def.options)) {
    // A label the flows do not show today (a profile's departments replace the categories) is
    // fine; a key that exists nowhere is a typo.
    if (!labelKeys.has(label) && !translator.has('en', label)) add('unknown_option', `intents/options/${label}`, 'no choice question has an option with this label, and no text has this key');
  }
  return { keys, problems };
}
