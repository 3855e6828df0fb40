import { isOpen, isTicketStatus } from '../domain/tickets/state-machine.ts';
import type { Profile } from '../profile/schema.ts';
import { prepare } from '../storage/prepared.ts';
import { featureQueries } from '../storage/feature-queries.ts';
import type { LegalHoldsTable } from '../storage/schema.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';

export type HoldRow = Omit<LegalHoldsTable, 'id'> & { id: number };

/** Why a conversation's data must be kept past its retention period (or despite an erasure request). */
export type KeepReason = 'open_ticket' | 'appeal_pending' | 'board_case' | 'legal_hold';

/** Conversations per statement in `keepReasonsOf` (unused slots are bound to '', which no conversation has). */
const KEY_SLOTS = 100;
type KeySlots = Record<string, string>;
const keyRefs = (p: KeySlots): string[] => Array.from({ length: KEY_SLOTS }, (_, i) => p[`k${i}`]!);

const queries = featureQueries((db) => ({
  activeHoldsOf: prepare<{ conversation_key: string }, HoldRow>((p) =>
    db.selectFrom('legal_holds').selectAll().where('conversation_key', '=', p.conversation_key).where('released_at', 'is', null).orderBy('id')),
  ticketsOfMany: prepare<KeySlots, { conversation_key: string; status: string; board_notified_at: string | null }>((p) =>
    db.selectFrom('tickets').select(['conversation_key', 'status', 'board_notified_at']).where('conversation_key', 'in', keyRefs(p))),
  heldOfMany: prepare<KeySlots, { conversation_key: string }>((p) =>
    db.selectFrom('legal_holds').select('conversation_key').where('conversation_key', 'in', keyRefs(p)).where('released_at', 'is', null)),
}));

/** The reasons that follow from a conversation's tickets and whether a hold is in force. */
function reasonsFrom(
  tickets: ReadonlyArray<{ status: string; board_notified_at: string | null }>, held: boolean, now: Date, profile: Profile,
): KeepReason[] {
  const reasons = new Set<KeepReason>();
  const boardWindowMs = profile.retention.boardCaseMonths * 31 * 86_400_000;
  for (const t of tickets) {
    if (t.status === 'appealed') reasons.add('appeal_pending');
    else if (isTicketStatus(t.status) && isOpen(t.status)) reasons.add('open_ticket');
    if (t.board_notified_at && now.getTime() - Date.parse(t.board_notified_at) < boardWindowMs) reasons.add('board_case');
  }
  if (held) reasons.add('legal_hold');
  return [...reasons];
}

/**
 * The exceptions to every purge and to the citizen's erasure of their own data: an open ticket
 * (still the organisation's to answer), an appeal under way, a Board case (a Board notice less
 * than `retention.boardCaseMonths` old), or a legal hold set by an admin. Empty: nothing stops it.
 */
export async function keepReasons(uow: UnitOfWork, conversationKey: string, now: Date, profile: Profile): Promise<KeepReason[]> {
  const tickets = await uow.tickets.ofConversation(conversationKey);
  const held = (await uow.exec.all(queries(uow.dialect).activeHoldsOf, { conversation_key: conversationKey })).length > 0;
  return reasonsFrom(tickets, held, now, profile);
}

/**
 * `keepReasons` for many conversations at once (the purge's pages): two statements per hundred
 * conversations instead of two per conversation, which matters on PostgreSQL where each
 * statement is a round trip. Same rules, same answers.
 */
export async function keepReasonsOf(uow: UnitOfWork, conversationKeys: readonly string[], now: Date, profile: Profile): Promise<Map<string, KeepReason[]>> {
  const q = queries(uow.dialect);
  const unique = [...new Set(conversationKeys)];
  const tickets = new Map<string, Array<{ status: string; board_notified_at: string | null }>>();
  const held = new Set<string>();
  for (let i = 0; i < unique.length; i += KEY_SLOTS) {
    const slots: KeySlots = {};
    for (let j = 0; j < KEY_SLOTS; j++) slots[`k${j}`] = unique[i + j] ?? '';
    for (const t of await uow.exec.all(q.ticketsOfMany, slots)) {
      let list = tickets.get(t.conversation_key);
      if (!list) tickets.set(t.conversation_key, (list = []));
      list.push(t);
    }
    for (const h of await uow.exec.all(q.heldOfMany, slots)) held.add(h.conversation_key);
  }
  return new Map(unique.map((key) => [key, reasonsFrom(tickets.get(key) ?? [], held.has(key), now, profile)]));
}
