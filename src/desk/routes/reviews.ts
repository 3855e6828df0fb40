import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, ERROR_CODES } from '../../errors.ts';
import { AlreadyReviewed, checkScores, NOTES_MAX } from '../../quality/quality-service.ts';
import { stepPrompt } from '../../quality/steps.ts';
import { canReview, worksTickets } from '../access.ts';
import type { PageContext } from '../pages/context.ts';
import type { Notice } from '../pages/layout.ts';
import { qt, qualityPage } from '../pages/quality.ts';
import { reviewPage } from '../pages/quality-review.ts';
import { trendsPage } from '../pages/quality-trends.ts';
import type { DeskContext } from '../server.ts';
import { sendPage as send } from './page-reply.ts';

const idParams = z.object({ id: z.coerce.number().int().positive() });
const trendsQuery = z.object({
  periods: z.coerce.number().int().min(1).max(52).catch(8),
  idleDays: z.coerce.number().int().min(1).max(365).catch(7),
  sinceDays: z.coerce.number().int().min(1).max(365).catch(30),
});


function doneNotice(ctx: PageContext, request: FastifyRequest): Notice | undefined {
  const done = (request.query as Record<string, unknown> | undefined)?.done;
  const key = typeof done === 'string' && /^[a-z_]{1,20}$/.test(done) ? `quality:done.${done}` : undefined;
  return key && ctx.translator.has(ctx.lang, key) ? { kind: 'ok', text: ctx.translator.t(ctx.lang, key) } : undefined;
}

/**
 * Quality review on the desk: /quality (the reviewers' queue; an officer's own scores),
 * /quality/reviews/:id (a sampled conversation and its scores form) and /quality/trends.
 * Every read of a conversation and every score is audited by the QualityService.
 */
export async function registerReviewsRoutes(server: FastifyInstance, ctx: DeskContext): Promise<void> {
  const { app } = ctx;
  const csrf = server.csrfProtection;
  const quality = app.quality;
  const { profile } = app.content;

  server.get('/quality', async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    const pc = await ctx.pageContext(request, reply);
    const queue = canReview(officer) ? await quality.queue(officer) : undefined;
    const mine = worksTickets(officer.role) ? await quality.myScores(officer) : undefined;
    return send(reply, qualityPage(pc, { ...(queue ? { queue } : {}), ...(mine ? { mine } : {}), rubric: quality.rubric, everyDays: profile.quality.everyDays }, doneNotice(pc, request)));
  });

  server.get('/quality/trends', async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    const opts = trendsQuery.parse(request.query ?? {});
    const pc = await ctx.pageContext(request, reply);
    const v = await quality.trends(officer, opts);
    const promptOf = (flow: string, step: string) => stepPrompt(app.content.flows.set, app.content.translator, pc.lang, flow, step);
    return send(reply, trendsPage(pc, v, quality.rubric, promptOf, { periods: opts.periods }));
  });

  server.get('/quality/reviews/:id', async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    const { id } = idParams.parse(request.params);
    const pc = await ctx.pageContext(request, reply);
    return send(reply, reviewPage(pc, await quality.review(officer, id), quality.rubric));
  });

  server.post('/quality/reviews/:id', { preHandler: csrf }, async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    const { id } = idParams.parse(request.params);
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      await quality.score(officer, id, body);
    } catch (error) {
      const pc = await ctx.pageContext(request, reply);
      if (error instanceof AlreadyReviewed) {
        return send(reply, reviewPage(pc, await quality.review(officer, id), quality.rubric, { notice: { kind: 'error', text: qt(pc, 'error.already') } }), 409);
      }
      if (error instanceof AppError && error.code === ERROR_CODES.DESK_INPUT) {
        // The form again, with what was chosen and what is missing.
        const checked = checkScores(body, quality.rubric);
        if (checked.ok) throw error;
        const names = quality.rubric.filter((c) => checked.missing.includes(c.id)).map((c) => c.title[pc.lang]);
        const text = names.length > 0 ? qt(pc, 'error.missing', { count: names.length, names: names.join(', ') }) : qt(pc, 'error.notes_long', { max: NOTES_MAX });
        const state = { scores: checked.scores, notes: checked.notes, missing: checked.missing, notesTooLong: checked.notesTooLong };
        return send(reply, reviewPage(pc, await quality.review(officer, id), quality.rubric, { notice: { kind: 'error', text }, state }), 400);
      }
      throw error;
    }
    return reply.redirect('/quality?done=scored', 303);
  });
}
