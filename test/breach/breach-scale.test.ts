import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { createLogger } from '../../src/logger.ts';
import { pgTestSchema, postgresBackend } from '../helpers/backends.ts';
import { CapturingAdapter, FakeClock, tempDataDir, testConfig } from '../helpers/harness.ts';
import { BREACH } from './fixture.ts';

/**
 * 10,000 people affected across three channels, told with a batch that fails half-way, a
 * restart in the middle and (on PostgreSQL) two instances dispatching at once: each is told
 * exactly once, in their language. Counts, never timings.
 */
const N = 10_000;
const CHANNELS = ['console', 'telegram', 'whatsapp-cloud'] as const;
const DPO = { id: 1, role: 'dpo' };
const keyOf = (i: number) => (i % 3 === 0 ? `console:c${i}` : i % 3 === 1 ? `telegram:${100000 + i}` : `whatsapp-cloud:9198${String(10_000_000 + i)}`);

for (const backend of [{ name: 'sqlite', skip: false }, { name: 'postgres', skip: postgresBackend.skip }]) {
  describe.skipIf(backend.skip)(`breach notices at scale on ${backend.name}`, () => {
    let apps: App[] = [];
    let schema: Awaited<ReturnType<typeof pgTestSchema>> | undefined;
    afterEach(async () => {
      for (const a of apps) await a.close().catch(() => undefined);
      apps = [];
      await schema?.drop();
      schema = undefined;
    });

    it('tells each of 10,000 people once, through a failed batch, a restart and concurrent dispatchers', { timeout: 300_000 }, async () => {
      const dataDir = tempDataDir();
      if (backend.name === 'postgres') schema = await pgTestSchema();
      const clock = new FakeClock('2026-12-07T04:30:00.000Z');
      const adapters = CHANNELS.map((c) => new CapturingAdapter(c));
      const open = async () => {
        const app = await createApp(testConfig(dataDir, schema ? { DATABASE_URL: schema.url } : {}), { logger: createLogger('silent'), adapters, clock: clock.now });
        apps.push(app);
        return app;
      };
      let app = await open();
      // 10,000 citizens who wrote to us, a third of them in Hindi.
      await app.store.transaction(async (u) => {
        for (let i = 0; i < N; i++) {
          const key = keyOf(i);
          await u.transcripts.append({ conversation_key: key, direction: 'in', message_id: null, text: 'hi', at: '2026-11-01T04:30:00.000Z' });
          await u.consent.add({ conversation_key: key, channel: key.slice(0, key.indexOf(':')), lang: i % 3 === 2 ? 'hi' : 'en', notice_version: '2026-12', notice_hash: 'ab'.repeat(32), action: 'given', at: '2026-11-01T04:30:00.000Z', message_id: null });
        }
      });
      const id = await app.breaches.record(DPO, BREACH);
      const list = Array.from({ length: N }, (_, i) => keyOf(i)).join('\n');
      expect(await app.breaches.addAffected(DPO, id, `identifier\n${list}`)).toEqual({ identifiers: N, told: N, unreachable: 0 });

      // A batch that fails half-way (the 250th message cannot be rendered) leaves nobody marked and nothing queued.
      const real = app.breaches.noticeText.bind(app.breaches);
      let calls = 0;
      const spy = vi.spyOn(app.breaches, 'noticeText').mockImplementation((b, r) => {
        if (++calls === 250) throw new Error('disk full');
        return real(b, r);
      });
      await expect(app.breaches.dispatch({ limit: 500, maxBatches: 1 })).rejects.toThrow('disk full');
      spy.mockRestore();
      expect((await app.breaches.view(DPO, id)).progress).toMatchObject({ queued: 0, pending: N });

      // Some batches go out, then the process stops and starts again.
      expect(await app.breaches.dispatch({ limit: 500, maxBatches: 3 })).toBe(1500);
      await app.close();
      app = await open();
      if (backend.name === 'postgres') {
        // A second instance on the same database dispatches at the same time.
        const other = await open();
        const [a, b] = await Promise.all([app.breaches.dispatch({ limit: 500, maxBatches: 100 }), other.breaches.dispatch({ limit: 500, maxBatches: 100 })]);
        expect(a + b).toBe(N - 1500);
      } else {
        expect(await app.breaches.dispatch({ limit: 500, maxBatches: 100 })).toBe(N - 1500);
      }
      expect(await app.breaches.dispatch()).toBe(0);
      expect((await app.breaches.view(DPO, id)).progress).toMatchObject({ total: N, queued: N, pending: 0, sent: 0, failed: 0 });

      // Each pass sends what it finds (up to 500 per channel); the drain loop repeats it.
      while ((await app.sender.drainAll()) > 0);
      const told = new Map<string, number>();
      let hindi = 0;
      for (const a of adapters) {
        for (const s of a.sent) {
          const key = `${a.name}:${s.to}`;
          told.set(key, (told.get(key) ?? 0) + 1);
          if (s.message.text.includes('ज़रूरी सूचना')) hindi++;
        }
      }
      expect(told.size).toBe(N);
      expect([...told.values()].every((n) => n === 1)).toBe(true);
      expect(hindi).toBe(Math.floor(N / 3));
      expect((await app.breaches.view(DPO, id)).progress).toMatchObject({ total: N, queued: N, sent: N });
    });
  });
}
