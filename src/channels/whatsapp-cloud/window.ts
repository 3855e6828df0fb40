/** WhatsApp's customer-service window: free-form messages only within 24 h of the citizen's last one. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;
/**
 * Taken off the window's end: a send decided just before the edge reaches WhatsApp after it,
 * and the clocks differ a little. A template a minute early costs nothing; a refusal costs a reply.
 */
const EDGE_MARGIN_MS = 60_000;

/**
 * True when a free-form message is allowed at `now`, the citizen having last written at
 * `lastInboundAt` (as the database records it for every instance: `conversation_state`).
 * Unknown means closed: the reply then goes as a template, which is always allowed.
 */
export function isWindowOpen(lastInboundAt: Date | undefined, now: Date): boolean {
  return lastInboundAt !== undefined && now.getTime() - lastInboundAt.getTime() < SERVICE_WINDOW_MS - EDGE_MARGIN_MS;
}

/**
 * A process-local cache of the same, used only when a send comes without the outbox's word (a
 * direct call). The time of each conversation's last inbound message, in memory, least recently used dropped
 * first. It is filled by the webhook as messages arrive. After a restart, or once a conversation
 * has been dropped, nothing is known, and the window counts as closed: the reply then goes as a
 * template, which is always allowed, rather than as text WhatsApp might refuse.
 */
export class ServiceWindows {
  private readonly last = new Map<string, number>();

  constructor(private readonly capacity = 100_000) {}

  /** A message from the citizen arrived, written at `at` (WhatsApp's timestamp). */
  touch(conversationId: string, at: Date): void {
    const t = at.getTime();
    const known = this.last.get(conversationId);
    // Map order is insertion order: delete and set makes this the most recent entry.
    this.last.delete(conversationId);
    this.last.set(conversationId, known !== undefined && known > t ? known : t);
    if (this.last.size > this.capacity) {
      const oldest = this.last.keys().next().value;
      if (oldest !== undefined) this.last.delete(oldest);
    }
  }

  /** True when a free-form message to the conversation is allowed at `now`. */
  isOpen(conversationId: string, now: Date): boolean {
    const t = this.last.get(conversationId);
    return t !== undefined && now.getTime() - t < SERVICE_WINDOW_MS - EDGE_MARGIN_MS;
  }

  /** WhatsApp said the window is closed (error 131047): believe it until the citizen writes again. */
  close(conversationId: string): void {
    this.last.delete(conversationId);
  }

  get size(): number {
    return this.last.size;
  }
}
