import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { UnitOfWork } from '../storage/unit-of-work.ts';
import { toAsciiDigits } from '../text/normalize.ts';
import { maskDestination } from './mask.ts';

/**
 * One-time codes that check a citizen holds the mobile number or mailbox on file (DPDP Rules
 * r.14: the identifier the organisation issued; "never persist OTPs", see legal-requirements §3).
 *
 * All state goes through the unit of work's `ephemeral` keyv store, so it commits or rolls back
 * with the message that changed it. Only an HMAC of the code is kept: the code itself leaves this
 * module once, in the `dispatch` returned by {@link OtpService.start}, which the caller hands to a
 * sender after its transaction commits and never stores.
 *
 * Times are judged against the `now` the caller passes (its injected clock): keyv's TTL runs on
 * the real clock and only lets keyv forget a record some time after it stopped mattering.
 */

/** The languages a code message is written in. */
export type CodeLang = 'en' | 'hi';

/** What starting a challenge did. `destination` is masked; `expiresAt` and `until` are ISO instants. */
export type ChallengeStart =
  | { status: 'sent'; destination: string; expiresAt: string }
  /** This conversation is locked out for this destination (too many wrong codes). */
  | { status: 'locked'; until: string }
  /** The current code was already resent {@link MAX_RESENDS} times; it stays valid until `expiresAt`. */
  | { status: 'resend_limit'; destination: string; expiresAt: string }
  /** {@link MAX_SENDS_PER_DESTINATION} codes went to this destination (or principal) within the hour, from any conversation; none is sent before `until`. */
  | { status: 'send_limit'; destination: string; until: string };

/**
 * Who a challenge is about, beyond the conversation asking. Two limits, of two kinds:
 *
 * - Guesses: wrong codes and lock-outs are kept per (conversation, destination). Someone who knows
 *   a citizen's number and fails codes for it from another chat locks out only that chat, never
 *   the citizen's own (before, the count was per destination and per principal, so a stranger
 *   could keep a citizen from ever verifying).
 * - Codes sent: at most {@link MAX_SENDS_PER_DESTINATION} an hour per destination and per principal,
 *   whichever conversation asks. Every guess needs a code sent for its own conversation (a code is
 *   bound to it), and a conversation gets {@link DEFAULT_MAX_ATTEMPTS} wrong codes per destination
 *   however many codes it asks for, so at most N × M guesses an hour reach one number (5 × 3 = 15
 *   against a million six-digit codes), and the cap bounds SMS bombing too.
 */
export interface ChallengeSubject {
  /** The principal on file; absent for a decoy. */
  principalId?: number;
  /**
   * A decoy: the number or email typed is not on file (or not usable). Everything is counted and
   * answered exactly as for a real challenge, but no code is sent and no code can match, so the
   * answers cannot be used to test who is a customer.
   */
  decoy?: boolean;
}

/** What checking a typed code found. */
export type ChallengeCheck =
  | { status: 'verified' }
  | { status: 'wrong'; attemptsLeft: number }
  | { status: 'expired' }
  | { status: 'locked'; until: string }
  | { status: 'no_challenge' };

/**
 * A code to deliver. It exists only in memory: send it after the unit of work that started the
 * challenge has committed (so a rolled-back message never leaves a code in someone's phone that
 * the database does not know), and never log or store it.
 */
export interface CodeDispatch {
  via: 'sms' | 'email';
  /** Unmasked: E.164 for sms, the address for email. */
  to: string;
  code: string;
  lang: CodeLang;
  /** How long the code is valid, for the message text; 5 when absent. */
  expiresInMinutes?: number;
}

