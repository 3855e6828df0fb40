import type { EngineEvent } from '../engine/events.ts';
import type { Translator } from '../i18n/i18n.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';
import type { TicketService } from '../tickets/service.ts';
import { deliver, type Recipient } from './deliver.ts';

export interface EffectContext {
  recipient: Recipient;
  /** `channel:messageId` of the inbound message: makes every write of this sprint idempotent. */
  messageKey: string;
  now: Date;
  translator: Translator;
  tickets: TicketService;
}

/**
 * The only translator from engine events to writes: tickets, hand-off requests, the outgoing
 * half of the transcript and the outbox. Runs inside the message's unit of work, in event order.
 */
export async function applyEffects(uow: UnitOfWork, events: readonly EngineEvent[], ctx: EffectContext): Promise<number> {
  const at = ctx.now.toISOString();
  const key = ctx.recipient.conversationKey;
  let replies = 0;
  for (const e of events) {
    switch (e.type) {
      case 'msg_created': {
        const t = ctx.translator;
        await deliver(uow, ctx.recipient, {
          text: t.t(e.lang, e.key, e.params),
          choices: e.choices.map((c) => ({ id: c.id, label: t.t(e.lang, c.label) })),
        }, at);
        replies++;
        break;
      }
      case 'ticket_open_requested':
        await ctx.tickets.open(uow, {
          number: e.number,
          kind: e.kind,
          fields: e.fields,
          lang: e.lang,
          conversationKey: key,
          createdAt: e.createdAt,
          idempotencyKey: e.idempotencyKey,
        });
        break;
      case 'ticket_info_provided':
        await ctx.tickets.citizenReplied(uow, e.number, key, e.text, ctx.now);
        break;
      case 'ticket_feedback_given':
        await ctx.tickets.citizenFeedback(uow, e.number, key, e.satisfied, ctx.now);
        break;
      case 'handoff_requested':
        await uow.handoffs.insert({
          conversation_key: key,
          channel: ctx.recipient.channel,
          language: e.lang,
          reason: e.reason,
          created_at: at,
          idempotency_key: e.idempotencyKey,
        });
        break;
      default:
        break;
    }
  }
  return replies;
}
