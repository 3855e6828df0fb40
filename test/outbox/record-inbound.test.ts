import { describe, expect, it } from 'vitest';
import { recordInbound } from '../../src/outbox/queue.ts';
import { backends, useStores } from '../helpers/backends.ts';

/**
 * `recordInbound` keeps, with every inbound message, whether it may hold the first part of a
 * number split over two messages, and hands the previous message's answer to the next one (the
 * router reads the transcript for a split number only then). SQLite and PostgreSQL write the row
 * differently (a read and a plain write; one upsert): both must hand on the same answers.
 */
for (const backend of backends) {
  describe.skipIf(backend.skip)(`recordInbound: ${backend.name}`, () => {
    const open = useStores(backend);

    it('hands each message the previous one\'s split-number answer, "may" for the first', async () => {
      const { store } = await open();
      const seen: boolean[] = [];
      const said = [true, false, false, true, true, false];
      for (const [i, may] of said.entries()) {
        const at = `2026-12-07T10:00:0${i}.000Z`;
        seen.push((await store.transaction((u) => recordInbound(u, 'console:a', at, at, may))).previousMayEndNumber);
      }
      expect(seen).toEqual([true, ...said.slice(0, -1)]);
    });
  });
}
