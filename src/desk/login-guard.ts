import { createHash } from 'node:crypto';
import type { Store } from '../storage/sqlite-store.ts';

/**
 * Limits on guessing passwords that do not depend on the address a request claims to come from:
 * - per account: after `accountFailures` wrong passwords in a row, the account is locked for a
 *   minute, then twice as long after each further failure (up to an hour). A locked account is
 *   refused without its password being checked, so guesses during the lock teach nothing. Each
 *   attempt is counted before its password is checked (so attempts sent at once are all counted),
 *   and a successful log-in clears the count.
 * - per address: one address that fails on `addressAccounts` different accounts, or fails
 *   `addressFailures` times, within `windowMs`, is refused for the rest of that window.
 * Counts live in the database's short-lived store (`ephemeral`), so every instance sees them.
 *
 * The per-account lock lets someone who knows an officer's email keep them out by failing on
 * purpose; the back-off keeps that to an hour at a time while guessing stays hopeless, and the
 * admin can still log in (from another account) to act. Chosen over no account limit, with which
 * a botnet of addresses could guess freely.
 */
export interface LoginGuardOptions {
  accountFailures: number;
  baseLockMs: number;
  maxLockMs: number;
  addressAccounts: number;
  addressFailures: number;
  windowMs: number;
}

export const LOGIN_GUARD_DEFAULTS: LoginGuardOptions = {
  accountFailures: 5,
  baseLockMs: 60_000,
  maxLockMs: 3_600_000,
  addressAccounts: 5,
  addressFailures: 20,
  windowMs: 15 * 60_000,
};

interface AccountState {
  failures: number;
  lockedUntil: number;
}

interface AddressState {
  since: number;
  failures: number;
  /** Short hashes of the accounts tried and failed. */
  accounts: string[];
}

export type LoginVerdict = { ok: true } | { ok: false; retryAfterMs: number; reason: 'account' | 'address' };

const DAY = 86_400_000;
const hashOf = (s: string) => createHash('sha256').update(s).digest('base64url').slice(0, 16);

export class LoginGuard {
  private readonly o: LoginGuardOptions;

  constructor(
    private readonly store: Store,
    private readonly clock: () => Date,
    /** A name for the counters: the desk's log-in and the citizens' own-data page keep theirs apart. */
    private readonly scope = 'login',
    options: Partial<LoginGuardOptions> = {},
  ) {
    this.o = { ...LOGIN_GUARD_DEFAULTS, ...options };
  }

  private accountKey(account: string) {
    return `${this.scope}:account:${hashOf(account.trim().toLowerCase())}`;
  }

  private addressKey(address: string) {
    return `${this.scope}:address:${address}`;
  }

  /**
   * Whether an attempt for this account from this address may go ahead; if it may, it is counted
   * against the account now, as a failure, in the same transaction as the check. Counting only
   * after the password was checked (~20 ms of argon2) let N requests sent at once all pass the
   * check before any failure was counted: N guesses per lock instead of `accountFailures`.
   * `succeeded` clears the count; `failed` only adds the address's count.
   */
  async begin(account: string, address: string): Promise<LoginVerdict> {
    const now = this.clock().getTime();
    return this.store.transaction(async (uow) => {
      const key = this.accountKey(account);
      // PostgreSQL: the row lock of `get` does not cover an account with no row yet; this lock
      // makes concurrent first attempts wait for each other (SQLite's one writer already does).
      await uow.lockConversation(key);
      const a = await uow.ephemeral.get<AccountState>(key);
      if (a && a.lockedUntil > now) return { ok: false, retryAfterMs: a.lockedUntil - now, reason: 'account' };
      const ad = await uow.ephemeral.get<AddressState>(this.addressKey(address));
      if (ad && now - ad.since < this.o.windowMs && (ad.accounts.length >= this.o.addressAccounts || ad.failures >= this.o.addressFailures)) {
        return { ok: false, retryAfterMs: ad.since + this.o.windowMs - now, reason: 'address' };
      }
      // Reserved as a failure: the lock that a wrong password would bring starts now, so attempts
      // arriving while this one is being verified are refused.
      const failures = (a?.failures ?? 0) + 1;
      const over = failures - this.o.accountFailures;
      const lockedUntil = over >= 0 ? now + Math.min(this.o.baseLockMs * 2 ** Math.min(over, 20), this.o.maxLockMs) : 0;
      await uow.ephemeral.set<AccountState>(key, { failures, lockedUntil }, DAY);
      return { ok: true };
    });
  }

  /** Records a failed attempt against the address (`begin` already counted it against the account). */
  async failed(account: string, address: string): Promise<void> {
    const now = this.clock().getTime();
    await this.store.transaction(async (uow) => {
      const akey = this.addressKey(address);
      const ad = await uow.ephemeral.get<AddressState>(akey);
      const fresh = !ad || now - ad.since >= this.o.windowMs;
      const state: AddressState = fresh ? { since: now, failures: 0, accounts: [] } : ad;
      const h = hashOf(account.trim().toLowerCase());
      state.failures += 1;
      if (!state.accounts.includes(h) && state.accounts.length < 100) state.accounts.push(h);
      await uow.ephemeral.set<AddressState>(akey, state, this.o.windowMs);
    });
  }

  /** A successful attempt clears the account's count, the reservation `begin` made included. */
  async succeeded(account: string): Promise<void> {
    await this.store.transaction((uow) => uow.ephemeral.delete(this.accountKey(account)));
  }
}
