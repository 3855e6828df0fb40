import { describe, expect, it } from 'vitest';
import { departmentQueries } from '../../src/departments/queries.ts';
import type { QueueParams } from '../../src/storage/desk-queries.ts';
import type { TicketsTable } from '../../src/storage/schema.ts';
import { backends, useStores } from '../helpers/backends.ts';

const T0 = '2026-11-22T00:00:00.000Z';
const ticket = (number: string, level: number): Omit<TicketsTable, 'id'> => ({
  number, kind: 'grievance', status: 'open', language: 'en', channel: 'console', conversation_key: `console:${number}`,
  fields: '{}', created_at: T0, due_at: '2026-12-22T18:29:59.000Z', updated_at: T0, idempotency_key: number,
  policy_id: 'cpgrams', regime: 'cpgrams', ack_due_at: null, acknowledged_at: null, level, level_started_at: T0,
  level_due_at: '2026-12-01T18:29:59.000Z', pauses: '[]', extension: null, breached_at: null, board_notified_at: null, resolved_at: null,
  closed_at: null, assigned_to: null, assigned_at: null,
});
const params = (scope: string, slots: number[] = [-1]): Omit<QueueParams, 'limit' | 'offset'> => {
  const s = (i: number) => slots[i] ?? -1;
  return { kind: '', status: '', channel: '', language: '', assignee: -1, me: -1, l0: s(0), l1: s(1), l2: s(2), l3: s(3), l4: s(4), scope, department: '' };
};

for (const backend of backends) {
  describe.skipIf(backend.skip)(`departments in the store (${backend.name})`, () => {
    const open = useStores(backend);

    it('new rows belong to the implicit department; the queue filters by department and rung', async () => {
      const { store } = await open();
      const numbers = await store.transaction(async (u) => {
        const q = departmentQueries(u.dialect);
        const rows = [];
        for (const [n, level, dept] of [['GRV-2026-000001', 0, 'power'], ['GRV-2026-000002', 1, 'power'], ['GRV-2026-000003', 0, 'water'], ['GRV-2026-000004', 0, null]] as const) {
          const row = (await u.tickets.insert(ticket(n, level)))!;
          expect(row.department).toBe('main');
          if (dept) await u.exec.run(q.setDepartment, { id: row.id, department: dept, received_by: dept });
          rows.push(row.number);
        }
        return rows;
      });
      const queue = (p: Omit<QueueParams, 'limit' | 'offset'>) => store.transaction(async (u) => (await u.tickets.queue({ ...p, limit: 50, offset: 0 })).map((t) => t.number));
      expect(await queue(params(',power:0,'))).toEqual([numbers[0]]);
      expect(await queue(params(',power:0,power:1,'))).toEqual([numbers[0], numbers[1]]);
      expect(await queue(params(',water:0,main:0,'))).toEqual([numbers[2], numbers[3]]);
      // A department id that only starts like another's is not it.
      expect(await queue(params(',powe:0,ower:0,'))).toEqual([]);
      expect(await queue(params(''))).toEqual([]);
      // `*`: any department, the level slots decide (an install without departments).
      expect(await queue(params('*', [0]))).toEqual([numbers[0], numbers[2], numbers[3]]);
      const counts = await store.transaction((u) => u.tickets.queueCounts({ ...params(',power:1,water:0,'), now: T0, soon: T0 }));
      expect(Number(counts.total)).toBe(2);
    });

    it('keeps each officer’s role per department, one row per department', async () => {
      const { store } = await open();
      const rows = await store.transaction(async (u) => {
        const q = departmentQueries(u.dialect);
        await u.exec.run(q.addMembership, { officer_id: 7, department: 'water', role: 'officer' });
        await u.exec.run(q.addMembership, { officer_id: 7, department: 'power', role: 'grievance_officer' });
        await u.exec.run(q.addMembership, { officer_id: 8, department: 'water', role: 'officer' });
        return u.exec.all(q.membershipsOf, { officer_id: 7 });
      });
      expect(rows.map((r) => [r.department, r.role, Number(r.officer_id)])).toEqual([['power', 'grievance_officer', 7], ['water', 'officer', 7]]);
      await expect(store.transaction((u) => u.exec.run(departmentQueries(u.dialect).addMembership, { officer_id: 7, department: 'water', role: 'dpo' }))).rejects.toThrow();
    });
  });
}
