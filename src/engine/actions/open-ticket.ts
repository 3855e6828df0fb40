import { z } from 'zod';
import { formatTicketNumber, TICKET_PREFIX } from '../../domain/tickets/ticket-number.ts';
import type { ActionDefinition } from './types.ts';
import { istYear } from '../../domain/time/ist.ts';

const params = z.object({
  kind: z.enum(['grievance', 'data_rights']),
  /** The request fields an officer needs; values are resolved `$var` references. */
  fields: z.record(z.string(), z.unknown()),
});

/**
 * Opens a ticket: allocates its number now, so the acknowledgment in the same sprint can say
 * it, and emits `ticket_open_requested` for the effects layer to store.
 * @example { "type": "action", "id": "open", "action": "open_ticket", "params": { "kind": "grievance", "fields": { "category": "$category" } }, "save": "ticket" }
 */
export const openTicket: ActionDefinition<typeof params> = {
  name: 'open_ticket',
  params,
  exits: [],
  async run(ctx, { kind, fields }) {
    const prefix = TICKET_PREFIX[kind];
    const year = istYear(ctx.now);
    const number = formatTicketNumber(prefix, year, await ctx.services.nextTicketNumber(prefix, year));
    const createdAt = ctx.now.toISOString();
    const dueAt = ctx.services.dueFor(kind, ctx.now).toISOString();
    return {
      result: { number, kind, status: 'open', created_at: createdAt, due_at: dueAt },
      events: [
        {
          type: 'ticket_open_requested',
          number,
          kind,
          fields,
          createdAt,
          dueAt,
          lang: ctx.lang,
          idempotencyKey: `ticket:${ctx.effectKey}`,
        },
      ],
    };
  },
};
