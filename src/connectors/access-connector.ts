import { z } from 'zod';
import type { Lang } from '../engine/session.ts';
import { describeError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Profile } from '../profile/schema.ts';
import type { PrincipalRow } from '../storage/queries.ts';
import { fillUrl, resolveHeaders } from './http-template.ts';

const answer = z.object({
  summary: z.union([z.string().min(1).max(3500), z.object({ en: z.string().min(1).max(3500), hi: z.string().min(1).max(3500) })]),
});

/**
 * Asks the organisation's system for the summary a citizen is entitled to under DPDP s.11 (their
 * data, its processing, with whom it was shared). Called after the request is committed, never
 * inside a unit of work; any failure leaves the request with an officer, as without a connector.
 */
export class AccessConnector {
  private readonly headers: Record<string, string>;

  constructor(
    private readonly config: NonNullable<Profile['connectors']['access']>,
    private readonly logger: Logger,
  ) {
    this.headers = resolveHeaders(config.headers, 'profile connectors.access');
  }

  async summary(principal: PrincipalRow, lang: Lang): Promise<string | undefined> {
    const url = fillUrl(this.config.url, { external_ref: principal.external_ref, mobile: principal.mobile, email: principal.email });
    try {
      const res = await fetch(url, { headers: { accept: 'application/json', ...this.headers }, signal: AbortSignal.timeout(this.config.timeoutMs) });
      if (!res.ok) {
        this.logger.warn({ status: res.status }, 'access connector refused; an officer will prepare the summary');
        return undefined;
      }
      const parsed = answer.safeParse(await res.json());
      if (!parsed.success) {
        this.logger.warn('access connector answered in an unexpected shape; an officer will prepare the summary');
        return undefined;
      }
      const s = parsed.data.summary;
      return typeof s === 'string' ? s : s[lang];
    } catch (err) {
      this.logger.warn({ error: describeError(err) }, 'access connector unreachable; an officer will prepare the summary');
      return undefined;
    }
  }
}
