import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelAdapter, OutboundMessage } from '../../src/channels/types.ts';
import { createLogger } from '../../src/logger.ts';
import { OutboxSender } from '../../src/outbox/sender.ts';
import { SqliteStore } from '../../src/storage/sqlite-store.ts';
import { FakeClock, tempDataDir } from '../helpers/harness.ts';

let store: SqliteStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

class ScriptedAdapter implements ChannelAdapter {
  readonly name = 'test';
  readonly delivered: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  /** text → the error its next send throws (once). */
  readonly failOnce = new Map<string, unknown>();
  constructor(private readonly delayMs = 0) {}
  async send(to: string, m: OutboundMessage): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
      const err = this.failOnce.get(m.text);
      if (err) {
        this.failOnce.delete(m.text);
        throw err;
      }
      this.delivered.push(`${to}:${m.text}`);
    } finally {
      this.inFlight--;
    }
  }
}

async function setup(adapter: ScriptedAdapter, messages: Array<[conversation: string, text: string]>) {
  store = await SqliteStore.open(path.join(tempDataDir(), 'db.sqlite'));
  const clock = new FakeClock('2026-11-22T06:00:00.000Z');
  await store.transaction(async (u) => {
    for (const [c, text] of messages) {
      await u.outbox.enqueue({ channel: 'test', conversation_key: `test:${c}`, payload: JSON.stringify({ to: c, text, choices: [] }), created_at: clock.now().toISOString() });
    }
  });
  return { sender: new OutboxSender(store, new Map([['test', adapter]]), clock.now, createLogger('silent')), clock };
}

describe('OutboxSender', () => {
  it('keeps each conversation in order behind a reply waiting on the platform, while others go on', async () => {
    const adapter = new ScriptedAdapter();
    adapter.failOnce.set('a1', Object.assign(new Error('429 Too Many Requests'), { retryAfterMs: 5000 }));
    const { sender, clock } = await setup(adapter, [['a', 'a1'], ['b', 'b1'], ['a', 'a2'], ['b', 'b2']]);
    expect(await sender.drain('test')).toBe(2);
    expect(adapter.delivered).toEqual(['b:b1', 'b:b2']);
    clock.advance(4000);
    const early = await sender.drain('test');
    expect(adapter.delivered).toEqual(['b:b1', 'b:b2']);
    expect(early).toBe(0);
    clock.advance(1000);
    expect(await sender.drain('test')).toBe(2);
    expect(adapter.delivered).toEqual(['b:b1', 'b:b2', 'a:a1', 'a:a2']);
  });

  it('a storm of 429s (the platform asking to wait, minutes on end) never marks a reply failed', async () => {
    const adapter = new ScriptedAdapter();
    const { sender, clock } = await setup(adapter, [['a', 'a1'], ['a', 'a2']]);
    // Twenty refusals in a row, each asking for a second: more than the ten attempts a failing send has.
    for (let i = 0; i < 20; i++) {
      adapter.failOnce.set('a1', Object.assign(new Error('429 Too Many Requests'), { retryAfterMs: 1000 }));
      expect(await sender.drain('test')).toBe(0);
      clock.advance(1000);
    }
    expect(await sender.drain('test')).toBe(2);
    expect(adapter.delivered).toEqual(['a:a1', 'a:a2']);
    expect((store!.connection.prepare("select count(*) as n from outbox where status = 'failed'").get() as { n: number }).n).toBe(0);
  });

  it('a reply the platform still asks to wait for a day after it was queued is given up, for an operator', async () => {
    const adapter = new ScriptedAdapter();
    const { sender: later, clock: laterClock } = await setup(adapter, [['b', 'b1']]);
    adapter.failOnce.set('b1', Object.assign(new Error('429 Too Many Requests'), { retryAfterMs: 1000 }));
    laterClock.advance(24 * 3_600_000);
    await later.drain('test');
    expect((store!.connection.prepare("select count(*) as n from outbox where status = 'failed'").get() as { n: number }).n).toBe(1);
  });

  it('marks a reply that cannot succeed as failed at once, and sends the next', async () => {
    const adapter = new ScriptedAdapter();
    adapter.failOnce.set('x1', Object.assign(new Error('template not approved'), { retryable: false }));
    const { sender } = await setup(adapter, [['x', 'x1'], ['x', 'x2']]);
    await sender.drain('test');
    await sender.drain('test');
    expect(adapter.delivered).toEqual(['x:x2']);
    const failed = store!.connection.prepare("select count(*) as n from outbox where status = 'failed'").get() as { n: number };
    expect(failed.n).toBe(1);
  });

  it('serves several conversations at once', async () => {
    const adapter = new ScriptedAdapter(20);
    const { sender } = await setup(adapter, Array.from({ length: 12 }, (_, i) => [`c${i}`, `m${i}`] as [string, string]));
    expect(await sender.drain('test')).toBe(12);
    expect(adapter.maxInFlight).toBeGreaterThan(1);
    expect(adapter.maxInFlight).toBeLessThanOrEqual(8);
  });

  it('serves as many conversations at once as a channel that paces each chat asks for (Telegram: 60), no more', async () => {
    // Each send holds until all the ones the channel allows are in flight: with 8 the drain would
    // never finish, and with more than asked the count would show it.
    class Gated extends ScriptedAdapter {
      readonly concurrency = 20;
      private open!: () => void;
      private readonly gate = new Promise<void>((r) => (this.open = r));
      override async send(to: string, m: OutboundMessage): Promise<void> {
        if (this.inFlight + 1 >= this.concurrency) this.open();
        this.inFlight++;
        try {
          await this.gate;
        } finally {
          this.inFlight--;
        }
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight + 1);
        this.delivered.push(`${to}:${m.text}`);
      }
    }
    const adapter = new Gated();
    const { sender } = await setup(adapter, Array.from({ length: 50 }, (_, i) => [`c${i}`, `m${i}`] as [string, string]));
    expect(await sender.drain('test')).toBe(50);
    expect(adapter.maxInFlight).toBe(20);
  });
});
