import { randomBytes } from 'node:crypto';
import { hashToken, randomToken } from '../security/token.ts';
import type { Options } from '@node-rs/argon2';
import { appendAudit } from '../audit/audit-log.ts';
import { redact } from '../text/redact.ts';
import { passwordWeakness } from '../security/password-strength.ts';
import type { Profile } from '../profile/schema.ts';
import { AppError, ERROR_CODES } from '../errors.ts';
import type { OfficerRow } from '../storage/desk-queries.ts';
import { OFFICER_ROLES, type OfficerRole } from '../storage/schema.ts';
import type { Store } from '../storage/sqlite-store.ts';
import { securityQueries } from './security-queries.ts';

/** OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane): about 20 ms per hash on this machine kind. */
// `algorithm: 2` is Argon2id (the package's const enum cannot be imported under isolated modules).
const ARGON2: Options = { algorithm: 2 as Options['algorithm'], memoryCost: 19_456, timeCost: 2, parallelism: 1 };
export const MIN_PASSWORD_LENGTH = 12;
export const DEFAULT_API_TOKEN_DAYS = 90;
/** Compared against when the email is unknown, so a wrong email costs as long as a wrong password. */
let dummyHash: Promise<string> | undefined;

export type Officer = Pick<OfficerRow, 'id' | 'email' | 'name' | 'role' | 'lang'>;

export interface NewOfficer {
  email: string;
  name: string;
  role: string;
  lang?: string;
  password: string;
}

export function isOfficerRole(r: string): r is OfficerRole {
  return (OFFICER_ROLES as readonly string[]).includes(r);
}

export function normaliseOfficerEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The native argon2 module, loaded at the first log-in or new account: `nivaran chat` never needs it. */
const argon2 = () => import('@node-rs/argon2');

export async function hashPassword(password: string): Promise<string> {
  return (await argon2()).hash(password, ARGON2);
}

function publicOfficer(o: OfficerRow): Officer {
  return { id: o.id, email: o.email, name: o.name, role: o.role, lang: o.lang };
}

/**
 * Officers' accounts, browser sessions and API tokens. Passwords are kept as argon2id hashes;
 * session and API tokens as SHA-256 hashes of random tokens, so a copy of the database lets no
 * one in.
 */
export class Accounts {
  constructor(
    private readonly store: Store,
    private readonly clock: () => Date,
    private readonly sessionHours: number,
    /** API_TOKEN_DAYS: how long a new API token works. */
    private readonly tokenDays = DEFAULT_API_TOKEN_DAYS,
    /** The organisation's names (its profile, both languages): guessable in a password. */
    private readonly siteWords: readonly string[] = [],
  ) {}

