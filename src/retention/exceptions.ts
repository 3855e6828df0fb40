import { isOpen, isTicketStatus } from '../domain/tickets/state-machine.ts';
import type { Profile } from '../profile/schema.ts';
import { prepare } from '../storage/prepared.ts';
import { featureQueries } from '../storage/feature-queries.ts';
import type { LegalHoldsTable } from '../storage/schema.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';

export type HoldRow = Omit<LegalHoldsTable, 'id'> & { id: number };

/** Why a conversation's data must be kept past its retention period (or despite an erasure request). */
export type KeepReason = 'open_ticket' | 'appeal_pending' | 'board_case' | 'legal_hold';

const queries = featureQueries((db) => ({
  activeHoldsOf: prepare<{ conversation_key: string }, HoldRow>((p) =>
    db.selectFrom('legal_holds').selectAll().where('conversation_key', '=', p.conversation_key).where('released_at', 'is', null).orderBy('id')),
}));

/**
 * The exceptions to every purge and to the citizen's erasure of their own data: an open ticket
 * (still the organisation's to answer), an appeal under way, a Board case (a Board notice less
 * than `retention.boardCaseMonths` old), or a legal hold set by an admin. Empty: nothing stops it.
 */
export async function keepReasons(uow: UnitOfWork, conversationKey: string, now: Date, profile: Profile): Promise<KeepReason[]> {
  const reasons = new Set<KeepReason>();
  const boardWindowMs = profile.retention.boardCaseMonths * 31 * 86_400_000;
  for (const t of await uow.tickets.ofConversation(conversationKey)) {
    if (t.status === 'appealed') reasons.add('appeal_pending');
    else if (isTicketStatus(t.status) && isOpen(t.status)) reasons.add('open_ticket');
    if (t.board_notified_at && now.getTime() - Date.parse(t.board_notified_at) < boardWindowMs) reasons.add('board_case');
  }
  if ((await uow.exec.all(queries(uow.dialect).activeHoldsOf, { conversation_key: conversationKey })).length > 0) reasons.add('legal_hold');
  return [...reasons];
}
