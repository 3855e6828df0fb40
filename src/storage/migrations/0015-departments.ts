import type { Kysely } from 'kysely';
import type { Dialect } from '../db.ts';
import { bigintType } from './columns.ts';

/**
 * Departments (one install serving many desks). `tickets.department` is the desk that holds the
 * ticket now; `tickets.received_by` the desk that received it, whose policy and calendar keep the
 * statutory clock (a transfer never restarts it). Rows from before departments existed belong to
 * the implicit department `main`. `officer_departments`: an officer's role in each department.
 */
export function migration0015(dialect: Dialect) {
  const bigint = bigintType(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('tickets').addColumn('department', 'text', (c) => c.notNull().defaultTo('main')).execute();
      await db.schema.alterTable('tickets').addColumn('received_by', 'text', (c) => c.notNull().defaultTo('main')).execute();
      await db.schema.createIndex('tickets_department').on('tickets').columns(['department', 'status']).execute();
      await db.schema.createTable('officer_departments')
        .addColumn('officer_id', bigint, (c) => c.notNull())
        .addColumn('department', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('officer_departments_pk', ['officer_id', 'department'])
        .execute();
    },
  };
}
