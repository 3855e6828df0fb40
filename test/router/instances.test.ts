import { afterEach, describe, expect, it } from 'vitest';
import type { SessionState } from '../../src/engine/session.ts';
import { pgTestSchema, TEST_DATABASE_URL } from '../helpers/backends.ts';
import { FakeClock, startHarness, type Harness } from '../helpers/harness.ts';

/**
 * Two instances on one PostgreSQL database, no sticky routing (docs/delivery.md): one citizen's
 * messages arriving at both at once are handled one after the other, never both on the same
 * session.
 */

let open: Harness[] = [];
let schema: Awaited<ReturnType<typeof pgTestSchema>> | undefined;
afterEach(async () => {
  for (const h of open.splice(0)) await h.close().catch(() => undefined);
  await schema?.drop();
  schema = undefined;
});

describe.skipIf(!TEST_DATABASE_URL)('one conversation across two instances', () => {
  it('messages of one citizen arriving at two instances at once are handled one after the other', { timeout: 120_000 }, async () => {
    schema = await pgTestSchema();
    const clock = new FakeClock();
    for (let i = 0; i < 2; i++) open.push(await startHarness({ clock, env: { DATABASE_URL: schema.url } }));
    const [a, b] = open as [Harness, Harness];
    for (let round = 0; round < 5; round++) {
      const user = `citizen-${round}`;
      const msg = (id: string, text: string) => ({ channel: 'console', conversationId: user, senderId: user, messageId: id, text, at: clock.now() });
      // The first two messages of a new conversation: no session row exists yet to lock.
      await Promise.all([a.app.router.handle(msg(`${user}-1`, 'नमस्ते')), b.app.router.handle(msg(`${user}-2`, 'hello'))]);
      const stored = await a.app.store.transaction((u) => u.sessions.get<SessionState>(`console:${user}`));
      // Each message moved the session on from the one before it: two revisions, not two writes of the first.
      expect(stored?.rev).toBe(2);
      const transcript = await a.app.store.transaction((u) => u.transcripts.of(`console:${user}`));
      expect(transcript.filter((t) => t.direction === 'in')).toHaveLength(2);
    }
  });
});
