import type { BusinessCalendar } from '../domain/sla/calendar.ts';
import { capAtCeiling, ceilingOf, REGIME_LAW } from '../domain/sla/ceiling.ts';
import { deadline, reminderInstants, type Pause } from '../domain/sla/deadline.ts';
import type { Duration } from '../domain/sla/duration.ts';
import { canTransition, clockRuns, isOpen, isTicketStatus, type TicketStatus } from '../domain/tickets/state-machine.ts';
import { ticketWordKey } from '../domain/tickets/ticket-number.ts';
import type { ParamValue } from '../engine/events.ts';
import { isLang, type Lang } from '../engine/session.ts';
import { deliver, recipientOf } from '../outbox/enqueue.ts';
import { deliverUpdate } from '../consent/updates.ts';
import { AppError, ERROR_CODES } from '../errors.ts';
import type { Translator } from '../i18n/i18n.ts';
import type { Logger } from '../logger.ts';
import type { Profile, TicketKind } from '../profile/schema.ts';
import { TICKET_KINDS } from '../profile/schema.ts';
import { interject } from '../storage/session-move.ts';
import type { TicketRow, TicketState, TimerRow } from '../storage/queries.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';
import { computeClock, parseExtension, parsePauses, serializePauses, type ClockView, type Extension } from './clock.ts';
import { ownDataQueries } from '../citizen-data/queries.ts';
import { redact } from '../text/redact.ts';
import { Departments, IMPLICIT_DEPARTMENT, type Department } from '../departments/departments.ts';
import { departmentQueries } from '../departments/queries.ts';

/** Where the citizen answers an officer's question, and where they say whether they are satisfied. */
export const INFO_REPLY_STEP = { flow: 'followup', step: 'info_reply' } as const;
export const FEEDBACK_STEP = { flow: 'followup', step: 'feedback' } as const;

/** Texts the ticket service sends; `flows check` requires each in both languages. */
export const TICKET_NOTICE_KEYS = [
  'common:ticket.acknowledged', 'common:ticket.in_progress', 'common:ticket.awaiting_citizen', 'common:ticket.escalated',
  'common:ticket.resolved', 'common:ticket.closed', 'common:ticket.reopened', 'common:ticket.appealed',
  'law:ticket.extended', 'common:ticket.board_notice', 'common:ticket.board_url', 'common:ticket.resumed',
  'common:ticket.withdrawn', 'common:ticket.access_summary', 'common:ticket.access_summary_sent', 'common:ticket.officer_reply',
  'departments:notice.transferred',
] as const;

export interface TicketServiceDeps {
  profile: Profile;
  calendar: BusinessCalendar;
  translator: Translator;
  logger: Logger;
  /** The organisation's departments; by default the one implicit department of the profile. */
  departments?: Departments;
}

export interface NewTicket {
  number: string;
  kind: string;
  fields: Record<string, unknown>;
  lang: Lang;
  conversationKey: string;
  createdAt: string;
  idempotencyKey: string;
  /** The department chosen when the citizen was told the due date; else routed by kind and category. */
  department?: string | undefined;
}

export interface ActionOptions {
  /** `citizen`, `system`, or an officer's id. */
  actor: string;
  reason?: string | undefined;
  now: Date;
}

/**
 * Tickets and their statutory clocks. Every method runs inside the caller's unit of work and
 * records what it did: the transition in the ticket's history, the citizen's notice in the
 * transcript and outbox, the officers' notes, and the timers the scheduler will fire.
 */
export class TicketService {
  readonly departments: Departments;

  constructor(private readonly deps: TicketServiceDeps) {
    this.departments = deps.departments ?? Departments.implicit(deps.profile, deps.calendar);
  }

  /** The reply-due instant a new ticket of this kind would get (in this department): said in the acknowledgment. */
  dueFor(kind: string, receivedAt: Date, department?: string): Date {
    const d = this.departments.get(department);
    const policy = this.policyOf(kind, d.id);
    return capAtCeiling(deadline(receivedAt, policy.resolve, d.calendar), ceilingOf(policy, receivedAt, d.calendar)).due;
  }

