import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERROR_CODES } from '../../errors.ts';
import { reportCsv } from '../../reports/format.ts';
import { monthlyReport } from '../../reports/load.ts';
import { isMonth, monthOf } from '../../reports/month.ts';
import { canSeeReports } from '../access.ts';
import type { Officer } from '../accounts.ts';
import { badMonthPage, reportsPage } from '../pages/reports.ts';
import type { DeskContext } from '../server.ts';

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

  const load = (officer: Officer, month: string, format: Format, now: Date) =>
    monthlyReport(
      { store: app.store, profile: app.content.profile, calendar: app.content.calendar, now },
      month,
      { actor: `officer:${officer.id}`, action: 'report.view', subject: `report:${month}`, detail: { month, format } },
    );

  server.get('/reports', async (request, reply) => {
    const officer = await officerInCharge(request, reply);
    if (!officer) return reply;
    const now = ctx.clock();
    const current = monthOf(now);
    const { month, typed } = requestedMonth(request, now);
    const pc = await ctx.pageContext(request, reply);
    if (typed !== undefined) return reply.status(400).type('text/html; charset=utf-8').send(badMonthPage(pc, typed, current).value);
    const report = await load(officer, month, 'html', now);
    return reply.type('text/html; charset=utf-8').send(reportsPage(pc, { report, currentMonth: current, rubric: app.content.profile.quality.rubric }).value);
  });

  const download = (format: 'csv' | 'json') =>
    server.get(`/reports.${format}`, async (request, reply) => {
      const officer = await officerInCharge(request, reply);
      if (!officer) return reply;
      const now = ctx.clock();
      const { month, typed } = requestedMonth(request, now);
      if (typed !== undefined) throw new AppError(ERROR_CODES.DESK_INPUT, `The month must be written YYYY-MM, e.g. 2026-11 (got "${typed}").`);
      const report = await load(officer, month, format, now);
      reply.header('content-disposition', `attachment; filename="nivaran-report-${month}.${format}"`);
      return format === 'csv'
        ? reply.type('text/csv; charset=utf-8').send(reportCsv(report))
        : reply.type('application/json; charset=utf-8').send(`${JSON.stringify(report, null, 2)}\n`);
    });
  download('csv');
  download('json');
}
