import { appendAudit } from '../audit/audit-log.ts';
import { isAdmin, type DeskUser } from '../desk/access.ts';
import { AppError, ERROR_CODES } from '../errors.ts';
import { featureQueries } from '../storage/feature-queries.ts';
import { prepare } from '../storage/prepared.ts';
import type { Store } from '../storage/sqlite-store.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';
import type { HoldRow } from './exceptions.ts';
import { retentionQueries } from './queries.ts';
import { redact } from '../text/redact.ts';

export const HOLD_REASON_MIN = 5;
export const HOLD_REASON_MAX = 500;
const TICKET_NUMBER = /^[A-Z]{2,6}-\d{4}-\d{6}$/;
const RELEASED_SHOWN = 50;

/** A hold as the desk shows it: officers by name, and the release's reason. */
export interface HoldItem {
  id: number;
  conversationKey: string;
  ticketNumber: string | null;
  reason: string;
  setBy: string;
  setAt: string;
  releasedBy: string | null;
  releasedAt: string | null;
  releaseReason: string | null;
}

export interface HoldTarget {
  /** A ticket number: the hold is on that ticket's conversation. */
  ticket?: string;
  /** A conversation key (`channel:id`), for a conversation without a ticket. */
  conversation?: string;
}

const queries = featureQueries((db) => ({
  insert: prepare<{ conversation_key: string; ticket_number: string | null; reason: string; set_by: string; set_at: string }, { id: number }>((p) =>
    db.insertInto('legal_holds').values({
      conversation_key: p.conversation_key, ticket_number: p.ticket_number, reason: p.reason, set_by: p.set_by, set_at: p.set_at,
    }).returning('id')),
  byId: prepare<{ id: number }, HoldRow>((p) => db.selectFrom('legal_holds').selectAll().where('id', '=', p.id)),
  release: prepare<{ id: number; by: string; at: string; reason: string }, never>((p) =>
    db.updateTable('legal_holds').set({ released_by: p.by, released_at: p.at, release_reason: p.reason }).where('id', '=', p.id).where('released_at', 'is', null)),
  active: prepare<Record<string, never>, HoldRow>(() => db.selectFrom('legal_holds').selectAll().where('released_at', 'is', null).orderBy('id', 'desc')),
  released: prepare<{ limit: number }, HoldRow>((p) =>
    db.selectFrom('legal_holds').selectAll().where('released_at', 'is not', null).orderBy('released_at', 'desc').orderBy('id', 'desc').limit(p.limit)),
  ofConversation: prepare<{ key: string }, HoldRow>((p) =>
    db.selectFrom('legal_holds').selectAll().where('conversation_key', '=', p.key).orderBy('id', 'desc')),
}));

function input(key: string): AppError {
  return new AppError(ERROR_CODES.DESK_INPUT, key);
}

function forbidden(): AppError {
  return new AppError(ERROR_CODES.DESK_FORBIDDEN, 'Only an administrator places or releases legal holds.');
}

/** A reason of 5 to 500 characters, trimmed and masked (it may quote a citizen's numbers). */
export function holdReason(text: unknown): string {
  const reason = typeof text === 'string' ? redact(text.trim()).text : '';
  if (reason.length < HOLD_REASON_MIN) throw input('error.reason_short');
  if (reason.length > HOLD_REASON_MAX) throw input('error.reason_long');
  return reason;
}

/**
 * Legal holds: an admin keeps a conversation's data past its retention period (a court case, a
 * Board inquiry, an investigation) until they release it, each with a reason. Placing, releasing
 * and listing them are audited in the same transaction; the audit rows name the hold, not the
 * conversation, and carry no message text.
 */
export class LegalHolds {
  constructor(private readonly deps: { store: Store; clock: () => Date }) {}

  /** The active holds and the latest released ones; with `ticket`, only that ticket's conversation. */
  async list(user: DeskUser, opts: { ticket?: string } = {}): Promise<{ active: HoldItem[]; released: HoldItem[]; conversationKey?: string }> {
    if (!isAdmin(user)) throw forbidden();
    const now = this.deps.clock();
    return this.deps.store.transaction(async (uow) => {
      const q = queries(uow.dialect);
      let rows: HoldRow[];
      let conversationKey: string | undefined;
      if (opts.ticket !== undefined) {
        conversationKey = (await this.ticketOf(uow, opts.ticket)).conversation_key;
        rows = await uow.exec.all(q.ofConversation, { key: conversationKey });
      } else {
        rows = [...(await uow.exec.all(q.active, {})), ...(await uow.exec.all(q.released, { limit: RELEASED_SHOWN }))];
      }
      const items = await this.items(uow, rows);
      await appendAudit(uow, {
        actor: `officer:${user.id}`, action: 'legal_hold.list', subject: opts.ticket ? `ticket:${opts.ticket}` : 'legal_holds', detail: { shown: items.length }, at: now,
      });
      return {
        active: items.filter((h) => h.releasedAt === null),
        released: items.filter((h) => h.releasedAt !== null),
        ...(conversationKey ? { conversationKey } : {}),
      };
    });
  }

