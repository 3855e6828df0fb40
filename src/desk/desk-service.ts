import { z } from 'zod';
import { appendAudit } from '../audit/audit-log.ts';
import { DURATION_UNITS } from '../domain/sla/duration.ts';
import type { TicketStatus } from '../domain/tickets/state-machine.ts';
import { allowedFrom, isOpen as isOpenStatus, isTicketStatus } from '../domain/tickets/state-machine.ts';
import { isLang, type Lang } from '../engine/session.ts';
import type { CheckedFile } from '../files/checks.ts';
import type { EvidenceFiles } from '../files/evidence.ts';
import { AppError, ERROR_CODES } from '../errors.ts';
import type { HandoffService } from '../handoff/handoff-service.ts';
import type { Profile } from '../profile/schema.ts';
import type { HandoffRow, OfficerRow } from '../storage/desk-queries.ts';
import type { TicketRow, TranscriptRow } from '../storage/queries.ts';
import type { Store } from '../storage/sqlite-store.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';
import { redact } from '../text/redact.ts';
import type { TicketService } from '../tickets/service.ts';
import { ticketDetail, ticketSummary } from '../tickets/view.ts';
import { canActOnTicketIn, canSeeTicketIn, isAdmin, levelSlots, worksTickets, type DeskUser } from './access.ts';
import { accessFrom, departmentAccess, mayOpenChat, type OfficerAccess } from '../departments/access.ts';
import { departmentQueries } from '../departments/queries.ts';

export const PAGE_SIZE = 50;
/** The live chats the chats page lists, oldest first. */
const CHATS_SHOWN = 200;
/** The transcript a ticket page shows: the conversation's latest rows. */
const TRANSCRIPT_ROWS = 500;

/**
 * One officer action on a ticket, as the desk's forms and the JSON API send it. Messages are
 * `desk:` text keys, so each page can say them in the officer's language.
 */
export const deskActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('take') }),
  z.object({ type: z.literal('assign'), officerId: z.coerce.number().int().min(0, 'error.officer_unknown') }),
  z.object({ type: z.literal('acknowledge') }),
  z.object({ type: z.literal('reply'), text: z.string().trim().min(1, 'error.reply_empty').max(4000, 'error.too_long') }),
  z.object({ type: z.literal('ask'), question: z.string().trim().min(5, 'error.question_short').max(1000, 'error.too_long') }),
  z.object({
    type: z.literal('extend'),
    unit: z.enum(DURATION_UNITS, 'error.unit_unknown'),
    value: z.coerce.number().int('error.value_whole').min(1, 'error.value_whole').max(90, 'error.value_whole'),
    reason: z.string().trim().min(5, 'error.reason_short').max(500, 'error.too_long'),
  }),
  z.object({ type: z.literal('resolve'), reason: z.string().trim().min(5, 'error.reason_short').max(2000, 'error.too_long') }),
  z.object({ type: z.literal('escalate'), reason: z.string().trim().min(5, 'error.reason_short').max(500, 'error.too_long') }),
  z.object({ type: z.literal('close'), reason: z.string().trim().max(500, 'error.too_long').optional() }),
  /** To another department (where the organisation declares departments), with a reason the citizen reads. */
  z.object({
    type: z.literal('transfer'),
    department: z.string().trim().min(1, 'error.department_unknown').max(40, 'error.department_unknown'),
    reason: z.string().trim().min(5, 'error.reason_short').max(500, 'error.too_long'),
  }),
]);
export type DeskAction = z.infer<typeof deskActionSchema>;
export const DESK_ACTIONS = ['take', 'assign', 'acknowledge', 'reply', 'ask', 'extend', 'resolve', 'escalate', 'close', 'transfer'] as const;

export const queueFiltersSchema = z.object({
  kind: z.string().max(40).default(''),
  status: z.string().max(40).default(''),
  channel: z.string().max(40).default(''),
  language: z.string().max(5).default(''),
  /** A department id (where the organisation declares departments); empty: every department the officer works in. */
  department: z.string().max(40).optional(),
  /** any, me, none, or an officer's id. */
  assignee: z.union([z.enum(['any', 'me', 'none']), z.coerce.number().int().positive()]).default('any'),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});
export type QueueFilters = z.infer<typeof queueFiltersSchema>;

