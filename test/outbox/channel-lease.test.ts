import { describe, expect, it } from 'vitest';
import { ChannelLease } from '../../src/outbox/channel-lease.ts';
import { backends, useStores } from '../helpers/backends.ts';
import { FakeClock } from '../helpers/harness.ts';

for (const backend of backends) {
  describe.skipIf(backend.skip)(`channel lease on ${backend.name}`, () => {
    const open = useStores(backend);
    it('one instance holds WhatsApp Web; another takes it only once the holder stopped renewing', async () => {
      const { store } = await open();
      const clock = new FakeClock('2026-11-23T04:30:00.000Z');
      const a = new ChannelLease(store, 'whatsapp-web', 'instance-a', clock.now, 30_000);
      const b = new ChannelLease(store, 'whatsapp-web', 'instance-b', clock.now, 30_000);
      expect(await a.take()).toBe(true);
      expect(await b.take()).toBe(false);
      clock.advance(20_000);
      expect(await a.take()).toBe(true);
      clock.advance(20_000);
      expect(await b.take()).toBe(false);
      // a died: nothing renews the lease, which runs out.
      clock.advance(11_000);
      expect(await b.take()).toBe(true);
      expect(await a.take()).toBe(false);
      await b.release();
      expect(await a.take()).toBe(true);
    });
  });
}
