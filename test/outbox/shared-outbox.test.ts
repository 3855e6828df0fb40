import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelAdapter, Delivery, OutboundMessage } from '../../src/channels/types.ts';
import { createLogger } from '../../src/logger.ts';
import { claim, outboxQueries } from '../../src/outbox/queue.ts';
import { OutboxSender } from '../../src/outbox/sender.ts';
import { PgStore } from '../../src/storage/pg-store.ts';
import { SqliteStore, type Store } from '../../src/storage/sqlite-store.ts';
import { pgTestSchema, TEST_DATABASE_URL } from '../helpers/backends.ts';
import { FakeClock } from '../helpers/harness.ts';

/**
 * The outbox shared by instances (docs/delivery.md): claims with a lease, one conversation in
 * order whichever instance sends it, a dead instance's claim taken over, parts recorded.
 */

const T0 = '2026-11-22T06:00:00.000Z';
const logger = createLogger('silent');

/** One "platform" that every instance's adapter posts to: the order the citizen reads. */
class Platform {
  readonly log: Array<{ to: string; text: string; by: string }> = [];
  adapter(by: string, opts: { delayMs?: (text: string) => number } = {}): ChannelAdapter {
    return {
      name: 'test',
      send: async (to: string, m: OutboundMessage) => {
        const d = opts.delayMs?.(m.text) ?? 0;
        if (d > 0) await sleep(d);
        this.log.push({ to, text: m.text, by });
      },
    };
  }
}

/** N stores on one database: on PostgreSQL N pools (as N processes would have); on SQLite the one store. */
interface Instances {
  stores: Store[];
  dialect: 'sqlite' | 'postgres';
  dispose(): Promise<void>;
}

async function sqliteInstances(): Promise<Instances> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nivaran-outbox-'));
  const store = await SqliteStore.open(path.join(dir, 'db.sqlite'));
  return {
    stores: [store],
    dialect: 'sqlite',
    dispose: async () => {
      await store.close().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function pgInstances(n: number): Promise<Instances> {
  const db = await pgTestSchema();
  const stores: Store[] = [];
  for (let i = 0; i < n; i++) stores.push(await PgStore.open(db.url, { poolSize: 4 }));
  return {
    stores,
    dialect: 'postgres',
    dispose: async () => {
      for (const s of stores) await s.close().catch(() => undefined);
      await db.drop();
    },
  };
}

let disposers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const d of disposers.splice(0).reverse()) await d();
});

async function enqueue(store: Store, rows: Array<[conversation: string, text: string]>, at = T0): Promise<void> {
  await store.transaction(async (u) => {
    for (const [c, text] of rows) {
      await u.outbox.enqueue({ channel: 'test', conversation_key: `test:${c}`, payload: JSON.stringify({ to: c, text, choices: [] }), created_at: at });
    }
  });
}

async function outboxCount(store: Store): Promise<number> {
  return store.transaction(async (u) => (await u.exec.all(outboxQueries(u.dialect).queued, { channel: 'test', limit: 10_000 })).length);
}

/** Every conversation's texts, in the order the platform took them. */
function perConversation(log: Platform['log']): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of log) out.set(e.to, [...(out.get(e.to) ?? []), e.text]);
  return out;
}

