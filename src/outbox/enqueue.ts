import type { OutboundMessage } from '../channels/types.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';
import type { OptionalPurpose } from './purposes.ts';

// The outbox's enqueue port: the one way into the queue, for the effects of a citizen's message,
// tickets, hand-offs, the desk, the scheduler and citizen-data alike. It sits with the outbox (not
// with any of its callers) so that data flows one way: router → engine → effects → domain
// services → outbox.

/** Where a message goes: the channel and the chat, as recorded with the conversation or ticket. */
export interface Recipient {
  channel: string;
  conversationId: string;
  conversationKey: string;
}

/**
 * Every message to a citizen takes this path: written to the transcript (what they saw,
 * choices included) and queued in the outbox, in the caller's unit of work. `purpose`: a purpose
 * the citizen may opt out of (`updates`), checked again by the sender before it goes out; none
 * for a reply to the citizen's own message or a statutory notice.
 */
export async function deliver(uow: UnitOfWork, to: Recipient, message: OutboundMessage, at: string, purpose?: OptionalPurpose): Promise<void> {
  await uow.transcripts.append({ conversation_key: to.conversationKey, direction: 'out', message_id: null, text: renderForTranscript(message), at });
  await enqueue(uow, to, message, at, purpose);
}

/**
 * Queues the message only, for a caller that writes the transcript its own way (a download link's
 * token hidden from officers). The queued payload is the message as the channel will send it.
 */
export async function enqueue(uow: UnitOfWork, to: Recipient, message: OutboundMessage, at: string, purpose?: OptionalPurpose): Promise<void> {
  await uow.outbox.enqueue({
    channel: to.channel,
    conversation_key: to.conversationKey,
    payload: JSON.stringify({ to: to.conversationId, ...message, ...(purpose ? { purpose } : {}) }),
    created_at: at,
  });
}

/** The transcript keeps what the citizen saw, choices included, as plain text. */
export function renderForTranscript(m: OutboundMessage): string {
  return m.choices.length === 0 ? m.text : `${m.text}\n${m.choices.map((c, i) => `${i + 1}. ${c.label}`).join('\n')}`;
}

/** `telegram:12345` → the channel and the chat id (chat ids may themselves contain colons). */
export function recipientOf(conversationKey: string): Recipient {
  const i = conversationKey.indexOf(':');
  return { channel: conversationKey.slice(0, i), conversationId: conversationKey.slice(i + 1), conversationKey };
}