export interface OtpOptions {
  /** The HMAC key. Instances that share a database must share it (OTP_SECRET). */
  secret: string | Buffer;
  /** Digits per code (4–10); 6 by default. */
  codeLength?: number;
  /** How long a code is valid; 5 minutes by default. */
  ttlMs?: number;
  /** Wrong codes allowed before the conversation is locked out for the destination; {@link DEFAULT_MAX_ATTEMPTS} by default. */
  maxAttempts?: number;
  /** A string of `digits` decimal digits; injectable for tests. Defaults to `crypto.randomInt`. */
  random?: (digits: number) => string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Lock-out lengths: the first, the second, and every later one while the count is remembered. */
const LOCKOUT_BACKOFF_MS = [15 * MINUTE, HOUR, 24 * HOUR] as const;
/**
 * How long the lock-out count is remembered after a lock-out ends. Counted from the end rather
 * than from the start, so that a 24-hour lock-out is not followed at once by a 15-minute one.
 */
const LOCKOUT_MEMORY_MS = 24 * HOUR;
/** A challenge is kept this long past its expiry, so that a late code is told "expired", not "no code". */
const EXPIRED_GRACE_MS = 15 * MINUTE;

interface StoredChallenge {
  /** base64url HMAC-SHA256 of `conversationKey NUL code`. */
  hash: string;
  expiresAt: string;
  /** Wrong codes so far, carried over when a new code replaces this one. */
  attempts: number;
  /** Times this challenge's code was resent (a new code to the same destination before expiry). */
  resends?: number;
  /** Counter keys of the destination (first) and principal (hashes; no personal data): what codes sent are capped per. */
  subjects?: string[];
  /** Masked destination, for the resend-limit answer. */
  destination?: string;
}

interface StoredLockout {
  /** Lock-outs while remembered; picks the next back-off. */
  count: number;
  until: string;
  /** When the count is forgotten. */
  forgetAt: string;
}

const challengeKey = (conversationKey: string) => `otp:challenge:${conversationKey}`;
/**
 * Wrong codes and lock-outs are kept per `g:<hash of conversation and destination>`; codes sent per
 * `d:<destination hash>` and `p:<principal id>`.
 */
const lockoutKey = (subject: string) => `otp:lockout:${subject}`;
const failsKey = (subject: string) => `otp:fails:${subject}`;
const sendsKey = (subject: string) => `otp:sends:${subject}`;
const digest = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 22);
/** The destination as a hash, so counters hold no phone number or address. */
const destSubject = (via: 'sms' | 'email', address: string) => `d:${digest(`${via}:${address.toLowerCase()}`)}`;
/** One conversation's guesses at one destination's codes. */
const guessSubject = (conversationKey: string, destination: string) => `g:${digest(`${conversationKey}\u0000${destination}`)}`;

function defaultRandom(digits: number): string {
  return String(randomInt(0, 10 ** digits)).padStart(digits, '0');
}

function isChallenge(v: unknown): v is StoredChallenge {
  const c = v as Partial<StoredChallenge> | null | undefined;
  return typeof c?.hash === 'string' && typeof c.expiresAt === 'string' && typeof c.attempts === 'number';
}

function isLockout(v: unknown): v is StoredLockout {
  const l = v as Partial<StoredLockout> | null | undefined;
  return typeof l?.count === 'number' && typeof l.until === 'string' && typeof l.forgetAt === 'string';
}

/** Codes sent to one destination (phone or mailbox), or to one principal, within an hour, whichever conversation asks (N). */
export const MAX_SENDS_PER_DESTINATION = 5;
const DESTINATION_WINDOW_MS = 60 * 60_000;
/** New codes asked for while the current one is still valid ("resend"). */
export const MAX_RESENDS = 3;
/** Wrong codes one conversation may type for one destination before it is locked out (M). */
export const DEFAULT_MAX_ATTEMPTS = 3;
/** A conversation's wrong codes for a destination are remembered this long, over new codes. */
const FAILS_WINDOW_MS = 24 * HOUR;

/** Issues and checks one-time codes, one challenge per conversation. */
export class OtpService {
  private readonly secret: Buffer;
  private readonly codeLength: number;
  private readonly ttlMs: number;
  private readonly maxAttempts: number;
  private readonly random: (digits: number) => string;

  constructor(opts: OtpOptions) {
    this.secret = Buffer.isBuffer(opts.secret) ? opts.secret : Buffer.from(opts.secret, 'utf8');
    if (this.secret.length === 0) throw new Error('OtpService: the secret is empty');
    this.codeLength = opts.codeLength ?? 6;
    if (!Number.isInteger(this.codeLength) || this.codeLength < 4 || this.codeLength > 10) {
      throw new Error(`OtpService: codeLength must be an integer from 4 to 10, not ${this.codeLength}`);
    }
    this.ttlMs = opts.ttlMs ?? 5 * MINUTE;
    this.maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.random = opts.random ?? defaultRandom;
  }

