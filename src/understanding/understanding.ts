import { findTicketNumber } from '../domain/tickets/ticket-number.ts';
import type { LabelLookup } from '../engine/inputs.ts';
import { TextClassifier, type Example, type Ranked } from './classifier.ts';
import { foldTokens } from './fold.ts';
import type { IntentAction, IntentDef, IntentsDefinition } from './intents.ts';

export type ActionableIntent = IntentDef & { do: IntentAction };

/** A choice the waiting question offers, as the flow defines it. */
export interface OptionLike {
  readonly id: string;
  readonly label: string;
  readonly aliases?: readonly string[] | undefined;
}

/** Where the message arrives: the waiting question's options, and whether it is the menu. */
export interface Where {
  /** `flow/step` of the waiting choice question (the cache key of its option matcher). */
  readonly step?: string | undefined;
  readonly options?: readonly OptionLike[] | undefined;
  /** A yes/no question: only a clear yes or no counts, never a guess. */
  readonly yesNo?: boolean | undefined;
  /** At the main menu, or between conversations: every intent applies, and a problem starts a grievance. */
  readonly atMenu: boolean;
}

/** What a message was understood to mean. `sure: false` means ask "Did you mean …?" first. */
export type Reading =
  | { kind: 'option'; id: string; label: string; sure: boolean }
  | { kind: 'intent'; intent: ActionableIntent; sure: boolean; arg?: string }
  | { kind: 'none' };

/** A problem needs a few words to be a description; fewer is a wish to complain. */
const MIN_PROBLEM_WORDS = 3;
const YES_NO_MIN = 0.7;
const YES_NO_LEAD = 0.2;

/**
 * The citizen's words → an intent or an option, with how sure. Trained once from
 * flows/intents.yaml (and the option labels of the flows), at the first message that needs it:
 * training is pure computation on content already loaded and checked when the service starts,
 * and doing it then would hold up the start (the desk answering) by tens of milliseconds.
 */
export class Understanding {
  private trained: { intents: TextClassifier; categories: TextClassifier | undefined } | undefined;
  private readonly byId = new Map<string, IntentDef>();
  private readonly matchers = new Map<string, TextClassifier>();
  /** Options that do what a confirm-first intent does (erase, withdraw, cancel, appeal). */
  private readonly confirmOptions = new Set<string>();

  constructor(
    readonly def: IntentsDefinition,
    private readonly labels: LabelLookup,
  ) {
    for (const intent of def.intents) {
      this.byId.set(intent.id, intent);
      if (intent.confirm) for (const o of intent.options ?? [intent.id]) this.confirmOptions.add(o);
    }
  }

  /** The intents' classifier, trained on first use. */
  get intents(): TextClassifier {
    return this.train().intents;
  }

  private get categories(): TextClassifier | undefined {
    return this.train().categories;
  }

  private train(): { intents: TextClassifier; categories: TextClassifier | undefined } {
    if (this.trained) return this.trained;
    const examples: Example[] = this.def.intents.flatMap((intent) => intent.examples.map((text) => ({ text, label: intent.id })));
    const cats = Object.entries(this.def.categories).flatMap(([label, texts]) => texts.map((text) => ({ text, label })));
    this.trained = { intents: new TextClassifier(examples), categories: cats.length > 0 ? new TextClassifier(cats) : undefined };
    return this.trained;
  }

  get menu(): string {
    return this.def.menu;
  }

  intent(id: string): ActionableIntent | undefined {
    const i = this.byId.get(id);
    return i && isActionable(i) ? i : undefined;
  }

  /** The best intents for a message (for the benchmark and tests). */
  rank(text: string): Ranked[] {
    return this.intents.rank(text, 2);
  }