export interface DeskServiceDeps {
  store: Store;
  tickets: TicketService;
  handoffs: HandoffService;
  profile: Profile;
  clock: () => Date;
  /** After a commit that queued a message to a citizen. */
  onActivity: (conversationKey: string) => void;
  /** Evidence files, for the upload form's attach-and-reply (`attachAndReply`). */
  evidence?: EvidenceFiles | undefined;
}

export interface OfficerRef {
  id: number;
  name: string;
  role: string;
}

/**
 * What officers do on the desk and through the API: read the queue and tickets, act on them,
 * and hold live chats. Every read of citizen data and every action is written to the audit log
 * in the same unit of work as what it records.
 */
const CHAT_FORBIDDEN = 'This chat is not yours to see: its conversation holds tickets above your rung or in another department.';

export class DeskService {
  constructor(private readonly deps: DeskServiceDeps) {}

  get profile(): Profile {
    return this.deps.profile;
  }

  async queue(user: DeskUser, filters: QueueFilters) {
    const { profile, clock, tickets } = this.deps;
    const now = clock();
    const assignee = filters.assignee === 'any' ? -1 : filters.assignee === 'none' ? 0 : filters.assignee === 'me' ? user.id : filters.assignee;
    const soon = new Date(now.getTime() + profile.desk.dueSoonHours * 3_600_000).toISOString();
    return this.deps.store.transaction(async (uow) => {
      const access = await this.access(uow, user);
      // Departments' ladders may be longer than the organisation's: the admin sees every rung of each.
      const slots = tickets.departments.declared && isAdmin(user) ? { l0: 0, l1: 1, l2: 2, l3: 3, l4: 4 } : levelSlots(user.role, profile.ladder);
      const base = {
        kind: filters.kind, status: filters.status, channel: filters.channel, language: filters.language, assignee, me: worksTickets(user.role) ? user.id : -1,
        ...slots, scope: access.queueScope, department: filters.department ?? '',
      };
      const rows = await uow.tickets.queue({ ...base, limit: PAGE_SIZE, offset: (filters.page - 1) * PAGE_SIZE });
      const counts = await uow.tickets.queueCounts({ ...base, now: now.toISOString(), soon });
      const officers = await this.officerMap(uow);
      const waiting = worksTickets(user.role) ? await this.waitingIn(uow, user, access) : 0;
      await appendAudit(uow, { actor: `officer:${user.id}`, action: 'queue.view', subject: 'queue', detail: { filters, shown: rows.length }, at: now });
      const items = rows.map((t) => {
        const summary = ticketSummary(t, tickets, profile.ladder, now);
        const nextDue = t.next_due;
        return {
          ...summary,
          /** The department's name, where the organisation declares departments. */
          departmentName: tickets.departments.declared ? tickets.departmentOf(t).name : null,
          nextDue,
          assignee: t.assigned_to === null ? null : (officers.get(t.assigned_to) ?? { id: t.assigned_to, name: `#${t.assigned_to}`, role: '' }),
          breached: summary.breachedAt !== null || summary.dueAt < now.toISOString(),
          // Not while awaiting the citizen: the clock stands still (the stored next_due is stale).
          dueSoon: summary.breachedAt === null && !summary.paused && summary.dueAt >= now.toISOString() && nextDue < soon,
        };
      });
      // The departments the officer may filter by (where there are several).
      const departments = tickets.departments.declared ? tickets.departments.list.filter((d) => access.roles.has(d.id)).map((d) => ({ id: d.id, name: d.name })) : [];
      return { items, counts, waitingChats: waiting, page: filters.page, pageSize: PAGE_SIZE, now, departments };
    });
  }