  async open(uow: UnitOfWork, t: NewTicket): Promise<TicketRow | undefined> {
    const dept = t.department !== undefined && this.departments.has(t.department) ? this.departments.get(t.department) : this.departments.route(t.kind, t.fields);
    const policy = this.policyOf(t.kind, dept.id);
    const base = { created_at: t.createdAt, pauses: '[]', extension: null, level: 0, level_started_at: t.createdAt };
    const clock = computeClock(base, policy, dept.ladder, dept.calendar, new Date(t.createdAt));
    const { channel } = recipientOf(t.conversationKey);
    const row = await uow.tickets.insert({
      number: t.number,
      kind: t.kind,
      language: t.lang,
      channel,
      conversation_key: t.conversationKey,
      fields: JSON.stringify(t.fields),
      created_at: t.createdAt,
      idempotency_key: t.idempotencyKey,
      policy_id: policy.id,
      regime: policy.regime,
      status: 'open',
      updated_at: t.createdAt,
      ack_due_at: clock.ackDueAt,
      acknowledged_at: null,
      due_at: clock.dueAt,
      level: 0,
      level_started_at: t.createdAt,
      level_due_at: clock.levelDueAt,
      pauses: '[]',
      extension: null,
      breached_at: null,
      board_notified_at: null,
      resolved_at: null,
      closed_at: null,
      assigned_to: null,
      assigned_at: null,
    });
    if (!row) return undefined;
    // The column's default is the implicit department: an install without departments writes nothing more.
    if (dept.id !== (row.department ?? IMPLICIT_DEPARTMENT)) {
      await uow.exec.run(departmentQueries(uow.dialect).setDepartment, { id: row.id, department: dept.id, received_by: dept.id });
      row.department = dept.id;
      row.received_by = dept.id;
    }
    await uow.tickets.addEvent({
      ticket_id: row.id, at: t.createdAt, actor: 'citizen', kind: 'opened', from_status: null, to_status: 'open', reason: null,
      data: JSON.stringify(this.departments.declared ? { policy: policy.id, department: dept.id } : { policy: policy.id }),
    });
    await this.notifyOfficers(uow, row, 'new_ticket', {}, new Date(t.createdAt));
    await this.schedule(uow, row, new Date(t.createdAt), { fresh: true });
    return row;
  }

  /** An officer's (or the citizen's) change of state, with every consequence. */
  async transition(uow: UnitOfWork, number: string, to: TicketStatus, opts: ActionOptions & { question?: string }): Promise<TicketRow> {
    const t = await this.get(uow, number);
    const from = this.status(t);
    if (!canTransition(from, to)) {
      throw new AppError(ERROR_CODES.TICKET_TRANSITION, `Ticket ${number} is ${from}; it cannot become ${to}.`, { details: { from, to } });
    }
    const now = opts.now;
    const at = now.toISOString();
    const pauses = parsePauses(t.pauses);
    const state: TicketState = this.stateOf(t);
    state.status = to;
    state.updated_at = at;
    if (!t.acknowledged_at) state.acknowledged_at = at;
    if (to === 'awaiting_citizen') pauses.push({ from: now, to: null });
    if (from === 'awaiting_citizen') closeOpenPause(pauses, now);
    if (to === 'resolved') state.resolved_at = at;
    if (to === 'closed' || to === 'withdrawn') state.closed_at = at;
    let boardNotice = false;
    if (to === 'escalated' || to === 'appealed') {
      if (t.level + 1 < this.ladderOf(t).length) {
        state.level = t.level + 1;
        state.level_started_at = at;
      } else if (to === 'appealed') boardNotice = true;
      else throw new AppError(ERROR_CODES.TICKET_TRANSITION, `Ticket ${number} is already with the last rung of the ladder.`);
    }
    state.pauses = serializePauses(pauses);
    const clock = this.applyClock(state, t, now);
    if (boardNotice && !t.board_notified_at) state.board_notified_at = at;
    await uow.tickets.update(t.id, state);
    // A ticket that moves up the ladder leaves the officer who held it: it is the next rung's now.
    if (state.level !== t.level && t.assigned_to !== null) await uow.tickets.assign(t.id, null, null);
    await uow.tickets.addEvent({
      ticket_id: t.id, at, actor: opts.actor, kind: to === 'escalated' ? 'escalation' : 'transition', from_status: from, to_status: to,
      reason: opts.reason ?? null, data: JSON.stringify(to === 'escalated' || to === 'appealed' ? { level: state.level } : {}),
    });
    const updated = { ...t, ...state, ...(state.level !== t.level ? { assigned_to: null, assigned_at: null } : {}) };
    // An appeal at the top rung goes to no one inside the organisation: the Board notice is the
    // only true answer, not "your appeal has been referred to …" as well.
    if (boardNotice) await this.sendBoardNotice(uow, updated, opts.actor, now);
    else await this.noticeFor(uow, updated, to, opts, now, t.acknowledged_at !== null);
    if (to === 'escalated' || (to === 'appealed' && !boardNotice)) await this.notifyOfficers(uow, updated, 'escalated', { reason: opts.reason ?? '' }, now);
    // A pause cannot carry the reply past the law's ceiling: the officer is told the date holds.
    if (clock.capped && (to === 'awaiting_citizen' || from === 'awaiting_citizen')) {
      await this.notifyOfficers(uow, updated, 'ceiling_reached', { due: clock.dueAt, ceiling: clock.ceilingAt }, now);
    }
    await this.schedule(uow, updated, now);
    return updated;
  }

