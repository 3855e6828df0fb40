import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Content } from '../app.ts';
import { createLogger } from '../logger.ts';
import { Scheduler } from '../scheduler/scheduler.ts';
import type { Store } from '../storage/sqlite-store.ts';
import { TicketService } from '../tickets/service.ts';

/**
 * Scheduler sweep over many tickets of which few are due. Tickets and timers are bulk-loaded
 * with SQL (a recursive CTE on SQLite, generate_series on PostgreSQL); then one sweep is timed:
 * the due-timer query alone, and the whole sweep that claims and fires every due timer.
 */
const WARM = '2026-11-29T00:00:00.000Z';
const NOW = '2026-12-01T00:00:00.000Z';
const EARLIER = '2026-11-28T00:00:00.000Z';
const PAST = '2026-11-30T00:00:00.000Z';
const FUTURE = '2027-01-15T00:00:00.000Z';

export interface SweepFigures {
  loadMs: number;
  queryMs: number;
  sweepMs: number;
  fired: number;
}

/** The rows, as one SQL script per dialect: `total` tickets, each with a timer; `due` of them due. */
function loadSql(dialect: 'sqlite' | 'postgres', total: number, due: number): string[] {
  const series = dialect === 'sqlite'
    ? `WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ${total})`
    : '';
  const from = dialect === 'sqlite' ? 'FROM s' : `FROM generate_series(1, ${total}) AS s(n)`;
  const pad = dialect === 'sqlite' ? "printf('%06d', n)" : "lpad(n::text, 6, '0')";
  const cols = `number, kind, status, language, channel, conversation_key, fields, created_at, due_at, updated_at, idempotency_key,
    policy_id, regime, level, level_started_at, level_due_at, pauses`;
  return [
    `${series} INSERT INTO tickets (${cols})
     SELECT 'GRV-' || (2000 + n / 1000000) || '-' || ${pad}, 'grievance', 'in_progress', 'en', 'bench', 'bench:' || n, '{}',
       '${PAST}', '${FUTURE}', '${PAST}', 'bench-' || n, 'dpdp', 'dpdp', 0, '${PAST}', '${FUTURE}', '[]' ${from}`,
    // Tickets 1..due have a reminder due before WARM (fired by a warm-up sweep), due+1..2·due one
    // due before NOW (the measured sweep); every ticket also has a rung deadline in the future.
    `${series} INSERT INTO timers (ticket_id, kind, fire_at, data)
     SELECT n, 'level_due', '${FUTURE}', '{}' ${from}`,
    `${series.replace(String(total), String(2 * due))} INSERT INTO timers (ticket_id, kind, fire_at, data)
     SELECT n, 'reminder', CASE WHEN n <= ${due} THEN '${EARLIER}' ELSE '${PAST}' END, '{"fraction":0.5}' ${dialect === 'sqlite' ? 'FROM s' : `FROM generate_series(1, ${2 * due}) AS s(n)`}`,
  ];
}

export async function sweepBench(
  dialect: 'sqlite' | 'postgres',
  content: Content,
  total: number,
  due: number,
): Promise<SweepFigures | undefined> {
  const logger = createLogger('silent');
  let store: Store;
  let exec: (sql: string) => Promise<void>;
  let cleanup: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nivaran-sweep-'));
    const { SqliteStore } = await import('../storage/sqlite-store.ts');
    const s = await SqliteStore.open(path.join(dir, 'db.sqlite'));
    store = s;
    exec = async (sql) => void s.connection.exec(sql);
    cleanup = async () => {
      await s.close();
      fs.rmSync(dir, { recursive: true, force: true });
    };
  } else {
    const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
    if (!base) return undefined;
    const pg = (await import('pg')).default;
    const { PgStore } = await import('../storage/pg-store.ts');
    const schema = `nivaran_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    const url = new URL(base);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const s = await PgStore.open(url.toString());
    store = s;
    exec = async (sql) => void (await admin.query(`SET search_path TO ${schema}; ${sql}; ANALYZE`));
    cleanup = async () => {
      await s.close();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    };
  }
  try {
    const t0 = performance.now();
    for (const sql of loadSql(dialect, total, due)) await exec(sql);
    const loadMs = performance.now() - t0;
    const tickets = new TicketService({ profile: content.profile, calendar: content.calendar, translator: content.translator, logger });
    // A running server is warm: one sweep first compiles the code path and prepares the statements.
    await new Scheduler(store, tickets, () => new Date(WARM), logger).sweep();
    const q0 = performance.now();
    const found = await store.transaction((u) => u.timers.due(NOW, 10_000));
    const queryMs = performance.now() - q0;
    if (found.length !== due) throw new Error(`expected ${due} due timers, found ${found.length}`);
    const scheduler = new Scheduler(store, tickets, () => new Date(NOW), logger);
    const s0 = performance.now();
    const r = await scheduler.sweep();
    const sweepMs = performance.now() - s0;
    return { loadMs, queryMs, sweepMs, fired: r.fired };
  } finally {
    await cleanup();
  }
}