  /** Places a hold on a ticket's conversation, or on a conversation by its key. */
  async place(user: DeskUser, target: HoldTarget, reasonText: unknown): Promise<HoldItem> {
    if (!isAdmin(user)) throw forbidden();
    const reason = holdReason(reasonText);
    const now = this.deps.clock();
    return this.deps.store.transaction(async (uow) => {
      let conversationKey: string;
      let ticketNumber: string | null = null;
      const ticket = target.ticket?.trim();
      const conversation = target.conversation?.trim();
      if (ticket) {
        const t = await this.ticketOf(uow, ticket);
        conversationKey = t.conversation_key;
        ticketNumber = t.number;
      } else if (conversation) {
        if (conversation.length > 300 || (await uow.exec.all(retentionQueries(uow.dialect).conversationSeen, { key: conversation })).length === 0) {
          throw input('error.conversation_unknown');
        }
        conversationKey = conversation;
      } else throw input('error.target_missing');
      const [row] = await uow.exec.all(queries(uow.dialect).insert, {
        conversation_key: conversationKey, ticket_number: ticketNumber, reason, set_by: `officer:${user.id}`, set_at: now.toISOString(),
      });
      const id = Number(row!.id);
      await appendAudit(uow, {
        actor: `officer:${user.id}`, action: 'legal_hold.set', subject: `legal_hold:${id}`, detail: { ticket: ticketNumber }, at: now,
      });
      return (await this.items(uow, await uow.exec.all(queries(uow.dialect).byId, { id })))[0]!;
    });
  }

  /** Releases one hold, with a reason (kept on the hold, masked; the audit row holds no free text). */
  async release(user: DeskUser, id: number, reasonText: unknown): Promise<void> {
    if (!isAdmin(user)) throw forbidden();
    const reason = holdReason(reasonText);
    const now = this.deps.clock();
    await this.deps.store.transaction(async (uow) => {
      const q = queries(uow.dialect);
      const [hold] = await uow.exec.all(q.byId, { id });
      if (!hold) throw input('error.hold_unknown');
      await this.releaseRow(uow, hold, user, reason, now);
    });
  }

  /** Releases every active hold on a ticket's conversation (the ticket page's form); how many. */
  async releaseForTicket(user: DeskUser, ticket: string, reasonText: unknown): Promise<number> {
    if (!isAdmin(user)) throw forbidden();
    const reason = holdReason(reasonText);
    const now = this.deps.clock();
    return this.deps.store.transaction(async (uow) => {
      const t = await this.ticketOf(uow, ticket);
      const active = (await uow.exec.all(queries(uow.dialect).ofConversation, { key: t.conversation_key })).filter((h) => h.released_at === null);
      if (active.length === 0) throw input('error.no_active_hold');
      for (const hold of active) await this.releaseRow(uow, hold, user, reason, now);
      return active.length;
    });
  }

  private async releaseRow(uow: UnitOfWork, hold: HoldRow, user: DeskUser, reason: string, now: Date): Promise<void> {
    const id = Number(hold.id);
    const changed = await uow.exec.run(queries(uow.dialect).release, { id, by: `officer:${user.id}`, at: now.toISOString(), reason });
    if (changed.changes !== 1) throw input('error.already_released');
    await appendAudit(uow, {
      actor: `officer:${user.id}`, action: 'legal_hold.release', subject: `legal_hold:${id}`, detail: { ticket: hold.ticket_number }, at: now,
    });
  }

  private async ticketOf(uow: UnitOfWork, number: string) {
    const n = number.trim().toUpperCase();
    const t = TICKET_NUMBER.test(n) ? await uow.tickets.byNumber(n) : undefined;
    if (!t) throw input('error.ticket_unknown');
    return t;
  }

  private async items(uow: UnitOfWork, rows: HoldRow[]): Promise<HoldItem[]> {
    const officers = new Map((await uow.officers.list()).map((o) => [`officer:${o.id}`, o.name]));
    const name = (actor: string | null) => (actor === null ? null : (officers.get(actor) ?? actor));
    const out: HoldItem[] = [];
    for (const h of rows) {
      const id = Number(h.id);
      let releaseReason: string | null = h.release_reason ?? null;
      // Releases before migration 0011 kept the reason in the audit log's details.
      if (h.released_at !== null && releaseReason === null) {
        const entry = (await uow.audit.ofSubject(`legal_hold:${id}`, 5)).find((a) => a.action === 'legal_hold.release');
        const detail = entry ? (JSON.parse(entry.detail) as { reason?: unknown }) : {};
        releaseReason = typeof detail.reason === 'string' ? detail.reason : null;
      }
      out.push({
        id,
        conversationKey: h.conversation_key,
        ticketNumber: h.ticket_number,
        reason: h.reason,
        setBy: name(h.set_by)!,
        setAt: h.set_at,
        releasedBy: name(h.released_by),
        releasedAt: h.released_at,
        releaseReason,
      });
    }
    return out;
  }
}
