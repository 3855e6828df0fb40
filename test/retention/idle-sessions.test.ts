import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { RetentionService } from '../../src/retention/retention-service.ts';
import type { Prepared } from '../../src/storage/prepared.ts';
import type { Store } from '../../src/storage/sqlite-store.ts';
import type { UnitOfWork } from '../../src/storage/unit-of-work.ts';
import { fileGrievance } from '../helpers/desk.ts';
import { FakeClock, texts } from '../helpers/harness.ts';
import { BACKENDS, useHarnesses } from './helpers.ts';

/**
 * A form left half-way keeps the citizen's answers in their chat session (a description, a
 * number): without a retention period they stayed for ever. They go with the transcripts' period.
 */
const START = '2026-01-05T04:30:00.000Z';
const DAY = 86_400_000;

describe.each(BACKENDS)('idle chat sessions on $name', (backend) => {
  const harnesses = useHarnesses(backend);

  it.skipIf(backend.skip)('are deleted with their answers after the transcripts’ period, except with an open ticket or a recent message', { timeout: 60_000 }, async () => {
    const h = await harnesses.start({ clock: new FakeClock(START) });
    const sql = await harnesses.sql(h);
    const answersOf = (key: string) => sql.count('session_answers', `session_key = '${key}'`);
    const app = h.app;
    // Asha stops half-way through a grievance, her description given.
    for (const t of ['hi', '2', 'yes', '1', '1', 'No water in Sector 4; call me on 9876543210.']) await h.say(t, { user: 'asha' });
    // Ravi files one, still open.
    const open = await fileGrievance(h, { user: 'ravi' });
    expect(open).toMatch(/^GRV-/);
    const session = (user: string) => app.store.transaction((uow) => uow.sessions.get<{ vars: Record<string, unknown> }>(`console:${user}`));
    expect((await session('asha'))?.state.vars).toMatchObject({ description: 'No water in Sector 4; call me on 9876543210.' });
    expect(await answersOf('console:asha')).toBeGreaterThan(0);

    // Thirteen months on (the profile keeps transcripts 12 months): Meena writes today.
    h.clock.set(new Date(Date.parse(START) + 396 * DAY).toISOString());
    for (const t of ['hi', '2', 'yes']) await h.say(t, { user: 'meena' });
    const dry = await app.retention.run({ dryRun: true });
    expect(dry.housekeeping.sessions).toBe(1);
    expect(await session('asha')).toBeDefined();
    const report = await app.retention.run({ dryRun: false });
    expect(report.housekeeping.sessions).toBe(1);
    expect(await session('asha')).toBeUndefined();
    expect(await session('ravi')).toBeDefined();
    expect(await session('meena')).toBeDefined();
    // No answer row of hers is left behind; the others' stay.
    expect(await answersOf('console:asha')).toBe(0);
    expect(await answersOf('console:ravi')).toBeGreaterThan(0);
    // When she comes back, she starts afresh.
    expect(texts(await h.say('hello', { user: 'asha' }))).toContain('Please choose your language');
    expect((await app.retention.run({ dryRun: false })).housekeeping.sessions).toBe(0);
  });

  it.skipIf(backend.skip)('keeps the session of a citizen who writes while the purge runs', { timeout: 60_000 }, async () => {
    const h = await harnesses.start({ clock: new FakeClock(START) });
    const app = h.app;
    for (const t of ['hi', '2', 'yes', '1', '1', 'No water in Sector 4.']) await h.say(t, { user: 'asha' });
    h.clock.set(new Date(Date.parse(START) + 396 * DAY).toISOString());
    // Asha writes again just after the purge found her idle: on PostgreSQL her message commits on
    // a connection of its own in between; on SQLite it waits for the purge's unit of work.
    let written: Promise<unknown> | undefined;
    const store: Store = {
      transaction: (work) => app.store.transaction((uow) => work(new Proxy(uow, {
        get(target, prop) {
          if (prop !== 'exec') return target[prop as keyof UnitOfWork];
          return {
            run: target.exec.run,
            all: async <P extends object, R>(q: Prepared<P, R>, params: P) => {
              const rows = await target.exec.all(q, params);
              if (!written && q.sql.includes('conversation_state') && rows.length > 0) {
                written = h.say('hi', { user: 'asha' });
                if (backend.name === 'postgres') await written;
              }
              return rows;
            },
          };
        },
      }))),
      close: () => app.store.close(),
    };
    await new RetentionService({ store, profile: app.content.profile, clock: h.clock.now, logger: createLogger('silent') }).run({ dryRun: false });
    await written;
    expect(written).toBeDefined();
    expect(await app.store.transaction((uow) => uow.sessions.get('console:asha'))).toBeDefined();
  });
});