  /**
   * The one extension a ticket may get, only where its policy's law provides one (CPGRAMS: an
   * interim reply with reasons); never past the law's ceiling. A reason, and the citizen told the
   * new date and the law that allows it.
   */
  async extend(uow: UnitOfWork, number: string, duration: Duration, opts: ActionOptions & { reason: string }): Promise<TicketRow> {
    const t = await this.get(uow, number);
    if (!isOpen(this.status(t))) throw new AppError(ERROR_CODES.TICKET_TRANSITION, `Ticket ${number} is ${t.status}; only an open ticket can be extended.`);
    const policy = this.policyOf(t.kind, t.received_by);
    const law = REGIME_LAW[policy.regime];
    if (!law.extension) {
      throw new AppError(
        ERROR_CODES.TICKET_EXTENSION_NOT_ALLOWED,
        `Ticket ${number} follows the policy "${policy.id}" (${law.law.en}), which provides no extension: the reply is due by ${t.due_at} and cannot be moved later. Answer within it, or tell the citizen why with a reply.`,
        { details: { policy: policy.id, regime: policy.regime, dueAt: t.due_at } },
      );
    }
    if (t.extension) throw new AppError(ERROR_CODES.TICKET_EXTENSION_NOT_ALLOWED, `Ticket ${number} was already extended once (${parseExtension(t.extension)!.reason}); ${law.extension.en} allow one extension.`);
    if (opts.reason.trim().length < 5) throw new AppError(ERROR_CODES.TICKET_TRANSITION, 'An extension needs a reason the citizen can read (at least 5 characters).');
    const now = opts.now;
    const extension: Extension = { duration, reason: opts.reason.trim(), at: now.toISOString(), actor: opts.actor };
    const state = this.stateOf(t);
    state.extension = JSON.stringify(extension);
    state.updated_at = now.toISOString();
    const clock = this.applyClock(state, t, now);
    if (clock.capped) {
      throw new AppError(
        ERROR_CODES.TICKET_EXTENSION_NOT_ALLOWED,
        `Ticket ${number}: ${law.law.en} allows no reply after ${clock.ceilingAt}; an extension of ${duration.value} ${duration.unit} would pass it. Choose a shorter one.`,
        { details: { ceilingAt: clock.ceilingAt } },
      );
    }
    await uow.tickets.update(t.id, state);
    await uow.tickets.addEvent({ ticket_id: t.id, at: now.toISOString(), actor: opts.actor, kind: 'extension', from_status: t.status, to_status: t.status, reason: extension.reason, data: JSON.stringify({ duration, previousDueAt: t.due_at, dueAt: state.due_at }) });
    const updated = { ...t, ...state };
    const lang = this.langOf(t);
    await this.tellCitizen(uow, updated, 'law:ticket.extended', { due: { date: updated.due_at }, reason: extension.reason, law: law.extension[lang] }, now);
    await this.schedule(uow, updated, now);
    return updated;
  }

  /** Whether an officer may extend tickets of this kind at all (the desk offers the action only then). */
  extensionAllowed(kind: string, department?: string): boolean {
    return REGIME_LAW[this.policyOf(kind, department).regime].extension !== null;
  }

  /**
   * An officer's written answer to the citizen, sent on their channel in their language's frame.
   * It counts as the acknowledgment if none was given; the state does not change (resolve does that).
   */
  async officerReply(uow: UnitOfWork, number: string, text: string, opts: ActionOptions & { officerTitle: string }): Promise<TicketRow> {
    const t = await this.get(uow, number);
    if (!isOpen(this.status(t))) throw new AppError(ERROR_CODES.TICKET_TRANSITION, `Ticket ${number} is ${t.status}; reopen it to write to the citizen.`);
    const now = opts.now;
    const at = now.toISOString();
    let updated = t;
    if (!t.acknowledged_at || t.status === 'open') {
      const state = this.stateOf(t);
      state.acknowledged_at ??= at;
      state.updated_at = at;
      // The reply itself tells the citizen their request is being handled: no separate notice.
      if (t.status === 'open') {
        state.status = 'acknowledged';
        await uow.tickets.addEvent({ ticket_id: t.id, at, actor: opts.actor, kind: 'transition', from_status: 'open', to_status: 'acknowledged', reason: 'officer replied', data: '{}' });
      }
      await uow.tickets.update(t.id, state);
      updated = { ...t, ...state };
      // The acknowledgment timer is moot now; the next one is a reminder or a deadline.
      await this.schedule(uow, updated, now);
    }
    await uow.tickets.addEvent({ ticket_id: t.id, at, actor: opts.actor, kind: 'officer_reply', from_status: null, to_status: null, reason: null, data: JSON.stringify({ chars: text.length }) });
    await this.tellCitizen(uow, updated, 'common:ticket.officer_reply', { officer: opts.officerTitle, text }, now);
    return updated;
  }

