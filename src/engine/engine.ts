import type { RedactionKind } from '../text/redact.ts';
import { cleanText, hasDevanagari, matchForm, visibleLength } from '../text/normalize.ts';
import { ticketKindOf, ticketNumberAtEnd, ticketWordKey } from '../domain/tickets/ticket-number.ts';
import type { ActionRegistry } from './actions/registry.ts';
import type { EngineServices } from './actions/types.ts';
import type { Choice, EngineEvent, ParamValue } from './events.ts';
import { ENTRY, resolveTarget, STUCK, type FlowSet } from './flow-set.ts';
import { asksForResend, optionsOf, parseAnswer, type LabelLookup, type Parsed } from './inputs.ts';
import type { Command, Condition, StepOf, Step } from './schema.ts';
import { VERIFICATION_VALID_MS, type Json, type Lang, type Position, type SessionState } from './session.ts';
import type { IntentAction } from '../understanding/intents.ts';
import type { Reading, Understanding } from '../understanding/understanding.ts';

/**
 * The conversation engine: a flow set, a session and one input in; the next session and the
 * events of this sprint out. It never replays history, reads no clock and does no I/O of its
 * own: time, ids and the few look-ups it needs are injected through `EngineEnv`.
 */
export interface EngineEnv {
  readonly flows: FlowSet;
  readonly actions: ActionRegistry;
  readonly labels: LabelLookup;
  readonly services: EngineServices;
  readonly now: Date;
  /** Reads free-form words (src/understanding); without it only numbers, labels and command words work. */
  readonly understanding?: Understanding | undefined;
}

export interface EngineInput {
  /** Unique per channel and platform message: the root of idempotency keys. */
  readonly messageKey: string;
  readonly text: string;
  readonly choiceId?: string | undefined;
  readonly contact?: { phone: string; own: boolean } | undefined;
  /** Set for a sticker, voice note, photo… that carries no text the engine can read. */
  readonly media?: string | undefined;
  /** Identifiers the router masked before the engine saw the text. */
  readonly redacted?: readonly RedactionKind[] | undefined;
  /** A number the channel vouches is the sender's own (see InboundMessage.attested). */
  readonly attested?: { phone: string; method: 'whatsapp_sender' | 'telegram_contact' } | undefined;
}

export interface Sprint {
  session: SessionState;
  events: EngineEvent[];
  /** What the sprint did to `session.vars`: the session store writes only those answers. */
  varsChange: VarsChange;
}

/** The answers a sprint set or removed, after clearing them all if `reset`. */
export interface VarsChange {
  reset: boolean;
  names: Set<string>;
}

export const MAX_ATTEMPTS = 3;
const MAX_STEPS_PER_SPRINT = 200;
/** The session variable holding a guess the citizen was asked to confirm ("Did you mean …?"). */
export const GUESS_VAR = '_guess';
/** Longest description a problem typed at the menu may carry, when the flow has no description question to say. */
const MAX_DESCRIPTION = 2000;
const YES_NO_CHOICES: Choice[] = [
  { id: 'yes', label: 'common:answer.yes' },
  { id: 'no', label: 'common:answer.no' },
];

/** Shared texts the engine itself says; `flows check` requires each in every language. */
export const ENGINE_KEYS = [
  'common:answer.yes', 'common:answer.no', 'common:answer.skip', 'common:redaction.aadhaar', 'common:redaction.card', 'common:redaction.secret',
  'common:input.media_unsupported', 'common:input.edited', 'common:language.changed', 'common:help.general',
  'common:error.internal', 'common:input.too_many_attempts',
  ...['empty', 'no_words', 'too_long', 'too_short', 'invalid_choice', 'invalid_yes_no', 'invalid_phone',
    'invalid_email', 'invalid_number', 'invalid_integer', 'number_too_small', 'number_too_large', 'invalid_date',
    'date_in_future', 'date_in_past', 'invalid_ticket_ref', 'invalid_code', 'contact_not_own'].map((r) => `common:input.${r}`),
  'common:share_contact',
  'law:notice_changed', 'law:no_consent_text',
] as const;

export function newSession(lang: Lang | null = null): SessionState {
  return { lang, at: { ...ENTRY }, status: 'ended', vars: {}, attempts: 0, stack: [] };
}

