import { z } from 'zod';
import type { ActionDefinition } from './types.ts';
import { istDayNumber } from '../../domain/time/ist.ts';

const params = z.object({ number: z.string().min(1) });

/**
 * Finds one of the citizen's own tickets. Exits `found` (result: number, status, dates and
 * whole days left in IST, overdue) or `not_found`.
 * @example { "type": "action", "id": "lookup", "action": "lookup_ticket", "params": { "number": "$ticket_ref" }, "save": "found", "exits": { "found": "show", "not_found": "missing" } }
 */
export const lookupTicket: ActionDefinition<typeof params> = {
  name: 'lookup_ticket',
  params,
  exits: ['found', 'not_found'],
  async run(ctx, { number }) {
    const t = await ctx.services.findOwnTicket(number);
    if (!t) return { exit: 'not_found', result: null };
    const daysLeft = istDayNumber(new Date(t.dueAt)) - istDayNumber(ctx.now);
    return {
      exit: 'found',
      result: { number: t.number, kind: t.kind, status: t.status, created_at: t.createdAt, due_at: t.dueAt, days_left: daysLeft, overdue: daysLeft < 0, answered: ['resolved', 'closed', 'withdrawn'].includes(t.status),
        ...(t.department ? { department: t.department[ctx.lang] } : {}),
      },
    };
  },
};
