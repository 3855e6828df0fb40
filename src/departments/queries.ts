import { featureQueries } from '../storage/feature-queries.ts';
import { prepare } from '../storage/prepared.ts';
import type { OfficerDepartmentsTable } from '../storage/schema.ts';

/** Departments' statements: a ticket's department, and officers' memberships. Run with `uow.exec`. */
export const departmentQueries = featureQueries((db) => ({
  setDepartment: prepare<{ id: number; department: string; received_by: string }, never>((p) =>
    db.updateTable('tickets').set({ department: p.department, received_by: p.received_by }).where('id', '=', p.id)),
  /** A transfer: the new department's queue, from its first rung, held by nobody yet. */
  moveTicket: prepare<{ id: number; department: string }, never>((p) =>
    db.updateTable('tickets').set({ department: p.department, assigned_to: null, assigned_at: null }).where('id', '=', p.id)),
  membershipsOf: prepare<{ officer_id: number }, OfficerDepartmentsTable>((p) =>
    db.selectFrom('officer_departments').selectAll().where('officer_id', '=', p.officer_id).orderBy('department')),
  allMemberships: prepare<Record<string, never>, OfficerDepartmentsTable>(() =>
    db.selectFrom('officer_departments').selectAll().orderBy('officer_id').orderBy('department')),
  clearMemberships: prepare<{ officer_id: number }, never>((p) => db.deleteFrom('officer_departments').where('officer_id', '=', p.officer_id)),
  addMembership: prepare<OfficerDepartmentsTable, never>((p) =>
    db.insertInto('officer_departments').values({ officer_id: p.officer_id, department: p.department, role: p.role })),
}));
