/**
 * The ticket's life: open → acknowledged → in_progress ⇄ awaiting_citizen → resolved → closed,
 * with escalated (one level up the ladder), reopened and appealed. Pure: callers record each
 * transition with its actor, time and reason.
 */
export const TICKET_STATUSES = [
  'open', 'acknowledged', 'in_progress', 'awaiting_citizen', 'escalated', 'resolved', 'closed', 'reopened', 'appealed', 'withdrawn',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

const WORKING: TicketStatus[] = ['acknowledged', 'in_progress', 'awaiting_citizen', 'resolved', 'escalated'];

// `withdrawn`: the citizen cancelled their own request before it was answered (e.g. an erasure
// within its cooling-off period). Final, like closed.
const ALLOWED: Record<TicketStatus, readonly TicketStatus[]> = {
  open: [...WORKING, 'withdrawn'],
  acknowledged: ['in_progress', 'awaiting_citizen', 'resolved', 'escalated', 'withdrawn'],
  in_progress: ['awaiting_citizen', 'resolved', 'escalated', 'withdrawn'],
  awaiting_citizen: ['in_progress', 'resolved', 'escalated', 'withdrawn'],
  escalated: [...WORKING, 'withdrawn'],
  reopened: [...WORKING, 'withdrawn'],
  appealed: ['in_progress', 'awaiting_citizen', 'resolved', 'escalated', 'withdrawn'],
  resolved: ['closed', 'reopened', 'appealed'],
  closed: ['reopened', 'appealed'],
  withdrawn: [],
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
  return status !== 'awaiting_citizen' && isOpen(status);
}

/** Still the organisation's to answer: counts for queues, reminders and breaches. */
export function isOpen(status: TicketStatus): boolean {
  return status !== 'resolved' && status !== 'closed' && status !== 'withdrawn';
}