describe.skipIf(!TEST_DATABASE_URL)('shared outbox on PostgreSQL: several instances', () => {
  it('three instances draining one outbox at once send every reply exactly once, each conversation in order', { timeout: 120_000 }, async () => {
    const inst = await pgInstances(3);
    disposers.push(inst.dispose);
    const clock = new FakeClock(T0);
    const conversations = 30;
    const perConv = 6;
    const rows: Array<[string, string]> = [];
    for (let m = 0; m < perConv; m++) for (let c = 0; c < conversations; c++) rows.push([`c${c}`, `c${c}-m${m}`]);
    // Enqueued in several commits while the instances already drain, as replies arrive in life.
    const platform = new Platform();
    const senders = inst.stores.map((store, i) =>
      new OutboxSender(store, new Map([['test', platform.adapter(`i${i}`, { delayMs: (t) => (t.length * 7 + i * 3) % 5 })]]), clock.now, logger, { owner: `instance-${i}` }));
    let enqueued = false;
    const writer = (async () => {
      for (let i = 0; i < rows.length; i += 20) await enqueue(inst.stores[i % 3]!, rows.slice(i, i + 20));
      enqueued = true;
    })();
    const drainers = senders.map(async (s) => {
      for (;;) {
        const n = await s.drain('test');
        if (enqueued && n === 0 && (await outboxCount(inst.stores[0]!)) === 0) return;
        await sleep(2);
      }
    });
    await writer;
    await Promise.all(drainers);

    expect(platform.log).toHaveLength(conversations * perConv);
    const seen = perConversation(platform.log);
    for (let c = 0; c < conversations; c++) {
      expect(seen.get(`c${c}`)).toEqual(Array.from({ length: perConv }, (_, m) => `c${c}-m${m}`));
    }
    // The work was shared: more than one instance sent.
    expect(new Set(platform.log.map((e) => e.by)).size).toBeGreaterThan(1);
  });

  it('an instance that died holding a claim: its replies wait for the lease, then another instance sends them, counting the part in flight', { timeout: 60_000 }, async () => {
    const inst = await pgInstances(2);
    disposers.push(inst.dispose);
    const clock = new FakeClock(T0);
    await enqueue(inst.stores[0]!, [['a', 'a1'], ['a', 'a2'], ['b', 'b1']]);
    // Instance 0 claims everything and starts sending a1, then is killed (nothing more happens).
    const until = new Date(clock.now().getTime() + 30_000).toISOString();
    const claimed = await inst.stores[0]!.transaction((u) =>
      claim(u, { channel: 'test', owner: 'dead', now: T0, until, conversations: 10, scan: 100 }));
    expect(claimed.map((r) => JSON.parse(r.payload).text)).toEqual(['a1', 'a2', 'b1']);
    const a1 = claimed[0]!;
    await inst.stores[0]!.transaction((u) => u.exec.run(outboxQueries(u.dialect).sendingPart, { id: a1.id, owner: 'dead', part: 0, until }));

    const platform = new Platform();
    const other = new OutboxSender(inst.stores[1]!, new Map([['test', platform.adapter('i1')]]), clock.now, logger, { owner: 'alive', leaseMs: 30_000 });
    expect(await other.drain('test')).toBe(0);
    clock.advance(29_000);
    expect(await other.drain('test')).toBe(0);
    clock.advance(2_000);
    expect(await other.drain('test')).toBe(3);
    expect(perConversation(platform.log)).toEqual(new Map([['a', ['a1', 'a2']], ['b', ['b1']]]));
    expect(other.stats.inDoubt).toBe(1);
    expect(await outboxCount(inst.stores[1]!)).toBe(0);
  });

  it('a conversation being written elsewhere is not claimed half-way: replies keep their commit order', { timeout: 60_000 }, async () => {
    const inst = await pgInstances(2);
    disposers.push(inst.dispose);
    const clock = new FakeClock(T0);
    await enqueue(inst.stores[0]!, [['a', 'a1']]);
    const platform = new Platform();
    const sender = new OutboxSender(inst.stores[1]!, new Map([['test', platform.adapter('i1')]]), clock.now, logger, { owner: 'i1' });
    // A unit of work on instance 0 holds the conversation (a message being handled) while the
    // other instance drains: the claim leaves the conversation for the next pass.
    let release!: () => void;
    let held!: () => void;
    const locked = new Promise<void>((r) => (held = r));
    const holding = inst.stores[0]!.transaction(async (u) => {
      await u.lockConversation('test:a');
      await u.outbox.enqueue({ channel: 'test', conversation_key: 'test:a', payload: JSON.stringify({ to: 'a', text: 'a2', choices: [] }), created_at: T0 });
      held();
      await new Promise<void>((r) => (release = r));
    });
    await locked;
    expect(await sender.drain('test')).toBe(0);
    release();
    await holding;
    expect(await sender.drain('test')).toBe(2);
    expect(platform.log.map((e) => e.text)).toEqual(['a1', 'a2']);
  });
});