  /**
   * Moves an open ticket to another department, with a reason the citizen reads. It starts at the
   * first rung of the new department's ladder, held by nobody; the statutory clock keeps running
   * from receipt under the receiving department's policy and calendar, so the due date never moves.
   */
  async transfer(uow: UnitOfWork, number: string, department: string, opts: ActionOptions & { reason: string }): Promise<TicketRow> {
    const t = await this.get(uow, number);
    if (!isOpen(this.status(t))) throw new AppError(ERROR_CODES.TICKET_TRANSITION, `Ticket ${number} is ${t.status}; only an open ticket can be transferred.`);
    if (!this.departments.declared || !this.departments.has(department)) {
      throw new AppError(ERROR_CODES.TICKET_TRANSITION, `There is no department "${department}" (known: ${this.departments.list.map((d) => d.id).join(', ')}).`);
    }
    const from = this.departmentOf(t);
    if (from.id === department) throw new AppError(ERROR_CODES.TICKET_TRANSITION, `Ticket ${number} is already with ${department}.`);
    const reason = opts.reason.trim();
    if (reason.length < 5) throw new AppError(ERROR_CODES.TICKET_TRANSITION, 'A transfer needs a reason the citizen can read (at least 5 characters).');
    const now = opts.now;
    const at = now.toISOString();
    const to = this.departments.get(department);
    await uow.exec.run(departmentQueries(uow.dialect).moveTicket, { id: t.id, department: to.id });
    const moved: TicketRow = { ...t, department: to.id, received_by: t.received_by ?? from.id, assigned_to: null, assigned_at: null };
    const state = this.stateOf(moved);
    state.level = 0;
    state.level_started_at = at;
    state.updated_at = at;
    this.applyClock(state, moved, now);
    await uow.tickets.update(t.id, state);
    await uow.tickets.addEvent({
      ticket_id: t.id, at, actor: opts.actor, kind: 'transfer', from_status: t.status, to_status: t.status, reason,
      data: JSON.stringify({ from: from.id, to: to.id, level: t.level, dueAt: state.due_at }),
    });
    const updated = { ...moved, ...state };
    const lang = this.langOf(t);
    await this.tellCitizen(uow, updated, 'departments:notice.transferred', { department: to.name[lang], reason, due: { date: updated.due_at } }, now);
    await this.notifyOfficers(uow, updated, 'transferred', { from: from.id, reason }, now);
    await this.schedule(uow, updated, now);
    return updated;
  }

  /** Gives the ticket to an officer (or back to its rung's queue with null). */
  async assign(uow: UnitOfWork, number: string, officerId: number | null, opts: ActionOptions): Promise<TicketRow> {
    const t = await this.get(uow, number);
    const at = opts.now.toISOString();
    await uow.tickets.assign(t.id, officerId, officerId === null ? null : at);
    await uow.tickets.addEvent({ ticket_id: t.id, at, actor: opts.actor, kind: 'assignment', from_status: null, to_status: null, reason: opts.reason ?? null, data: JSON.stringify({ from: t.assigned_to, to: officerId }) });
    return { ...t, assigned_to: officerId, assigned_at: officerId === null ? null : at };
  }

  /** The citizen answered an officer's question: the clock runs again. */
  async citizenReplied(uow: UnitOfWork, number: string, conversationKey: string, text: string, now: Date): Promise<boolean> {
    const t = await uow.tickets.byNumber(number);
    if (!t || t.conversation_key !== conversationKey || t.status !== 'awaiting_citizen') return false;
    await uow.tickets.addEvent({ ticket_id: t.id, at: now.toISOString(), actor: 'citizen', kind: 'citizen_reply', from_status: null, to_status: null, reason: null, data: JSON.stringify({ text }) });
    await this.transition(uow, number, 'in_progress', { actor: 'citizen', reason: 'citizen replied', now });
    await this.notifyOfficers(uow, t, 'citizen_replied', {}, now);
    return true;
  }

