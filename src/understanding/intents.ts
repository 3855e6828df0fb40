import path from 'node:path';
import { z } from 'zod';
import { AppError, ERROR_CODES } from '../errors.ts';
import { parseYamlFile } from '../yaml-file.ts';
import { CURRENT_SPEC_VERSION, target } from '../engine/schema.ts';

/**
 * flows/intents.yaml: what citizens ask for, as example phrasings per intent (see
 * docs/understanding.md). Validated here with zod; `flows check` then checks every target,
 * option and text it names against the flows and the locales.
 */
export const INTENTS_FILE = 'intents.yaml';

const id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower_snake_case id');
/** A text the engine says: a key in the `understanding` namespace (both languages required). */
const textKey = z.string().regex(/^understanding:[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/, 'understanding:… key');

export const intentAction = z.discriminatedUnion('type', [
  /** Run a flow as a subroutine (or, at the menu, go to it), like the command words. */
  z.object({ type: z.literal('call'), to: target, argVar: id.optional() }),
  z.object({ type: z.literal('reset'), to: target }),
  z.object({ type: z.literal('help') }),
  /** Answer with a text and stay where the conversation is. */
  z.object({ type: z.literal('say'), text: textKey }),
  /**
   * A problem described in full: the message becomes `text`, the guessed category `category`,
   * and the conversation goes to `to` (the grievance flow after its description question).
   */
  z.object({ type: z.literal('describe'), to: target, text: id, category: id }),
]);

const phrase = z.string().trim().min(1).max(300);

export const intentsSchema = z.object({
  specVersion: z.literal(CURRENT_SPEC_VERSION),
  menu: target,
  thresholds: z
    .object({ act: z.number().min(0).max(1), ask: z.number().min(0).max(1), margin: z.number().min(0).max(1) })
    .refine((t) => t.ask <= t.act, 'ask must not exceed act'),
  intents: z
    .array(
      z.object({
        id,
        /** Works at any question (else only at the menu or between conversations). */
        anywhere: z.boolean().default(false),
        /** Always asks "Do you want to …?" before acting, however sure: erase, withdraw, cancel, appeal. */
        confirm: z.boolean().default(false),
        /** Ids of choice options this intent picks where a question offers one (default: the intent's id). */
        options: z.array(id).optional(),
        /** What the bot does; an intent without it is a kind of message the bot does not act on (small talk, noise). */
        do: intentAction.optional(),
        examples: z.array(phrase).min(3),
      }),
    )
    .min(1)
    .refine((list) => new Set(list.map((i) => i.id)).size === list.length, 'intent ids must be unique'),
  categories: z.record(id, z.array(phrase).min(1)).default({}),
  options: z.record(z.string().min(1), z.array(phrase).min(1)).default({}),
});

export type IntentsDefinition = z.infer<typeof intentsSchema>;
export type IntentDef = IntentsDefinition['intents'][number];
export type IntentAction = z.infer<typeof intentAction>;

/** Reads flows/intents.yaml; a problem names the file and the field. */
export function loadIntents(dir: string): IntentsDefinition {
  const file = path.join(dir, INTENTS_FILE);
  let raw: unknown;
  try {
    raw = parseYamlFile(file);
  } catch (cause) {
    throw new AppError(ERROR_CODES.FLOW_INVALID, `Cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
  // Parsed once, at start: zod's compiled fast path for these schemas costs more to build than it saves (jitless).
  const r = intentsSchema.safeParse(raw, { jitless: true });
  if (!r.success) throw new AppError(ERROR_CODES.FLOW_INVALID, `${file} is not valid:\n${z.prettifyError(r.error)}`);
  return r.data;
}
