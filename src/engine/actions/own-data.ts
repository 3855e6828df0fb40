import { z } from 'zod';
import { VERIFICATION_VALID_MS, type Json } from '../session.ts';
import type { ActionDefinition, ActionOutcome, KeepReasonName, OwnErasurePlan } from './types.ts';

/** The order keep reasons are named in (up to four, `r1`…`r4` in results, for the texts). */
const REASONS: readonly KeepReasonName[] = ['open_ticket', 'appeal_pending', 'board_case', 'legal_hold'];

const attestParams = z.object({ request: z.string().min(1) });
/**
 * The citizen's own data is this conversation's: a channel that vouches the sender owns the chat
 * (a WhatsApp sender, a Telegram user's own shared contact) identifies them at the `channel`
 * level without a principal on file. Exits `none` when the message carries no such attestation or
 * the profile asks for a one-time code.
 * @example { "type": "action", "id": "attest", "action": "attest_conversation", "params": { "request": "$request" }, "exits": { "attested": "choose", "none": "verify" } }
 */
export const attestConversation: ActionDefinition<typeof attestParams> = {
  name: 'attest_conversation',
  params: attestParams,
  exits: ['attested', 'none'],
  async run(ctx, { request }): Promise<ActionOutcome> {
    if (!ctx.attested || ctx.services.requiredLevel(request) === 'otp') return { exit: 'none' };
    return { exit: 'attested', events: [{ type: 'identity_verified', level: 'channel', method: ctx.attested.method, principalId: null }] };
  },
};

/**
 * Creates a download link for a copy of this conversation's data (valid `exports.linkHours`).
 * Result: `url`, `expires_at`, `hours`. The flow must forget the result once it has said the link,
 * so that the token is never stored in the session.
 * @example { "type": "action", "id": "copy", "action": "create_data_export", "save": "export", "exits": { "created": "copy_sent", "unavailable": "copy_unavailable" } }
 */
export const createDataExport: ActionDefinition<z.ZodObject<Record<string, never>>> = {
  name: 'create_data_export',
  params: z.object({}),
  exits: ['created', 'unavailable'],
  async run(ctx): Promise<ActionOutcome> {
    const link = ctx.services.ownData?.newExport();
    if (!link) return { exit: 'unavailable', result: null };
    return {
      exit: 'created',
      result: { url: link.url, expires_at: link.expiresAt, hours: link.hours },
      events: [{ type: 'own_data_export_created', tokenHash: link.tokenHash, expiresAt: link.expiresAt, lang: ctx.lang }],
    };
  },
};

/**
 * Looks at what erasing this conversation's data would do now. Exits by regime (`full`,
 * `answering`, `hold`); the result carries the counts and the keep reasons as `r1`…`r4`.
 * @example { "type": "action", "id": "erase_plan", "action": "plan_own_erasure", "save": "plan", "exits": { "full": "explain_full", "answering": "explain_answering", "hold": "explain_hold" } }
 */
export const planOwnErasure: ActionDefinition<z.ZodObject<Record<string, never>>> = {
  name: 'plan_own_erasure',
  params: z.object({}),
  exits: ['full', 'answering', 'hold', 'unavailable'],
  async run(ctx): Promise<ActionOutcome> {
    const plan = await ctx.services.ownData?.erasurePlan();
    if (!plan) return { exit: 'unavailable', result: null };
    return { exit: plan.regime, result: planResult(plan) };
  },
};

/**
 * Erases this conversation's own data (the effect deletes; the same plan, taken again now, says
 * what). The session forgets its identity check; the flow then resets its answers.
 * @example { "type": "action", "id": "erase_do", "action": "erase_own_data", "save": "erased" }
 */
export const eraseOwnData: ActionDefinition<z.ZodObject<Record<string, never>>> = {
  name: 'erase_own_data',
  params: z.object({}),
  exits: ['erased', 'unavailable'],
  async run(ctx): Promise<ActionOutcome> {
    const plan = await ctx.services.ownData?.erasurePlan();
    if (!plan) return { exit: 'unavailable', result: null };
    // How the request was authenticated, for the record (the check itself may be among what is erased).
    const v = ctx.session.verified;
    const identity = v && ctx.now.getTime() - Date.parse(v.at) < VERIFICATION_VALID_MS ? v.level : ctx.attested ? 'channel' : 'none';
    return {
      exit: 'erased',
      result: planResult(plan),
      verified: null,
      events: [{ type: 'own_data_erase_requested', regime: plan.regime, reasons: [...plan.reasons], identity }],
    };
  },
};

function planResult(plan: OwnErasurePlan): Json {
  const named = REASONS.filter((r) => plan.reasons.includes(r));
  const out: Record<string, Json> = { regime: plan.regime, ...plan.counts };
  REASONS.forEach((_r, i) => {
    out[`r${i + 1}`] = named[i] ?? null;
  });
  return out;
}
