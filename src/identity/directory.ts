import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import { z } from 'zod';
import { AppError, ERROR_CODES } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Profile } from '../profile/schema.ts';
import type { PrincipalRow } from '../storage/queries.ts';
import type { Store } from '../storage/sqlite-store.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';
import { cleanText, toAsciiDigits } from '../text/normalize.ts';

/**
 * The data principals on file: who a mobile number or email address belongs to, so that a code
 * goes to the destination the organisation holds (DPDP Rules r.14(1)(b)), never to one typed in
 * chat. The local table is filled by CSV import (`npx nivaran principals import`) and, when the
 * profile names an HTTP directory, by {@link Directory.prefetch} before the message's unit of work.
 */

/** What a look-up found. Two principals on one number or address is `ambiguous`: say so, guess nothing. */
export type DirectoryResult = { status: 'found'; principal: PrincipalRow } | { status: 'not_found' } | { status: 'ambiguous' };

/** A mobile or an email address to look up (either or both). */
export interface DirectoryQuery {
  mobile?: string | undefined;
  email?: string | undefined;
}

const emailSchema = z.email();

/**
 * A mobile number in E.164, read as Indian when it has no country code; undefined when it is not
 * a valid number. An Indian number must be a mobile (10 digits starting 6–9): codes go by SMS.
 */
export function normaliseMobile(raw: string): string | undefined {
  const text = toAsciiDigits(cleanText(raw));
  if (text === '') return undefined;
  const phone = parsePhoneNumberFromString(text, 'IN');
  if (!phone?.isValid()) return undefined;
  if (phone.countryCallingCode === '91' && !/^[6-9]\d{9}$/.test(phone.nationalNumber)) return undefined;
  return phone.number;
}

/** An email address in lower case; undefined when it is not a valid address. */
export function normaliseEmail(raw: string): string | undefined {
  const email = cleanText(raw).toLowerCase();
  return email !== '' && emailSchema.safeParse(email).success ? email : undefined;
}

/** The HTTP directory's answer for one principal (extra fields are ignored). */
const answerSchema = z.object({
  external_ref: z.string().trim().min(1).max(200),
  name: z.string().trim().max(300).nullish(),
  mobile: z.string().max(40).nullish(),
  email: z.string().max(320).nullish(),
});

/** Larger answers are refused: one principal's record is a few hundred bytes. */
const MAX_ANSWER_BYTES = 64 * 1024;

interface HttpDirectory {
  url: string;
  host: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/**
 * Looks principals up in the local table ({@link Directory.find}, inside a unit of work) and
 * refreshes that table from the profile's HTTP directory ({@link Directory.prefetch}, outside one).
 */
export class Directory {
  private readonly http: HttpDirectory | undefined;
  private readonly logger: Logger;

  /**
   * @param opts.env where `env:NAME` header values are read (process.env by default).
   * @throws AppError CONFIG_INVALID when a header names an environment variable that is unset.
   */
  constructor(opts: { profile: Pick<Profile, 'directory'>; logger: Logger; env?: NodeJS.ProcessEnv }) {
    this.logger = opts.logger;
    const d = opts.profile.directory;
    if (!d) return;
    const env = opts.env ?? process.env;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(d.headers)) {
      if (value.startsWith('env:')) {
        const variable = value.slice(4);
        const resolved = env[variable];
        if (!resolved) {
          throw new AppError(
            ERROR_CODES.CONFIG_INVALID,
            `Profile directory.headers.${name} reads the environment variable ${variable} ("env:${variable}"), which is not set. Set ${variable}, or remove the header.`,
          );
        }
        headers[name] = resolved;
      } else headers[name] = value;
    }
    let host: string;
    try {
      host = new URL(d.url.replace(/\{(mobile|email)\}/g, 'x')).host;
    } catch {
      throw new AppError(ERROR_CODES.CONFIG_INVALID, 'Profile directory.url is not a valid URL once {mobile} and {email} are filled in.');
    }
    this.http = { url: d.url, host, headers, timeoutMs: d.timeoutMs };
  }

