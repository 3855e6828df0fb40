import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERROR_CODES } from '../../errors.ts';
import { reportCsv } from '../../reports/format.ts';
import { monthlyReport } from '../../reports/load.ts';
import { isMonth, monthOf } from '../../reports/month.ts';
import { canSeeReports } from '../access.ts';
import type { Officer } from '../accounts.ts';
import { badMonthPage, reportsPage } from '../pages/reports.ts';
import type { DeskContext } from '../server.ts';
import { departmentAccess } from '../../departments/access.ts';
import { departmentSplit, reportsByDepartment } from '../../departments/report.ts';
import type { MonthlyReport } from '../../reports/compute.ts';

type Format = 'html' | 'csv' | 'json';

/**
 * The monthly report for the officers in charge (`canSeeReports`: Grievance Officer, DPO, admin,
 * quality reviewer; others get 403): GET /reports?month=YYYY-MM (default: the IST month under
 * way) with charts, and its downloads /reports.csv and /reports.json. Each reading is audited as
 * `report.view` with the month and format only, in the transaction that reads the figures.
 */
export async function registerReportsRoutes(server: FastifyInstance, ctx: DeskContext): Promise<void> {
  const { app } = ctx;

  const officerInCharge = async (request: FastifyRequest, reply: FastifyReply): Promise<Officer | undefined> => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return undefined;
    if (!canSeeReports(officer)) {
      throw new AppError(ERROR_CODES.DESK_FORBIDDEN, 'Monthly reports are for the Grievance Officer, the DPO, quality reviewers and the administrator.');
    }
    return officer;
  };

  const requestedMonth = (request: FastifyRequest, now: Date): { month: string; typed?: string } => {
    const q = (request.query as Record<string, unknown> | undefined)?.month;
    if (q === undefined || q === '') return { month: monthOf(now) };
    const typed = typeof q === 'string' ? q.trim().slice(0, 20) : String(q).slice(0, 20);
    return isMonth(typed) ? { month: typed } : { month: '', typed };
  };

  const departments = app.tickets.departments;

  /**
   * Departments: the organisation's admin and DPO (and a reviewer who belongs to no department)
   * read the whole organisation's report and every department's; anyone else in charge only
   * their own departments'. `''` is the whole organisation. Without departments: no choice.
   */
  const requestedDepartment = async (request: FastifyRequest, officer: Officer) => {
    if (!departments.declared) return { department: undefined, choices: [], orgWide: true };
    const access = await app.store.transaction((uow) => departmentAccess(uow, departments, officer));
    const orgWide = officer.role === 'admin' || officer.role === 'dpo' || (officer.role === 'reviewer' && access.roles.size === 0);
    const choices = departments.list.filter((d) => orgWide || access.roles.has(d.id)).map((d) => ({ id: d.id, name: d.name }));
    const q = (request.query as Record<string, unknown> | undefined)?.department;
    const asked = typeof q === 'string' ? q : undefined;
    const department = asked ?? (orgWide ? '' : (choices[0]?.id ?? ''));
    if (department === '' ? !orgWide : !choices.some((c) => c.id === department)) {
      throw new AppError(ERROR_CODES.DESK_FORBIDDEN, 'This report is of a department you do not work in.');
    }
    return { department, choices, orgWide };
  };

  const load = async (officer: Officer, month: string, format: Format, now: Date, department: string | undefined): Promise<{ report: MonthlyReport; split?: ReturnType<typeof departmentSplit> }> => {
    const audit = { actor: `officer:${officer.id}`, action: 'report.view', subject: `report:${month}` };
    if (department === undefined) {
      return { report: await monthlyReport({ store: app.store, profile: app.content.profile, calendar: app.content.calendar, now }, month, { ...audit, detail: { month, format } }) };
    }
    const all = await reportsByDepartment(
      { store: app.store, profile: app.content.profile, departments, calendar: app.content.calendar, now }, month, { ...audit, detail: { month, format, department: department || 'all' } },
    );
    if (department === '') return { report: all.organisation, split: departmentSplit([all.organisation, ...all.departments]) };
    return { report: all.departments.find((r) => r.department?.id === department)! };
  };

  server.get('/reports', async (request, reply) => {
    const officer = await officerInCharge(request, reply);
    if (!officer) return reply;
    const now = ctx.clock();
    const current = monthOf(now);
    const { month, typed } = requestedMonth(request, now);
    const pc = await ctx.pageContext(request, reply);
    if (typed !== undefined) return reply.status(400).type('text/html; charset=utf-8').send(badMonthPage(pc, typed, current).value);
    const scope = await requestedDepartment(request, officer);
    const { report, split } = await load(officer, month, 'html', now, scope.department);
    const byDepartment = scope.department === undefined ? undefined : { current: scope.department, choices: scope.choices, orgWide: scope.orgWide, split };
    return reply.type('text/html; charset=utf-8').send(reportsPage(pc, { report, currentMonth: current, rubric: app.content.profile.quality.rubric, ...(byDepartment ? { departments: byDepartment } : {}) }).value);
  });

  const download = (format: 'csv' | 'json') =>
    server.get(`/reports.${format}`, async (request, reply) => {
      const officer = await officerInCharge(request, reply);
      if (!officer) return reply;
      const now = ctx.clock();
      const { month, typed } = requestedMonth(request, now);
      if (typed !== undefined) throw new AppError(ERROR_CODES.DESK_INPUT, `The month must be written YYYY-MM, e.g. 2026-11 (got "${typed}").`);
      const { department } = await requestedDepartment(request, officer);
      const { report } = await load(officer, month, format, now, department);
      reply.header('content-disposition', `attachment; filename="nivaran-report-${month}${department ? `-${department}` : ''}.${format}"`);
      return format === 'csv'
        ? reply.type('text/csv; charset=utf-8').send(reportCsv(report))
        : reply.type('application/json; charset=utf-8').send(`${JSON.stringify(report, null, 2)}\n`);
    });
  download('csv');
  download('json');
}
