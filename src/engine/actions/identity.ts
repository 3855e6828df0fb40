import { z } from 'zod';
import { VERIFICATION_VALID_MS, type SessionState } from '../session.ts';
import type { ActionDefinition, ActionOutcome } from './types.ts';

const LEVEL_RANK = { none: 0, channel: 1, otp: 2 } as const;

function currentLevel(s: Readonly<SessionState>, now: Date): keyof typeof LEVEL_RANK {
  const v = s.verified;
  return v && now.getTime() - Date.parse(v.at) < VERIFICATION_VALID_MS ? v.level : 'none';
}

const checkParams = z.object({ request: z.string().min(1) });
/**
 * Whether the citizen's identity is checked enough for this kind of request (profile setting).
 * @example { "type": "action", "id": "need_id", "action": "check_identity", "params": { "request": "access" }, "exits": { "satisfied": "ask_what", "needed": "verify" } }
 */
export const checkIdentity: ActionDefinition<typeof checkParams> = {
  name: 'check_identity',
  params: checkParams,
  exits: ['satisfied', 'needed'],
  async run(ctx, { request }) {
    const need = ctx.services.requiredLevel(request);
    return { exit: LEVEL_RANK[currentLevel(ctx.session, ctx.now)] >= LEVEL_RANK[need] ? 'satisfied' : 'needed' };
  },
};

/**
 * The channel's own attestation: when the platform vouches for the sender's number and it is on
 * file, the citizen is identified at the `channel` level without typing anything.
 * @example { "type": "action", "id": "attest", "action": "attest_channel", "save": "principal", "exits": { "attested": "enough", "none": "ask_how" } }
 */
export const attestChannel: ActionDefinition<z.ZodObject<Record<string, never>>> = {
  name: 'attest_channel',
  params: z.object({}),
  exits: ['attested', 'none'],
  async run(ctx): Promise<ActionOutcome> {
    if (!ctx.attested) return { exit: 'none', result: null };
    const r = await ctx.services.identity.find({ mobile: ctx.attested.phone });
    if (r.status !== 'found') return { exit: 'none', result: null };
    const stronger = currentLevel(ctx.session, ctx.now) === 'otp';
    return {
      exit: 'attested',
      result: { id: r.principalId, via: r.via ?? 'sms' },
      ...(stronger ? {} : { verified: { level: 'channel' as const, principalId: r.principalId, at: ctx.now.toISOString() } }),
      events: stronger ? [] : [{ type: 'identity_verified', level: 'channel', method: ctx.attested.method, principalId: r.principalId }],
    };
  },
};

const findParams = z.object({ mobile: z.string().nullable().optional(), email: z.string().nullable().optional(), uniform: z.boolean().optional() });
/**
 * Finds the data principal on file for a mobile number or email address. With `uniform`, a number
 * or email that is not on file (or on file more than once, or without an address a code can go
 * to) leads to `found` as well, with a decoy principal: the next steps answer exactly as for a
 * customer but send nothing and accept no code, so the step cannot test who is a customer.
 * @example { "type": "action", "id": "find", "action": "find_principal", "params": { "mobile": "$id_mobile" }, "save": "principal", "exits": { "found": "send", "not_found": "not_on_file", "ambiguous": "ambiguous" } }
 */
export const findPrincipal: ActionDefinition<typeof findParams> = {
  name: 'find_principal',
  params: findParams,
  exits: ['found', 'not_found', 'ambiguous'],
  async run(ctx, { mobile, email, uniform }) {
    const q = { ...(mobile ? { mobile } : {}), ...(email ? { email } : {}) };
    const r = await ctx.services.identity.find(q);
    // The code goes to the kind of address typed (a decoy must look the same), so with `uniform` a
    // principal reachable only by the other kind is treated as not on file.
    const usable = r.status === 'found' && r.via !== null && (!uniform || r.via === (email ? 'email' : 'sms'));
    if (r.status === 'found' && usable && r.via !== null) return { exit: 'found', result: { id: r.principalId, via: r.via } };
    if (uniform) {
      const d = await ctx.services.identity.decoy(q);
      if (d) return { exit: 'found', result: { id: d.principalId, via: d.via } };
    }
    // No address on file that the organisation can send a code to: as good as not on file.
    if (r.status === 'found') return { exit: 'not_found', result: null };
    return { exit: r.status, result: null };
  },
};

const sendParams = z.object({ principal: z.number().int(), via: z.enum(['sms', 'email']) });
/**
 * Sends a one-time code to the principal's own address on file (never to one the citizen typed).
 * @example { "type": "action", "id": "send", "action": "send_code", "params": { "principal": "$principal.id", "via": "$principal.via" }, "save": "challenge", "exits": { "sent": "ask_code", "locked": "locked", "resend_limit": "resend_limit", "send_limit": "send_limit", "no_destination": "not_on_file" } }
 */
export const sendCode: ActionDefinition<typeof sendParams> = {
  name: 'send_code',
  params: sendParams,
  exits: ['sent', 'locked', 'resend_limit', 'send_limit', 'no_destination'],
  async run(ctx, { principal, via }): Promise<ActionOutcome> {
    const r = await ctx.services.identity.startChallenge(principal, via, ctx.lang);
    if (r.status === 'sent') return { exit: 'sent', result: { destination: r.destination } };
    if (r.status === 'resend_limit') return { exit: 'resend_limit', result: { destination: r.destination } };
    if (r.status === 'locked') return { exit: 'locked', result: { until: r.until } };
    // Codes to this destination are used up for the hour (any conversation): said apart from a lock-out, which is this chat's own doing.
    if (r.status === 'send_limit') return { exit: 'send_limit', result: { destination: r.destination, until: r.until } };
    return { exit: 'no_destination', result: null };
  },
};

const verifyParams = z.object({ principal: z.number().int(), via: z.enum(['sms', 'email']) });
/**
 * Checks the code the citizen typed at the `otp` ask just before (it never reaches a variable).
 * @example { "type": "action", "id": "check", "action": "verify_code", "params": { "principal": "$principal.id", "via": "$principal.via" }, "save": "check", "exits": { "verified": "ok", "wrong": "wrong", "expired": "expired", "locked": "locked", "no_challenge": "send" } }
 */
export const verifyCode: ActionDefinition<typeof verifyParams> = {
  name: 'verify_code',
  params: verifyParams,
  exits: ['verified', 'wrong', 'expired', 'locked', 'no_challenge'],
  async run(ctx, { principal, via }): Promise<ActionOutcome> {
    if (ctx.secret === undefined) return { exit: 'no_challenge', result: null };
    const r = await ctx.services.identity.checkCode(ctx.secret);
    switch (r.status) {
      case 'verified':
        return {
          exit: 'verified',
          result: null,
          verified: { level: 'otp', principalId: principal, at: ctx.now.toISOString() },
          events: [{ type: 'identity_verified', level: 'otp', method: via, principalId: principal }],
        };
      case 'wrong':
        return { exit: 'wrong', result: { attempts_left: r.attemptsLeft } };
      case 'locked':
        return { exit: 'locked', result: { until: r.until } };
      default:
        return { exit: r.status, result: null };
    }
  },
};