  /**
   * @throws AppError OFFICER_INVALID naming what is wrong: the email, the role, the password's length, or an email already taken.
   */
  async create(input: NewOfficer, actor: string): Promise<Officer> {
    const email = normaliseOfficerEmail(input.email);
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 320) {
      throw new AppError(ERROR_CODES.OFFICER_INVALID, `"${input.email}" is not an email address.`);
    }
    if (!isOfficerRole(input.role)) {
      throw new AppError(ERROR_CODES.OFFICER_INVALID, `Unknown role "${input.role}"; use one of: ${OFFICER_ROLES.join(', ')}.`);
    }
    const name = input.name.trim() || email.split('@')[0]!;
    const lang = input.lang === 'hi' ? 'hi' : 'en';
    await checkPassword(input.password, [email, name], this.siteWords);
    const passwordHash = await hashPassword(input.password);
    const now = this.clock();
    const at = now.toISOString();
    const role = input.role;
    return this.store.transaction(async (uow) => {
      if (await uow.officers.byEmail(email)) throw new AppError(ERROR_CODES.OFFICER_INVALID, `An officer with the email ${email} already exists.`);
      const row = await uow.officers.insert({ email, name, role, lang, password_hash: passwordHash, active: 1, created_at: at, updated_at: at });
      await appendAudit(uow, { actor, action: 'officer.create', subject: `officer:${row.id}`, detail: { role }, at: now });
      return publicOfficer(row);
    });
  }

  async list(): Promise<Array<Officer & { active: boolean; lastLoginAt: string | null }>> {
    const rows = await this.store.transaction((uow) => uow.officers.list());
    return rows.map((o) => ({ ...publicOfficer(o), active: o.active === 1, lastLoginAt: o.last_login_at }));
  }

  async byId(id: number): Promise<Officer | undefined> {
    const o = await this.store.transaction((uow) => uow.officers.byId(id));
    return o && o.active === 1 ? publicOfficer(o) : undefined;
  }

  /** The officer, when the email and password match an active account; the attempt is audited either way. */
  async authenticate(emailInput: string, password: string, from: string): Promise<Officer | undefined> {
    const email = normaliseOfficerEmail(emailInput);
    const row = await this.store.transaction((uow) => uow.officers.byEmail(email));
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    const { verify } = await argon2();
    const ok = await verify(row?.password_hash ?? (await dummyHash), password).catch(() => false);
    const now = this.clock();
    const success = ok && row !== undefined && row.active === 1;
    await this.store.transaction(async (uow) => {
      if (success) await uow.officers.loggedIn(row.id, now.toISOString());
      await appendAudit(uow, {
        actor: success ? `officer:${row.id}` : 'anonymous',
        action: success ? 'login' : 'login.failed',
        subject: row ? `officer:${row.id}` : 'officer:unknown',
        // The address the attempt came from, so repeated guessing can be traced; no password.
        detail: { from },
        at: now,
      });
    });
    return success ? publicOfficer(row) : undefined;
  }

  /**
   * A new browser session: the token goes in the cookie, its hash in the table. The absolute expiry
   * is the server's to keep; the browser is given only `maxAgeSeconds`, a relative lifetime, so an
   * officer's machine whose clock is hours off neither drops the cookie at once nor keeps it too long.
   */
  async startSession(officer: Officer): Promise<{ token: string; expiresAt: Date; maxAgeSeconds: number }> {
    const token = randomToken();
    const now = this.clock();
    const expiresAt = new Date(now.getTime() + this.sessionHours * 3_600_000);
    await this.store.transaction(async (uow) => {
      await uow.deskSessions.deleteExpired(now.toISOString());
      await uow.deskSessions.insert({ id: hashToken(token), officer_id: officer.id, created_at: now.toISOString(), expires_at: expiresAt.toISOString() });
    });
    return { token, expiresAt, maxAgeSeconds: Math.round(this.sessionHours * 3_600) };
  }

  /** The officer of a live session, or undefined (unknown, expired, or the account switched off). */
  async sessionOfficer(token: string): Promise<{ officer: Officer; sessionId: string } | undefined> {
    if (token.length < 20 || token.length > 100) return undefined;
    const id = hashToken(token);
    const now = this.clock().toISOString();
    return this.store.transaction(async (uow) => {
      const s = await uow.deskSessions.byId(id);
      if (!s || s.expires_at <= now) return undefined;
      const o = await uow.officers.byId(s.officer_id);
      return o && o.active === 1 ? { officer: publicOfficer(o), sessionId: id } : undefined;
    });
  }

  async endSession(token: string, officer: Officer): Promise<void> {
    const now = this.clock();
    await this.store.transaction(async (uow) => {
      await uow.deskSessions.delete(hashToken(token));
      await appendAudit(uow, { actor: `officer:${officer.id}`, action: 'logout', subject: `officer:${officer.id}`, at: now });
    });
  }

  async setLanguage(officer: Officer, lang: 'en' | 'hi'): Promise<void> {
    const now = this.clock().toISOString();
    await this.store.transaction(async (uow) => {
      const o = await uow.officers.byId(officer.id);
      if (o) await uow.officers.update(o.id, { name: o.name, role: o.role, lang, active: o.active, updated_at: now });
    });
  }

  /** A new API token for the officer: returned once, kept only as its hash. */
  async createApiToken(officer: Officer, label: string, actor: string): Promise<{ id: number; token: string }> {
    const clean = redact(label.trim().slice(0, 80)).text || 'API';
    const token = `nvr_${randomToken()}`;
    const now = this.clock();
    return this.store.transaction(async (uow) => {
      const expiresAt = new Date(now.getTime() + this.tokenDays * 86_400_000).toISOString();
      const row = await uow.apiTokens.insert({ officer_id: officer.id, label: clean, token_hash: hashToken(token), created_at: now.toISOString(), expires_at: expiresAt });
      await appendAudit(uow, { actor, action: 'api_token.create', subject: `officer:${officer.id}`, detail: { token: row.id }, at: now });
      return { id: row.id, token };
    });
  }

  async apiTokens(officer: Officer) {
    const rows = await this.store.transaction((uow) => uow.apiTokens.of(officer.id));
    return rows.map((r) => ({ id: r.id, label: r.label, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at, expiresAt: r.expires_at }));
  }

  /**
   * Revokes one of the officer's own API tokens (the admin: anyone's).
   *
   * @throws AppError DESK_INPUT `error.token_unknown` when no live token of theirs has that id:
   * a revoke that changes nothing says so, never "done".
   */
  async revokeApiToken(officer: Officer, id: number): Promise<void> {
    const now = this.clock();
    await this.store.transaction(async (uow) => {
      const owner = officer.role === 'admin' ? (await uow.exec.all(securityQueries(uow.dialect).tokenOwner, { id }))[0]?.officer_id : officer.id;
      const done = owner !== undefined && (await uow.apiTokens.revoke(id, Number(owner), now.toISOString()));
      if (!done) throw new AppError(ERROR_CODES.DESK_INPUT, 'error.token_unknown');
      await appendAudit(uow, { actor: `officer:${officer.id}`, action: 'api_token.revoke', subject: `officer:${owner}`, detail: { token: id }, at: now });
    });
  }

  /**
   * Switches an officer off: the account can no longer log in, and every session and API token
   * of it stops working at once (sessions deleted, tokens revoked), in one transaction.
   *
   * @throws AppError OFFICER_INVALID for an unknown or already inactive officer, or one's own account.
   */
  async deactivate(id: number, actor: string): Promise<{ sessions: number; tokens: number }> {
    const now = this.clock();
    return this.store.transaction(async (uow) => {
      const o = await uow.officers.byId(id);
      if (!o) throw new AppError(ERROR_CODES.OFFICER_INVALID, `There is no officer ${id}.`);
      if (o.active !== 1) throw new AppError(ERROR_CODES.OFFICER_INVALID, `Officer ${id} (${o.email}) is already inactive.`);
      if (actor === `officer:${id}`) throw new AppError(ERROR_CODES.OFFICER_INVALID, 'You cannot switch off your own account; ask another administrator.');
      const q = securityQueries(uow.dialect);
      await uow.officers.update(o.id, { name: o.name, role: o.role, lang: o.lang, active: 0, updated_at: now.toISOString() });
      const sessions = (await uow.exec.run(q.deleteSessionsOf, { officer_id: o.id })).changes;
      const tokens = (await uow.exec.run(q.revokeTokensOf, { officer_id: o.id, at: now.toISOString() })).changes;
      await appendAudit(uow, { actor, action: 'officer.deactivate', subject: `officer:${o.id}`, detail: { sessions, tokens }, at: now });
      return { sessions, tokens };
    });
  }

  /** Switches an officer back on (their old sessions and tokens stay ended). */
  async activate(id: number, actor: string): Promise<void> {
    const now = this.clock();
    await this.store.transaction(async (uow) => {
      const o = await uow.officers.byId(id);
      if (!o) throw new AppError(ERROR_CODES.OFFICER_INVALID, `There is no officer ${id}.`);
      if (o.active === 1) throw new AppError(ERROR_CODES.OFFICER_INVALID, `Officer ${id} (${o.email}) is already active.`);
      await uow.officers.update(o.id, { name: o.name, role: o.role, lang: o.lang, active: 1, updated_at: now.toISOString() });
      await appendAudit(uow, { actor, action: 'officer.activate', subject: `officer:${o.id}`, at: now });
    });
  }

  /**
   * Sets a new password (an administrator's reset, or the officer's own change): checked for
   * strength, and every session of the account ends, except `keepSession` (the officer's own
   * browser when they change it themselves).
   */
  async setPassword(id: number, password: string, actor: string, keepSession?: string): Promise<void> {
    const o = await this.store.transaction((uow) => uow.officers.byId(id));
    if (!o) throw new AppError(ERROR_CODES.OFFICER_INVALID, `There is no officer ${id}.`);
    await checkPassword(password, [o.email, o.name], this.siteWords);
    const hash = await hashPassword(password);
    const now = this.clock();
    await this.store.transaction(async (uow) => {
      await uow.officers.setPassword(o.id, hash, now.toISOString());
      const q = securityQueries(uow.dialect);
      const ended = keepSession
        ? (await uow.exec.run(q.deleteOtherSessionsOf, { officer_id: o.id, keep: keepSession })).changes
        : (await uow.exec.run(q.deleteSessionsOf, { officer_id: o.id })).changes;
      const action = actor === `officer:${o.id}` ? 'officer.password_change' : 'officer.password_reset';
      await appendAudit(uow, { actor, action, subject: `officer:${o.id}`, detail: { sessions_ended: ended }, at: now });
    });
  }

  /**
   * The officer's own change: the current password first.
   *
   * @throws AppError OFFICER_INVALID when the current password is wrong or the new one weak.
   */
  async changeOwnPassword(officer: Officer, current: string, next: string, sessionId: string): Promise<void> {
    const row = await this.store.transaction((uow) => uow.officers.byId(officer.id));
    const { verify } = await argon2();
    const ok = row ? await verify(row.password_hash, current).catch(() => false) : false;
    if (!ok) throw new AppError(ERROR_CODES.OFFICER_INVALID, 'The current password is wrong.');
    await this.setPassword(officer.id, next, `officer:${officer.id}`, sessionId);
  }

  /** The officer an API token belongs to, when it is known, not revoked, and the account active. */
  async tokenOfficer(token: string): Promise<Officer | undefined> {
    if (!token.startsWith('nvr_') || token.length > 100) return undefined;
    const now = this.clock();
    return this.store.transaction(async (uow) => {
      const t = await uow.apiTokens.byHash(hashToken(token));
      if (!t || t.revoked_at) return undefined;
      if (t.expires_at !== null && t.expires_at <= now.toISOString()) return undefined;
      const o = await uow.officers.byId(t.officer_id);
      if (!o || o.active !== 1) return undefined;
      // Written at most once a minute per token, not on every call.
      if (!t.last_used_at || now.getTime() - Date.parse(t.last_used_at) > 60_000) await uow.apiTokens.touch(t.id, now.toISOString());
      return publicOfficer(o);
    });
  }
}

/** The organisation's and its departments' names, in both languages: words a guesser tries. */
export function organisationWords(profile: Pick<Profile, 'organisation' | 'departments'>): string[] {
  return [profile.organisation.name, ...(profile.departments ?? []).map((d) => d.name)].flatMap((n) => [n.en, n.hi]);
}

/**
 * @throws AppError OFFICER_INVALID when the password is too short, too easy to guess (common,
 * leaked, a pattern: see `passwordWeakness`), or contains the account's email or name.
 */
export async function checkPassword(password: string, personal: readonly string[] = [], site: readonly string[] = []): Promise<void> {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError(ERROR_CODES.OFFICER_INVALID, `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`);
  }
  if (password.length > 1024) throw new AppError(ERROR_CODES.OFFICER_INVALID, 'The password must be at most 1024 characters long.');
  const weak = await passwordWeakness(password, personal, site);
  if (weak) throw new AppError(ERROR_CODES.OFFICER_INVALID, weak);
}
