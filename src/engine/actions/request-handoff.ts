import { z } from 'zod';
import type { ActionDefinition } from './types.ts';

const params = z.object({ reason: z.enum(['citizen_asked', 'stuck', 'flow']) });

/**
 * Puts the conversation in the officers' queue (the desk takes it from there).
 * @example { "type": "action", "id": "queue", "action": "request_handoff", "params": { "reason": "citizen_asked" } }
 */
export const requestHandoff: ActionDefinition<typeof params> = {
  name: 'request_handoff',
  params,
  exits: [],
  async run(ctx, { reason }) {
    // The question the citizen left to ask (a command pushes it, as does getting stuck); else this step.
    const at = ctx.session.stack.at(-1) ?? ctx.session.at;
    return { events: [{ type: 'handoff_requested', reason, lang: ctx.lang, idempotencyKey: `handoff:${ctx.effectKey}`, at: { flow: at.flow, step: at.step } }] };
  },
};