  /** A ticket as its page shows it; opening it is audited (the ticket, and its transcript). */
  async ticket(user: DeskUser, number: string) {
    const { profile, clock, tickets } = this.deps;
    const now = clock();
    return this.deps.store.transaction(async (uow) => {
      const access = await this.access(uow, user);
      const t = await this.visible(uow, user, number, access);
      const detail = await ticketDetail(uow, t, tickets, profile.ladder, now);
      const transcript = (await uow.transcripts.of(t.conversation_key)).slice(-TRANSCRIPT_ROWS);
      const officers = await this.officerMap(uow);
      const handoff = await uow.handoffs.active(t.conversation_key);
      await appendAudit(uow, { actor: `officer:${user.id}`, action: 'ticket.view', subject: `ticket:${t.number}`, at: now });
      await appendAudit(uow, { actor: `officer:${user.id}`, action: 'transcript.view', subject: `ticket:${t.number}`, detail: { rows: transcript.length }, at: now });
      const status = t.status as TicketStatus;
      return {
        ...detail,
        conversationKey: t.conversation_key,
        transcript: transcript.map(transcriptItem),
        assignee: t.assigned_to === null ? null : (officers.get(t.assigned_to) ?? null),
        /** Every active officer, so the page can name the actors in the history. */
        officers: [...officers.values()],
        actions: this.actionsFor(user, t, status, access),
        assignable: await this.assignable(uow, t, [...officers.values()]),
        handoff: handoff ? { id: handoff.id, status: handoff.status, officerId: handoff.officer_id } : null,
        levelTitle: tickets.rungOf(t).title,
        /** The department holding the ticket, and (where there are several) where it may be transferred. */
        departmentInfo: { id: tickets.departmentOf(t).id, name: tickets.departmentOf(t).name, declared: tickets.departments.declared },
        transferTo: tickets.departments.declared ? tickets.departments.list.filter((d) => d.id !== tickets.departmentOf(t).id).map((d) => ({ id: d.id, name: d.name })) : [],
      };
    });
  }

  /**
   * Runs one action. An unassigned ticket is taken by the officer who acts on it; one a
   * colleague holds can only be acted on by them (or the admin).
   *
   * @throws AppError TICKET_NOT_FOUND, DESK_FORBIDDEN, DESK_INPUT, TICKET_TRANSITION
   */
  async act(user: DeskUser & { name: string }, number: string, action: DeskAction): Promise<TicketRow> {
    const now = this.deps.clock();
    const t = await this.deps.store.transaction((uow) => this.actIn(uow, user, number, action, now));
    this.deps.onActivity(t.conversation_key);
    return t;
  }

  /**
   * The ticket page's upload form, as one unit of work: the file attached (checked before, by the
   * caller, outside it) and the citizen told, with the officer's note. `idempotencyKey` is the
   * form's token: the same submission sent again (pressed again after a timeout, resubmitted by
   * the browser) finds the file it attached and neither attaches nor replies again. Returns
   * false for such a repeat.
   *
   * @throws AppError as `act`, and DESK_INPUT `error.form_other_ticket` for a token used on another ticket
   */
  async attachAndReply(
    user: DeskUser & { name: string }, number: string,
    input: { file: { bytes: Uint8Array; checked: CheckedFile }; note?: string | undefined; idempotencyKey?: string | undefined; told: (lang: Lang) => string },
  ): Promise<boolean> {
    const evidence = this.deps.evidence;
    if (!evidence) throw new Error('DeskService.attachAndReply needs the evidence files (DeskServiceDeps.evidence)');
    const now = this.deps.clock();
    const t = await this.deps.store.transaction(async (uow) => {
      // The conversation's lock first, as the router takes it before a citizen's file (then the
      // blob's): taken in the other order, an officer attaching the very file the citizen is
      // sending at that moment would deadlock with it on PostgreSQL.
      const held = await uow.tickets.byNumber(number);
      if (held) await uow.lockConversation(held.conversation_key);
      const { row, fresh } = await evidence.attachIn(uow, user, number, input.file, input.idempotencyKey);
      if (!fresh) return undefined;
      const ticket = await uow.tickets.byId(Number(row.ticket_id));
      const told = input.told(ticket && isLang(ticket.language) ? ticket.language : 'en');
      return this.actIn(uow, user, number, { type: 'reply', text: input.note ? `${input.note}\n\n${told}` : told }, now);
    });
    if (t) this.deps.onActivity(t.conversation_key);
    return t !== undefined;
  }