  /**
   * Starts a challenge for the conversation, replacing any previous one (its code stops working;
   * its count of wrong attempts carries over, so asking for a new code never buys more guesses).
   * While the conversation is locked out for this destination, or the destination has had its
   * codes for the hour, nothing is sent.
   *
   * @returns the result to show, and when sent the code to deliver once the unit of work commits.
   */
  async start(
    uow: UnitOfWork,
    conversationKey: string,
    to: { via: 'sms' | 'email'; address: string },
    lang: CodeLang,
    now: Date,
    who: ChallengeSubject = {},
  ): Promise<{ result: ChallengeStart; dispatch?: CodeDispatch }> {
    const dest = destSubject(to.via, to.address);
    const others = [dest, ...(who.principalId !== undefined ? [`p:${who.principalId}`] : [])];
    const lock = await this.activeLockout(uow, [guessSubject(conversationKey, dest)], now);
    if (lock) return { result: { status: 'locked', until: lock } };

    const destination = maskDestination(to.via, to.address);
    const previous = await uow.ephemeral.get<unknown>(challengeKey(conversationKey));
    // A resend: the current code is still valid and goes to the same place.
    const live = isChallenge(previous) && now.getTime() < Date.parse(previous.expiresAt) && previous.subjects?.[0] === others[0] ? previous : undefined;
    if (live && (live.resends ?? 0) >= MAX_RESENDS) {
      return { result: { status: 'resend_limit', destination, expiresAt: live.expiresAt } };
    }
    // Per destination and per principal, across conversations (issue 14): a new chat account does
    // not buy a fresh run of codes (and so of guesses) to the same phone or mailbox.
    let full: string | undefined;
    for (const subject of others) {
      const sends = await uow.ephemeral.get<{ since: string; count: number }>(sendsKey(subject));
      if (sends && now.getTime() - Date.parse(sends.since) < DESTINATION_WINDOW_MS && sends.count >= MAX_SENDS_PER_DESTINATION) {
        const until = new Date(Date.parse(sends.since) + DESTINATION_WINDOW_MS).toISOString();
        if (full === undefined || until > full) full = until;
      }
    }
    // A resend past the hour's codes while the current code is still valid: the citizen is asked to
    // use that code (and stays at the question), not told the check is over.
    if (full && live) return { result: { status: 'resend_limit', destination, expiresAt: live.expiresAt } };
    if (full) return { result: { status: 'send_limit', destination, until: full } };
    for (const subject of others) {
      const sends = await uow.ephemeral.get<{ since: string; count: number }>(sendsKey(subject));
      const fresh = !sends || now.getTime() - Date.parse(sends.since) >= DESTINATION_WINDOW_MS;
      await uow.ephemeral.set(sendsKey(subject), fresh ? { since: now.toISOString(), count: 1 } : { since: sends.since, count: sends.count + 1 }, DESTINATION_WINDOW_MS);
    }

    const code = this.random(this.codeLength);
    if (!new RegExp(`^\\d{${this.codeLength}}$`).test(code)) {
      throw new Error(`OtpService: random() must return ${this.codeLength} decimal digits`);
    }
    const expiresAt = new Date(now.getTime() + this.ttlMs).toISOString();
    // A decoy's hash is of 32 random bytes: no typed code can ever match it.
    const secretOfChallenge = who.decoy ? randomBytes(32).toString('hex') : code;
    const challenge: StoredChallenge = {
      hash: this.hash(conversationKey, secretOfChallenge).toString('base64url'),
      expiresAt,
      // Carried over for the same destination only: another destination has its own count.
      attempts: isChallenge(previous) && previous.subjects?.[0] === dest ? previous.attempts : 0,
      resends: live ? (live.resends ?? 0) + 1 : 0,
      subjects: others,
      destination,
    };
    await uow.ephemeral.set(challengeKey(conversationKey), challenge, this.ttlMs + EXPIRED_GRACE_MS);
    const result: ChallengeStart = { status: 'sent', destination, expiresAt };
    if (who.decoy) return { result };
    return {
      result,
      dispatch: { via: to.via, to: to.address, code, lang, expiresInMinutes: Math.round(this.ttlMs / MINUTE) },
    };
  }

