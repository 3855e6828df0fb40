import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { accessFrom } from '../../src/departments/access.ts';
import { Departments } from '../../src/departments/departments.ts';
import { setMembership } from '../../src/departments/memberships.ts';
import { canSeeChat, type DeskUser } from '../../src/desk/access.ts';
import { loadCalendar } from '../../src/domain/sla/calendar-files.ts';
import { departmentQueries } from '../../src/departments/queries.ts';
import { loadProfile } from '../../src/profile/load.ts';
import type { Store } from '../../src/storage/sqlite-store.ts';
import type { TicketsTable } from '../../src/storage/schema.ts';
import { backends, useStores } from '../helpers/backends.ts';
import { FakeClock, startHarness, type Harness } from '../helpers/harness.ts';

/**
 * The desk's "chats waiting" badge, on every page: the citizens waiting in the live chats the
 * officer may open. It was counted from the first 200 open chats, with one query per chat.
 */
const ROOT = path.join(import.meta.dirname, '..', '..');
const STATE_PORTAL = path.join(ROOT, 'profiles', 'examples', 'state-portal.yaml');
const T0 = '2026-11-23T04:30:00.000Z';

type Spec = {
  key: string;
  status?: 'waiting' | 'taken' | 'closed';
  officer?: number;
  /** The conversation's tickets: department (null: as stored before departments), rung, holder. */
  tickets: Array<{ department: string | null; level?: number; assignedTo?: number }>;
};

let seq = 0;
const ticket = (key: string, level: number, assignedTo: number | null): Omit<TicketsTable, 'id'> => {
  const number = `GRV-2026-${String(++seq).padStart(6, '0')}`;
  return {
    number, kind: 'grievance', status: 'open', language: 'en', channel: 'console', conversation_key: key,
    fields: '{}', created_at: T0, due_at: '2026-12-22T18:29:59.000Z', updated_at: T0, idempotency_key: number,
    policy_id: 'cpgrams', regime: 'cpgrams', ack_due_at: null, acknowledged_at: null, level, level_started_at: T0,
    level_due_at: '2026-12-01T18:29:59.000Z', pauses: '[]', extension: null, breached_at: null, board_notified_at: null, resolved_at: null,
    closed_at: null, assigned_to: assignedTo, assigned_at: null,
  };
};

async function seed(store: Store, specs: readonly Spec[]): Promise<void> {
  await store.transaction(async (u) => {
    const q = departmentQueries(u.dialect);
    for (const s of specs) {
      for (const t of s.tickets) {
        const row = (await u.tickets.insert(ticket(s.key, t.level ?? 0, t.assignedTo ?? null)))!;
        if (t.department) await u.exec.run(q.setDepartment, { id: row.id, department: t.department, received_by: t.department });
      }
      await u.handoffs.insert({ conversation_key: s.key, channel: 'console', language: 'en', reason: 'citizen_asked', created_at: T0, idempotency_key: `h:${s.key}` });
      const h = (await u.handoffs.active(s.key))!;
      if (s.status === 'taken' || s.status === 'closed') await u.handoffs.take(h.id, s.officer ?? 99, T0);
      if (s.status === 'closed') await u.handoffs.close(h.id, T0);
    }
  });
}

/** 250 waiting chats, 150 of the Electricity Department and 100 of Water Supply. */
const bulk = (n: number, from = 0): Spec[] =>
  Array.from({ length: n }, (_, i) => ({ key: `console:bulk-${from + i}`, tickets: [{ department: (from + i) % 5 < 3 ? 'power' : 'water' }] }));

/**
 * Statements the store runs. Both stores name each statement once per execution: SQLite looks up
 * its cached prepared statement, PostgreSQL its statement name.
 */
function countStatements(store: Store): { readonly n: number; stop: () => void } {
  const target = store as unknown as Record<string, (...args: unknown[]) => unknown>;
  const method = 'prepared' in target ? 'prepared' : 'statementName';
  const original = target[method]!;
  const counter = { n: 0, stop: () => void (target[method] = original) };
  target[method] = function (this: unknown, ...args: unknown[]) {
    counter.n++;
    return original.apply(this, args);
  };
  return counter;
}

describe('the desk’s count of chats waiting', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('counts each officer’s own chats among 250 waiting in two departments, in one statement however many wait', async () => {
    h = await startHarness({ clock: new FakeClock(T0), env: { PROFILE_FILE: STATE_PORTAL } });
    const app = h.app;
    const officer = async (email: string, role: string, memberships: Record<string, string> = {}) => {
      const o = await app.accounts.create({ email, name: email.split('@')[0]!, role, password: 'correct horse battery' }, 'test');
      for (const [department, r] of Object.entries(memberships)) {
        await app.store.transaction((uow) => setMembership(uow, app.tickets.departments, o.id, department, r, 'test', new Date(T0)));
      }
      return o;
    };
    const power = await officer('pooja@example.org', 'officer', { power: 'officer' });
    const water = await officer('wasim@example.org', 'officer', { water: 'officer' });
    const both = await officer('bina@example.org', 'officer', { power: 'officer', water: 'officer' });
    const waterHead = await officer('esha@example.org', 'grievance_officer', { water: 'grievance_officer' });
    const nowhere = await officer('nikhil@example.org', 'officer');
    const admin = await officer('anita@example.org', 'admin');

    await seed(app.store, [
      ...bulk(250),
      // Escalated to Water Supply's second rung.
      { key: 'console:escalated', tickets: [{ department: 'water', level: 1 }] },
      // Taken or closed chats are nobody's to wait for.
      { key: 'console:taken', status: 'taken', tickets: [{ department: 'power' }] },
      { key: 'console:closed', status: 'closed', tickets: [{ department: 'water' }] },
    ]);
    const badge = (o: DeskUser) => app.desk.waitingChats(o);
    expect(await badge(power)).toBe(150);
    expect(await badge(water)).toBe(100);
    expect(await badge(both)).toBe(250);
    expect(await badge(waterHead)).toBe(1);
    expect(await badge(nowhere)).toBe(0);
    expect(await badge(admin)).toBe(251);
    // The queue's notice says the same.
    expect((await app.desk.queue(water, { kind: '', status: '', channel: '', language: '', assignee: 'any', page: 1 })).waitingChats).toBe(100);

    const counter = countStatements(app.store);
    await badge(power);
    const with250 = counter.n;
    await seed(app.store, bulk(100, 250));
    counter.stop();
    const again = countStatements(app.store);
    expect(await badge(power)).toBe(210);
    again.stop();
    // The officer's departments, then one count: not one statement per chat.
    expect(with250).toBeLessThanOrEqual(2);
    expect(again.n).toBe(with250);
  }, 60_000);
});

