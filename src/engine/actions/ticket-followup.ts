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

/** The rating choices' ids, worst first: the option number a citizen types is the rating. */
export const RATING_IDS = ['r1', 'r2', 'r3', 'r4', 'r5'] as const;
const ratingParams = z.object({ number: z.string().min(1), rating: z.enum(RATING_IDS), comment: z.string().nullable().optional() });

/**
 * Records the citizen's 1–5 rating of a resolution and their optional comment (one per ticket).
 * Result `low`: true for 1 or 2, when the flow offers the appeal.
 * @example { "type": "action", "id": "rating_save", "action": "record_rating", "params": { "number": "$feedback_ticket", "rating": "$rating", "comment": "$comment" }, "save": "rated" }
 */
export const recordRating: ActionDefinition<typeof ratingParams> = {
  name: 'record_rating',
  params: ratingParams,
  exits: [],
  async run(_ctx, { number, rating, comment }) {
    const value = RATING_IDS.indexOf(rating) + 1;
    return {
      result: { rating: value, low: value <= 2 },
      events: [{ type: 'ticket_rating_given', number, rating: value, comment: comment ?? null }],
    };
  },
};