  /** `act` in the caller's unit of work (its `onActivity` is the caller's, after the commit). */
  private async actIn(uow: UnitOfWork, user: DeskUser & { name: string }, number: string, action: DeskAction, now: Date): Promise<TicketRow> {
    const { tickets } = this.deps;
    const actor = `officer:${user.id}`;
    const access = await this.access(uow, user);
    const t = await this.visible(uow, user, number, access);
    const audit = (detail: Record<string, unknown>) =>
      appendAudit(uow, { actor, action: `ticket.${action.type}`, subject: `ticket:${t.number}`, detail, at: now });
    if (action.type === 'take') {
      if (t.assigned_to !== null && t.assigned_to !== user.id && !isAdmin(user)) throw forbidden('Another officer holds this ticket.');
      const after = await tickets.assign(uow, t.number, user.id, { actor, now });
      await audit({ from: t.assigned_to, to: user.id });
      return after;
    }
    if (!canActOnTicketIn(user, t, access)) throw forbidden('Another officer holds this ticket; ask them or the admin to reassign it.');
    if (action.type === 'assign') {
      const to = action.officerId === 0 ? null : await uow.officers.byId(action.officerId);
      if (to === undefined || (to !== null && (to.active !== 1 || !(await this.assignable(uow, t, [{ id: to.id, name: to.name, role: to.role }])).length))) {
        throw new AppError(ERROR_CODES.DESK_INPUT, 'error.officer_unknown');
      }
      const after = await tickets.assign(uow, t.number, to?.id ?? null, { actor, now });
      await audit({ from: t.assigned_to, to: to?.id ?? null });
      return after;
    }
    // Acting on a ticket nobody holds takes it.
    if (t.assigned_to === null) await tickets.assign(uow, t.number, user.id, { actor, now, reason: 'taken by acting on it' });
    const lang = isLang(t.language) ? t.language : 'en';
    const rung = tickets.rungOf(t);
    let after: TicketRow;
    switch (action.type) {
      case 'acknowledge':
        after = await tickets.transition(uow, t.number, 'acknowledged', { actor, now });
        break;
      case 'reply':
        after = await tickets.officerReply(uow, t.number, redact(action.text).text, { actor, now, officerTitle: rung.title[lang] });
        break;
      case 'ask': {
        const question = redact(action.question).text;
        after = await tickets.transition(uow, t.number, 'awaiting_citizen', { actor, now, reason: question, question });
        break;
      }
      case 'extend':
        after = await tickets.extend(uow, t.number, { unit: action.unit, value: action.value }, { actor, now, reason: redact(action.reason).text });
        break;
      case 'resolve':
        after = await tickets.transition(uow, t.number, 'resolved', { actor, now, reason: redact(action.reason).text });
        break;
      case 'escalate':
        after = await tickets.transition(uow, t.number, 'escalated', { actor, now, reason: redact(action.reason).text });
        break;
      case 'close':
        after = await tickets.transition(uow, t.number, 'closed', { actor, now, reason: action.reason ? redact(action.reason).text : 'closed by the officer' });
        break;
      case 'transfer':
        if (!tickets.departments.declared || !tickets.departments.has(action.department)) throw new AppError(ERROR_CODES.DESK_INPUT, 'error.department_unknown');
        after = await tickets.transfer(uow, t.number, action.department, { actor, now, reason: redact(action.reason).text });
        await audit({ from: tickets.departmentOf(t).id, to: action.department, status: after.status });
        return after;
    }
    await audit({ from: t.status, to: after.status, level: after.level });
    return after;
  }

  /** A ticket row (as `act` returns it) with its clock at the desk's time, for the JSON API. */
  summary(t: TicketRow) {
    return { ...ticketSummary(t, this.deps.tickets, this.deps.profile.ladder, this.deps.clock()), assignedTo: t.assigned_to, updatedAt: t.updated_at };
  }

  /**
   * New transcript rows of a ticket's conversation since `afterId`. `audit`: each read that returns
   * rows is logged (API clients); a live page's stream is covered by the audited opening of its page.
   */
  async ticketTranscriptAfter(user: DeskUser, number: string, afterId: number, opts: { audit?: boolean } = {}) {
    return this.deps.store.transaction(async (uow) => {
      const t = await this.visible(uow, user, number);
      const rows = await uow.transcripts.after(t.conversation_key, afterId, 200);
      if (opts.audit && rows.length > 0) {
        await appendAudit(uow, { actor: `officer:${user.id}`, action: 'transcript.read', subject: `ticket:${t.number}`, detail: { rows: rows.length }, at: this.deps.clock() });
      }
      return { rows: rows.map(transcriptItem), status: t.status, updatedAt: t.updated_at };
    });
  }

  // === live chats

  /**
   * Citizens waiting in the chats the officer may open (every one for the admin): the badge of
   * every desk page, so one count in SQL, whatever the number of chats.
   */
  async waitingChats(user: DeskUser): Promise<number> {
    if (!worksTickets(user.role)) return 0;
    return this.deps.store.transaction((uow) => this.waitingIn(uow, user));
  }

