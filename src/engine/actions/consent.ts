import { z } from 'zod';
import type { ActionDefinition } from './types.ts';

const params = z.object({ action: z.enum(['given', 'declined', 'withdrawn']) });

/**
 * Records the citizen's answer to the consent notice (or its withdrawal) in the ledger, with the
 * notice's version and hash, and remembers it in the session.
 * @example { "type": "action", "id": "consent_yes", "action": "record_consent", "params": { "action": "given" } }
 */
export const recordConsent: ActionDefinition<typeof params> = {
  name: 'record_consent',
  params,
  exits: [],
  async run(ctx, { action }) {
    const notice = ctx.services.consentNotice(ctx.lang);
    return {
      consent: action === 'given' ? { version: notice.version, at: ctx.now.toISOString() } : null,
      events: [{ type: 'consent_recorded', action, version: notice.version, hash: notice.hash, lang: ctx.lang }],
    };
  },
};
