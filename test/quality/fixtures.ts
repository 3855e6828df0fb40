import { afterEach } from 'vitest';
import type { App } from '../../src/app.ts';
import { pgTestSchema, TEST_DATABASE_URL } from '../helpers/backends.ts';
import { startHarness, type FakeClock, type Harness } from '../helpers/harness.ts';
import type { ReviewRow } from '../../src/quality/quality-queries.ts';
import { featureQueries } from '../../src/storage/feature-queries.ts';
import { prepare } from '../../src/storage/prepared.ts';
import type { ReviewSamplesTable } from '../../src/storage/schema.ts';

let seq = 900_000;

export interface TicketFixture {
  channel?: string;
  lang?: 'en' | 'hi';
  kind?: 'grievance' | 'data_rights';
  createdAt: string;
  /** When it was answered (resolved), closed after being resolved, or withdrawn; absent: still open. */
  finish?: { status: 'resolved' | 'closed' | 'withdrawn'; at: string };
  officerId?: number;
  user?: string;
}

/** A ticket opened and finished through the ticket service at the given times (no chat). Returns its number and id. */
export async function ticketAt(app: App, f: TicketFixture): Promise<{ number: string; id: number }> {
  seq += 1;
  const number = `GRV-2026-${String(seq)}`;
  const channel = f.channel ?? 'console';
  const key = `${channel}:${f.user ?? `fixture-${seq}`}`;
  return app.store.transaction(async (uow) => {
    const row = await app.tickets.open(uow, {
      number, kind: f.kind ?? 'grievance', fields: { description: `Fixture ${seq}` }, lang: f.lang ?? 'en', conversationKey: key, createdAt: f.createdAt, idempotencyKey: `fixture:${number}`,
    });
    if (!row) throw new Error('ticket not opened');
    if (f.officerId !== undefined) await app.tickets.assign(uow, number, f.officerId, { actor: `officer:${f.officerId}`, now: new Date(f.createdAt) });
    if (f.finish) {
      const actor = f.officerId !== undefined ? `officer:${f.officerId}` : 'system';
      if (f.finish.status === 'withdrawn') {
        await app.tickets.transition(uow, number, 'withdrawn', { actor: 'citizen', reason: 'withdrawn', now: new Date(f.finish.at) });
      } else {
        const resolvedAt = f.finish.status === 'closed' ? new Date(Date.parse(f.finish.at) - 3_600_000) : new Date(f.finish.at);
        await app.tickets.transition(uow, number, 'resolved', { actor, reason: 'Answered in full.', now: resolvedAt });
        if (f.finish.status === 'closed') await app.tickets.transition(uow, number, 'closed', { actor, reason: 'closed', now: new Date(f.finish.at) });
      }
    }
    return { number, id: row.id };
  });
}

const testQueries = featureQueries((db) => ({
  reviews: prepare<Record<string, never>, ReviewRow>(() => db.selectFrom('reviews').selectAll().orderBy('id')),
  samples: prepare<Record<string, never>, ReviewSamplesTable>(() => db.selectFrom('review_samples').selectAll().orderBy('period')),
  handoffs: prepare<Record<string, never>, { conversation_key: string; reason: string; flow_step: string | null }>(() =>
    db.selectFrom('handoffs').select(['conversation_key', 'reason', 'flow_step']).orderBy('id')),
}));

/** Every review row, oldest first. */
export function reviewRows(app: App): Promise<ReviewRow[]> {
  return app.store.transaction((uow) => uow.exec.all(testQueries(uow.dialect).reviews, {}));
}

/** The periods drawn so far. */
export function sampleRows(app: App): Promise<ReviewSamplesTable[]> {
  return app.store.transaction((uow) => uow.exec.all(testQueries(uow.dialect).samples, {}));
}

export function handoffRows(app: App) {
  return app.store.transaction((uow) => uow.exec.all(testQueries(uow.dialect).handoffs, {}));
}

export const BACKENDS = [
  { name: 'sqlite', skip: false },
  { name: 'postgres', skip: !TEST_DATABASE_URL },
] as const;

/**
 * Harnesses on a backend, closed (and their PostgreSQL schema dropped) after each test. Starting
 * again is a restart on the same data: the same DATA_DIR (SQLite) or the same schema (PostgreSQL).
 */
export function useHarnesses(backend: (typeof BACKENDS)[number]) {
  let open: Harness[] = [];
  let schema: Awaited<ReturnType<typeof pgTestSchema>> | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    for (const h of open) await h.close().catch(() => undefined);
    open = [];
    await schema?.drop();
    schema = undefined;
    dataDir = undefined;
  });
  return {
    async start(clock: FakeClock): Promise<Harness> {
      if (backend.name === 'postgres') schema ??= await pgTestSchema();
      const h = await startHarness({ clock, ...(schema ? { env: { DATABASE_URL: schema.url } } : {}), ...(dataDir ? { dataDir } : {}) });
      dataDir = h.dataDir;
      open.push(h);
      return h;
    },
    async close(h: Harness): Promise<void> {
      open = open.filter((x) => x !== h);
      await h.close();
    },
  };
}
