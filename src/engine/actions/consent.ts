import { z } from 'zod';
import type { ActionDefinition } from './types.ts';

const params = z.object({
  action: z.enum(['given', 'declined', 'withdrawn']),
  /** Consent given by the parent or guardian just verified by a one-time code (DPDP s.9). */
  guardian: z.boolean().default(false),
});

/**
 * Records the citizen's answer to the consent notice (or its withdrawal) in the ledger, with the
 * notice's version and hash, and remembers it in the session. With `guardian`, the consent is the
 * verified parent's or guardian's for a minor: the ledger keeps who consented for whom, and the
 * guardian's verification is not left on the child's session (it proves the parent, not the child).
 * @example { "type": "action", "id": "consent_yes", "action": "record_consent", "params": { "action": "given" } }
 */
export const recordConsent: ActionDefinition<typeof params> = {
  name: 'record_consent',
  params,
  exits: ['recorded', 'not_verified'],
  async run(ctx, { action, guardian }) {
    const notice = ctx.services.consentNotice(ctx.lang);
    if (guardian) {
      const v = ctx.session.verified;
      if (action !== 'given' || !v || v.level !== 'otp' || v.principalId === undefined) return { exit: 'not_verified' };
      return {
        consent: { version: notice.version, at: ctx.now.toISOString(), minor: true },
        verified: null,
        events: [{ type: 'consent_recorded', action, version: notice.version, hash: notice.hash, lang: ctx.lang, guardianPrincipalId: v.principalId }],
      };
    }
    return {
      consent: action === 'given' ? { version: notice.version, at: ctx.now.toISOString() } : null,
      events: [{ type: 'consent_recorded', action, version: notice.version, hash: notice.hash, lang: ctx.lang }],
    };
  },
};

/**
 * Whether to ask if the person is a minor (or acts for a person with a disability): only where
 * the profile says children may use the service.
 * @example { "type": "action", "id": "children", "action": "check_children", "exits": { "ask": "ask_minor", "skip": "given" } }
 */
export const checkChildren: ActionDefinition<z.ZodObject<Record<string, never>>> = {
  name: 'check_children',
  params: z.object({}),
  exits: ['ask', 'skip'],
  async run(ctx) {
    return { exit: ctx.services.childrenPossible?.() ? 'ask' : 'skip' };
  },
};
