import type { DepartmentAccess, DeskUser } from '../desk/access.ts';
import { levelsOf } from '../desk/access.ts';
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
  return { roles, roleIn, ladderOf, queueScope };
}

/** `accessFrom` with the officer's memberships read in this unit of work. */
export async function departmentAccess(uow: UnitOfWork, departments: Departments, user: DeskUser): Promise<OfficerAccess> {
  if (!departments.declared || user.role === 'admin') return accessFrom(departments, user, []);
  const rows = await uow.exec.all(departmentQueries(uow.dialect).membershipsOf, { officer_id: user.id });
  return accessFrom(departments, user, rows);
}
