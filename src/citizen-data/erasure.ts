import { breachQueries } from '../breach/queries.ts';
import { evidenceQueries } from '../files/evidence.ts';
import { isOpen, isTicketStatus } from '../domain/tickets/state-machine.ts';
import type { Profile } from '../profile/schema.ts';
import { keepReasons, type KeepReason } from '../retention/exceptions.ts';
import type { TicketRow } from '../storage/queries.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';
import { ownDataQueries } from './queries.ts';

/**
 * The citizen's erasure of their own data in Nivaran (this conversation only), with the same
 * exceptions as the retention purge (`keepReasons`).
 *
 * - `full` (nothing protects the conversation): the transcript, the identity checks, the ratings,
 *   nominations no longer active, the request details of finished tickets (and the citizen's
 *   replies in their history) are deleted; open download links end.
 * - `answering` (an open ticket or an appeal): the organisation still has to answer, and the
 *   conversation is the record of what was asked, so the transcript, the identity checks and the
 *   open tickets' details stay. Ratings, ended nominations and finished tickets' details go.
 * - In both, a breach notice's recipient identifier (the mobile or email the DPO pasted) that led
 *   to this conversation is replaced by a marker; the breach keeps the row for its Board report.
 * - `hold` (a Board case or a legal hold): the records are evidence and stay as they are.
 *
 * Always kept, whatever the regime, until their own retention periods (DPDP Rules r.8(3): at least
 * one year): the consent ledger (proof of consent and its withdrawal, s.6(10)), each ticket's
 * statutory record (number, kind, status, dates, history, the kind of request), the audit log
 * (which records this erasure), processed-message ids and delivery statuses (traffic data), and an
 * active nomination (the citizen's standing instruction, removed from the rights menu).
 * The session's unfinished answers are cleared by the flow itself.
 */
export type ErasureRegime = 'full' | 'answering' | 'hold';

export interface ErasureCounts {
  /** Messages of the transcript. */
  messages: number;
  verifications: number;
  ratings: number;
  /** Nominations no longer active. */
  nominations: number;
  /** Finished tickets whose request details were erased. */
  tickets: number;
  /** Evidence files (only when there were any). */
  files?: number;
  /** Download links that were still valid and now end. */
  links: number;
  /** Breach notices' recipient identifiers (mobile, email, reference) that led here (only when there were any). */
  breachIdentifiers?: number;
}

export interface ErasurePlan {
  regime: ErasureRegime;
  reasons: KeepReason[];
  counts: ErasureCounts;
}

/** Request fields that classify a request and tie it to the requester: the ticket's statutory record keeps them. */
const STATUTORY_FIELDS = new Set(['right', 'category', 'scope', 'action', 'evidence', 'cooling_off_until', 'principal_id', 'erased_at']);

/** @example regimeOf(['open_ticket', 'legal_hold']) // 'hold' */
export function regimeOf(reasons: readonly KeepReason[]): ErasureRegime {
  if (reasons.includes('board_case') || reasons.includes('legal_hold')) return 'hold';
  return reasons.length > 0 ? 'answering' : 'full';
}

/**
 * What an erasure now would delete, and what it must keep and why. Reads only.
 * @example const plan = await planErasure(uow, 'console:asha', now, profile); // { regime: 'full', reasons: [], counts: { messages: 31, … } }
 */
export async function planErasure(uow: UnitOfWork, conversationKey: string, now: Date, profile: Profile): Promise<ErasurePlan> {
  const reasons = await keepReasons(uow, conversationKey, now, profile);
  const regime = regimeOf(reasons);
  return { regime, reasons, counts: await run(uow, conversationKey, regime, now, false) };
}

/**
 * Carries out an erasure under the regime its plan found (in the same unit of work) and returns
 * what was deleted.
 * @example const erased = await executeErasure(uow, 'console:asha', plan.regime, now); // { messages: 31, verifications: 1, … }
 */
export async function executeErasure(uow: UnitOfWork, conversationKey: string, regime: ErasureRegime, now: Date): Promise<ErasureCounts> {
  return run(uow, conversationKey, regime, now, true);
}

async function run(uow: UnitOfWork, key: string, regime: ErasureRegime, now: Date, apply: boolean): Promise<ErasureCounts> {
  const q = ownDataQueries(uow.dialect);
  const p = { conversation_key: key };
  const n = async (query: typeof q.countTranscript) => Number((await uow.exec.all(query, p))[0]?.n ?? 0);
  const counts: ErasureCounts = { messages: 0, verifications: 0, ratings: 0, nominations: 0, tickets: 0, links: 0 };
  const at = now.toISOString();

  counts.links = Number((await uow.exec.all(q.liveExports, { ...p, now: at }))[0]?.n ?? 0);
  if (apply && counts.links > 0) await uow.exec.run(q.endExports, { ...p, now: at });
  if (regime === 'hold') return counts;

  counts.ratings = await n(q.countRatings);
  counts.nominations = await n(q.countEndedNominations);
  const finished = (await uow.tickets.ofConversation(key)).filter((t) => !isTicketStatus(t.status) || !isOpen(t.status));
  const stripped = finished.flatMap((t) => {
    const fields = statutoryFields(t, at);
    return fields ? [{ t, fields }] : [];
  });
  counts.tickets = stripped.length;
  if (apply) {
    if (counts.ratings > 0) await uow.exec.run(q.deleteRatings, p);
    if (counts.nominations > 0) await uow.exec.run(q.deleteEndedNominations, p);
    for (const { t, fields } of stripped) {
      await uow.exec.run(q.setTicketFields, { id: t.id, fields: JSON.stringify(fields) });
      await uow.exec.run(q.eraseCitizenReplies, { ticket_id: t.id, data: JSON.stringify({ erased: true }) });
    }
  }
  // The identifier the DPO pasted (a mobile, an email) is not needed to answer anything: the
  // breach keeps its row (told or not, for the Board's report), without it.
  const bq = breachQueries(uow.dialect);
  const identifiers = Number((await uow.exec.all(bq.countIdentifiersOf, p))[0]?.n ?? 0);
  if (identifiers > 0) {
    counts.breachIdentifiers = identifiers;
    if (apply) await uow.exec.run(bq.eraseIdentifiersOf, p);
  }
  if (regime === 'answering') return counts;

  counts.messages = await n(q.countTranscript);
  counts.verifications = await n(q.countVerifications);
  if (apply) {
    await uow.exec.run(q.deleteTranscript, p);
    await uow.exec.run(q.deleteVerifications, p);
  }
  // Evidence files go with the conversation (their bytes with the scheduler's next file sweep);
  // counted only when there are any, so a record without files reads as before.
  const fq = evidenceQueries(uow.dialect);
  const files = (await uow.exec.all(fq.ofConversation, { key })).length;
  if (files > 0) {
    counts.files = files;
    if (apply) await uow.exec.run(fq.deleteOfConversation, { key });
  }
  return counts;
}

/** The ticket's fields reduced to its statutory record, or undefined when there is nothing more to erase. */
function statutoryFields(t: TicketRow, at: string): Record<string, unknown> | undefined {
  const fields = JSON.parse(t.fields) as Record<string, unknown>;
  const personal = Object.keys(fields).filter((k) => !STATUTORY_FIELDS.has(k));
  if (personal.length === 0) return undefined;
  const kept = Object.fromEntries(Object.entries(fields).filter(([k]) => STATUTORY_FIELDS.has(k)));
  return { ...kept, erased_at: at };
}