  /**
   * Checks a code as the citizen typed it (spaces, hyphens and Devanagari digits are accepted).
   * A right code ends the challenge, so it cannot be used twice. The last wrong attempt ends it
   * too and locks the conversation out for that destination: 15 minutes, then 1 hour, then 24
   * hours. Other conversations, the citizen's own among them, are not touched.
   */
  async check(uow: UnitOfWork, conversationKey: string, code: string, now: Date): Promise<ChallengeCheck> {
    const stored = await uow.ephemeral.get<unknown>(challengeKey(conversationKey));
    if (!isChallenge(stored)) return { status: 'no_challenge' };
    const dest = stored.subjects?.[0];
    // A challenge always names its destination; one that does not (damaged) counts against the conversation alone.
    const guess = guessSubject(conversationKey, dest ?? '');
    const lock = await this.activeLockout(uow, [guess], now);
    if (lock) return { status: 'locked', until: lock };

    if (now.getTime() >= Date.parse(stored.expiresAt)) {
      await uow.ephemeral.delete(challengeKey(conversationKey));
      return { status: 'expired' };
    }

    const typed = toAsciiDigits(code).replace(/[\s\-.]/g, '');
    const expected = Buffer.from(stored.hash, 'base64url');
    const actual = this.hash(conversationKey, typed);
    // Equal lengths always (both SHA-256), unless the stored record was damaged; timingSafeEqual
    // throws on unequal lengths, so that case is simply a mismatch.
    if (expected.length === actual.length && timingSafeEqual(expected, actual)) {
      await uow.ephemeral.delete(challengeKey(conversationKey));
      // Holding the code proves the destination; earlier failures and lock-outs no longer count.
      await uow.ephemeral.delete(lockoutKey(guess));
      await uow.ephemeral.delete(failsKey(guess));
      return { status: 'verified' };
    }

    // Wrong: counted on the challenge and for this conversation and destination (remembered over
    // new codes, and over a challenge that expired). The higher count decides what is left.
    const fails = await uow.ephemeral.get<{ count: number }>(failsKey(guess));
    const count = (typeof fails?.count === 'number' ? fails.count : 0) + 1;
    await uow.ephemeral.set(failsKey(guess), { count }, FAILS_WINDOW_MS);
    const attempts = Math.max(stored.attempts + 1, count);
    if (attempts < this.maxAttempts) {
      const remainingMs = Date.parse(stored.expiresAt) - now.getTime() + EXPIRED_GRACE_MS;
      await uow.ephemeral.set(challengeKey(conversationKey), { ...stored, attempts: stored.attempts + 1 }, remainingMs);
      return { status: 'wrong', attemptsLeft: this.maxAttempts - attempts };
    }
    await uow.ephemeral.delete(challengeKey(conversationKey));
    await uow.ephemeral.delete(failsKey(guess));
    return { status: 'locked', until: await this.lockOut(uow, guess, now) };
  }

  private hash(conversationKey: string, code: string): Buffer {
    // The conversation key is bound in, so a code is worthless in any other conversation; the NUL
    // keeps "ab"+"1" and "a"+"b1" apart.
    return createHmac('sha256', this.secret).update(`${conversationKey}\u0000${code}`, 'utf8').digest();
  }

  private async lockoutOf(uow: UnitOfWork, subject: string, now: Date): Promise<StoredLockout | undefined> {
    const stored = await uow.ephemeral.get<unknown>(lockoutKey(subject));
    return isLockout(stored) && now.getTime() < Date.parse(stored.forgetAt) ? stored : undefined;
  }

  /** The latest end of a lock-out in force on any of the subjects, or undefined. */
  private async activeLockout(uow: UnitOfWork, subjects: readonly string[], now: Date): Promise<string | undefined> {
    let until: string | undefined;
    for (const subject of subjects) {
      const lock = await this.lockoutOf(uow, subject, now);
      if (lock && now.getTime() < Date.parse(lock.until) && (until === undefined || lock.until > until)) until = lock.until;
    }
    return until;
  }

  /** Records one more lock-out and returns when it ends. */
  private async lockOut(uow: UnitOfWork, subject: string, now: Date): Promise<string> {
    const count = ((await this.lockoutOf(uow, subject, now))?.count ?? 0) + 1;
    const lengthMs = LOCKOUT_BACKOFF_MS[Math.min(count, LOCKOUT_BACKOFF_MS.length) - 1]!;
    const untilMs = now.getTime() + lengthMs;
    const lock: StoredLockout = {
      count,
      until: new Date(untilMs).toISOString(),
      forgetAt: new Date(untilMs + LOCKOUT_MEMORY_MS).toISOString(),
    };
    await uow.ephemeral.set(lockoutKey(subject), lock, lengthMs + LOCKOUT_MEMORY_MS);
    return lock.until;
  }
}

/**
 * The words of a code message in both languages, for the senders. Kept in code rather than the
 * locale files: they must exist even where flows and texts are replaced (FLOWS_DIR, LOCALES_DIR),
 * and an SMS template registered with a gateway changes only with the gateway's approval.
 */
export function codeMessageTexts(d: Pick<CodeDispatch, 'code' | 'expiresInMinutes'>): { en: { subject: string; body: string }; hi: { subject: string; body: string } } {
  const minutes = d.expiresInMinutes ?? 5;
  return {
    en: {
      subject: 'Your one-time code',
      body: `Your one-time code is ${d.code}. It expires in ${minutes} minute${minutes === 1 ? '' : 's'}. Do not share it with anyone.`,
    },
    hi: {
      subject: 'आपका एक-बारीय कोड',
      body: `आपका एक-बारीय कोड ${d.code} है। यह ${minutes} मिनट में समाप्त हो जाएगा। इसे किसी के साथ साझा न करें।`,
    },
  };
}
