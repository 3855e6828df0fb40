import { z } from 'zod';
import type { ActionDefinition } from './types.ts';

const nominationParams = z.object({
  action: z.enum(['add', 'remove']),
  name: z.string().nullable().optional(),
  relation: z.string().nullable().optional(),
  contact: z.string().nullable().optional(),
});
/**
 * Registers, changes (add replaces the active one) or removes the citizen's nominee (DPDP s.14).
 * @example { "type": "action", "id": "save_nominee", "action": "record_nomination", "params": { "action": "add", "name": "$nominee_name", "relation": "$nominee_relation", "contact": "$nominee_contact" } }
 */
export const recordNomination: ActionDefinition<typeof nominationParams> = {
  name: 'record_nomination',
  params: nominationParams,
  exits: [],
  async run(ctx, p) {
    const principalId = ctx.session.verified?.principalId ?? null;
    return {
      events: [{ type: 'nomination_recorded', action: p.action, name: p.name ?? '', relation: p.relation ?? '', contact: p.contact ?? '', principalId }],
    };
  },
};

const numberParams = z.object({ number: z.string().min(1) });
/**
 * Cancels the citizen's own erasure request while its cooling-off period runs.
 * @example { "type": "action", "id": "cancel", "action": "cancel_erasure", "params": { "number": "$ticket_ref" }, "exits": { "cancelled": "done", "too_late": "late", "not_found": "missing" } }
 */
export const cancelErasure: ActionDefinition<typeof numberParams> = {
  name: 'cancel_erasure',
  params: numberParams,
  exits: ['cancelled', 'too_late', 'not_found'],
  async run(ctx, { number }) {
    const t = await ctx.services.findOwnTicket(number);
    const until = typeof t?.fields?.cooling_off_until === 'string' ? t.fields.cooling_off_until : undefined;
    if (!t || t.fields?.right !== 'erasure' || !until) return { exit: 'not_found' };
    if (ctx.now.toISOString() >= until || ['resolved', 'closed', 'withdrawn'].includes(t.status)) return { exit: 'too_late' };
    return { exit: 'cancelled', events: [{ type: 'ticket_withdraw_requested', number, reason: 'erasure cancelled by the citizen during the cooling-off period' }] };
  },
};

/**
 * Appeals a resolved or closed ticket of the citizen's: it is reopened one rung up (or, at the
 * top, the citizen is told of the right to go to the Board).
 * @example { "type": "action", "id": "appeal", "action": "appeal_ticket", "params": { "number": "$ticket_ref" }, "exits": { "appealed": "done", "not_answered": "wait", "not_found": "missing" } }
 */
export const appealTicket: ActionDefinition<typeof numberParams> = {
  name: 'appeal_ticket',
  params: numberParams,
  exits: ['appealed', 'not_answered', 'not_found'],
  async run(ctx, { number }) {
    const t = await ctx.services.findOwnTicket(number);
    if (!t) return { exit: 'not_found' };
    if (t.status !== 'resolved' && t.status !== 'closed') return { exit: 'not_answered' };
    return { exit: 'appealed', events: [{ type: 'ticket_appeal_requested', number }] };
  },
};