  /** The citizen cancels their own request (e.g. an erasure in its cooling-off period). */
  async citizenWithdrew(uow: UnitOfWork, number: string, conversationKey: string, reason: string, now: Date): Promise<boolean> {
    const t = await uow.tickets.byNumber(number);
    if (!t || t.conversation_key !== conversationKey || !isTicketStatus(t.status) || !canTransition(t.status, 'withdrawn')) return false;
    await this.transition(uow, number, 'withdrawn', { actor: 'citizen', reason, now });
    return true;
  }

  /** The citizen appeals a resolved or closed ticket: one rung up, or the Board notice at the top. */
  async citizenAppealed(uow: UnitOfWork, number: string, conversationKey: string, now: Date): Promise<boolean> {
    const t = await uow.tickets.byNumber(number);
    if (!t || t.conversation_key !== conversationKey || (t.status !== 'resolved' && t.status !== 'closed')) return false;
    await this.transition(uow, number, 'appealed', { actor: 'citizen', reason: 'appeal by the citizen', now });
    return true;
  }

  /** After a resolution: satisfied closes the ticket; not satisfied appeals it one rung up (or to the Board). */
  async citizenFeedback(uow: UnitOfWork, number: string, conversationKey: string, satisfied: boolean, now: Date): Promise<boolean> {
    const t = await uow.tickets.byNumber(number);
    if (!t || t.conversation_key !== conversationKey || t.status !== 'resolved') return false;
    await uow.tickets.addEvent({ ticket_id: t.id, at: now.toISOString(), actor: 'citizen', kind: 'feedback', from_status: null, to_status: null, reason: null, data: JSON.stringify({ satisfied }) });
    if (satisfied) await this.transition(uow, number, 'closed', { actor: 'citizen', reason: 'citizen satisfied', now });
    else await this.transition(uow, number, 'appealed', { actor: 'citizen', reason: 'citizen not satisfied with the resolution', now });
    return true;
  }

  /**
   * The citizen's 1–5 rating of the answer to their ticket, with an optional comment (masked
   * again here, as every stored text is). One rating per ticket: a later one replaces it. Only a
   * ticket that has been answered (resolved, closed, or under appeal after it) can be rated.
   */
  async citizenRated(uow: UnitOfWork, number: string, conversationKey: string, rating: number, comment: string | null, now: Date): Promise<boolean> {
    const t = await uow.tickets.byNumber(number);
    if (!t || t.conversation_key !== conversationKey || !t.resolved_at || !Number.isInteger(rating) || rating < 1 || rating > 5) return false;
    const at = now.toISOString();
    const text = comment === null ? null : redact(comment).text;
    await uow.exec.run(ownDataQueries(uow.dialect).upsertRating, { ticket_id: t.id, conversation_key: conversationKey, rating, comment: text, at });
    await uow.tickets.addEvent({ ticket_id: t.id, at, actor: 'citizen', kind: 'feedback', from_status: null, to_status: null, reason: null, data: JSON.stringify({ rating, comment: text !== null }) });
    return true;
  }

