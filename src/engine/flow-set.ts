import { matchForm } from '../text/normalize.ts';
import type { Command, CommandsDefinition, FlowDefinition, Step } from './schema.ts';
import type { Position } from './session.ts';

/** Where every new conversation begins, and where three bad answers in a row lead. */
export const ENTRY: Position = { flow: 'main', step: 'start' };
export const STUCK: Position = { flow: 'main', step: 'stuck' };

export interface CompiledFlow {
  readonly def: FlowDefinition;
  readonly steps: ReadonlyMap<string, Step>;
  /** The step after each one in file order: the default `next`. */
  readonly following: ReadonlyMap<string, string | undefined>;
}

/** Flows and commands, indexed once at load so a message costs map lookups only. */
export interface FlowSet {
  readonly flows: ReadonlyMap<string, CompiledFlow>;
  readonly commands: readonly Command[];
  /** matchForm(word) → command, for whole-message commands. */
  readonly commandWords: ReadonlyMap<string, Command>;
}

export function compileFlowSet(flows: readonly FlowDefinition[], commands: CommandsDefinition): FlowSet {
  const compiled = new Map<string, CompiledFlow>();
  for (const def of flows) {
    const steps = new Map<string, Step>();
    const following = new Map<string, string | undefined>();
    def.steps.forEach((s, i) => {
      steps.set(s.id, s);
      following.set(s.id, def.steps[i + 1]?.id);
    });
    compiled.set(def.id, { def, steps, following });
  }
  const commandWords = new Map<string, Command>();
  for (const c of commands.commands) for (const w of c.words) commandWords.set(matchForm(w), c);
  return { flows: compiled, commands: commands.commands, commandWords };
}

/** `step` or `flow/step` relative to the flow it is written in. */
export function resolveTarget(from: string, target: string): Position {
  const slash = target.indexOf('/');
  return slash < 0 ? { flow: from, step: target } : { flow: target.slice(0, slash), step: target.slice(slash + 1) };
}
