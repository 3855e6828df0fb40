import { randomUUID } from 'node:crypto';
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { App } from '../../app.ts';
import { conversationKey } from '../types.ts';

export interface ConsoleChatOptions {
  input: Readable;
  output: Writable;
  user: string;
  interactive: boolean;
  /** Message ids; random by default, seeded in tests. */
  nextId?: () => string;
}

/**
 * Feeds one citizen message per input line through the router and prints the replies as they
 * are committed. At end of input every pending reply is delivered before it resolves.
 */
export async function runConsoleChat(app: App, options: ConsoleChatOptions): Promise<void> {
  const nextId = options.nextId ?? (() => randomUUID());
  const rl = readline.createInterface({ input: options.input, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
  const prompt = () => {
    if (options.interactive) options.output.write('you › ');
  };
  if (options.interactive) {
    options.output.write('Nivaran console chat: type as a citizen would (Ctrl+D to leave). / नागरिक की तरह लिखें।\n');
  }
  const conversation = conversationKey('console', options.user);
  // Notices queued while this citizen was away (a status change, an officer's question) come first.
  await app.sender.drain('console', conversation);
  prompt();
  for await (const line of rl) {
    await app.router.handle({
      channel: 'console',
      conversationId: options.user,
      senderId: options.user,
      messageId: nextId(),
      text: line,
      at: new Date(),
    });
    await app.sender.drain('console', conversation);
    prompt();
  }
  // An access summary may still be on its way from the organisation's system.
  await app.afterCommit.settle();
  await app.sender.drain('console', conversation);
}
