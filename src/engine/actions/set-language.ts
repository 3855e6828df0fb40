import { z } from 'zod';
import type { ActionDefinition } from './types.ts';

/**
 * Sets the citizen's language.
 * @example { "type": "action", "id": "apply_language", "action": "set_language", "params": { "lang": "$lang" } }
 */
export const setLanguage: ActionDefinition<z.ZodObject<{ lang: z.ZodEnum<{ en: 'en'; hi: 'hi' }> }>> = {
  name: 'set_language',
  params: z.object({ lang: z.enum(['en', 'hi']) }),
  exits: [],
  async run(_ctx, { lang }) {
    return { lang, events: [{ type: 'language_changed', lang }] };
  },
};
