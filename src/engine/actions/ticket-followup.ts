import { z } from 'zod';
import type { ActionDefinition } from './types.ts';

const infoParams = z.object({ number: z.string().min(1), text: z.string().min(1) });
const feedbackParams = z.object({ number: z.string().min(1), satisfied: z.enum(['yes', 'no']) });

/**
 * Hands the citizen's answer to an officer's question to the ticket (the clock resumes).
 * @example { "type": "action", "id": "info_save", "action": "provide_ticket_info", "params": { "number": "$info_ticket", "text": "$info_text" } }
 */
export const provideTicketInfo: ActionDefinition<typeof infoParams> = {
  name: 'provide_ticket_info',
  params: infoParams,
  exits: [],
  async run(_ctx, { number, text }) {
    return { events: [{ type: 'ticket_info_provided', number, text }] };
  },
};

/**
 * Records whether the citizen is satisfied with a resolution (no = appeal).
 * @example { "type": "action", "id": "feedback_save", "action": "record_feedback", "params": { "number": "$feedback_ticket", "satisfied": "$satisfied" } }
 */
export const recordFeedback: ActionDefinition<typeof feedbackParams> = {
  name: 'record_feedback',
  params: feedbackParams,
  exits: [],
  async run(_ctx, { number, satisfied }) {
    return { events: [{ type: 'ticket_feedback_given', number, satisfied: satisfied === 'yes' }] };
  },
};