  /** Acts on a due timer, once: the claim makes sure no other sweep or instance does it too. */
  async fire(uow: UnitOfWork, timer: TimerRow, now: Date): Promise<'fired' | 'claimed_elsewhere' | 'moot'> {
    if (!(await uow.timers.claim(timer.id, now.toISOString()))) return 'claimed_elsewhere';
    const t = await uow.tickets.byId(timer.ticket_id);
    if (!t || !isTicketStatus(t.status) || !isOpen(t.status)) return 'moot';
    const at = now.toISOString();
    // While the citizen is asked for something the clock stands still, but not past the law's
    // ceiling: that one deadline still fires.
    if (!clockRuns(t.status)) {
      const ceiling = this.ceilingOf(t);
      if (timer.kind !== 'resolve_due' || t.breached_at || !ceiling || now < ceiling) return 'moot';
      await uow.tickets.update(t.id, { ...this.stateOf(t), breached_at: at, due_at: ceiling.toISOString() });
      await uow.tickets.addEvent({ ticket_id: t.id, at, actor: 'system', kind: 'breach', from_status: null, to_status: null, reason: 'statutory ceiling passed while awaiting the citizen', data: JSON.stringify({ what: 'resolve', due: ceiling.toISOString(), ceiling: true }) });
      await this.notifyOfficers(uow, t, 'breach', { due: ceiling.toISOString(), ceiling: true }, now);
      return 'fired';
    }
    const rung = this.rungOf(t);
    switch (timer.kind) {
      case 'reminder': {
        const data = JSON.parse(timer.data) as { fraction: number };
        await uow.tickets.addEvent({ ticket_id: t.id, at, actor: 'system', kind: 'reminder', from_status: null, to_status: null, reason: null, data: JSON.stringify({ fraction: data.fraction, role: rung.role, levelDueAt: t.level_due_at }) });
        await this.notifyOfficers(uow, t, 'reminder', { fraction: data.fraction, due: t.level_due_at ?? t.due_at }, now);
        await this.schedule(uow, t, now, { after: new Date(timer.fire_at) });
        return 'fired';
      }
      case 'ack_due':
        if (!t.acknowledged_at) {
          await uow.tickets.addEvent({ ticket_id: t.id, at, actor: 'system', kind: 'breach', from_status: null, to_status: null, reason: 'not acknowledged in time', data: JSON.stringify({ what: 'acknowledge', due: t.ack_due_at }) });
          await this.notifyOfficers(uow, t, 'ack_overdue', { due: t.ack_due_at ?? '' }, now);
        }
        await this.schedule(uow, t, now, { after: new Date(timer.fire_at) });
        return 'fired';
      case 'resolve_due': {
        const state = await this.recordBreach(uow, t, now);
        await this.schedule(uow, { ...t, ...state }, now, { after: new Date(timer.fire_at) });
        return 'fired';
      }
      case 'level_due':
        // When the rung's deadline is the statutory one (`schedule` then plans no resolve_due
        // of its own), this timer is also the breach: record it before moving up the ladder,
        // or the escalation's new timers, all after now, would never record it.
        // The row as the breach left it: the board's branch below writes the whole state back.
        const current = !t.breached_at && at >= t.due_at ? { ...t, ...(await this.recordBreach(uow, t, now)) } : t;
        if (current.level + 1 < this.ladderOf(current).length) {
          await this.transition(uow, current.number, 'escalated', { actor: 'system', reason: `no answer from the ${rung.role} in time`, now });
        } else if (!current.board_notified_at) {
          const state = this.stateOf(current);
          state.board_notified_at = at;
          await uow.tickets.update(current.id, state);
          await this.sendBoardNotice(uow, { ...current, ...state }, 'system', now);
          await this.notifyOfficers(uow, current, 'ladder_exhausted', {}, now);
        }
        return 'fired';
    }
  }

  /** The clock of a ticket now, for status answers, the CLI and the desk. */
  clockOf(t: TicketRow, now: Date): ClockView {
    // The statutory clock is the receiving department's (a transfer never restarts it); the rung's is the holder's.
    const received = this.departments.get(t.received_by);
    const holder = this.departmentOf(t);
    return computeClock(t, this.policyOf(t.kind, received.id), holder.ladder, received.calendar, now, holder.calendar);
  }

  /** The latest instant the ticket's law allows (under the receiving department's policy and calendar), or null where it sets none. */
  ceilingOf(t: Pick<TicketRow, 'kind' | 'created_at' | 'received_by'>): Date | null {
    const d = this.departments.get(t.received_by);
    return ceilingOf(this.policyOf(t.kind, d.id), new Date(t.created_at), d.calendar);
  }

  /** The policy of a kind of ticket: the department's (by default the organisation's). */
  policyOf(kind: string, department?: string) {
    const k = (TICKET_KINDS as readonly string[]).includes(kind) ? (kind as TicketKind) : 'grievance';
    return this.departments.get(department).policies[k];
  }

  /** The department holding a ticket now. */
  departmentOf(t: Pick<TicketRow, 'department'>): Department {
    return this.departments.get(t.department);
  }

  /** The ladder of the department holding the ticket. */
  ladderOf(t: Pick<TicketRow, 'department'>): Profile['ladder'] {
    return this.departmentOf(t).ladder;
  }

  /** The rung a ticket has reached in its department's ladder. */
  rungOf(t: Pick<TicketRow, 'department' | 'level'>): Profile['ladder'][number] {
    const ladder = this.ladderOf(t);
    return ladder[Math.min(t.level, ladder.length - 1)]!;
  }

  // === internals

  private async get(uow: UnitOfWork, number: string): Promise<TicketRow> {
    const t = await uow.tickets.byNumber(number);
    if (!t) throw new AppError(ERROR_CODES.TICKET_NOT_FOUND, `There is no ticket ${number}.`);
    return t;
  }

  private status(t: TicketRow): TicketStatus {
    if (!isTicketStatus(t.status)) throw new AppError(ERROR_CODES.TICKET_TRANSITION, `Ticket ${t.number} has an unknown status ${t.status}.`);
    return t.status;
  }

