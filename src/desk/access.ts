import { LEVEL_SLOTS } from '../storage/desk-queries.ts';
import type { OfficerRole } from '../storage/schema.ts';

/**
 * Who may see and do what on the desk. A ticket belongs to the rung of the ladder it has reached:
 * officers see the tickets at the rungs their role holds, plus any assigned to them; the admin
 * sees all. Reviewers read closed conversations for quality review, not the open queue.
 */
export interface DeskUser {
  id: number;
  role: OfficerRole | string;
}

type Ladder = ReadonlyArray<{ role: string }>;

export function worksTickets(role: string): boolean {
  return role === 'officer' || role === 'grievance_officer' || role === 'dpo' || role === 'admin';
}

export function isAdmin(user: DeskUser): boolean {
  return user.role === 'admin';
}

/** The ladder rungs whose tickets the role sees. */
export function levelsOf(role: string, ladder: Ladder): number[] {
  if (role === 'admin') return ladder.map((_, i) => i);
  if (!worksTickets(role)) return [];
  return ladder.flatMap((r, i) => (r.role === role ? [i] : []));
}

/** The five level slots of the queue query, padded with -1 (no such level). */
export function levelSlots(role: string, ladder: Ladder): { l0: number; l1: number; l2: number; l3: number; l4: number } {
  const levels = levelsOf(role, ladder);
  const slot = (i: number) => (i < levels.length ? levels[i]! : -1);
  if (levels.length > LEVEL_SLOTS) throw new Error(`a ladder has at most ${LEVEL_SLOTS} rungs`);
  return { l0: slot(0), l1: slot(1), l2: slot(2), l3: slot(3), l4: slot(4) };
}

export function canSeeTicket(user: DeskUser, t: { level: number; assigned_to: number | null }, ladder: Ladder): boolean {
  if (t.assigned_to === user.id && worksTickets(user.role)) return true;
  return levelsOf(user.role, ladder).includes(Math.min(t.level, ladder.length - 1));
}

/**
 * Acting on a ticket: whoever may see it, unless a colleague holds it (then only they, or the
 * admin). Unassigned tickets are taken by the first officer who acts on them.
 */
export function canActOnTicket(user: DeskUser, t: { level: number; assigned_to: number | null }, ladder: Ladder): boolean {
  if (!canSeeTicket(user, t, ladder)) return false;
  return t.assigned_to === null || t.assigned_to === user.id || isAdmin(user);
}

/** Monthly reports: the officers in charge (Grievance Officer, DPO), the admin, and quality reviewers. */
export function canSeeReports(user: DeskUser): boolean {
  return user.role === 'grievance_officer' || user.role === 'dpo' || user.role === 'admin' || user.role === 'reviewer';
}

/** Quality review: reviewers score sampled conversations; the admin too. */
export function canReview(user: DeskUser): boolean {
  return user.role === 'reviewer' || user.role === 'admin';
}

/**
 * Departments (docs/departments.md): an officer works in the departments they belong to, with a
 * role in each; the organisation-wide admin and DPO work in all. Built per request by
 * `departmentAccess` (src/departments/access.ts); with no departments declared every officer
 * holds their own role in the one implicit department, so the rules above apply unchanged.
 */
export interface DepartmentAccess {
  /** The officer's role in a department, or undefined when it is not theirs. */
  roleIn(department: string | undefined): string | undefined;
  /** That department's ladder. */
  ladderOf(department: string | undefined): Ladder;
}

type DeptTicket = { level: number; assigned_to: number | null; department?: string | undefined };

/** A ticket is seen by whoever holds it, and by the officers of its department at its rung. */
export function canSeeTicketIn(user: DeskUser, t: DeptTicket, access: DepartmentAccess): boolean {
  if (t.assigned_to === user.id && worksTickets(user.role)) return true;
  const role = access.roleIn(t.department);
  if (role === undefined) return false;
  const ladder = access.ladderOf(t.department);
  return levelsOf(role, ladder).includes(Math.min(t.level, ladder.length - 1));
}

/** As `canActOnTicket`, within the officer's departments. */
export function canActOnTicketIn(user: DeskUser, t: DeptTicket, access: DepartmentAccess): boolean {
  if (!canSeeTicketIn(user, t, access)) return false;
  return t.assigned_to === null || t.assigned_to === user.id || isAdmin(user);
}

/**
 * A live chat shows the citizen's whole conversation, so it follows the ladder like the tickets it
 * holds (issue 14): the admin and whoever held the chat see it; anyone else only when they may see
 * every ticket of the conversation. A chat without tickets is open to the officers of its
 * department while it is live; once closed, only its holder and the admin read it.
 */
export function canSeeChat(
  user: DeskUser,
  chat: { status: string; officer_id: number | null },
  tickets: readonly DeptTicket[],
  access: DepartmentAccess,
): boolean {
  if (isAdmin(user) || (chat.officer_id === user.id && worksTickets(user.role))) return true;
  if (tickets.length === 0) return chat.status !== 'closed' && worksTickets(user.role) && access.roleIn(undefined) !== undefined;
  return tickets.every((t) => canSeeTicketIn(user, t, access));
}
