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
  /** The request's fields (e.g. right, cooling_off_until) as stored. */
  fields?: Record<string, unknown>;
  /** The department holding the ticket, where the organisation declares departments. */
  department?: { en: string; hi: string };
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
  /** The reply-due instant for a new ticket of this kind received now, under the (department's) policy. */
  dueFor(kind: string, receivedAt: Date, department?: string): Date;
  /**
   * The department a new request goes to (by kind and grievance category); undefined where the
   * organisation declares no departments (or the host offers none, e.g. engine-only tests).
   */
  departmentFor?(kind: string, fields: Record<string, unknown>): { id: string; name: { en: string; hi: string } } | undefined;
  /** The consent notice in force: its version and the hash of its text in this language. */
  consentNotice(lang: Lang): { version: string; hash: string };
  /** When an erasure request received now may first be acted on (the cooling-off period). */
  coolingOffUntil(now: Date): Date;
  /** The identity assurance a kind of request needs (organisation's profile). */
  requiredLevel(request: string): 'none' | 'channel' | 'otp';
  identity: IdentityServices;
  /** Whether the profile says children may use the service (DPDP s.9): the consent step then asks. */
  childrenPossible?(): boolean;
  /** The citizen's own data in Nivaran (absent where the host offers none, e.g. engine-only tests). */
  ownData?: OwnDataServices;
}

/** Why some of a conversation's data must be kept despite an erasure (see retention/exceptions.ts). */
export type KeepReasonName = 'open_ticket' | 'appeal_pending' | 'board_case' | 'legal_hold';

/** What erasing this conversation's own data would do now (read-only look-up). */
export interface OwnErasurePlan {
  /** `full`: nothing protects it; `answering`: an open ticket or appeal; `hold`: a Board case or legal hold. */
  regime: 'full' | 'answering' | 'hold';
  reasons: KeepReasonName[];
  counts: { messages: number; verifications: number; ratings: number; nominations: number; tickets: number; links: number };
}

export interface OwnDataServices {
  /**
   * A new random download link for this conversation's data and when it expires; undefined when
   * no desk serves the links. Nothing is stored until the engine's event is applied.
   */
  newExport(): { url: string; tokenHash: string; expiresAt: string; hours: number } | undefined;
  erasurePlan(): Promise<OwnErasurePlan>;
}

/** The principal id of a decoy challenge (ids in the table start at 1). */
export const DECOY_PRINCIPAL = 0;

/** Identity checks; the host keeps codes out of the engine, the session and the database. */
export interface IdentityServices {
  /** The principal on file, and how a code can reach them (the kind the citizen named first, if it can be sent). */
  find(q: { mobile?: string; email?: string }): Promise<{ status: 'found'; principalId: number; via: 'sms' | 'email' | null } | { status: 'not_found' | 'ambiguous' }>;
  /**
   * Remembers a number or email that is not on file (or not usable) for a decoy challenge, and
   * returns the principal id that stands for it ({@link DECOY_PRINCIPAL}) and the kind of address;
   * undefined when the text is not a valid number or address.
   */
  decoy(q: { mobile?: string; email?: string }): Promise<{ principalId: number; via: 'sms' | 'email' } | undefined>;
  /**
   * Sends a code to the principal's address on file (after the message commits). For the decoy
   * principal nothing is sent, but the answer and every count are as for a real one.
   */
  startChallenge(principalId: number, via: 'sms' | 'email', lang: Lang): Promise<{ status: 'sent'; destination: string } | { status: 'locked'; until: string } | { status: 'resend_limit'; destination: string } | { status: 'send_limit'; destination: string; until: string } | { status: 'no_destination' }>;
  checkCode(code: string): Promise<{ status: 'verified' } | { status: 'wrong'; attemptsLeft: number } | { status: 'expired' | 'no_challenge' } | { status: 'locked'; until: string }>;
}

export interface ActionContext {
  readonly session: Readonly<SessionState>;
  readonly lang: Lang;
  readonly now: Date;
  readonly services: EngineServices;
  /** Unique per inbound message and step: the root of every idempotency key. */
  readonly effectKey: string;
  /** A secret the citizen just typed at an `otp` ask (never saved anywhere by the engine). */
  readonly secret: string | undefined;
  /** A number the channel vouches for on this message (WhatsApp sender, own Telegram contact). */
  readonly attested: { phone: string; method: 'whatsapp_sender' | 'telegram_contact' } | undefined;
}

export interface ActionOutcome {
  /** Which of the step's `exits` to follow; the step's `next` when absent. */
  exit?: string;
  /** Saved under the step's `save` variable. */
  result?: Json;
  events?: EngineEvent[];
  /** Session fields an action may change. */
  lang?: Lang;
  consent?: SessionState['consent'];
  verified?: SessionState['verified'];
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