/**
 * Runs one sprint. `session` undefined means a citizen we have not seen (or whose state expired).
 * The session passed in is left as it was, unless the caller gives it away whole with
 * `ownsSession` (the router's is already a copy the session store handed out, its `vars` lent by
 * the store's cache, and read no more after this call): it is then changed in place, `vars`
 * included, instead of copied a second time. Copying every answer kept, at every message, is what
 * made a long form's messages cost more the further the citizen got.
 */
export async function resume(
  env: EngineEnv, session: SessionState | undefined, input: EngineInput, opts: { ownsSession?: boolean } = {},
): Promise<Sprint> {
  const run = new Run(env, session ? (opts.ownsSession === true ? session : copy(session)) : newSession(), input);
  await run.handle();
  return { session: run.s, events: run.events, varsChange: run.varsChange };
}

/**
 * The parsed parameters of an action step that refers to no variable (`{ "value": true }`,
 * `{ "lang": "hi" }`): the same at every run, so parsed once per step and action and then shared,
 * frozen (an action reads its parameters, never writes them). Undefined for a step whose
 * parameters name a `$variable`: those are resolved and parsed at each run.
 */
const parsedStatic = new WeakMap<object, { def: object; parsed: { success: true; data: unknown } | { success: false } }>();
function staticParams(step: StepOf<'action'>, def: { params: { safeParse(v: unknown): { success: boolean; data?: unknown } } }): { success: true; data: never } | { success: false } | undefined {
  let hit = parsedStatic.get(step);
  if (hit === undefined || hit.def !== def) {
    if (refersToVariable(step.params)) return undefined;
    const r = def.params.safeParse(step.params);
    hit = { def, parsed: r.success ? { success: true, data: deepFreeze(r.data) } : { success: false } };
    parsedStatic.set(step, hit);
  }
  return hit.parsed as { success: true; data: never } | { success: false };
}

