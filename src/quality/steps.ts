import type { FlowSet } from '../engine/flow-set.ts';
import type { Lang } from '../engine/session.ts';
import type { Translator } from '../i18n/i18n.ts';

/** The longest prompt shown in a table cell. */
const PROMPT_MAX = 200;

/**
 * What the citizen was asked at a flow step, in the officer's language: the question of an `ask`
 * step (or the text of a `say`), with its placeholders shown as "…" since no conversation's
 * values are at hand. Of a text of several lines only the last (the question itself) is kept. Undefined for steps that say nothing (actions, branches) or that no longer
 * exist in the flows.
 */
export function stepPrompt(flows: FlowSet, translator: Translator, lang: Lang, flow: string, step: string): string | undefined {
  const s = flows.flows.get(flow)?.steps.get(step);
  if (!s) return undefined;
  const key = s.type === 'ask' ? s.prompt : s.type === 'say' ? s.text : s.type === 'end' ? s.text : undefined;
  if (!key || !translator.has(lang, key)) return undefined;
  const text = translator.t(lang, key).replace(/\{\{[^}]*\}\}/g, '…');
  // A long text (the consent notice) ends with its question: the last line is what was asked.
  const last = text.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? '';
  return last.length > PROMPT_MAX ? `${last.slice(0, PROMPT_MAX - 1).trimEnd()}…` : last;
}
