import { z } from 'zod';

/**
 * The flow definition format. Flows are data (flows/*.json): steps that say, ask, branch,
 * run an action, jump, return from a call, or end. Every text is an i18n key, never prose.
 * `specVersion` is migrated forward at load (see migrations.ts).
 */
export const CURRENT_SPEC_VERSION = '1.0.0';

const id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower_snake_case id');
/** An i18n key in the `flows` namespace, `common:…` for the engine's shared texts, `law:…`, `departments:…` or `security:…`. */
export const i18nKey = z.string().regex(/^(common:|law:|departments:|security:)?[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/, 'dotted i18n key');
/** `step` within the same flow, or `flow/step`. */
export const target = z.string().regex(/^([a-z][a-z0-9_]*\/)?[a-z][a-z0-9_]*$/, 'step id or flow/step');
/** Literal, `$var.path` (a variable, optionally `|date`, `|datetime`, `|t:key.prefix.` or `|ticket_word`: "टिकट"/"अनुरोध" from a ticket number) or `t:key` (a translated text). */
const paramValue = z.union([z.string(), z.number(), z.boolean()]);
const params = z.record(z.string(), paramValue);

const option = z.object({
  id,
  label: i18nKey,
  /** Extra words that select this option, in any language (e.g. romanised Hindi). */
  aliases: z.array(z.string().min(1)).optional(),
  next: target.optional(),
});

export const inputSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('choice'), options: z.array(option).min(1).max(10) }),
  z.object({ kind: z.literal('yes_no') }),
  z.object({
    kind: z.literal('text'),
    min: z.number().int().min(1).default(1),
    max: z.number().int().min(1).max(4000).default(2000),
    /** The citizen may skip the question (a "Skip" choice, or words such as skip / no / छोड़ें): saved as null. */
    optional: z.boolean().optional(),
  }),
  z.object({ kind: z.literal('phone') }),
  z.object({ kind: z.literal('email') }),
  z.object({
    kind: z.literal('number'),
    min: z.number().optional(),
    max: z.number().optional(),
    integer: z.boolean().default(true),
  }),
  z.object({ kind: z.literal('date'), allowFuture: z.boolean().default(false), allowPast: z.boolean().default(true) }),
  z.object({ kind: z.literal('ticket_ref') }),
  /**
   * A one-time code: never saved to a variable, the transcript or the database; handed only to
   * the next action (which must check it). `resend` is where "resend" leads.
   */
  z.object({ kind: z.literal('otp'), resend: target }),
]);

const condition = z.object({
  var: z.string().min(1),
  equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
  in: z.array(z.union([z.string(), z.number()])).optional(),
  exists: z.boolean().optional(),
});

const base = { id };

export const stepSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('say'), text: i18nKey, params: params.optional(), next: target.optional() }),
  z.object({
    ...base,
    type: z.literal('ask'),
    prompt: i18nKey,
    params: params.optional(),
    input: inputSpec,
    save: id,
    /** Said with the re-ask after an answer that does not fit. */
    hint: i18nKey.optional(),
    /**
     * `directory`: the answer (a mobile or email) is looked up in the organisation's HTTP
     * directory before the message is handled, outside its transaction.
     */
    lookup: z.enum(['directory']).optional(),
    /**
     * A phone question about the citizen's own number: channels offer their "share my number"
     * button, and a shared contact is accepted only when it is the citizen's own.
     */
    shareContact: z.boolean().default(false),
    /**
     * Free text asked for even without the citizen's consent (none given, or withdrawn), because
     * a statutory request already under way needs the answer (an officer's question on a rights
     * request). Every other free-text question is skipped then: DPDP s.6(6) stops collection.
     */
    statutory: z.boolean().default(false),
    next: target.optional(),
  }),
  z.object({
    ...base,
    type: z.literal('branch'),
    cases: z.array(z.object({ when: condition, goto: target })).min(1),
    else: target,
  }),
  z.object({
    ...base,
    type: z.literal('action'),
    action: id,
    params: z.record(z.string(), z.unknown()).default({}),
    save: id.optional(),
    next: target.optional(),
    /** Named outcomes of the action (e.g. found / not_found) and where each leads. */
    exits: z.record(z.string(), target).optional(),
  }),
  z.object({
    ...base,
    type: z.literal('goto'),
    to: target,
    /** Forget the call stack and the flow's answers (used for "back to the menu"). */
    reset: z.boolean().default(false),
  }),
  z.object({ ...base, type: z.literal('return'), else: target }),
  /** Runs another flow's steps as a subroutine: its `return` comes back to `next`. */
  z.object({ ...base, type: z.literal('call'), to: target, next: target }),
  z.object({ ...base, type: z.literal('end'), text: i18nKey.optional(), params: params.optional() }),
]);

export const flowSchema = z.object({
  specVersion: z.literal(CURRENT_SPEC_VERSION),
  id,
  start: id,
  /** Steps the host may put a citizen at directly (e.g. an officer's question): checked as reachable. */
  entries: z.array(id).default([]),
  /** Variables the host sets when it enters the flow that way: checked as known. */
  inputs: z.array(id).default([]),
  steps: z.array(stepSchema).min(1),
});

const commandAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal('set_language'), lang: z.enum(['en', 'hi']) }),
  z.object({ type: z.literal('call'), to: target, argVar: id.optional() }),
  z.object({ type: z.literal('reset'), to: target }),
  z.object({ type: z.literal('help') }),
]);

/** Words that work at any step: language switch, status, menu, help, officer. */
export const commandsSchema = z.object({
  specVersion: z.literal(CURRENT_SPEC_VERSION),
  commands: z.array(
    z.object({
      id,
      words: z.array(z.string().min(1)).min(1),
      /** When set, the word may be followed by an argument of this input kind. */
      arg: z.enum(['ticket_ref']).optional(),
      /** The word alone is not the command (e.g. "cancel"): only word + argument is. */
      argRequired: z.boolean().default(false),
      do: commandAction,
    }),
  ),
});

export type FlowDefinition = z.infer<typeof flowSchema>;
export type Step = z.infer<typeof stepSchema>;
export type StepOf<T extends Step['type']> = Extract<Step, { type: T }>;
export type InputSpec = z.infer<typeof inputSpec>;
export type Condition = z.infer<typeof condition>;
export type CommandsDefinition = z.infer<typeof commandsSchema>;
export type Command = CommandsDefinition['commands'][number];
