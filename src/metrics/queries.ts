import { sql, type Kysely } from 'kysely';
import { featureQueries } from '../storage/feature-queries.ts';
import { prepare } from '../storage/prepared.ts';

/** Tickets whose handling is over; every other status is open. */
const FINISHED = ['closed', 'resolved', 'withdrawn'];

/** What /metrics reads at each scrape: a handful of grouped counts, on indexed columns. */
export const metricsQueries = featureQueries((db) => ({
  outbox: prepare<Record<string, never>, { channel: string; status: string; n: number; oldest: string }>(() =>
    db.selectFrom('outbox').select(['channel', 'status', sql<number>`count(*)`.as('n'), sql<string>`min(created_at)`.as('oldest')]).groupBy(['channel', 'status'])),
  openTickets: prepare<Record<string, never>, { kind: string; level: number; n: number }>(() =>
    db.selectFrom('tickets').select(['kind', 'level', sql<number>`count(*)`.as('n')]).where('status', 'not in', FINISHED).groupBy(['kind', 'level'])),
  pastDue: prepare<{ now: string }, { n: number }>((p) =>
    db.selectFrom('tickets').select(sql<number>`count(*)`.as('n')).where('status', 'not in', FINISHED).where('due_at', '<', p.now)),
  breachedOpen: prepare<Record<string, never>, { n: number }>(() =>
    db.selectFrom('tickets').select(sql<number>`count(*)`.as('n')).where('status', 'not in', FINISHED).where('breached_at', 'is not', null)),
  timersDue: prepare<{ now: string }, { n: number }>((p) =>
    db.selectFrom('timers').select(sql<number>`count(*)`.as('n')).where('fired_at', 'is', null).where('fire_at', '<=', p.now)),
  migrations: prepare<Record<string, never>, { name: string }>(() =>
    (db as unknown as Kysely<{ kysely_migration: { name: string } }>).selectFrom('kysely_migration').select('name')),
}));
