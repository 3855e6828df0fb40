import type { DepartmentAccess, DeskUser } from '../desk/access.ts';
import { canSeeChat, levelsOf, worksTickets } from '../desk/access.ts';
import { LEVEL_SLOTS, type ChatScope, type HandoffRow } from '../storage/desk-queries.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';
import type { Departments } from './departments.ts';
import { departmentQueries } from './queries.ts';

export interface OfficerAccess extends DepartmentAccess {
  /** Every department the officer works in, with their role there. */
  readonly roles: ReadonlyMap<string, string>;
  /**
   * The queue query's filter: `*` (the ladder levels of the officer's own role, any department)
   * or `,department:level,…,` listing each department and rung the officer sees.
   */
  readonly queueScope: string;
  /** The live chats the officer may open, for SQL (`canSeeChat`'s rules; see `ChatScope`). */
  readonly chatScope: ChatScope;
}

/**
 * An officer's access across departments. Without departments: their own role in the implicit
 * one. With them: the admin works in all as admin; the DPO holds the dpo role in all (a
 * membership may give them another role in one department); every other officer works only in
 * the departments they belong to, with the role each membership gives.
 */
export function accessFrom(departments: Departments, user: DeskUser, memberships: ReadonlyArray<{ department: string; role: string }>): OfficerAccess {
  const roles = new Map<string, string>();
  if (!departments.declared || user.role === 'admin') {
    for (const d of departments.list) roles.set(d.id, user.role);
  } else {
    if (user.role === 'dpo') for (const d of departments.list) roles.set(d.id, 'dpo');
    for (const m of memberships) if (departments.has(m.department)) roles.set(m.department, m.role);
  }
  const roleIn = (id: string | undefined) => roles.get(departments.get(id).id);
  const ladderOf = (id: string | undefined) => departments.get(id).ladder;
  let queueScope = '*';
  if (departments.declared && user.role !== 'admin') {
    const entries: string[] = [];
    for (const [id, role] of roles) {
      const d = departments.get(id);
      for (const level of levelsOf(role, d.ladder)) for (const stored of departments.storedIds(d)) entries.push(`${stored}:${level}`);
    }
    queueScope = `,${entries.join(',')},`;
  }
  return { roles, roleIn, ladderOf, queueScope, chatScope: chatScopeOf(departments, user, roles) };
}

/**
 * `canSeeChat` for SQL. A rung is listed per department the officer works in; the top rung of a
 * ladder also for the levels past it, since `canSeeTicketIn` counts a level beyond the ladder
 * (a ladder shortened since) as its top rung. Levels never pass the five rungs a ladder may have.
 */
function chatScopeOf(departments: Departments, user: DeskUser, roles: ReadonlyMap<string, string>): ChatScope {
  const works = worksTickets(user.role);
  const rungs: string[] = [];
  for (const [id, role] of roles) {
    const ladder = departments.get(id).ladder;
    for (const level of levelsOf(role, ladder)) {
      const last = level === ladder.length - 1 ? LEVEL_SLOTS - 1 : level;
      for (let l = level; l <= Math.max(level, last); l++) rungs.push(`${id}:${l}`);
    }
  }
  return {
    me: works ? user.id : -1,
    departments: `,${departments.list.map((d) => d.id).join(',')},`,
    fallback: departments.fallback.id,
    rungs: `,${rungs.join(',')},`,
    // A chat with no ticket yet is the first department's (`canSeeChat`).
    ticketless: works && roles.has(departments.fallback.id) ? 1 : 0,
  };
}

/** `accessFrom` with the officer's memberships read in this unit of work. */
export async function departmentAccess(uow: UnitOfWork, departments: Departments, user: DeskUser): Promise<OfficerAccess> {
  if (!departments.declared || user.role === 'admin') return accessFrom(departments, user, []);
  const rows = await uow.exec.all(departmentQueries(uow.dialect).membershipsOf, { officer_id: user.id });
  return accessFrom(departments, user, rows);
}

/**
 * Whether the officer may open this live chat on the desk (`canSeeChat`, with the conversation's
 * tickets and the officer's departments read in this unit of work). The desk refuses any other;
 * the officers' notifier tells nobody else about it.
 */
export async function mayOpenChat(
  uow: UnitOfWork,
  departments: Departments,
  user: DeskUser,
  chat: Pick<HandoffRow, 'conversation_key' | 'status' | 'officer_id'>,
  access?: OfficerAccess,
): Promise<boolean> {
  if (user.role === 'admin') return true;
  const tickets = await uow.tickets.ofConversation(chat.conversation_key);
  return canSeeChat(user, chat, tickets, access ?? (await departmentAccess(uow, departments, user)));
}
