import { appendAudit } from '../audit/audit-log.ts';
import { AppError, ERROR_CODES } from '../errors.ts';
import { LADDER_ROLES } from '../profile/schema.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';
import type { Departments } from './departments.ts';
import { departmentQueries } from './queries.ts';

/**
 * An officer's role in a department: one of the ladder's roles, or `reviewer` (scores the
 * department's conversations in quality review, and works no tickets).
 */
export const DEPARTMENT_ROLES = [...LADDER_ROLES, 'reviewer'] as const;
export type DepartmentRole = (typeof DEPARTMENT_ROLES)[number];

export function isDepartmentRole(role: string): role is DepartmentRole {
  return (DEPARTMENT_ROLES as readonly string[]).includes(role);
}

/**
 * Gives an officer a role in a department (replacing the one they had there), or with `role`
 * null takes them out of it. Audited in the same unit of work.
 *
 * @throws AppError OFFICER_INVALID for an unknown officer, department or role
 */
export async function setMembership(
  uow: UnitOfWork, departments: Departments, officerId: number, department: string, role: string | null, actor: string, now: Date,
): Promise<void> {
  if (!departments.declared) throw new AppError(ERROR_CODES.OFFICER_INVALID, 'The profile declares no departments: every officer works in the one implicit department with their own role.');
  if (!departments.has(department)) {
    throw new AppError(ERROR_CODES.OFFICER_INVALID, `There is no department "${department}"; the profile declares: ${departments.list.map((d) => d.id).join(', ')}.`);
  }
  if (role !== null && !isDepartmentRole(role)) throw new AppError(ERROR_CODES.OFFICER_INVALID, `Unknown role "${role}" in a department; use one of: ${DEPARTMENT_ROLES.join(', ')}.`);
  const officer = await uow.officers.byId(officerId);
  if (!officer) throw new AppError(ERROR_CODES.OFFICER_INVALID, `There is no officer ${officerId}.`);
  const q = departmentQueries(uow.dialect);
  const kept = (await uow.exec.all(q.membershipsOf, { officer_id: officerId })).filter((m) => m.department !== department);
  await uow.exec.run(q.clearMemberships, { officer_id: officerId });
  for (const m of kept) await uow.exec.run(q.addMembership, m);
  if (role !== null) await uow.exec.run(q.addMembership, { officer_id: officerId, department, role });
  await appendAudit(uow, { actor, action: role === null ? 'officer.department_removed' : 'officer.department_set', subject: `officer:${officerId}`, detail: { department, role }, at: now });
}

/** Every officer's memberships, by officer id. */
export async function membershipsByOfficer(uow: UnitOfWork): Promise<Map<number, Array<{ department: string; role: string }>>> {
  const out = new Map<number, Array<{ department: string; role: string }>>();
  for (const m of await uow.exec.all(departmentQueries(uow.dialect).allMemberships, {})) {
    // PostgreSQL returns a bigint as text.
    const id = Number(m.officer_id);
    const list = out.get(id) ?? [];
    list.push({ department: m.department, role: m.role });
    out.set(id, list);
  }
  return out;
}
