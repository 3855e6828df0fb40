import { appendAudit, type AuditEntry } from '../audit/audit-log.ts';
import { computeMonthlyReport, parseJson, type MonthlyReport, type ReportRows } from '../reports/compute.ts';
import { loadReportRows, reportContext } from '../reports/load.ts';
import { parseMonth } from '../reports/month.ts';
import type { Profile } from '../profile/schema.ts';
import type { Store } from '../storage/sqlite-store.ts';
import type { BusinessCalendar } from '../domain/sla/calendar.ts';
import { IMPLICIT_DEPARTMENT, type Department, type Departments } from './departments.ts';

/**
 * The rows of one department's report: its tickets (by the department holding them now) with
 * their events, reviews and ratings, and every transfer into or out of it.
 */
export function rowsOfDepartment(rows: ReportRows, ids: readonly string[]): ReportRows {
  const mine = (d: string | null | undefined) => ids.includes(d ?? IMPLICIT_DEPARTMENT);
  return {
    tickets: rows.tickets.filter((t) => mine(t.department)),
    events: rows.events.filter((e) => {
      if (e.kind !== 'transfer') return mine(e.department);
      const data = parseJson(e.data) ?? {};
      return ids.includes(String(data.from)) || ids.includes(String(data.to));
    }),
    reviews: rows.reviews.filter((r) => mine(r.department)),
    ratings: rows.ratings.filter((r) => mine(r.department)),
  };
}

export interface DepartmentReportDeps {
  store: Store;
  profile: Pick<Profile, 'policies' | 'ladder' | 'quality'>;
  departments: Departments;
  /** The organisation's calendar: the whole organisation's report counts on it. */
  calendar: BusinessCalendar;
  now: Date;
}

/** A department's own report: its policies, ladder and calendar count its times. */
export function computeDepartmentReport(rows: ReportRows, month: string, d: Department, deps: Omit<DepartmentReportDeps, 'store'>): MonthlyReport {
  const ids = deps.departments.storedIds(d);
  const ctx = reportContext({ policies: d.policies, ladder: d.ladder, quality: deps.profile.quality }, d.calendar, deps.now);
  return computeMonthlyReport(rowsOfDepartment(rows, ids), month, { ...ctx, department: { id: d.id, name: d.name, ids } });
}

/**
 * The month's report for the whole organisation and for each department, from one read of the
 * rows (in one transaction, with the audit row when given).
 */
export async function reportsByDepartment(
  deps: DepartmentReportDeps, month: string, audit?: Omit<AuditEntry, 'at'>,
): Promise<{ organisation: MonthlyReport; departments: MonthlyReport[] }> {
  parseMonth(month);
  const rows = await deps.store.transaction(async (uow) => {
    const loaded = await loadReportRows(uow, month, deps.now);
    if (audit) await appendAudit(uow, { ...audit, at: deps.now });
    return loaded;
  });
  const organisation = computeMonthlyReport(rows, month, reportContext(deps.profile, deps.calendar, deps.now));
  const departments = deps.departments.declared ? deps.departments.list.map((d) => computeDepartmentReport(rows, month, d, deps)) : [];
  return { organisation, departments };
}

/** One line per department of the month's headline figures: the split the desk and `report --by-department` show. */
export function departmentSplit(reports: readonly MonthlyReport[]) {
  return reports.map((r) => ({
    department: r.department?.id ?? 'all',
    name: r.department?.name ?? null,
    received: r.requests.total,
    resolved: r.onTime.resolved,
    onTime: r.onTime.onTime,
    onTimeShare: r.onTime.share,
    openPastDue: r.onTime.openPastDue.count,
    escalations: r.escalations.count,
    transfersIn: r.transfers.in,
    transfersOut: r.transfers.out,
  }));
}