for (const backend of backends) {
  describe.skipIf(backend.skip)(`chats an officer may open, counted and listed in SQL (${backend.name})`, () => {
    const open = useStores(backend);

    it('agrees with the desk’s rule for each chat (canSeeChat): rungs, departments, holders, tickets from before departments', async () => {
      const { store } = await open();
      const profile = loadProfile(STATE_PORTAL);
      const calendars = path.join(ROOT, 'calendars');
      const departments = Departments.fromProfile(profile, loadCalendar(calendars, profile.calendar), (id) => loadCalendar(calendars, id));
      const specs: Spec[] = [
        ...bulk(20),
        { key: 'console:no-ticket', tickets: [] },
        { key: 'console:escalated', tickets: [{ department: 'water', level: 1 }] },
        { key: 'console:two-departments', tickets: [{ department: 'power' }, { department: 'water' }] },
        { key: 'console:before-departments', tickets: [{ department: null }] },
        { key: 'console:assigned-across', tickets: [{ department: 'water', assignedTo: 1 }] },
        { key: 'console:past-the-ladder', tickets: [{ department: 'power', level: 4 }] },
        { key: 'console:no-longer-declared', tickets: [{ department: 'roads' }] },
        { key: 'console:cell-dpo', tickets: [{ department: 'citizen-services', level: 1 }] },
        { key: 'console:taken-by-1', status: 'taken', officer: 1, tickets: [{ department: 'water', level: 1 }] },
        { key: 'console:taken-by-2', status: 'taken', officer: 2, tickets: [{ department: 'water' }] },
        { key: 'console:closed', status: 'closed', tickets: [{ department: 'power' }] },
      ];
      await seed(store, specs);
      const users: Array<{ user: DeskUser; memberships: Array<{ department: string; role: string }> }> = [
        { user: { id: 1, role: 'officer' }, memberships: [{ department: 'power', role: 'officer' }] },
        { user: { id: 2, role: 'officer' }, memberships: [{ department: 'water', role: 'officer' }] },
        { user: { id: 3, role: 'officer' }, memberships: [{ department: 'power', role: 'officer' }, { department: 'water', role: 'officer' }] },
        { user: { id: 4, role: 'grievance_officer' }, memberships: [{ department: 'power', role: 'grievance_officer' }, { department: 'water', role: 'grievance_officer' }] },
        { user: { id: 5, role: 'dpo' }, memberships: [] },
        { user: { id: 6, role: 'officer' }, memberships: [] },
        { user: { id: 7, role: 'reviewer' }, memberships: [{ department: 'power', role: 'reviewer' }] },
        { user: { id: 8, role: 'officer' }, memberships: [{ department: 'citizen-services', role: 'dpo' }] },
      ];
      const implicit = Departments.implicit(profile, departments.fallback.calendar);
      for (const d of [departments, implicit]) {
        for (const { user, memberships } of users) {
          const access = accessFrom(d, user, memberships);
          const { sqlWaiting, sqlOpen, expected } = await store.transaction(async (u) => {
            const seen = [];
            for (const s of specs) {
              const r = await u.handoffs.active(s.key);
              if (r && canSeeChat(user, r, await u.tickets.ofConversation(r.conversation_key), access)) seen.push(r);
            }
            return {
              sqlWaiting: await u.handoffs.waitingCountIn(access.chatScope),
              sqlOpen: (await u.handoffs.openIn(access.chatScope, 500)).map((r) => r.conversation_key).sort(),
              expected: seen,
            };
          });
          const label = `${d.declared ? 'departments' : 'no departments'}, officer ${user.id}`;
          expect(sqlWaiting, label).toBe(expected.filter((r) => r.status === 'waiting').length);
          expect(sqlOpen, label).toEqual(expected.map((r) => r.conversation_key).sort());
        }
      }
      // By hand, for the Electricity officer: their 12 bulk chats, the chat with no ticket yet,
      // the ticket from before departments, the one assigned to them in Water Supply, the
      // department no longer declared; not the ticket past the ladder (the top rung's).
      const power = accessFrom(departments, users[0]!.user, users[0]!.memberships);
      expect(await store.transaction((u) => u.handoffs.waitingCountIn(power.chatScope))).toBe(16);
      const waterHead = accessFrom(departments, users[3]!.user, users[3]!.memberships);
      // The escalated chat, the one past Electricity's ladder, the one taken by officer 1, and (as
      // a member of the first department) the chat with no ticket yet.
      expect((await store.transaction((u) => u.handoffs.openIn(waterHead.chatScope, 500))).map((r) => r.conversation_key).sort())
        .toEqual(['console:escalated', 'console:no-ticket', 'console:past-the-ladder', 'console:taken-by-1']);
    }, 60_000);
  });
}
