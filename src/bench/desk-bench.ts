import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Content } from '../app.ts';
import { DeskService, queueFiltersSchema } from '../desk/desk-service.ts';
import { HandoffService } from '../handoff/handoff-service.ts';
import { createLogger } from '../logger.ts';
import { SqliteStore } from '../storage/sqlite-store.ts';
import { TicketService } from '../tickets/service.ts';

export interface DeskFigures {
  loadMs: number;
  /** One queue page (50 rows, nearest deadline first) with its counts and the audit row. */
  queueMs: number;
  /** The same with a filter (language = hi, assignee = nobody). */
  filteredMs: number;
  /** One ticket page: the ticket, its history, transcript and the two audit rows. */
  ticketMs: number;
}

const NOW = '2026-12-01T00:00:00.000Z';

/**
 * The desk's reads on a large SQLite file: `total` open tickets over three rungs, each with a
 * different deadline, bulk-loaded with SQL; then a desk officer's queue and a ticket page, timed.
 */
export async function deskBench(content: Content, total: number, runs = 20): Promise<DeskFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nivaran-desk-bench-'));
  const store = await SqliteStore.open(path.join(dir, 'db.sqlite'));
  try {
    const t0 = performance.now();
    store.connection.exec(`WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ${total})
      INSERT INTO tickets (number, kind, status, language, channel, conversation_key, fields, created_at, due_at, updated_at, idempotency_key,
        policy_id, regime, level, level_started_at, level_due_at, pauses)
      SELECT 'GRV-2026-' || printf('%06d', n), CASE WHEN n % 3 = 0 THEN 'data_rights' ELSE 'grievance' END,
        CASE WHEN n % 4 = 0 THEN 'awaiting_citizen' ELSE 'in_progress' END, CASE WHEN n % 2 = 0 THEN 'hi' ELSE 'en' END, 'console',
        'console:c' || n, '{"description":"bench"}', '2026-11-01T00:00:00.000Z',
        strftime('%Y-%m-%dT%H:%M:%fZ', '2026-12-01', '+' || (n % 90) || ' days', '+' || (n % 1440) || ' minutes'),
        '2026-11-01T00:00:00.000Z', 'bench-' || n, 'dpdp', 'dpdp', n % 3, '2026-11-01T00:00:00.000Z',
        strftime('%Y-%m-%dT%H:%M:%fZ', '2026-12-01', '+' || (n % 30) || ' days', '+' || (n % 1440) || ' minutes'), '[]' FROM s;
      INSERT INTO officers (email, name, role, lang, password_hash, active, created_at, updated_at)
        VALUES ('bench@example.in', 'Bench', 'officer', 'en', 'x', 1, '${NOW}', '${NOW}');
      WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 60)
      INSERT INTO transcripts (conversation_key, direction, message_id, text, at)
        SELECT 'console:c3', CASE WHEN n % 2 = 0 THEN 'in' ELSE 'out' END, NULL, 'message ' || n, '${NOW}' FROM s;
      ANALYZE;`);
    const loadMs = performance.now() - t0;
    const logger = createLogger('silent');
    const clock = () => new Date(NOW);
    const tickets = new TicketService({ profile: content.profile, calendar: content.calendar, translator: content.translator, logger });
    const handoffs = new HandoffService({ store, translator: content.translator, logger, clock, waitMinutes: 10, onActivity: () => undefined });
    const desk = new DeskService({ store, tickets, handoffs, profile: content.profile, clock, onActivity: () => undefined });
    const officer = { id: 1, role: 'officer', name: 'Bench' };
    const time = async (work: () => Promise<unknown>) => {
      await work();
      const start = performance.now();
      for (let i = 0; i < runs; i++) await work();
      return (performance.now() - start) / runs;
    };
    const all = queueFiltersSchema.parse({});
    const filtered = queueFiltersSchema.parse({ language: 'hi', assignee: 'none' });
    return {
      loadMs,
      queueMs: await time(() => desk.queue(officer, all)),
      filteredMs: await time(() => desk.queue(officer, filtered)),
      ticketMs: await time(() => desk.ticket(officer, 'GRV-2026-000003')),
    };
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