  /** The statutory deadline passed: stamped on the ticket, in its history, and told to its officers. */
  private async recordBreach(uow: UnitOfWork, t: TicketRow, now: Date): Promise<TicketState> {
    const at = now.toISOString();
    const state = this.stateOf(t);
    state.breached_at ??= at;
    await uow.tickets.update(t.id, state);
    await uow.tickets.addEvent({ ticket_id: t.id, at, actor: 'system', kind: 'breach', from_status: null, to_status: null, reason: 'statutory deadline passed', data: JSON.stringify({ what: 'resolve', due: t.due_at }) });
    await this.notifyOfficers(uow, t, 'breach', { due: t.due_at }, now);
    return state;
  }

  private stateOf(t: TicketRow): TicketState {
    const { status, updated_at, ack_due_at, acknowledged_at, due_at, level, level_started_at, level_due_at, pauses, extension, breached_at, board_notified_at, resolved_at, closed_at } = t;
    return { status, updated_at, ack_due_at, acknowledged_at, due_at, level, level_started_at, level_due_at, pauses, extension, breached_at, board_notified_at, resolved_at, closed_at };
  }

  /** Recomputes the stored due times from the (changed) state; they are kept for queries and timers. */
  private applyClock(state: TicketState, t: TicketRow, now: Date): ClockView {
    const clock = this.clockOf({ ...t, ...state }, now);
    state.ack_due_at = clock.ackDueAt;
    state.due_at = clock.dueAt;
    state.level_due_at = clock.levelDueAt;
    return clock;
  }

  /**
   * Keeps one pending timer per ticket: the next thing its clock implies (several only when they
   * fall on the same instant). Firing it schedules the one after, so a ticket costs one timer
   * row, not one per reminder and deadline. None while the clock stands still.
   * `after`: only what falls later (the instant just fired); `fresh`: the ticket has no timers yet.
   */
  private async schedule(uow: UnitOfWork, t: TicketRow, now: Date, opts: { after?: Date; fresh?: boolean } = {}): Promise<void> {
    if (!opts.fresh) await uow.timers.dropPending(t.id);
    if (!isTicketStatus(t.status) || !isOpen(t.status)) return;
    if (!clockRuns(t.status)) {
      // Paused: only the law's ceiling can still pass, whatever the pause adds.
      const ceiling = this.ceilingOf(t);
      if (ceiling && !t.breached_at && ceiling.toISOString() > (opts.after ?? now).toISOString()) {
        await uow.timers.add({ ticket_id: t.id, kind: 'resolve_due', fire_at: ceiling.toISOString(), data: JSON.stringify({ ceiling: true }) });
      }
      return;
    }
    const after = (opts.after ?? now).toISOString();
    const levelStart = new Date(t.level_started_at ?? t.created_at);
    const levelDue = (t.level_due_at ?? t.due_at);
    const planned: Array<{ kind: TimerRow['kind']; at: string; data: Record<string, unknown> }> = [];
    if (t.ack_due_at && !t.acknowledged_at) planned.push({ kind: 'ack_due', at: t.ack_due_at, data: {} });
    const fractions = this.deps.profile.reminders;
    reminderInstants(levelStart, new Date(levelDue), fractions).forEach((when, i) => {
      planned.push({ kind: 'reminder', at: when.toISOString(), data: { fraction: fractions[i], level: t.level } });
    });
    if (!t.board_notified_at) planned.push({ kind: 'level_due', at: levelDue, data: { level: t.level } });
    if (!t.breached_at && t.due_at !== levelDue) planned.push({ kind: 'resolve_due', at: t.due_at, data: {} });
    // A statutory deadline already past but not yet recorded (the ticket was moved, or escalated
    // after downtime, once it had passed) is due now: it is never dropped as "in the past".
    const future = planned.filter((p) => p.at > after || p.kind === 'resolve_due');
    if (future.length === 0) return;
    const next = future.reduce((min, p) => (p.at < min ? p.at : min), future[0]!.at);
    for (const p of future) {
      if (p.at === next) await uow.timers.add({ ticket_id: t.id, kind: p.kind, fire_at: p.at, data: JSON.stringify(p.data) });
    }
  }

