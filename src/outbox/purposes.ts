import { featureQueries } from '../storage/feature-queries.ts';
import { prepare } from '../storage/prepared.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';

/**
 * Purposes a citizen may switch off on their own (only `updates` today: src/consent/updates.ts).
 * A message queued for one carries its purpose in the outbox payload, so the sender asks the
 * consent ledger again just before each part goes out: an opt-out that arrives while the message
 * waits in the queue (a retry after a 429, WhatsApp's template hold, a scheduler notice queued a
 * moment before) still stops it. It lives with the outbox, not with consent, so that the sender
 * imports none of the outbox's callers.
 */
export const OPTIONAL_PURPOSES = ['updates'] as const;
export type OptionalPurpose = (typeof OPTIONAL_PURPOSES)[number];

export const isOptionalPurpose = (v: unknown): v is OptionalPurpose => (OPTIONAL_PURPOSES as readonly unknown[]).includes(v);

/** The consent ledger's actions for a purpose: the latest of the two decides. */
export const optedOutAction = (p: OptionalPurpose) => `opted_out:${p}` as const;
export const optedInAction = (p: OptionalPurpose) => `opted_in:${p}` as const;

const queries = featureQueries((db) => ({
  latest: prepare<{ conversation_key: string; out: `opted_out:${OptionalPurpose}`; in: `opted_in:${OptionalPurpose}` }, { action: string }>((p) =>
    db.selectFrom('consent_ledger').select('action').where('conversation_key', '=', p.conversation_key)
      .where('action', 'in', [p.out, p.in]).orderBy('id', 'desc').limit(1)),
}));

/** Whether the citizen of this conversation has opted out of `purpose` (and not back in). */
export async function optedOutOf(uow: UnitOfWork, conversationKey: string, purpose: OptionalPurpose): Promise<boolean> {
  const out = optedOutAction(purpose);
  const [row] = await uow.exec.all(queries(uow.dialect).latest, { conversation_key: conversationKey, out, in: optedInAction(purpose) });
  return row?.action === out;
}
