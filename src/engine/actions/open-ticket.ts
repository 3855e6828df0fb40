import { z } from 'zod';
import { formatTicketNumber, TICKET_PREFIX } from '../../domain/tickets/ticket-number.ts';
import type { ActionDefinition } from './types.ts';
import { istYear } from '../../domain/time/ist.ts';

const params = z.object({
  kind: z.enum(['grievance', 'data_rights']),
  /** The request fields an officer needs; values are resolved `$var` references. */
  fields: z.record(z.string(), z.unknown()),
  /** An erasure request: the citizen may cancel it until the cooling-off period ends. */
  coolingOff: z.boolean().default(false),
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
  async run(ctx, { kind, fields: given, coolingOff }) {
    const principal = ctx.session.verified?.principalId;
    const fields: Record<string, unknown> = { ...given, ...(principal !== undefined ? { principal_id: principal } : {}) };
    // Officers see that a parent or guardian consented for a child (DPDP s.9).
    if (ctx.session.consent?.minor) fields.minor = true;
    if (coolingOff) fields.cooling_off_until = ctx.services.coolingOffUntil(ctx.now).toISOString();
    const prefix = TICKET_PREFIX[kind];
    const year = istYear(ctx.now);
    const number = formatTicketNumber(prefix, year, await ctx.services.nextTicketNumber(prefix, year));
    const createdAt = ctx.now.toISOString();
    // The department is chosen now, so the acknowledgment can name it and say its due date.
    const department = ctx.services.departmentFor?.(kind, fields);
    const dueAt = ctx.services.dueFor(kind, ctx.now, department?.id).toISOString();
    return {
      result: {
        number, kind, status: 'open', created_at: createdAt, due_at: dueAt, cooling_off_until: (fields.cooling_off_until as string | undefined) ?? null,
        ...(department ? { department: department.name[ctx.lang], department_id: department.id } : {}),
      },
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
          ...(department ? { department: department.id } : {}),
        },
      ],
    };
  },
};
