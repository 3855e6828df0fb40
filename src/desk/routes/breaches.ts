import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, ERROR_CODES } from '../../errors.ts';
import { boardReportPage, breachesPage, breachPage, lt } from '../pages/breaches.ts';
import type { PageContext } from '../pages/context.ts';
import type { Notice } from '../pages/layout.ts';
import type { DeskContext } from '../server.ts';
import { sendPage as send, formValues } from './page-reply.ts';

const idParams = z.object({ id: z.coerce.number().int().positive() });
const doneQuery = z.object({ done: z.enum(['recorded', 'affected', 'report']).optional().catch(undefined) });



function inputError(ctx: PageContext, error: unknown): Notice | undefined {
  if (!(error instanceof AppError) || error.code !== ERROR_CODES.DESK_INPUT || !error.message.startsWith('error.')) return undefined;
  return { kind: 'error', text: lt(ctx, error.message) };
}

/** `2026-12-07T09:00` as typed on the desk (IST) → an instant; '' (refused as input) for anything else, a 13th month too. */
function istInput(v: string | undefined): string {
  if (!v || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v)) return '';
  const at = new Date(`${v}:00+05:30`);
  return Number.isNaN(at.getTime()) ? '' : at.toISOString();
}

/**
 * Personal-data breaches on the desk, for the DPO and the administrator (the service refuses
 * anyone else): the list and the form to record one, a breach's page (the Board's clock, the
 * notices' progress, those to tell by other means, the reports), the affected people from a
 * pasted list, reports to the Board, and the report as JSON or a printable page.
 */
export async function registerBreachRoutes(server: FastifyInstance, ctx: DeskContext): Promise<void> {
  const breaches = ctx.app.breaches;
  const csrf = server.csrfProtection;

  server.get('/breaches', async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    const pc = await ctx.pageContext(request, reply);
    return send(reply, breachesPage(pc, await breaches.list(officer)));
  });

  server.post('/breaches', { preHandler: csrf }, async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    const v = formValues(request);
    const lang = (l: 'en' | 'hi') => ({ what: v[`notice.${l}.what`], consequences: v[`notice.${l}.consequences`], mitigation: v[`notice.${l}.mitigation`], safety: v[`notice.${l}.safety`] });
    try {
      const id = await breaches.record(officer, { foundAt: istInput(v.foundAt), occurred: v.occurred, dataAffected: v.dataAffected, peopleAffected: v.peopleAffected, notice: { en: lang('en'), hi: lang('hi') } });
      return reply.redirect(`/breaches/${id}?done=recorded`, 303);
    } catch (error) {
      const pc = await ctx.pageContext(request, reply);
      const notice = inputError(pc, error);
      if (!notice) throw error;
      return send(reply, breachesPage(pc, await breaches.list(officer), { notice, values: v }), 400);
    }
  });

  const show = async (request: FastifyRequest, reply: FastifyReply, opts: { notice?: Notice; values?: Record<string, string>; status?: number } = {}) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    const { id } = idParams.parse(request.params);
    const pc = await ctx.pageContext(request, reply);
    const done = doneQuery.parse(request.query ?? {}).done;
    const notice = opts.notice ?? (done ? { kind: 'ok' as const, text: lt(pc, `done.${done}`) } : undefined);
    return send(reply, breachPage(pc, await breaches.view(officer, id), { ...(notice ? { notice } : {}), ...(opts.values ? { values: opts.values } : {}) }), opts.status ?? 200);
  };
  server.get('/breaches/:id', (request, reply) => show(request, reply));

  const act = (run: (officer: Parameters<typeof breaches.view>[0], id: number, v: Record<string, string>) => Promise<unknown>, done: string) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const officer = await ctx.requireOfficer(request, reply);
      if (!officer) return reply;
      const { id } = idParams.parse(request.params);
      const v = formValues(request);
      try {
        await run(officer, id, v);
      } catch (error) {
        const pc = await ctx.pageContext(request, reply);
        const notice = inputError(pc, error);
        if (!notice) throw error;
        return show(request, reply, { notice, values: v, status: 400 });
      }
      return reply.redirect(`/breaches/${id}?done=${done}`, 303);
    };
  server.post('/breaches/:id/affected', { preHandler: csrf }, act((o, id, v) => breaches.addAffected(o, id, v.affected ?? ''), 'affected'));
  server.post('/breaches/:id/reports', { preHandler: csrf }, act((o, id, v) => breaches.addReport(o, id, v), 'report'));

  server.get('/breaches/:id/report.json', async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    const { id } = idParams.parse(request.params);
    const report = await breaches.boardReport(officer, id);
    return reply.header('content-disposition', `attachment; filename="breach-${id}-board-report.json"`).type('application/json; charset=utf-8').send(JSON.stringify(report, null, 2));
  });

  server.get('/breaches/:id/report', async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    const { id } = idParams.parse(request.params);
    const pc = await ctx.pageContext(request, reply);
    return send(reply, boardReportPage(pc, await breaches.boardReport(officer, id)));
  });
}
