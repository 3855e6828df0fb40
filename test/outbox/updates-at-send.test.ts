import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ChannelAdapter, Delivery, OutboundMessage } from '../../src/channels/types.ts';
import { deliverUpdate, OPTED_OUT } from '../../src/consent/updates.ts';
import { createLogger } from '../../src/logger.ts';
import { deliver, recipientOf } from '../../src/outbox/enqueue.ts';
import { OutboxSender } from '../../src/outbox/sender.ts';
import type { Store } from '../../src/storage/sqlite-store.ts';
import { backends, useStores } from '../helpers/backends.ts';
import { FakeClock, startHarness } from '../helpers/harness.ts';

/**
 * STOP is the citizen's choice at the moment a message goes out, not only when it was queued
 * (src/outbox/purposes.ts): an update waiting in the outbox (behind a 429, a second part, a
 * template hold) when STOP arrives is not sent; replies and statutory notices still are.
 */

const AT = '2026-11-23T06:00:00.000Z';
const HINT = 'Reply STOP to stop updates';

/** A channel that reports its parts (as Telegram and WhatsApp Cloud do): one part per paragraph. */
class PartsAdapter implements ChannelAdapter {
  readonly name = 'test';
  readonly reportsParts = true;
  readonly delivered: string[] = [];
  /** Part texts whose send fails once with a 429. */
  readonly limitedOnce = new Set<string>();
  async send(_to: string, m: OutboundMessage, d?: Delivery): Promise<void> {
    const parts = m.text.split('\n\n');
    for (let i = d?.partsSent ?? 0; i < parts.length; i++) {
      await d?.sending(i);
      if (this.limitedOnce.delete(parts[i]!)) throw Object.assign(new Error('429 Too Many Requests'), { retryAfterMs: 5000 });
      this.delivered.push(parts[i]!);
      await d?.accepted(i, i === parts.length - 1);
    }
  }
}

const stop = (store: Store, key: string, at: string) =>
  store.transaction(async (u) => {
    await u.consent.add({ conversation_key: key, channel: 'test', lang: 'en', notice_version: 'v1', notice_hash: 'h', action: OPTED_OUT, at, message_id: 'm-stop' });
    await deliver(u, recipientOf(key), { text: 'You will no longer receive updates from us.', choices: [] }, at);
  });

for (const backend of backends) {
  describe.skipIf(backend.skip)(`an update queued before STOP, on ${backend.name}`, () => {
    const open = useStores(backend);

    it('is not sent once STOP is in, after a 429 or between its parts; the STOP reply, a statutory notice and others’ updates are', { timeout: 60_000 }, async () => {
      const { store, count } = await open();
      const clock = new FakeClock(AT);
      const adapter = new PartsAdapter();
      const sender = new OutboxSender(store, new Map([['test', adapter]]), clock.now, createLogger('silent'), { owner: 'me' });
      const [a, b, c] = ['test:9876500001', 'test:9876500002', 'test:9876500003'];
      await store.transaction(async (u) => {
        await deliverUpdate(u, recipientOf(a), { text: 'GRV-1 is now under examination.', choices: [] }, AT, HINT);
        await deliver(u, recipientOf(a), { text: 'GRV-1: the officer asks a question.', choices: [] }, AT);
        await deliverUpdate(u, recipientOf(b), { text: 'GRV-2 is now under examination.\n\nMore about GRV-2.', choices: [] }, AT, HINT);
        await deliverUpdate(u, recipientOf(c), { text: 'GRV-3 is now under examination.', choices: [] }, AT, HINT);
      });
      // A's update waits behind a 429; B's goes no further than its first part.
      adapter.limitedOnce.add(`GRV-1 is now under examination.\n${HINT}`);
      adapter.limitedOnce.add(`More about GRV-2.\n${HINT}`);
      await sender.drain('test');
      expect(adapter.delivered.sort()).toEqual(['GRV-2 is now under examination.', `GRV-3 is now under examination.\n${HINT}`]);

      // STOP from A and B arrives while their updates wait in the outbox.
      clock.advance(1000);
      await stop(store, a, clock.now().toISOString());
      await stop(store, b, clock.now().toISOString());
      adapter.delivered.length = 0;
      clock.advance(10_000);
      await sender.drain('test');
      await sender.drain('test');
      expect(adapter.delivered.sort()).toEqual([
        'GRV-1: the officer asks a question.',
        'You will no longer receive updates from us.',
        'You will no longer receive updates from us.',
      ]);
      expect(await count('outbox')).toBe(0);
      expect(sender.stats.optedOut).toBe(2);
    });
  });
}

describe('STOP while a ticket update waits in the outbox (the whole app)', () => {
  it('the update is not sent; the STOP confirmation is', { timeout: 60_000 }, async () => {
    let logs = '';
    const sink = new Writable({ write(chunk, _enc, done) { logs += String(chunk); done(); } });
    const h = await startHarness({ clock: new FakeClock('2026-11-23T04:30:00.000Z'), logs: sink });
    try {
      for (const t of ['hi', '2', 'yes', '1', '1', 'No water in Sector 4 since Friday morning.', '3', 'yes']) await h.say(t);
      const number = 'GRV-2026-000001';
      const move = (to: 'acknowledged' | 'in_progress', iso: string) => {
        h.clock.set(iso);
        return h.app.store.transaction((u) => h.app.tickets.transition(u, number, to, { actor: 'officer-7', now: new Date(iso) }));
      };
      await move('acknowledged', '2026-11-23T06:00:00.000Z');
      await h.app.sender.drain('console');
      expect(h.adapter.take().map((m) => m.text).join('\n')).toContain(number);
      // "Under examination" again is an update: queued, and not yet sent when the citizen types STOP.
      await move('in_progress', '2026-11-23T07:00:00.000Z');
      const reply = await h.say('STOP');
      expect(reply.map((m) => m.text)).toEqual([expect.stringContaining('You will no longer receive updates from us.')]);
      await h.app.sender.drain('console');
      expect(h.adapter.take()).toEqual([]);
      expect(h.app.sender.stats.optedOut).toBe(1);
      // Logged, as which reply and why, with no personal data: neither the chat nor the text.
      const line = logs.split('\n').find((l) => l.includes('opted out of this purpose'));
      expect(line).toBeDefined();
      expect(JSON.parse(line!)).toMatchObject({ channel: 'console', purpose: 'updates', outboxId: expect.any(Number) });
      expect(line).not.toMatch(/citizen-1|under examination|GRV-/);
    } finally {
      await h.close();
    }
  });
});