  /** `acknowledgedBefore`: the ticket had been acknowledged before this move (so it is not the acknowledgment). */
  private async noticeFor(uow: UnitOfWork, t: TicketRow, to: TicketStatus, opts: ActionOptions & { question?: string }, now: Date, acknowledgedBefore = false): Promise<void> {
    const rung = this.rungOf(t);
    const lang = this.langOf(t);
    const params: Record<string, ParamValue> = {
      due: { date: t.due_at },
      reason: opts.reason ?? '',
      officer: rung.title[lang],
      question: opts.question ?? opts.reason ?? '',
    };
    if (to === 'in_progress' && opts.actor === 'citizen') {
      await this.tellCitizen(uow, t, 'common:ticket.resumed', params, now);
      return;
    }
    // The resolution asks whether the citizen is satisfied: offer the answers as choices.
    const choices = to === 'resolved' ? (['yes', 'no'] as const).map((id) => ({ id, label: this.deps.translator.t(lang, `common:answer.${id}`) })) : [];
    // "Under examination" again, after the acknowledgment, is an update no law requires: it
    // carries the STOP hint and is not sent to a citizen who opted out (src/consent/updates.ts).
    // The first one is the acknowledgment, and every other notice is statutory.
    if (to === 'in_progress' && acknowledgedBefore) {
      await this.tellCitizen(uow, t, `common:ticket.${to}`, params, now, choices, true);
      return;
    }
    await this.tellCitizen(uow, t, `common:ticket.${to}`, params, now, choices);
    if (to === 'awaiting_citizen') await interject(uow, t.conversation_key, INFO_REPLY_STEP, { info_ticket: t.number }, lang);
    if (to === 'resolved') await interject(uow, t.conversation_key, FEEDBACK_STEP, { feedback_ticket: t.number }, lang);
  }

  private async sendBoardNotice(uow: UnitOfWork, t: TicketRow, actor: string, now: Date): Promise<void> {
    const lang = this.langOf(t);
    const fields = JSON.parse(t.fields) as Record<string, unknown>;
    const asked = typeof fields.description === 'string' ? fields.description : JSON.stringify(fields);
    const params: Record<string, ParamValue> = {
      received: { date: t.created_at },
      due: { date: t.due_at },
      asked: asked.length > 300 ? `${asked.slice(0, 300)}…` : asked,
      status: { t: `status.state.${t.status}` },
    };
    await this.tellCitizen(uow, t, 'common:ticket.board_notice', params, now);
    const url = this.deps.profile.board.url;
    if (url) await this.tellCitizen(uow, t, 'common:ticket.board_url', { url }, now);
    await uow.tickets.addEvent({ ticket_id: t.id, at: now.toISOString(), actor, kind: 'board_notice', from_status: null, to_status: null, reason: null, data: '{}' });
  }

  private async tellCitizen(
    uow: UnitOfWork, t: TicketRow, key: string, params: Record<string, ParamValue>, now: Date, choices: Array<{ id: string; label: string }> = [],
    update = false,
  ): Promise<void> {
    const lang = this.langOf(t);
    // `item`: Hindi calls a grievance a टिकट and a data-rights request an अनुरोध (both masculine, so
    // the words around them agree either way); English says "ticket" for both and does not use it.
    const text = withContactLine(this.deps.translator.t(lang, key, { number: t.number, item: { t: ticketWordKey(t.kind) }, ...params }), key, this.deps.translator.t(lang, 'law:contact'));
    if (update) await deliverUpdate(uow, recipientOf(t.conversation_key), { text, choices }, now.toISOString(), this.deps.translator.t(lang, 'updates:hint'));
    else await deliver(uow, recipientOf(t.conversation_key), { text, choices }, now.toISOString());
  }

  private async notifyOfficers(uow: UnitOfWork, t: TicketRow, kind: string, data: Record<string, unknown>, now: Date): Promise<void> {
    const rung = this.rungOf(t);
    const department = this.departments.declared ? { department: this.departmentOf(t).id } : {};
    await uow.officerNotifications.add({ ticket_id: t.id, role: rung.role, kind, at: now.toISOString(), data: JSON.stringify({ number: t.number, ...department, ...data }) });
    this.deps.logger.info({ ticket: t.number, role: rung.role, kind, ...department }, 'officer notification');
  }

  private langOf(t: TicketRow): Lang {
    return isLang(t.language) ? t.language : 'en';
  }
}

/** Notices that only follow another one, which already carries the contact line. */
const WITHOUT_CONTACT_LINE = new Set(['common:ticket.board_url', 'common:ticket.access_summary']);

/**
 * DPDP Rules r.9: every message that answers or updates a right or a grievance says who answers
 * questions about processing and how to reach them. A notice that ends with a question (the
 * resolution's "are you satisfied?") keeps the question last, next to its choices.
 */
export function withContactLine(text: string, key: string, line: string): string {
  if (WITHOUT_CONTACT_LINE.has(key)) return text;
  if (key === 'common:ticket.resolved') {
    const i = text.lastIndexOf('\n');
    if (i > 0) return `${text.slice(0, i)}\n${line}${text.slice(i)}`;
  }
  return `${text}\n${line}`;
}

function closeOpenPause(pauses: Pause[], now: Date): void {
  const open = pauses.find((p) => p.to === null);
  if (open) open.to = now;
}