function refersToVariable(v: unknown): boolean {
  if (typeof v === 'string') return v.startsWith('$');
  if (Array.isArray(v)) return v.some(refersToVariable);
  if (v && typeof v === 'object') return Object.values(v).some(refersToVariable);
  return false;
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

function copy(s: SessionState): SessionState {
  return { ...s, at: { ...s.at }, vars: { ...s.vars }, stack: [...s.stack] };
}

class Run {
  readonly events: EngineEvent[] = [];
  readonly varsChange: VarsChange = { reset: false, names: new Set() };
  private steps = 0;
  private readonly hint: Lang;
  /** A one-time code just typed: handed to the next action only, then forgotten. */
  private secret: string | undefined;
  /** The typed text parsed as an answer to a waiting choice (see answersCurrentChoice). */
  private choiceParsed: { step: StepOf<'ask'>; parsed: Parsed } | undefined;

  constructor(
    private readonly env: EngineEnv,
    readonly s: SessionState,
    private readonly input: EngineInput,
  ) {
    // Typed Devanagari is a hint for a citizen who has not chosen a language yet.
    this.hint = hasDevanagari(input.text) ? 'hi' : 'en';
  }

  private get lang(): Lang {
    return this.s.lang ?? this.hint;
  }

  private get waiting(): boolean {
    return this.s.status === 'waiting';
  }

  async handle(): Promise<void> {
    for (const kind of this.input.redacted ?? []) this.say(`common:redaction.${kind}`);
    if (this.input.media && this.input.text.trim() === '' && !this.input.choiceId && !this.input.contact) {
      // An edit of an earlier message is not an answer: the flow has moved on.
      this.say(this.input.media === 'edited' ? 'common:input.edited' : 'common:input.media_unsupported');
      return this.waiting ? this.reprompt() : this.enter(ENTRY);
    }
    if (this.consentOutdated() && !this.atConsentOrLanguage()) {
      // The notice changed since the citizen accepted it (DPDP Rule 3): they read the new one
      // before anything else is taken. What they typed now is not an answer to anything.
      this.s.consent = null;
      this.s.stack = [];
      this.s.status = 'ended';
      this.say('law:notice_changed');
      return this.enter(ENTRY);
    }
    if (this.s.vars[GUESS_VAR] !== undefined && (await this.answerGuess())) return;
    const command = this.input.choiceId || this.input.contact || this.answersCurrentChoice() ? undefined : this.matchCommand();
    if (command) return this.runCommand(command.command.do, command.arg);
    if (!this.waiting) return (await this.understandAtRest()) ? undefined : this.enter(ENTRY);
    return this.answer();
  }

  // === Commands: words that work at any step

  private matchCommand(): { command: Command; arg?: string } | undefined {
    const said = matchForm(this.input.text);
    if (said === '') return undefined;
    const whole = this.env.flows.commandWords.get(said);
    if (whole && !whole.argRequired) return { command: whole };
    // "status GRV-2026-1", "स्थिति …", "cancel DPR-…": a command word, then a ticket number.
    const m = ticketNumberAtEnd(said);
    if (!m) return undefined;
    const head = this.env.flows.commandWords.get(said.slice(0, m.index).trim());
    if (head?.arg !== 'ticket_ref') return undefined;
    return { command: head, arg: m.number };
  }

  /** A word that is also an option of the waiting choice (e.g. "हिंदी" at the language question) is an answer. */
  private answersCurrentChoice(): boolean {
    if (!this.waiting) return false;
    const step = this.currentAsk();
    if (!step || (step.input.kind !== 'choice' && step.input.kind !== 'yes_no')) return false;
    const parsed = parseAnswer(step.input, { text: this.input.text }, this.env.labels, this.env.now);
    // Asked only of typed text (no choice tapped, no contact shared): the very answer `answer()`
    // parses next at the same step when this one is a match, so it is kept for it.
    this.choiceParsed = { step, parsed };
    return parsed.ok;
  }

  private async runCommand(action: Command['do'], arg: string | undefined): Promise<void> {
    switch (action.type) {
      case 'set_language':
        this.s.lang = action.lang;
        this.events.push({ type: 'language_changed', lang: action.lang });
        this.say('common:language.changed');
        return this.waiting ? this.reprompt() : this.enter(ENTRY);
      case 'help': {
        this.say('common:help.general');
        const step = this.waiting ? this.currentAsk() : undefined;
        if (step?.hint) this.say(step.hint, this.resolveParams(step.params));
        return this.waiting ? this.reprompt() : this.enter(ENTRY);
      }
      case 'call':
        if (this.waiting) this.s.stack.push({ ...this.s.at });
        if (action.argVar && arg !== undefined) this.setVar(action.argVar, arg);
        else if (action.argVar) this.deleteVar(action.argVar);
        return this.enter(resolveTarget(ENTRY.flow, action.to));
      case 'reset':
        this.s.stack = [];
        this.resetVars();
        return this.enter(resolveTarget(ENTRY.flow, action.to));
    }
  }

  // === Answers

  /** The citizen accepted an earlier version of the consent notice than the one in force. */
  private consentOutdated(): boolean {
    const c = this.s.consent;
    return !!c && c.version !== this.env.services.consentNotice(this.lang).version;
  }

  /** Waiting at the consent notice or a language question: answering those collects nothing. */
  private atConsentOrLanguage(): boolean {
    return this.waiting && (this.s.at.flow === 'consent' || (this.s.at.flow === 'main' && this.s.at.step.includes('language')));
  }

  private async answer(): Promise<void> {
    const step = this.currentAsk();
    if (!step) return this.enter(ENTRY);
    if (step.input.kind === 'text' && !step.statutory && !this.s.consent) {
      // No consent (never given, declined or withdrawn): no free text is taken, whatever step
      // the session was left at. The citizen is shown where they stand instead.
      this.events.push({ type: 'input_rejected', ...this.s.at, reason: 'no_consent', attempt: 0 });
      this.s.status = 'ended';
      this.s.stack = [];
      this.say('law:no_consent_text');
      return this.enter(ENTRY);
    }
    if (step.input.kind === 'otp' && asksForResend(this.input.text)) return this.enter(resolveTarget(this.s.at.flow, step.input.resend));
    const foreignContact = step.shareContact && this.input.contact !== undefined && !this.input.contact.own;
    const parsed: Parsed = foreignContact
      ? { ok: false, reason: 'contact_not_own' }
      : this.choiceParsed?.step === step && this.input.choiceId === undefined && this.input.contact === undefined
        ? this.choiceParsed.parsed
        : parseAnswer(step.input, this.input, this.env.labels, this.env.now);
    if (parsed.ok && step.input.kind === 'otp') {
      // Never saved: the code goes to the next action and nowhere else.
      this.secret = String(parsed.value);
      this.s.attempts = 0;
      return this.enter(this.after(this.s.at, step.next));
    }
    if (parsed.ok) return this.accept(step, parsed);
    if (await this.understand(step)) return;
    this.s.attempts += 1;
    this.events.push({ type: 'input_rejected', ...this.s.at, reason: parsed.reason, attempt: this.s.attempts });
    if (this.s.attempts >= MAX_ATTEMPTS) {
      this.s.attempts = 0;
      this.s.stack.push({ ...this.s.at });
      this.say('common:input.too_many_attempts');
      return this.enter(STUCK);
    }
    // At the menu, an answer not understood gets a plain account of what the bot can do.
    if (parsed.reason === 'invalid_choice' && this.atMenu()) this.say('understanding:can_do');
    else this.say(`common:input.${parsed.reason}`, parsed.params ?? {});
    if (step.hint) this.say(step.hint, this.resolveParams(step.params));
    this.prompt(step);
  }

  private accept(step: StepOf<'ask'>, parsed: Extract<Parsed, { ok: true }>): Promise<void> {
    this.setVar(step.save, parsed.value);
    this.s.attempts = 0;
    this.events.push({ type: 'result_set', name: step.save });
    return this.enter(this.after(this.s.at, parsed.next ?? step.next));
  }

  // === Understanding: the citizen's own words (src/understanding, docs/understanding.md)

  private atMenu(): boolean {
    const u = this.env.understanding;
    return u !== undefined && `${this.s.at.flow}/${this.s.at.step}` === u.menu;
  }

  /**
   * An answer that did not parse: an option said in other words, or something the citizen can ask
   * for anywhere. A free-text question takes the text as its answer, never as a request.
   */
  private async understand(step: StepOf<'ask'>): Promise<boolean> {
    const u = this.env.understanding;
    const kind = step.input.kind;
    if (!u || this.input.choiceId !== undefined || this.input.contact || kind === 'text' || kind === 'otp') return false;
    const here = `${this.s.at.flow}/${this.s.at.step}`;
    const options = kind === 'choice' || kind === 'yes_no' ? optionsOf(step.input) : undefined;
    const reading = u.read(this.input.text, { step: here, options, yesNo: kind === 'yes_no', atMenu: here === u.menu });
    return this.follow(reading, step);
  }

  /** Between conversations (language and consent settled), a message is read as if at the menu. */
  private async understandAtRest(): Promise<boolean> {
    const u = this.env.understanding;
    if (!u || !this.s.lang || !this.s.consent || this.input.choiceId !== undefined || this.input.contact) return false;
    const menu = resolveTarget(ENTRY.flow, u.menu);
    const step = this.stepAt(menu);
    if (step?.type !== 'ask') return false;
    const reading = u.read(this.input.text, { step: u.menu, options: optionsOf(step.input), atMenu: true });
    if (reading.kind === 'none') return false;
    if (reading.kind === 'intent' && reading.intent.do.type === 'say') {
      // "Thanks" after a conversation is answered and the conversation stays closed; a greeting gets the welcome.
      if (!reading.intent.anywhere) return false;
      this.say(reading.intent.do.text);
      return true;
    }
    this.s.at = menu;
    this.s.status = 'waiting';
    this.s.stack = [];
    return this.follow(reading, step);
  }

  private async follow(reading: Reading, step: StepOf<'ask'>): Promise<boolean> {
    if (reading.kind === 'none') return false;
    if (!reading.sure) {
      const guess: Record<string, Json> = reading.kind === 'option' ? { option: reading.id } : { intent: reading.intent.id };
      if (reading.kind === 'intent' && reading.arg) guess.arg = reading.arg;
      // The problem's words wait in the session for the answer, only with consent to keep what is typed.
      if (reading.kind === 'intent' && reading.intent.do.type === 'describe' && this.s.consent) guess.text = this.input.text;
      this.setVar(GUESS_VAR, guess);
      const what = { t: reading.kind === 'option' ? reading.label : `understanding:intent.${reading.intent.id}` };
      const key = reading.kind === 'intent' && reading.intent.confirm ? 'understanding:confirm' : 'understanding:did_you_mean';
      if (key === 'understanding:confirm') guess.confirm = true;
      this.say(key, { what }, YES_NO_CHOICES);
      return true;
    }
    if (reading.kind === 'option') await this.choose(step, reading.id);
    else await this.act(reading.intent.do, reading.arg, this.input.text);
    return true;
  }

  /** The answer to "Did you mean …?": yes does it, no says what the bot can do, anything else is read afresh. */
  private async answerGuess(): Promise<boolean> {
    const guess = this.s.vars[GUESS_VAR];
    this.deleteVar(GUESS_VAR);
    const u = this.env.understanding;
    if (!u || this.input.contact || !guess || typeof guess !== 'object' || Array.isArray(guess)) return false;
    const yn = parseAnswer({ kind: 'yes_no' }, { text: this.input.text, ...(this.input.choiceId ? { choiceId: this.input.choiceId } : {}) }, this.env.labels, this.env.now);
    if (!yn.ok) return false;
    const step = this.waiting ? this.currentAsk() : undefined;
    if (yn.value === 'no') {
      // "No" to a confirmation changes nothing; "no" to a guess means it was wrong.
      this.say(guess.confirm === true ? 'understanding:nothing_done' : this.atMenu() ? 'understanding:can_do' : 'understanding:guess_declined');
      await (step ? this.reprompt() : this.enter(ENTRY));
      return true;
    }
    if (typeof guess.option === 'string') {
      await (step ? this.choose(step, guess.option) : this.enter(ENTRY));
      return true;
    }
    const intent = typeof guess.intent === 'string' ? u.intent(guess.intent) : undefined;
    if (!intent) return false;
    await this.act(intent.do, typeof guess.arg === 'string' ? guess.arg : undefined, typeof guess.text === 'string' ? guess.text : '');
    return true;
  }

  private async choose(step: StepOf<'ask'>, optionId: string): Promise<void> {
    const parsed = parseAnswer(step.input, { text: '', choiceId: optionId }, this.env.labels, this.env.now);
    return parsed.ok ? this.accept(step, parsed) : this.reprompt();
  }

  private async act(action: IntentAction, arg: string | undefined, text: string): Promise<void> {
    switch (action.type) {
      case 'say':
        this.say(action.text);
        return this.waiting ? this.reprompt() : undefined;
      case 'describe': {
        // A problem typed at the menu: it is the description, and its category is a guess the summary shows.
        const description = cleanText(text);
        const to = resolveTarget(ENTRY.flow, action.to);
        if (!this.s.consent || description === '') {
          // Without consent nothing typed is kept: the grievance starts from its first question.
          this.s.stack = [];
          return this.enter({ flow: to.flow, step: this.env.flows.flows.get(to.flow)?.def.start ?? to.step });
        }
        const question = [...(this.env.flows.flows.get(to.flow)?.steps.values() ?? [])].find(
          (s): s is StepOf<'ask'> => s.type === 'ask' && s.save === action.category && s.input.kind === 'choice',
        );
        const offered = question ? optionsOf(question.input).map((o) => o.id) : [];
        const category = this.env.understanding?.guessCategory(description, offered);
        this.s.stack = [];
        this.resetVars();
        // Longer than the flow's description question takes: never cut (the citizen would not know
        // what was dropped). They are told, as that question tells them, and asked to write it shorter.
        const describe = [...(this.env.flows.flows.get(to.flow)?.steps.values() ?? [])].find(
          (s): s is StepOf<'ask'> => s.type === 'ask' && s.save === action.text && s.input.kind === 'text',
        );
        const max = describe?.input.kind === 'text' ? describe.input.max : MAX_DESCRIPTION;
        const length = visibleLength(description);
        const tooLong = length > max;
        if (tooLong) {
          this.events.push({ type: 'input_rejected', flow: to.flow, step: describe?.id ?? to.step, reason: 'too_long', attempt: 0 });
          this.say('common:input.too_long', { max, length });
        } else {
          this.setVar(action.text, description);
          this.events.push({ type: 'result_set', name: action.text });
        }
        // No category to guess among the organisation's own: the citizen chooses it.
        if (category === undefined || !question) return this.enter({ flow: to.flow, step: question?.id ?? to.step });
        this.setVar(action.category, category);
        this.events.push({ type: 'result_set', name: action.category });
        return this.enter(tooLong && describe ? { flow: to.flow, step: describe.id } : to);
      }
      default:
        return this.runCommand(action, arg);
    }
  }

  /** Asks the waiting question again; the count of answers that did not fit stays. */
  private async reprompt(): Promise<void> {
    const step = this.currentAsk();
    if (step) this.prompt(step);
    else await this.enter(ENTRY);
  }

  private currentAsk(): StepOf<'ask'> | undefined {
    const step = this.stepAt(this.s.at);
    return step?.type === 'ask' ? step : undefined;
  }

  // === Running steps until the next question or the end

  private async enter(start: Position): Promise<void> {
    let pos = start;
    for (;;) {
      if (++this.steps > MAX_STEPS_PER_SPRINT) return this.fail('NIV_FLOW_LOOP', `more than ${MAX_STEPS_PER_SPRINT} steps without a question at ${pos.flow}/${pos.step}`);
      const step = this.stepAt(pos);
      if (!step) return this.fail('NIV_FLOW_INVALID', `no step ${pos.flow}/${pos.step}`);
      this.s.at = { ...pos };
      switch (step.type) {
        case 'say':
          this.say(step.text, this.resolveParams(step.params));
          pos = this.after(pos, step.next);
          break;
        case 'ask':
          this.s.status = 'waiting';
          this.s.attempts = 0;
          this.prompt(step);
          this.events.push({ type: 'wait_started', ...pos, kind: step.input.kind });
          return;
        case 'branch': {
          const hit = step.cases.find((c) => this.test(c.when));
          pos = resolveTarget(pos.flow, hit ? hit.goto : step.else);
          break;
        }
        case 'action': {
          const next = await this.runAction(pos, step);
          if (!next) return;
          pos = next;
          break;
        }
        case 'goto':
          if (step.reset) {
            this.s.stack = [];
            this.resetVars();
          }
          pos = resolveTarget(pos.flow, step.to);
          break;
        case 'return':
          pos = this.s.stack.pop() ?? resolveTarget(pos.flow, step.else);
          break;
        case 'call':
          this.s.stack.push(resolveTarget(pos.flow, step.next));
          pos = resolveTarget(pos.flow, step.to);
          break;
        case 'end':
          if (step.text) this.say(step.text, this.resolveParams(step.params));
          this.end(pos.flow);
          return;
      }
    }
  }

  private async runAction(pos: Position, step: StepOf<'action'>): Promise<Position | undefined> {
    const def = this.env.actions.get(step.action);
    if (!def) {
      this.fail('NIV_FLOW_INVALID', `unknown action ${step.action} at ${pos.flow}/${pos.step}`);
      return undefined;
    }
    const params = staticParams(step, def) ?? def.params.safeParse(this.resolveDeep(step.params));
    if (!params.success) {
      this.fail('NIV_FLOW_INVALID', `action ${step.action} at ${pos.flow}/${pos.step} got bad parameters`);
      return undefined;
    }
    const outcome = await def.run(
      {
        session: this.s,
        lang: this.lang,
        now: this.env.now,
        services: this.env.services,
        effectKey: `${this.input.messageKey}:${pos.flow}/${pos.step}`,
        secret: this.secret,
        attested: this.input.attested,
      },
      params.data,
    );
    this.secret = undefined;
    if (outcome.lang) this.s.lang = outcome.lang;
    if (outcome.consent !== undefined) this.s.consent = outcome.consent;
    if (outcome.verified !== undefined) this.s.verified = outcome.verified;
    if (outcome.events) this.events.push(...outcome.events);
    if (step.save) {
      this.setVar(step.save, outcome.result ?? null);
      this.events.push({ type: 'result_set', name: step.save });
    }
    const exit = outcome.exit !== undefined ? step.exits?.[outcome.exit] : undefined;
    return exit ? resolveTarget(pos.flow, exit) : this.after(pos, step.next);
  }

  private after(pos: Position, next: string | undefined): Position {
    if (next) return resolveTarget(pos.flow, next);
    const following = this.env.flows.flows.get(pos.flow)?.following.get(pos.step);
    // `flows check` rejects a step that falls off the end; treat it as the flow's end at run time.
    return { flow: pos.flow, step: following ?? '__end__' };
  }

  private stepAt(pos: Position): Step | undefined {
    if (pos.step === '__end__') return { id: 'end', type: 'end' };
    return this.env.flows.flows.get(pos.flow)?.steps.get(pos.step);
  }

  private end(flow: string): void {
    this.s.status = 'ended';
    this.s.stack = [];
    this.s.attempts = 0;
    this.events.push({ type: 'flow_ended', flow });
  }

  /** A flow bug: say sorry, log it, and leave the citizen somewhere they can start again. */
  private fail(code: string, message: string): void {
    this.events.push({ type: 'error', code, message });
    this.say('common:error.internal');
    this.resetVars();
    this.end(this.s.at.flow);
  }

  // === Messages, variables and conditions

  private prompt(step: StepOf<'ask'>): void {
    const choices: Choice[] = optionsOf(step.input).map((o) => ({ id: o.id, label: o.label }));
    this.say(step.prompt, this.resolveParams(step.params), choices, step.shareContact);
  }

  private say(key: string, params: Record<string, ParamValue> = {}, choices: Choice[] = [], requestContact = false): void {
    this.events.push({ type: 'msg_created', lang: this.lang, key, params, choices, ...(requestContact ? { requestContact } : {}) });
  }

  private resolveParams(params: Record<string, unknown> | undefined): Record<string, ParamValue> {
    const out: Record<string, ParamValue> = {};
    if (!params) return out;
    for (const [k, v] of Object.entries(params)) {
      if (typeof v === 'string' && v.startsWith('t:')) out[k] = { t: v.slice(2) };
      else if (typeof v === 'string' && v.startsWith('$')) {
        const [path, filter] = v.slice(1).split('|');
        const value = this.lookup(path!);
        if (filter === 'date' && typeof value === 'string') out[k] = { date: value };
        else if (filter === 'datetime' && typeof value === 'string') out[k] = { datetime: value };
        // `$category|t:grievance.category.` shows the translated label of a choice id.
        else if (filter?.startsWith('t:') && typeof value === 'string') out[k] = { t: `${filter.slice(2)}${value}` };
        // `$feedback_ticket|ticket_word`: what a ticket is called in the citizen's language, from its
        // number (Hindi: टिकट for a grievance, अनुरोध for a data-rights request).
        else if (filter === 'ticket_word') out[k] = { t: ticketWordKey(typeof value === 'string' ? ticketKindOf(value) : undefined) };
        else out[k] = value === null || value === undefined ? '' : typeof value === 'number' ? value : String(value);
      } else if (typeof v === 'string' || typeof v === 'number') out[k] = v;
      else if (typeof v === 'boolean') out[k] = String(v);
    }
    return out;
  }

  private resolveDeep(v: unknown): unknown {
    if (typeof v === 'string' && v.startsWith('$')) return this.lookup(v.slice(1)) ?? null;
    if (Array.isArray(v)) return v.map((x) => this.resolveDeep(x));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.resolveDeep(x)]));
    return v;
  }

  private setVar(name: string, value: Json): void {
    this.s.vars[name] = value;
    this.varsChange.names.add(name);
  }

  private deleteVar(name: string): void {
    delete this.s.vars[name];
    this.varsChange.names.add(name);
  }

  private resetVars(): void {
    this.s.vars = {};
    this.varsChange.reset = true;
    this.varsChange.names.clear();
  }

  private lookup(path: string): Json | undefined {
    // Most references (a branch's condition above all) name one answer: read without a split.
    if (!path.includes('.')) return path === 'session' ? this.sessionView() : this.s.vars[path];
    // `session.…` reads what survives a reset of the flow's answers: language, consent, identity.
    const parts = path.split('.');
    let cur: Json | undefined = this.s.vars;
    if (parts[0] === 'session') {
      cur = this.sessionView();
      parts.shift();
    }
    for (const part of parts) {
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
      cur = cur[part];
    }
    return cur;
  }

  private sessionView(): Json {
    const v = this.s.verified;
    const fresh = v && this.env.now.getTime() - Date.parse(v.at) < VERIFICATION_VALID_MS ? v : null;
    return { lang: this.s.lang, consent: this.s.consent ?? null, verified: fresh };
  }

  private test(c: Condition): boolean {
    const v = this.lookup(c.var);
    if (c.exists !== undefined && (v !== undefined && v !== null) !== c.exists) return false;
    if (c.equals !== undefined && v !== c.equals) return false;
    if (c.in !== undefined && !c.in.some((x) => x === v)) return false;
    return true;
  }
}
