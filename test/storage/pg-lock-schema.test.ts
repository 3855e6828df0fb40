import { afterEach, describe, expect, it } from 'vitest';
import { PgStore } from '../../src/storage/pg-store.ts';
import { pgTestSchema, TEST_DATABASE_URL } from '../helpers/backends.ts';

/**
 * Advisory locks belong to the whole PostgreSQL database: two installations in their own schemas
 * (or two test runs) must not wait on each other's conversations, which share keys such as a
 * citizen's number. One installation's instances still take turns.
 */
describe.skipIf(!TEST_DATABASE_URL)('a conversation lock on PostgreSQL', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const sleep = (ms: number) => new Promise<'blocked'>((r) => setTimeout(() => r('blocked'), ms));

  it('is the installation’s own: another schema takes the same key at once, another instance of the same waits', { timeout: 60_000 }, async () => {
    const a = await pgTestSchema();
    const b = await pgTestSchema();
    cleanups.push(a.drop, b.drop);
    const [storeA, storeA2, storeB] = [await PgStore.open(a.url), await PgStore.open(a.url), await PgStore.open(b.url)];
    cleanups.push(() => storeA.close(), () => storeA2.close(), () => storeB.close());
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = storeA.transaction(async (uow) => {
      await uow.lockConversation('whatsapp-cloud:919876543210');
      locked();
      await held;
    });
    await isLocked;
    const other = await Promise.race([storeB.transaction((uow) => uow.lockConversation('whatsapp-cloud:919876543210')).then(() => 'done' as const), sleep(10_000)]);
    expect(other).toBe('done');
    const same = storeA2.transaction((uow) => uow.lockConversation('whatsapp-cloud:919876543210')).then(() => 'done' as const);
    expect(await Promise.race([same, sleep(500)])).toBe('blocked');
    release();
    await holder;
    expect(await same).toBe('done');
  });
});
