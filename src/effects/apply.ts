import type { EngineEvent } from '../engine/events.ts';
import type { Translator } from '../i18n/i18n.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';
import type { TicketService } from '../tickets/service.ts';
import { deliver, type Recipient } from '../outbox/enqueue.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { guardianQueries } from '../consent/guardians.ts';
import { executeErasure } from '../citizen-data/erasure.ts';
import { deliverWithHiddenLinks, MY_DATA_PATH } from '../citizen-data/links.ts';
import { ownDataQueries } from '../citizen-data/queries.ts';
import type { AfterCommitJob } from '../router/after-commit.ts';
import { recordHandoffStep } from '../quality/handoff-steps.ts';

export interface EffectContext {
  recipient: Recipient;
  /** `channel:messageId` of the inbound message: makes every write of this sprint idempotent. */
  messageKey: string;
  now: Date;
  /** `now` as ISO text, when the caller has it already (the router does). */
  at?: string;
  translator: Translator;
  tickets: TicketService;
  /** The platform id of the inbound message (kept with consent as evidence). */
  messageId: string;
  /** Work to start once the unit of work has committed (e.g. fetching an access summary). */
  afterCommit: AfterCommitJob[];
}

/**
 * The only translator from engine events to writes: tickets, hand-off requests, the outgoing
 * half of the transcript and the outbox. Runs inside the message's unit of work, in event order.
 */
export async function applyEffects(uow: UnitOfWork, events: readonly EngineEvent[], ctx: EffectContext): Promise<number> {
  const at = ctx.at ?? ctx.now.toISOString();
  const key = ctx.recipient.conversationKey;
  let replies = 0;
  for (const e of events) {
    switch (e.type) {
      case 'msg_created': {
        const t = ctx.translator;
        const message = {
          text: t.t(e.lang, e.key, e.params),
          choices: e.choices.map((c) => ({ id: c.id, label: t.t(e.lang, c.label) })),
          ...(e.requestContact ? { requestContact: t.t(e.lang, 'common:share_contact') } : {}),
        };
        // A download link is the citizen's alone: the transcript keeps it without its token.
        if (message.text.includes(MY_DATA_PATH)) await deliverWithHiddenLinks(uow, ctx.recipient, message, at);
        else await deliver(uow, ctx.recipient, message, at);
        replies++;
        break;
      }
      case 'ticket_rating_given':
        await ctx.tickets.citizenRated(uow, e.number, key, e.rating, e.comment, ctx.now);
        break;
      case 'own_data_export_created':
        await uow.exec.run(ownDataQueries(uow.dialect).insertExport, { token_hash: e.tokenHash, conversation_key: key, lang: e.lang, created_at: at, expires_at: e.expiresAt });
        await appendAudit(uow, { actor: 'citizen', action: 'own_data.export', subject: `conversation:${key}`, detail: { expires_at: e.expiresAt }, at: ctx.now });
        break;
      case 'own_data_erase_requested': {
        const erased = await executeErasure(uow, key, e.regime, ctx.now);
        await appendAudit(uow, { actor: 'citizen', action: 'own_data.erase', subject: `conversation:${key}`, detail: { erased, kept: e.reasons, identity: e.identity }, at: ctx.now });
        break;
      }
      case 'ticket_open_requested': {
        const principalId = typeof e.fields.principal_id === 'number' ? e.fields.principal_id : undefined;
        if (e.fields.right === 'access' && principalId !== undefined) {
          ctx.afterCommit.push({ kind: 'access_summary', conversationKey: key, number: e.number, principalId, lang: e.lang });
        }
        await ctx.tickets.open(uow, {
          number: e.number,
          kind: e.kind,
          fields: e.fields,
          lang: e.lang,
          conversationKey: key,
          createdAt: e.createdAt,
          idempotencyKey: e.idempotencyKey,
          department: e.department,
        });
        break;
      }
      case 'ticket_info_provided':
        await ctx.tickets.citizenReplied(uow, e.number, key, e.text, ctx.now);
        break;
      case 'ticket_feedback_given':
        await ctx.tickets.citizenFeedback(uow, e.number, key, e.satisfied, ctx.now);
        break;
      case 'consent_recorded':
        await uow.consent.add({
          conversation_key: key, channel: ctx.recipient.channel, lang: e.lang, notice_version: e.version, notice_hash: e.hash,
          action: e.action, at, message_id: ctx.messageId,
        });
        if (e.guardianPrincipalId !== undefined) {
          await uow.exec.run(guardianQueries(uow.dialect).insert, { conversation_key: key, guardian_principal_id: e.guardianPrincipalId, method: 'otp', notice_version: e.version, at });
          await appendAudit(uow, { actor: 'citizen', action: 'consent.guardian', subject: `conversation:${key}`, detail: { guardian_principal_id: e.guardianPrincipalId, method: 'otp' }, at: ctx.now });
        }
        break;
      case 'identity_verified':
        await uow.verifications.add({ conversation_key: key, principal_id: e.principalId, level: e.level, method: e.method, at, detail: '{}' });
        break;
      case 'nomination_recorded': {
        // One active nominee: a new one replaces it, and removal ends it.
        for (const n of await uow.nominations.of(key)) if (n.status === 'active') await uow.nominations.setStatus(n.id, 'removed', at);
        if (e.action === 'add') {
          await uow.nominations.add({
            conversation_key: key, principal_id: e.principalId, nominee_name: e.name, relation: e.relation, contact: e.contact,
            status: 'active', ticket_number: null, created_at: at, updated_at: at,
          });
        }
        break;
      }
      case 'ticket_withdraw_requested':
        await ctx.tickets.citizenWithdrew(uow, e.number, key, e.reason, ctx.now);
        break;
      case 'ticket_appeal_requested':
        await ctx.tickets.citizenAppealed(uow, e.number, key, ctx.now);
        break;
      case 'handoff_requested':
        // One request at a time: asking again while waiting (or while talking to an officer) adds none.
        if (await uow.handoffs.active(key)) break;
        await uow.handoffs.insert({
          conversation_key: key,
          channel: ctx.recipient.channel,
          language: e.lang,
          reason: e.reason,
          created_at: at,
          idempotency_key: e.idempotencyKey,
        });
        if (e.at) await recordHandoffStep(uow, e.idempotencyKey, e.at);
        break;
      default:
        break;
    }
  }
  return replies;
}