  private async waitingIn(uow: UnitOfWork, user: DeskUser, access?: OfficerAccess): Promise<number> {
    if (isAdmin(user)) return uow.handoffs.waitingCount();
    return uow.handoffs.waitingCountIn((access ?? (await this.access(uow, user))).chatScope);
  }

  async chats(user: DeskUser) {
    this.mustWork(user);
    const now = this.deps.clock();
    return this.deps.store.transaction(async (uow) => {
      const rows = isAdmin(user) ? await uow.handoffs.open(CHATS_SHOWN) : await uow.handoffs.openIn((await this.access(uow, user)).chatScope, CHATS_SHOWN);
      const officers = await this.officerMap(uow);
      await appendAudit(uow, { actor: `officer:${user.id}`, action: 'chats.view', subject: 'chats', detail: { shown: rows.length }, at: now });
      return rows.map((h) => chatItem(h, officers));
    });
  }

  /** A live chat with its conversation so far; opening it is audited. */
  async chat(user: DeskUser, id: number) {
    this.mustWork(user);
    const now = this.deps.clock();
    return this.deps.store.transaction(async (uow) => {
      const h = await uow.handoffs.byId(id);
      if (!h) throw new AppError(ERROR_CODES.HANDOFF_STATE, `There is no live chat ${id}.`);
      await this.mustSeeChat(uow, user, h);
      const transcript = (await uow.transcripts.of(h.conversation_key)).slice(-TRANSCRIPT_ROWS);
      const tickets = await uow.tickets.ofConversation(h.conversation_key);
      const officers = await this.officerMap(uow);
      await appendAudit(uow, { actor: `officer:${user.id}`, action: 'conversation.view', subject: `handoff:${id}`, detail: { rows: transcript.length }, at: now });
      return {
        ...chatItem(h, officers),
        transcript: transcript.map(transcriptItem),
        tickets: tickets.map((t) => ({ number: t.number, status: t.status, kind: t.kind })),
        mine: h.status === 'taken' && h.officer_id === user.id,
      };
    });
  }

  /** New rows of a live chat since `afterId`; `audit` as for `ticketTranscriptAfter`. */
  async chatAfter(user: DeskUser, id: number, afterId: number, opts: { audit?: boolean } = {}) {
    this.mustWork(user);
    return this.deps.store.transaction(async (uow) => {
      const h = await uow.handoffs.byId(id);
      if (!h) throw new AppError(ERROR_CODES.HANDOFF_STATE, `There is no live chat ${id}.`);
      await this.mustSeeChat(uow, user, h);
      const rows = await uow.transcripts.after(h.conversation_key, afterId, 200);
      if (opts.audit && rows.length > 0) {
        await appendAudit(uow, { actor: `officer:${user.id}`, action: 'conversation.read', subject: `handoff:${id}`, detail: { rows: rows.length }, at: this.deps.clock() });
      }
      return { rows: rows.map(transcriptItem), status: h.status, officerId: h.officer_id };
    });
  }

  async takeChat(user: DeskUser & { name: string }, id: number): Promise<HandoffRow> {
    this.mustWork(user);
    await this.chatInScope(user, id);
    const org = this.deps.profile.organisation.name;
    return this.deps.handoffs.take(user, id, (lang) => org[lang]);
  }

  async sayInChat(user: DeskUser & { name: string }, id: number, text: string): Promise<void> {
    this.mustWork(user);
    await this.chatInScope(user, id);
    await this.deps.handoffs.say(user, id, text);
  }

  async releaseChat(user: DeskUser & { name: string }, id: number): Promise<void> {
    this.mustWork(user);
    await this.chatInScope(user, id);
    await this.deps.handoffs.release(user, id);
  }

  /** The conversation key of a ticket or chat the officer may watch (for the live-update stream). */
  async watchKey(user: DeskUser, target: { ticket: string } | { chat: number }): Promise<string> {
    return this.deps.store.transaction(async (uow) => {
      if ('ticket' in target) return (await this.visible(uow, user, target.ticket)).conversation_key;
      this.mustWork(user);
      const h = await uow.handoffs.byId(target.chat);
      if (!h) throw new AppError(ERROR_CODES.HANDOFF_STATE, `There is no live chat ${target.chat}.`);
      await this.mustSeeChat(uow, user, h);
      return h.conversation_key;
    });
  }

