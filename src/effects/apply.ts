import type { EngineEvent } from '../engine/events.ts';
import type { Translator } from '../i18n/i18n.ts';
import type { OutboundMessage } from '../channels/types.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';

export interface EffectContext {
  channel: string;
  conversationId: string;
  conversationKey: string;
  /** `channel:messageId` of the inbound message: makes every write of this sprint idempotent. */
  messageKey: string;
  now: Date;
  translator: Translator;
}

/**
 * The only translator from engine events to writes: tickets, hand-off requests, the outgoing
 * half of the transcript and the outbox. Runs inside the message's unit of work.
 */
export async function applyEffects(uow: UnitOfWork, events: readonly EngineEvent[], ctx: EffectContext): Promise<number> {
  const at = ctx.now.toISOString();
  let replies = 0;
  for (const e of events) {
    switch (e.type) {
      case 'msg_created': {
        const t = ctx.translator;
        const message: OutboundMessage = {
          text: t.t(e.lang, e.key, e.params),
          choices: e.choices.map((c) => ({ id: c.id, label: t.t(e.lang, c.label) })),
        };
        await uow.transcripts.append({ conversation_key: ctx.conversationKey, direction: 'out', message_id: null, text: renderForTranscript(message), at });
        await uow.outbox.enqueue({
          channel: ctx.channel,
          conversation_key: ctx.conversationKey,
          payload: JSON.stringify({ to: ctx.conversationId, ...message }),
          created_at: at,
        });
        replies++;
        break;
      }
      case 'ticket_open_requested':
        await uow.tickets.insert({
          number: e.number,
          kind: e.kind,
          status: 'open',
          language: e.lang,
          channel: ctx.channel,
          conversation_key: ctx.conversationKey,
          fields: JSON.stringify(e.fields),
          created_at: e.createdAt,
          due_at: e.dueAt,
          updated_at: e.createdAt,
          idempotency_key: e.idempotencyKey,
        });
        break;
      case 'handoff_requested':
        await uow.handoffs.insert({
          conversation_key: ctx.conversationKey,
          channel: ctx.channel,
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

/** The transcript keeps what the citizen saw, choices included, as plain text. */
export function renderForTranscript(m: OutboundMessage): string {
  return m.choices.length === 0 ? m.text : `${m.text}\n${m.choices.map((c, i) => `${i + 1}. ${c.label}`).join('\n')}`;
}
