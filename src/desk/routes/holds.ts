import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, ERROR_CODES } from '../../errors.ts';
import type { Officer } from '../accounts.ts';
import { isAdmin } from '../access.ts';
import type { PageContext } from '../pages/context.ts';
import { holdsPage, rt, type HoldsPageData } from '../pages/holds.ts';
import type { Notice } from '../pages/layout.ts';
import type { DeskContext } from '../server.ts';
import { sendPage as send, formValues } from './page-reply.ts';

const listQuery = z.object({
  ticket: z.string().trim().toUpperCase().regex(/^[A-Z]{2,6}-\d{4}-\d{6}$/).optional().catch(undefined),
  done: z.enum(['set', 'release']).optional().catch(undefined),
});
const idParams = z.object({ id: z.coerce.number().int().positive() });



/** An input error the admin can correct (a short reason, an unknown ticket): its text, else undefined. */
function inputError(ctx: PageContext, error: unknown): Notice | undefined {
  if (!(error instanceof AppError) || error.code !== ERROR_CODES.DESK_INPUT || !error.message.startsWith('error.')) return undefined;
  return { kind: 'error', text: rt(ctx, error.message) };
}

/**
 * Legal holds on the desk, for the admin only (others get 403): the list at /holds (optionally
 * for one ticket's conversation), placing a hold by ticket number or conversation key, releasing
 * one, and releasing every hold of a ticket's conversation (the ticket page's block). Every POST
 * carries the page's CSRF token and ends in a redirect, or shows the page again with the error.
 */
export async function registerHoldsRoutes(server: FastifyInstance, ctx: DeskContext): Promise<void> {
  const holds = ctx.app.retention.holds;
  const csrf = server.csrfProtection;

  const admin = async (request: FastifyRequest, reply: FastifyReply): Promise<Officer | undefined> => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return undefined;
    if (!isAdmin(officer)) throw new AppError(ERROR_CODES.DESK_FORBIDDEN, 'Only an administrator places or releases legal holds.');
    return officer;
  };

  /** The list page, for `ticket`'s conversation when given, with a notice and the failed form's values. */
  const page = async (
    request: FastifyRequest, reply: FastifyReply, officer: Officer, ticket: string | undefined,
    opts: { notice?: Notice; values?: Record<string, string>; failed?: 'place' | number; status?: number } = {},
  ) => {
    const pc = await ctx.pageContext(request, reply);
    let data: HoldsPageData;
    let notice = opts.notice;
    try {
      data = { ...(await holds.list(officer, ticket ? { ticket } : {})), ...(ticket ? { ticket } : {}) };
    } catch (error) {
      const shown = inputError(pc, error);
      if (!shown) throw error;
      data = await holds.list(officer);
      notice ??= shown;
    }
    return send(reply, holdsPage(pc, data, { ...(notice ? { notice } : {}), ...(opts.values ? { values: opts.values } : {}), ...(opts.failed !== undefined ? { failed: opts.failed } : {}) }), opts.status ?? (notice?.kind === 'error' ? 400 : 200));
  };

  /** Runs a POST's action: on an input error the page again (400) with what was typed, else a redirect. */
  const act = async (
    request: FastifyRequest, reply: FastifyReply, officer: Officer, ticket: string | undefined, failed: 'place' | number | undefined,
    run: (values: Record<string, string>) => Promise<string>,
  ) => {
    const values = formValues(request);
    let target: string;
    try {
      target = await run(values);
    } catch (error) {
      const pc = await ctx.pageContext(request, reply);
      const notice = inputError(pc, error);
      if (!notice) throw error;
      return page(request, reply, officer, ticket, { notice, values, ...(failed !== undefined ? { failed } : {}), status: 400 });
    }
    return reply.redirect(target, 303);
  };

  const ticketOf = (values: Record<string, string>) => {
    const t = values.ticket?.trim().toUpperCase();
    return t ? t : undefined;
  };
  const validTicket = (t: string | undefined) => (t && /^[A-Z]{2,6}-\d{4}-\d{6}$/.test(t) ? t : undefined);

  server.get('/holds', async (request, reply) => {
    const officer = await admin(request, reply);
    if (!officer) return reply;
    const q = listQuery.parse(request.query ?? {});
    const pc = await ctx.pageContext(request, reply);
    const notice: Notice | undefined = q.done ? { kind: 'ok', text: rt(pc, q.done === 'set' ? 'holds.done_set' : 'holds.done_release') } : undefined;
    return page(request, reply, officer, q.ticket, notice ? { notice } : {});
  });

  server.post('/holds', { preHandler: csrf }, async (request, reply) => {
    const officer = await admin(request, reply);
    if (!officer) return reply;
    const ticket = ticketOf(formValues(request));
    return act(request, reply, officer, validTicket(ticket), 'place', async (values) => {
      const placed = await holds.place(officer, { ...(ticket ? { ticket } : {}), ...(values.conversation ? { conversation: values.conversation } : {}) }, values.reason);
      return placed.ticketNumber ? `/holds?ticket=${placed.ticketNumber}&done=set` : '/holds?done=set';
    });
  });

  server.post('/holds/release', { preHandler: csrf }, async (request, reply) => {
    const officer = await admin(request, reply);
    if (!officer) return reply;
    const ticket = ticketOf(formValues(request));
    return act(request, reply, officer, validTicket(ticket), undefined, async (values) => {
      await holds.releaseForTicket(officer, ticket ?? '', values.reason);
      return `/holds?ticket=${ticket}&done=release`;
    });
  });

  server.post('/holds/:id/release', { preHandler: csrf }, async (request, reply) => {
    const officer = await admin(request, reply);
    if (!officer) return reply;
    const { id } = idParams.parse(request.params);
    return act(request, reply, officer, undefined, id, async (values) => {
      await holds.release(officer, id, values.reason);
      return '/holds?done=release';
    });
  });
}
