/**
 * The ticket's life: open → acknowledged → in_progress ⇄ awaiting_citizen → resolved → closed,
 * with escalated (one level up the ladder), reopened and appealed. Pure: callers record each
 * transition with its actor, time and reason.
 */
export const TICKET_STATUSES = [
  'open', 'acknowledged', 'in_progress', 'awaiting_citizen', 'escalated', 'resolved', 'closed', 'reopened', 'appealed',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

const WORKING: TicketStatus[] = ['acknowledged', 'in_progress', 'awaiting_citizen', 'resolved', 'escalated'];

const ALLOWED: Record<TicketStatus, readonly TicketStatus[]> = {
  open: WORKING,
  acknowledged: ['in_progress', 'awaiting_citizen', 'resolved', 'escalated'],
  in_progress: ['awaiting_citizen', 'resolved', 'escalated'],
  awaiting_citizen: ['in_progress', 'resolved', 'escalated'],
  escalated: WORKING,
  reopened: WORKING,
  appealed: ['in_progress', 'awaiting_citizen', 'resolved', 'escalated'],
  resolved: ['closed', 'reopened', 'appealed'],
  closed: ['reopened', 'appealed'],
};

export function isTicketStatus(s: string): s is TicketStatus {
  return (TICKET_STATUSES as readonly string[]).includes(s);
}

export function canTransition(from: TicketStatus, to: TicketStatus): boolean {
  return ALLOWED[from].includes(to);
}

export function allowedFrom(from: TicketStatus): readonly TicketStatus[] {
  return ALLOWED[from];
}

/** The clock stops while the organisation waits for the citizen, and once the ticket is answered. */
export function clockRuns(status: TicketStatus): boolean {
  return status !== 'awaiting_citizen' && status !== 'resolved' && status !== 'closed';
}

/** Still the organisation's to answer: counts for queues, reminders and breaches. */
export function isOpen(status: TicketStatus): boolean {
  return status !== 'resolved' && status !== 'closed';
}