  read(text: string, where: Where): Reading {
    const { act, ask, margin } = this.def.thresholds;
    const band = (r: Ranked[]) => {
      const top = r[0];
      if (!top) return 'none';
      const lead = top.score - (r[1]?.score ?? 0);
      return top.score >= act && lead >= margin ? 'act' : top.score >= ask ? 'ask' : 'none';
    };
    const options = where.options ?? [];
    const optRanked = options.length > 0 && where.step ? this.matcher(where.step, options).rank(text, 2) : [];
    const optBand = band(optRanked);
    const optionById = (id: string) => options.find((o) => o.id === id);
    if (where.yesNo) {
      // Yes or no decides things (register, erase): only a near-exact match counts, and it must be clearly one of the two.
      const [top, next] = optRanked;
      const clear = top && top.score >= YES_NO_MIN && top.score - (next?.score ?? 0) >= YES_NO_LEAD;
      return clear ? { kind: 'option', id: top.label, label: optionById(top.label)!.label, sure: true } : { kind: 'none' };
    }
    if (optBand === 'act') {
      const o = optionById(optRanked[0]!.label)!;
      // An option that erases, withdraws, cancels or appeals is confirmed however it was said.
      return { kind: 'option', id: o.id, label: o.label, sure: !this.confirmOptions.has(o.id) };
    }

    const ranked = this.intents.rank(text, 2);
    const intentBand = band(ranked);
    const found = intentBand === 'none' ? undefined : this.byId.get(ranked[0]!.label);
    // An intent the bot does not act on (small talk, noise) is the answer "not understood".
    if (found && isActionable(found)) {
      let intent: ActionableIntent = found;
      if (intent.do.type === 'describe' && foldTokens(text).length < MIN_PROBLEM_WORDS) {
        // Too short to be the description: the wish to complain, asked for in full by the flow.
        const flow = intent.do.to.split('/')[0]!;
        intent = this.def.intents.filter(isActionable).find((i) => i.do.type === 'call' && i.do.to.startsWith(`${flow}/`)) ?? intent;
      }
      const sure = intentBand === 'act' && !intent.confirm;
      const applies = where.atMenu || (intent.anywhere && intent.do.type !== 'describe');
      const arg = applies ? findTicketNumber(text) : undefined;
      // "GRV-2026-000001 ka status kya hai" at the menu: the menu's status option would ask for the
      // number the citizen just typed, so an intent that takes a ticket number is done with it.
      const takesTicket = intent.do.type === 'call' && intent.do.argVar !== undefined;
      const picks = intent.options ?? [intent.id];
      const mapped = arg && takesTicket ? undefined : options.find((o) => picks.includes(o.id));
      if (mapped) return { kind: 'option', id: mapped.id, label: mapped.label, sure };
      if (applies) return arg ? { kind: 'intent', intent, sure, arg } : { kind: 'intent', intent, sure };
    }
    if (optBand === 'ask') {
      const o = optionById(optRanked[0]!.label)!;
      return { kind: 'option', id: o.id, label: o.label, sure: false };
    }
    return { kind: 'none' };
  }

  /**
   * The category of a problem typed at the menu, among those the question offers: the best
   * match, else `other` when offered, else none.
   */
  guessCategory(text: string, offered: readonly string[]): string | undefined {
    const ranked = this.categories?.rank(text, 5) ?? [];
    const top = ranked.find((r) => offered.includes(r.label));
    if (top && top.score >= this.def.thresholds.ask) return top.label;
    return offered.includes('other') ? 'other' : undefined;
  }

  /** A question's options as phrasings: their labels in both languages, aliases and the data's synonyms. */
  private matcher(step: string, options: readonly OptionLike[]): TextClassifier {
    let m = this.matchers.get(step);
    if (!m) {
      const examples: Example[] = [];
      for (const o of options) {
        const phrases = [...this.labels(o.label), ...(o.aliases ?? []), ...(this.def.options[o.label] ?? [])];
        for (const text of phrases) examples.push({ text, label: o.id });
      }
      m = new TextClassifier(examples);
      this.matchers.set(step, m);
    }
    return m;
  }
}

function isActionable(i: IntentDef): i is ActionableIntent {
  return i.do !== undefined;
}
