import { randomBytes } from 'node:crypto';
import { hashToken, randomToken } from '../security/token.ts';
import type { Options } from '@node-rs/argon2';
import { appendAudit } from '../audit/audit-log.ts';
import { redact } from '../text/redact.ts';
import { AppError, ERROR_CODES } from '../errors.ts';
import type { OfficerRow } from '../storage/desk-queries.ts';
import { OFFICER_ROLES, type OfficerRole } from '../storage/schema.ts';
import type { Store } from '../storage/sqlite-store.ts';

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
    checkPassword(input.password);
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

  async revokeApiToken(officer: Officer, id: number): Promise<boolean> {
    const now = this.clock();
    return this.store.transaction(async (uow) => {
      const done = await uow.apiTokens.revoke(id, officer.id, now.toISOString());
      if (done) await appendAudit(uow, { actor: `officer:${officer.id}`, action: 'api_token.revoke', subject: `officer:${officer.id}`, detail: { token: id }, at: now });
      return done;
    });
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

/** @throws AppError OFFICER_INVALID when the password is too short to be safe. */
export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError(ERROR_CODES.OFFICER_INVALID, `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`);
  }
  if (password.length > 1024) throw new AppError(ERROR_CODES.OFFICER_INVALID, 'The password must be at most 1024 characters long.');
}