  // === internals

  private async visible(uow: UnitOfWork, user: DeskUser, number: string, access?: OfficerAccess): Promise<TicketRow> {
    const t = await uow.tickets.byNumber(number);
    if (!t) throw new AppError(ERROR_CODES.TICKET_NOT_FOUND, `There is no ticket ${number}.`);
    if (!canSeeTicketIn(user, t, access ?? (await this.access(uow, user)))) throw forbidden('This ticket is not in your queue.');
    return t;
  }

  /** The officer's departments and role in each (one implicit department where none are declared). */
  private access(uow: UnitOfWork, user: DeskUser): Promise<OfficerAccess> {
    return departmentAccess(uow, this.deps.tickets.departments, user);
  }

  /** Of these officers, those who could work the ticket at its rung in its department. */
  private async assignable(uow: UnitOfWork, t: TicketRow, officers: OfficerRef[]): Promise<OfficerRef[]> {
    const departments = this.deps.tickets.departments;
    const memberships = departments.declared ? await uow.exec.all(departmentQueries(uow.dialect).allMemberships, {}) : [];
    return officers.filter((o) => {
      if (o.id === t.assigned_to) return false;
      const access = accessFrom(departments, o, memberships.filter((m) => Number(m.officer_id) === o.id));
      return canSeeTicketIn(o, { level: t.level, assigned_to: null, department: t.department }, access);
    });
  }

  private async mustSeeChat(uow: UnitOfWork, user: DeskUser, h: HandoffRow): Promise<void> {
    if (!(await mayOpenChat(uow, this.deps.tickets.departments, user, h))) throw forbidden(CHAT_FORBIDDEN);
  }

  private async chatInScope(user: DeskUser, id: number): Promise<void> {
    await this.deps.store.transaction(async (uow) => {
      const h = await uow.handoffs.byId(id);
      if (h) await this.mustSeeChat(uow, user, h);
    });
  }

  private mustWork(user: DeskUser): void {
    if (!worksTickets(user.role)) throw forbidden('Your role does not take live chats.');
  }

  private actionsFor(user: DeskUser, t: TicketRow, status: TicketStatus, access: OfficerAccess): string[] {
    if (!isTicketStatus(status)) return [];
    const out: string[] = [];
    const can = canActOnTicketIn(user, t, access);
    if (t.assigned_to !== user.id && (t.assigned_to === null || isAdmin(user))) out.push('take');
    if (!can) return out;
    const next = allowedFrom(status);
    out.push('assign');
    if (next.includes('acknowledged') && !t.acknowledged_at) out.push('acknowledge');
    if (status !== 'resolved' && status !== 'closed' && status !== 'withdrawn') out.push('reply');
    if (next.includes('awaiting_citizen')) out.push('ask');
    if (!t.extension && this.deps.tickets.extensionAllowed(t.kind, t.received_by) && status !== 'resolved' && status !== 'closed' && status !== 'withdrawn') out.push('extend');
    if (next.includes('resolved')) out.push('resolve');
    if (next.includes('escalated') && t.level + 1 < this.deps.tickets.ladderOf(t).length) out.push('escalate');
    if (next.includes('closed')) out.push('close');
    if (this.deps.tickets.departments.declared && isOpenStatus(status)) out.push('transfer');
    return out;
  }

  private async officerMap(uow: UnitOfWork): Promise<Map<number, OfficerRef>> {
    const rows: OfficerRow[] = await uow.officers.list();
    return new Map(rows.filter((o) => o.active === 1).map((o) => [o.id, { id: o.id, name: o.name, role: o.role }]));
  }
}

function forbidden(message: string): AppError {
  return new AppError(ERROR_CODES.DESK_FORBIDDEN, message);
}

export function transcriptItem(r: TranscriptRow) {
  return { id: r.id, direction: r.direction, text: r.text, at: r.at };
}

function chatItem(h: HandoffRow, officers: Map<number, OfficerRef>) {
  return {
    id: h.id,
    channel: h.channel,
    language: h.language,
    reason: h.reason,
    status: h.status,
    createdAt: h.created_at,
    takenAt: h.taken_at,
    officer: h.officer_id === null ? null : (officers.get(h.officer_id) ?? null),
    timeoutNotifiedAt: h.timeout_notified_at,
  };
}