describe('shared outbox on SQLite: one process, restarts', () => {
  it('a claim left by a killed process is taken over at the next start, not after its lease', async () => {
    const inst = await sqliteInstances();
    disposers.push(inst.dispose);
    const store = inst.stores[0]!;
    const clock = new FakeClock(T0);
    await enqueue(store, [['a', 'a1'], ['b', 'b1']]);
    const until = new Date(clock.now().getTime() + 30_000).toISOString();
    const claimed = await store.transaction((u) => claim(u, { channel: 'test', owner: 'killed', now: T0, until, conversations: 10, scan: 100 }));
    await store.transaction((u) => u.exec.run(outboxQueries(u.dialect).sendingPart, { id: claimed[0]!.id, owner: 'killed', part: 0, until }));
    const platform = new Platform();
    const next = new OutboxSender(store, new Map([['test', platform.adapter('next')]]), clock.now, logger, { owner: 'next' });
    expect(await next.drain('test')).toBe(2);
    expect(next.stats.inDoubt).toBe(1);
    expect(platform.log.map((e) => e.text).sort()).toEqual(['a1', 'b1']);
  });
});

/** A channel that sends each reply as two platform messages and reports them, failing where told. */
class TwoPartAdapter implements ChannelAdapter {
  readonly name = 'test';
  readonly reportsParts = true;
  readonly posted: string[] = [];
  readonly fail = new Map<string, unknown>();
  async send(_to: string, m: OutboundMessage, d?: Delivery): Promise<void> {
    const parts = [`${m.text}/text`, `${m.text}/buttons`];
    for (let i = d?.partsSent ?? 0; i < parts.length; i++) {
      await d?.sending(i);
      const err = this.fail.get(parts[i]!);
      if (err) {
        this.fail.delete(parts[i]!);
        throw err;
      }
      this.posted.push(parts[i]!);
      await d?.accepted(i, i === parts.length - 1);
    }
  }
}

for (const backend of ['sqlite', 'postgres'] as const) {
  describe.skipIf(backend === 'postgres' && !TEST_DATABASE_URL)(`replies in parts on ${backend}`, () => {
    it('a retry sends only the parts the platform did not accept, and the conversation waits behind it', { timeout: 60_000 }, async () => {
      const inst = backend === 'sqlite' ? await sqliteInstances() : await pgInstances(1);
      disposers.push(inst.dispose);
      const store = inst.stores[0]!;
      const clock = new FakeClock(T0);
      await enqueue(store, [['a', 'notice'], ['a', 'after'], ['b', 'other']]);
      const adapter = new TwoPartAdapter();
      adapter.fail.set('notice/buttons', Object.assign(new Error('429'), { retryAfterMs: 15_000 }));
      const sender = new OutboxSender(store, new Map([['test', adapter]]), clock.now, logger, { owner: 'me' });
      await sender.drain('test');
      // The other conversation is not held back.
      expect(adapter.posted.filter((p) => p.startsWith('other'))).toEqual(['other/text', 'other/buttons']);
      expect(adapter.posted.filter((p) => p.startsWith('notice') || p.startsWith('after'))).toEqual(['notice/text']);
      clock.advance(14_000);
      await sender.drain('test');
      expect(adapter.posted.filter((p) => p.startsWith('notice') || p.startsWith('after'))).toEqual(['notice/text']);
      clock.advance(1_000);
      await sender.drain('test');
      expect(adapter.posted.filter((p) => p.startsWith('notice') || p.startsWith('after'))).toEqual(['notice/text', 'notice/buttons', 'after/text', 'after/buttons']);
      expect(await outboxCount(store)).toBe(0);
    });
  });
}
