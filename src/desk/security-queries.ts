import { featureQueries } from '../storage/feature-queries.ts';
import { prepare } from '../storage/prepared.ts';

/** Switching officers off and ending what they hold (issue 14). */
export const securityQueries = featureQueries((db) => ({
  tokenOwner: prepare<{ id: number }, { officer_id: number }>((p) => db.selectFrom('api_tokens').select('officer_id').where('id', '=', p.id)),
  deleteSessionsOf: prepare<{ officer_id: number }, never>((p) => db.deleteFrom('desk_sessions').where('officer_id', '=', p.officer_id)),
  deleteOtherSessionsOf: prepare<{ officer_id: number; keep: string }, never>((p) =>
    db.deleteFrom('desk_sessions').where('officer_id', '=', p.officer_id).where('id', '!=', p.keep)),
  revokeTokensOf: prepare<{ officer_id: number; at: string }, never>((p) =>
    db.updateTable('api_tokens').set({ revoked_at: p.at }).where('officer_id', '=', p.officer_id).where('revoked_at', 'is', null)),
}));
