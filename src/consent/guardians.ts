import type { Generated } from 'kysely';
import { featureQueries } from '../storage/feature-queries.ts';
import { prepare } from '../storage/prepared.ts';

/**
 * Who consented for whom (DPDP s.9, Rules 10–11): a parent or lawful guardian, a principal on
 * file verified by a one-time code, gave the consent of a minor's conversation. Beside the
 * consent ledger's row of the same conversation and time.
 */
export interface ConsentGuardiansTable {
  id: Generated<number>;
  conversation_key: string;
  guardian_principal_id: number;
  /** How the guardian was verified as an identifiable adult: `otp` (a code to their address on file). */
  method: string;
  notice_version: string;
  at: string;
}

export type GuardianRow = Omit<ConsentGuardiansTable, 'id'> & { id: number };

export const guardianQueries = featureQueries((db) => ({
  insert: prepare<Omit<ConsentGuardiansTable, 'id'>, never>((p) =>
    db.insertInto('consent_guardians').values({
      conversation_key: p.conversation_key, guardian_principal_id: p.guardian_principal_id, method: p.method, notice_version: p.notice_version, at: p.at,
    })),
  of: prepare<{ conversation_key: string }, GuardianRow>((p) =>
    db.selectFrom('consent_guardians').selectAll().where('conversation_key', '=', p.conversation_key).orderBy('id')),
}));
