import { EventEmitter } from 'node:events';

/**
 * Tells the desk's open pages that a conversation changed (a citizen wrote, a reply was queued),
 * so they fetch what is new at once. In-process only: pages also poll, which covers changes made
 * by another instance sharing the database.
 */
export class LiveBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open page; a busy desk may have many.
    this.emitter.setMaxListeners(0);
  }

  emit(conversationKey: string): void {
    this.emitter.emit('activity', conversationKey);
  }

  /** Subscribes to every conversation's activity; returns the unsubscribe. */
  subscribe(listener: (conversationKey: string) => void): () => void {
    this.emitter.on('activity', listener);
    return () => this.emitter.off('activity', listener);
  }
}
