import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db.ts';
import { bigintType, tableWithId } from './columns.ts';

/**
 * Statutory clocks: each ticket's policy, due times, pauses, extension and escalation level;
 * the history of every transition; due timers for the scheduler; notes for officers.
 */
export function migration0002(dialect: Dialect) {
  const autoId = (db: Kysely<unknown>, table: string) => tableWithId(db, table, dialect);
  const bigint = bigintType(dialect);

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const add = (column: string, type: 'text' | 'integer', def?: string | number) =>
        db.schema
          .alterTable('tickets')
          .addColumn(column, type, (c) => (def === undefined ? c : c.notNull().defaultTo(def)))
          .execute();
      await add('policy_id', 'text', 'default');
      await add('regime', 'text', 'dpdp');
      await add('ack_due_at', 'text');
      await add('acknowledged_at', 'text');
      await add('level', 'integer', 0);
      await add('level_started_at', 'text');
      await add('level_due_at', 'text');
      // Pauses while awaiting the citizen, as JSON [{from, to}], and the one extension allowed.
      await add('pauses', 'text', '[]');
      await add('extension', 'text');
      await add('breached_at', 'text');
      await add('board_notified_at', 'text');
      await add('resolved_at', 'text');
      await add('closed_at', 'text');

      await autoId(db, 'ticket_events')
        .addColumn('ticket_id', bigint, (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('from_status', 'text')
        .addColumn('to_status', 'text')
        .addColumn('reason', 'text')
        .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
        .execute();
      await db.schema.createIndex('ticket_events_ticket').on('ticket_events').columns(['ticket_id', 'id']).execute();

      await autoId(db, 'timers')
        .addColumn('ticket_id', bigint, (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('fire_at', 'text', (c) => c.notNull())
        .addColumn('fired_at', 'text')
        .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
        .execute();
      // The scheduler reads only unfired timers in due order: with this partial index a sweep
      // costs the same however many tickets are not due.
      await db.schema
        .createIndex('timers_due')
        .on('timers')
        .column('fire_at')
        .where(sql.ref('fired_at'), 'is', null)
        .execute();
      await db.schema.createIndex('timers_ticket').on('timers').columns(['ticket_id', 'fired_at']).execute();

      await autoId(db, 'officer_notifications')
        .addColumn('ticket_id', bigint, (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('read_at', 'text')
        .execute();
      await db.schema.createIndex('officer_notifications_unread').on('officer_notifications').columns(['role', 'id']).execute();
    },
  };
}
