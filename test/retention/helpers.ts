import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterEach } from 'vitest';
import { SqliteStore } from '../../src/storage/sqlite-store.ts';
import { pgTestSchema } from '../helpers/backends.ts';
import { FakeClock, startHarness, tempDataDir, TEST_PROFILE, type Harness } from '../helpers/harness.ts';

/** 11:00 IST on 1 Oct 2025: 13 months before NOW. */
export const T_OLD = '2025-10-01T05:30:00.000Z';
/** 11:00 IST on 1 Dec 2025: 11 months before NOW. */
export const T_NEW = '2025-12-01T05:30:00.000Z';
/** 11:00 IST on 1 Nov 2026: with 12-month periods, rows from before 1 Nov 2025 00:00 IST have expired. */
export const NOW = '2026-11-01T05:30:00.000Z';

/** The test profile with every period at the one-year floor (the shipped defaults keep consent 7 years). */
export function profileWithRetention(retention: Record<string, number> = {}): string {
  const dir = tempDataDir();
  const file = path.join(dir, 'profile.yaml');
  const r = { transcriptMonths: 12, verificationMonths: 12, consentMonths: 12, ticketMonths: 12, auditMonths: 12, boardCaseMonths: 24, ...retention };
  const block = `\nretention:\n${Object.entries(r).map(([k, v]) => `  ${k}: ${v}`).join('\n')}\n`;
  fs.writeFileSync(file, fs.readFileSync(TEST_PROFILE, 'utf8') + block);
  return file;
}

/** SQL beside the app's store: SQLite's own connection, or a client on the PostgreSQL test schema. */
export interface RawSql {
  all(text: string): Promise<Array<Record<string, unknown>>>;
  count(table: string, where?: string): Promise<number>;
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  skip: boolean;
}

export const BACKENDS: readonly Backend[] = [
  { name: 'sqlite', skip: false },
  { name: 'postgres', skip: !process.env.TEST_DATABASE_URL },
];

/**
 * Harnesses on a backend (a PostgreSQL schema of its own per test), closed and dropped after
 * each test. `start` again with `{ dataDir }` (SQLite) or simply again (PostgreSQL: same schema)
 * is a restart, or a second instance.
 */
export function useHarnesses(backend: Backend) {
  let open: Harness[] = [];
  let schema: Awaited<ReturnType<typeof pgTestSchema>> | undefined;
  let clients: pg.Client[] = [];
  afterEach(async () => {
    for (const h of open) await h.close().catch(() => undefined);
    for (const c of clients) await c.end().catch(() => undefined);
    open = [];
    clients = [];
    await schema?.drop();
    schema = undefined;
  });
  return {
    async start(opts: { clock?: FakeClock; profile?: string; dataDir?: string } = {}): Promise<Harness> {
      if (backend.name === 'postgres') schema ??= await pgTestSchema();
      const env: Record<string, string> = { PROFILE_FILE: opts.profile ?? profileWithRetention() };
      if (schema) env.DATABASE_URL = schema.url;
      const h = await startHarness({ clock: opts.clock ?? new FakeClock(T_OLD), env, ...(opts.dataDir ? { dataDir: opts.dataDir } : {}) });
      open.push(h);
      return h;
    },
    async sql(h: Harness): Promise<RawSql> {
      let all: RawSql['all'];
      if (backend.name === 'sqlite') {
        const db = (h.app.store as SqliteStore).connection;
        all = async (text) => (/^\s*select/i.test(text) ? (db.prepare(text).all() as Array<Record<string, unknown>>) : (db.exec(text), []));
      } else {
        const client = new pg.Client({ connectionString: schema!.url });
        await client.connect();
        clients.push(client);
        all = async (text) => (await client.query<Record<string, unknown>>(text)).rows;
      }
      return {
        all,
        count: async (table, where) => Number((await all(`select count(*) as n from ${table}${where ? ` where ${where}` : ''}`))[0]?.n),
      };
    },
  };
}

/** A citizen who only says hello, picks English and consents: transcript and consent rows, no ticket. */
export async function chatOnly(h: Harness, user: string): Promise<void> {
  await h.say('hi', { user });
  await h.say('2', { user });
  await h.say('yes', { user });
}

/** An identity check of the conversation at the clock's time (as the OTP flow records one). */
export async function addVerification(h: Harness, user: string): Promise<void> {
  await h.app.store.transaction((uow) =>
    uow.verifications.add({ conversation_key: `console:${user}`, principal_id: null, level: 'otp', method: 'sms', at: h.clock.now().toISOString(), detail: '{"to":"+91******3210"}' }));
}

/** Moves a ticket through the service, as officers would, at the clock's time. */
export async function move(h: Harness, number: string, ...statuses: string[]): Promise<void> {
  for (const to of statuses) {
    await h.app.store.transaction((uow) => h.app.tickets.transition(uow, number, to as never, { actor: 'system', reason: `to ${to} in a test`, now: h.clock.now() }));
    h.clock.advance(1000);
  }
}
