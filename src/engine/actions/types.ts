import type { z } from 'zod';
import type { EngineEvent } from '../events.ts';
import type { Json, Lang, SessionState } from '../session.ts';

/** A ticket as the engine may show it to the citizen who owns it. */
export interface TicketView {
  number: string;
  kind: string;
  status: string;
  createdAt: string;
  dueAt: string;
}

/**
 * The narrow ports the engine may use (cf. goflow's flows.Services). The host binds them to the
 * unit of work of the message; tests bind them to memory.
 */
export interface EngineServices {
  /** The next number in the never-repeating sequence for this prefix and year. */
  nextTicketNumber(prefix: string, year: number): Promise<number>;
  /** A ticket of this conversation, or undefined (also for another citizen's ticket). */
  findOwnTicket(number: string): Promise<TicketView | undefined>;
  /** The reply-due instant for a new ticket of this kind received now, under the organisation's policy. */
  dueFor(kind: string, receivedAt: Date): Date;
}

export interface ActionContext {
  readonly session: Readonly<SessionState>;
  readonly lang: Lang;
  readonly now: Date;
  readonly services: EngineServices;
  /** Unique per inbound message and step: the root of every idempotency key. */
  readonly effectKey: string;
}

export interface ActionOutcome {
  /** Which of the step's `exits` to follow; the step's `next` when absent. */
  exit?: string;
  /** Saved under the step's `save` variable. */
  result?: Json;
  events?: EngineEvent[];
  /** The only session field an action may change. */
  lang?: Lang;
}

/**
 * One action type: its parameters (validated when flows load, after `$var` references are
 * resolved at run time) and what it does. Actions emit events; the effects layer applies them.
 */
export interface ActionDefinition<P extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly params: P;
  /** Named outcomes the step may route on. */
  readonly exits: readonly string[];
  run(ctx: ActionContext, params: z.infer<P>): Promise<ActionOutcome>;
}
