import { z } from 'zod';
import type { Json } from '../session.ts';
import type { ActionDefinition } from './types.ts';

const jsonValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/**
 * Stores a literal in a variable (e.g. a flag that the citizen is editing an answer).
 * @example { "type": "action", "id": "mark_editing", "action": "set_var", "params": { "value": true }, "save": "editing" }
 */
export const setVar: ActionDefinition<z.ZodObject<{ value: typeof jsonValue }>> = {
  name: 'set_var',
  params: z.object({ value: jsonValue }),
  exits: [],
  async run(_ctx, { value }) {
    return { result: value as Json };
  },
};