  /**
   * Finds the principal on file for a mobile (E.164) or an email address, in the local table.
   * With both, a match on either counts, and two different principals are ambiguous.
   */
  async find(uow: UnitOfWork, q: DirectoryQuery): Promise<DirectoryResult> {
    const mobile = q.mobile === undefined ? undefined : normaliseMobile(q.mobile);
    const email = q.email === undefined ? undefined : normaliseEmail(q.email);
    const rows = new Map<number, PrincipalRow>();
    for (const row of mobile ? await uow.principals.byMobile(mobile) : []) rows.set(row.id, row);
    for (const row of email ? await uow.principals.byEmail(email) : []) rows.set(row.id, row);
    const [first, ...others] = rows.values();
    if (!first) return { status: 'not_found' };
    return others.length > 0 ? { status: 'ambiguous' } : { status: 'found', principal: first };
  }

  /**
   * Asks the profile's HTTP directory for the principal and keeps the answer in the local table
   * (source `http`), so that {@link find} inside the message's unit of work sees it. Call it before
   * that unit of work: it does network I/O and opens its own transaction for the write.
   *
   * A 404 means not on file (nothing is written). Any other failure (status, timeout, a bad
   * answer) is logged without the number or address and swallowed: the local table decides.
   * Without a directory in the profile it does nothing.
   */
  async prefetch(store: Store, q: DirectoryQuery, now: Date): Promise<void> {
    const http = this.http;
    if (!http) return;
    const values = {
      mobile: q.mobile === undefined ? undefined : normaliseMobile(q.mobile),
      email: q.email === undefined ? undefined : normaliseEmail(q.email),
    };
    // Only ask when the template has something to ask by: a URL with {mobile} and no mobile, and
    // no {email} to fill, would be a query for nobody.
    const used = [...http.url.matchAll(/\{(mobile|email)\}/g)].map((m) => m[1] as 'mobile' | 'email');
    if (!used.some((k) => values[k] !== undefined)) return;
    const url = http.url.replace(/\{(mobile|email)\}/g, (_, k: 'mobile' | 'email') => encodeURIComponent(values[k] ?? ''));

    let answer: unknown;
    try {
      const res = await fetch(url, { headers: { accept: 'application/json', ...http.headers }, signal: AbortSignal.timeout(http.timeoutMs) });
      if (res.status === 404) {
        await res.body?.cancel().catch(() => undefined);
        return;
      }
      if (res.status !== 200) {
        await res.body?.cancel().catch(() => undefined);
        this.logger.warn({ host: http.host, status: res.status }, 'directory lookup failed; using the local directory');
        return;
      }
      const text = await res.text();
      if (Buffer.byteLength(text) > MAX_ANSWER_BYTES) {
        this.logger.warn({ host: http.host, bytes: Buffer.byteLength(text) }, 'directory answer too large; using the local directory');
        return;
      }
      answer = JSON.parse(text);
    } catch (err: unknown) {
      // Only the kind of failure: fetch errors may carry the URL, which carries the number.
      const e = err as { name?: unknown; cause?: { code?: unknown } };
      const reason = e.name === 'TimeoutError' ? 'timeout' : e.name === 'SyntaxError' ? 'not JSON' : typeof e.cause?.code === 'string' ? e.cause.code : String(e.name ?? 'error');
      this.logger.warn({ host: http.host, reason, timeoutMs: http.timeoutMs }, 'directory lookup failed; using the local directory');
      return;
    }

    const parsed = answerSchema.safeParse(answer);
    const mobile = parsed.success && parsed.data.mobile ? normaliseMobile(parsed.data.mobile) : undefined;
    const email = parsed.success && parsed.data.email ? normaliseEmail(parsed.data.email) : undefined;
    const problems = !parsed.success
      ? parsed.error.issues.map((i) => i.path.join('.') || '(answer)')
      : [
          ...(parsed.data.mobile && !mobile ? ['mobile'] : []),
          ...(parsed.data.email && !email ? ['email'] : []),
          ...(!parsed.data.mobile && !parsed.data.email ? ['mobile or email'] : []),
        ];
    if (!parsed.success || problems.length > 0) {
      // Field names only, never their values.
      this.logger.warn({ host: http.host, fields: problems }, 'directory answer invalid; using the local directory');
      return;
    }
    const row = {
      external_ref: parsed.data.external_ref,
      name: parsed.data.name ? cleanText(parsed.data.name) || null : null,
      mobile: mobile ?? null,
      email: email ?? null,
      source: 'http' as const,
      updated_at: now.toISOString(),
    };
    await store.transaction((uow) => uow.principals.upsert(row));
  }
}
