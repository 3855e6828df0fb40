import type { TicketRow } from '../storage/queries.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';
import { parseExtension } from './clock.ts';
import type { TicketService } from './service.ts';

/** A ticket as operators and the desk see it: the row plus its clock, in plain JSON. */
export function ticketSummary(t: TicketRow, tickets: TicketService, profileLadder: ReadonlyArray<{ role: string }>, now: Date) {
  const clock = tickets.clockOf(t, now);
  const policy = tickets.policyOf(t.kind, t.received_by);
  // The rung is named from the ladder of the department holding the ticket (the parameter is the organisation's).
  const ladder = tickets.departments.declared ? tickets.ladderOf(t) : profileLadder;
  return {
    number: t.number,
    kind: t.kind,
    status: t.status,
    language: t.language,
    channel: t.channel,
    department: tickets.departmentOf(t).id,
    createdAt: t.created_at,
    policy: { id: policy.id, regime: policy.regime, title: policy.title.en, acknowledge: policy.acknowledge ?? null, resolve: policy.resolve },
    ackDueAt: t.ack_due_at,
    acknowledgedAt: t.acknowledged_at,
    dueAt: clock.dueAt,
    level: t.level,
    levelRole: ladder[Math.min(t.level, ladder.length - 1)]?.role ?? null,
    levelStartedAt: t.level_started_at,
    levelDueAt: clock.levelDueAt,
    paused: clock.paused,
    pausedMs: clock.pausedMs,
    extension: parseExtension(t.extension),
    breachedAt: t.breached_at,
    boardNotifiedAt: t.board_notified_at,
    resolvedAt: t.resolved_at,
    closedAt: t.closed_at,
  };
}

/** Everything about one ticket: its summary, request fields, history, timers and officers' notes. */
export async function ticketDetail(uow: UnitOfWork, t: TicketRow, tickets: TicketService, ladder: ReadonlyArray<{ role: string }>, now: Date) {
  // One after the other: a unit of work holds one PostgreSQL connection, which answers one query at a time.
  const events = await uow.tickets.events(t.id);
  const timers = await uow.timers.pendingOf(t.id);
  const notes = await uow.officerNotifications.of(t.id);
  return {
    ...ticketSummary(t, tickets, ladder, now),
    fields: JSON.parse(t.fields) as unknown,
    history: events.map((e) => ({ at: e.at, actor: e.actor, kind: e.kind, from: e.from_status, to: e.to_status, reason: e.reason, data: JSON.parse(e.data) as unknown })),
    timers: timers.map((x) => ({ kind: x.kind, fireAt: x.fire_at, data: JSON.parse(x.data) as unknown })),
    officerNotifications: notes.map((n) => ({ at: n.at, role: n.role, kind: n.kind, data: JSON.parse(n.data) as unknown })),
  };
}
