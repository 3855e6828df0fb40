import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pgCompiler, sqliteCompiler } from '../../src/storage/db.ts';
import { PgStore } from '../../src/storage/pg-store.ts';
import { prepare } from '../../src/storage/prepared.ts';
import { compileSessionQueries } from '../../src/storage/session-repository.ts';
import { SqliteStore, type Store } from '../../src/storage/sqlite-store.ts';
import type { StoredSession, UnitOfWork } from '../../src/storage/unit-of-work.ts';
import { backends, pgTestSchema, type Backend } from '../helpers/backends.ts';

/**
 * The session's head and its answers are stored apart (the answers log, migration 0019; the head
 * lists its rows' ids), and a cache spares the re-read of unchanged answers. Attacked here: answers
 * that stay, change or go, read back by a store with no cache; a write that rolls back; a second
 * process (or instance) writing the same conversation; a write with nothing cached; sessions
 * written before 0014. Every check of the rows also fails on a row the head does not list.
 */

interface State {
  lang: string;
  at: { flow: string; step: string };
  status: 'waiting' | 'ended';
  vars: Record<string, unknown>;
  attempts: number;
  stack: Array<{ flow: string; step: string }>;
}
const KEY = 'telegram:42';
const state = (vars: Record<string, unknown>, step = 'q1'): State => ({ lang: 'hi', at: { flow: 'long', step }, status: 'waiting', vars, attempts: 0, stack: [] });
const stored = (rev: number, s: State): StoredSession<State> => ({ v: 1, rev, state: s });

const compiler = (u: UnitOfWork) => (u.dialect === 'postgres' ? pgCompiler() : sqliteCompiler());
const queries = (u: UnitOfWork) => compileSessionQueries(compiler(u), u.dialect);
/** Every answer row of the conversation, whether or not its head lists it. */
const rowsOf = (u: UnitOfWork, key = KEY) =>
  u.exec.all(prepare<{ key: string }, { id: number; name: string; value: string }>((p) =>
    compiler(u).selectFrom('session_answers').select(['id', 'name', 'value']).where('session_key', '=', p.key).orderBy('id')), { key });
/** The conversation's answers as stored; fails if any row is left that its head does not list. */
const rows = (store: Store, key = KEY) =>
  store.transaction(async (u) => {
    const all = await rowsOf(u, key);
    const [h] = await u.exec.all(queries(u).head, { key: `session:${key}` });
    const listed = ((JSON.parse(h?.value ?? '{}') as { value?: { a?: string } }).value?.a ?? '').split(',').filter(Boolean).map((id) => parseInt(id, 36));
    expect(all.map((r) => r.id).sort((x, y) => x - y)).toEqual([...listed].sort((x, y) => x - y));
    return Object.fromEntries(all.map((r) => [r.name, JSON.parse(r.value) as unknown]));
  });
const head = (store: Store) => store.transaction(async (u) => (await u.exec.all(queries(u).head, { key: `session:${KEY}` }))[0]?.value);
const get = (store: Store) => store.transaction((u) => u.sessions.get<State>(KEY));
/** A read-modify-write as the router does it. */
const update = (store: Store, change: (s: State) => State) =>
  store.transaction(async (u) => {
    const before = (await u.sessions.get<State>(KEY))!;
    await u.sessions.set(KEY, stored(before.rev + 1, change(before.state)));
  });

/** Two stores on the same storage: two processes on one SQLite file, two instances on one PostgreSQL schema. */
async function openTwo(backend: Backend): Promise<{ a: Store; b: Store; dispose: () => Promise<void> }> {
  if (backend.name === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nivaran-sessions-'));
    const a = await SqliteStore.open(path.join(dir, 'db.sqlite'));
    const b = await SqliteStore.open(path.join(dir, 'db.sqlite'));
    return { a, b, dispose: async () => { await a.close(); await b.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
  }
  const db = await pgTestSchema();
  const a = await PgStore.open(db.url, { poolSize: 2 });
  const b = await PgStore.open(db.url, { poolSize: 2 });
  return { a, b, dispose: async () => { await a.close(); await b.close(); await db.drop(); } };
}

for (const backend of backends) {
  describe.skipIf(backend.skip)(`session store on ${backend.name}`, () => {
    let opened: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const d of opened) await d();
      opened = [];
    });
    const two = async () => {
      const t = await openTwo(backend);
      opened.push(t.dispose);
      return t;
    };

    it('keeps each answer in a row of its own and the head without them; answers changed, added and removed all round-trip', async () => {
      const { a } = await two();
      await a.transaction((u) => u.sessions.set(KEY, stored(1, state({ name: 'Asha', ward: 12, scopes: ['email', 'phone'] }))));
      expect(await rows(a)).toEqual({ name: 'Asha', ward: 12, scopes: ['email', 'phone'] });
      expect(await head(a)).not.toContain('Asha');
      expect(await head(a)).toContain('"status":"waiting"'); // what the quality report's scan of idle sessions looks for

      await update(a, (s) => ({ ...s, vars: { ...s.vars, ward: 13, note: 'पानी नहीं आ रहा' } }));
      await update(a, (s) => {
        const { scopes: _gone, ...vars } = s.vars;
        return { ...s, vars };
      });
      expect((await get(a))!.state.vars).toEqual({ name: 'Asha', ward: 13, note: 'पानी नहीं आ रहा' });
      expect(await rows(a)).toEqual({ name: 'Asha', ward: 13, note: 'पानी नहीं आ रहा' });
    });

    it('answers cleared (an erasure, a flow reset) leave no row behind', async () => {
      const { a } = await two();
      await a.transaction((u) => u.sessions.set(KEY, stored(1, state({ name: 'Asha', mobile: '+919800000000' }))));
      await update(a, (s) => ({ ...s, vars: {} }));
      expect(await rows(a)).toEqual({});
      expect(JSON.stringify(await head(a))).not.toContain('9800000000');
      expect((await get(a))!.state.vars).toEqual({});
    });

    it('a write that rolls back leaves the answers as they were, also for the next read in the same process', async () => {
      const { a } = await two();
      await a.transaction((u) => u.sessions.set(KEY, stored(1, state({ name: 'Asha' }))));
      await expect(a.transaction(async (u) => {
        const s = (await u.sessions.get<State>(KEY))!;
        await u.sessions.set(KEY, stored(2, { ...s.state, vars: { name: 'Bina', ward: 7 } }));
        throw new Error('the message failed after the session was written');
      })).rejects.toThrow('the message failed');
      expect(await get(a)).toEqual(stored(1, state({ name: 'Asha' })));
      expect(await rows(a)).toEqual({ name: 'Asha' });
    });

    it('another process writing the same conversation is seen at the next read, never a stale answer', async () => {
      const { a, b } = await two();
      await a.transaction((u) => u.sessions.set(KEY, stored(1, state({ name: 'Asha', ward: 12 }))));
      expect((await get(a))!.state.vars).toEqual({ name: 'Asha', ward: 12 }); // now cached in a
      expect((await get(b))!.state.vars).toEqual({ name: 'Asha', ward: 12 });
      await update(b, (s) => ({ ...s, vars: { ...s.vars, ward: 99 } }));
      expect((await get(a))!.state.vars).toEqual({ name: 'Asha', ward: 99 });
      // And back: a writes on top of b's answers without losing them.
      await update(a, (s) => ({ ...s, vars: { ...s.vars, note: 'from a' } }));
      expect((await get(b))!.state.vars).toEqual({ name: 'Asha', ward: 99, note: 'from a' });
      expect((await get(b))!.rev).toBe(3);
    });

    it('lent answers changed in place are written as the writer names them; a loan whose unit of work fails is never read back', async () => {
      const { a } = await two();
      await a.transaction((u) => u.sessions.set(KEY, stored(1, state({ name: 'Asha', ward: 12, old: 'x' }))));
      await a.transaction(async (u) => {
        const s = (await u.sessions.get<State>(KEY, { lend: true }))!;
        s.state.vars.ward = 13;
        delete s.state.vars.old;
        await u.sessions.set(KEY, stored(2, s.state), { reset: false, names: new Set(['ward', 'old']) });
      });
      expect(await rows(a)).toEqual({ name: 'Asha', ward: 13 });
      await expect(a.transaction(async (u) => {
        const s = (await u.sessions.get<State>(KEY, { lend: true }))!;
        s.state.vars.name = 'Bina'; // changed in place, then the message fails before its write
        throw new Error('the engine failed');
      })).rejects.toThrow('the engine failed');
      expect((await get(a))!.state.vars).toEqual({ name: 'Asha', ward: 13 });
      // And a failure after the write: the head in the cache is not the one in the database.
      await expect(a.transaction(async (u) => {
        const s = (await u.sessions.get<State>(KEY, { lend: true }))!;
        s.state.vars.name = 'Chitra';
        await u.sessions.set(KEY, stored(3, s.state), { reset: false, names: new Set(['name']) });
        throw new Error('the effects failed');
      })).rejects.toThrow('the effects failed');
      expect(await get(a)).toEqual(stored(2, state({ name: 'Asha', ward: 13 })));
    });

    it('a caller changing what it read (position, stack) does not change what the next read returns', async () => {
      const { a } = await two();
      await a.transaction((u) => u.sessions.set(KEY, stored(1, state({ name: 'Asha' }))));
      const first = (await get(a))!;
      first.state.stack.push({ flow: 'main', step: 'menu' });
      first.state.at.step = 'elsewhere';
      first.state.vars.name = 'changed without a loan';
      expect(await get(a)).toEqual(stored(1, state({ name: 'Asha' })));
    });

    it('a caller replacing fields of the state it wrote does not change what the next read returns; the head leaves the answers out', async () => {
      const { a } = await two();
      const written = stored(1, state({ name: 'Asha' }));
      await a.transaction((u) => u.sessions.set(KEY, written));
      written.state.status = 'ended';
      written.state.attempts = 3;
      written.state.at = { flow: 'main', step: 'menu' };
      expect(await get(a)).toEqual(stored(1, state({ name: 'Asha' })));
      expect(await head(a)).not.toContain('"vars"');
    });

    it('answers added, replaced, removed and reset read back the same from a store with no cache (another process), in the order written, with no row left over', async () => {
      const { a, b } = await two();
      const fresh = async () => (await b.transaction((u) => u.sessions.get<State>(KEY)))!;
      /** The router's way: the answers lent, changed in place, the changed names given back. */
      const lent = (names: string[], change: (vars: Record<string, unknown>) => void, reset = false) =>
        a.transaction(async (u) => {
          const s = (await u.sessions.get<State>(KEY, { lend: true }))!;
          change(s.state.vars);
          await u.sessions.set(KEY, stored(s.rev + 1, s.state), { reset, names: new Set(names) });
        });
      await a.transaction((u) => u.sessions.set(KEY, stored(1, state({ name: 'Asha', ward: 12 }))));
      await lent(['mobile'], (v) => { v.mobile = '+919800000000'; });
      await lent(['ward'], (v) => { v.ward = 13; });
      expect(Object.keys((await fresh()).state.vars)).toEqual(['name', 'ward', 'mobile']);
      expect((await fresh()).state.vars).toEqual({ name: 'Asha', ward: 13, mobile: '+919800000000' });
      expect(await rows(a)).toEqual({ name: 'Asha', ward: 13, mobile: '+919800000000' });
      await lent(['mobile', 'never'], (v) => { delete v.mobile; });
      expect(await rows(a)).toEqual({ name: 'Asha', ward: 13 });
      // A new answers object (the hand-off, a session move): what is not the value read is written.
      await update(a, (s) => ({ ...s, vars: { ...s.vars, name: 'Asha Devi', city: 'Lucknow' } }));
      expect((await fresh()).state.vars).toEqual({ name: 'Asha Devi', ward: 13, city: 'Lucknow' });
      expect(await rows(a)).toEqual({ name: 'Asha Devi', ward: 13, city: 'Lucknow' });
      // A reset (a flow started over): every old row goes, whatever names are given.
      await lent([], (v) => {
        for (const k of Object.keys(v)) delete v[k];
        v.topic = 'water';
      }, true);
      expect((await fresh()).state.vars).toEqual({ topic: 'water' });
      expect(await rows(a)).toEqual({ topic: 'water' });
      // A state with no answers at all is kept whole in the head, and leaves no row.
      await a.transaction(async (u) => {
        const s = (await u.sessions.get<State>(KEY))!;
        const { vars: _gone, ...rest } = s.state;
        await u.sessions.set(KEY, { v: 1, rev: s.rev + 1, state: rest });
      });
      expect(await a.transaction((u) => rowsOf(u))).toEqual([]);
      expect((await fresh()).state).not.toHaveProperty('vars');
    });

    it('a write with nothing cached (the entry dropped since the read) replaces every row the stored head lists', async () => {
      const { a, b } = await two();
      await a.transaction((u) => u.sessions.set(KEY, stored(1, state({ name: 'Asha', ward: 12, mobile: '+919800000000' }))));
      await b.transaction((u) => u.sessions.set(KEY, stored(2, state({ name: 'Asha', ward: 14 }))));
      expect(await rows(a)).toEqual({ name: 'Asha', ward: 14 });
      expect((await get(a))!.state.vars).toEqual({ name: 'Asha', ward: 14 });
      await b.transaction(async (u) => {
        const s = (await u.sessions.get<State>(KEY))!;
        await u.sessions.set(KEY, { v: 1, rev: 3, state: { lang: s.state.lang } });
      });
      expect(await a.transaction((u) => rowsOf(u))).toEqual([]);
    });

    it('a unit of work that rolls back after replacing, adding and removing answers leaves every row as it was, for this process and another', async () => {
      const { a, b } = await two();
      await a.transaction((u) => u.sessions.set(KEY, stored(1, state({ name: 'Asha', ward: 12, old: 'x' }))));
      const before = await a.transaction((u) => rowsOf(u));
      await expect(a.transaction(async (u) => {
        const s = (await u.sessions.get<State>(KEY, { lend: true }))!;
        s.state.vars.ward = 13;
        s.state.vars.note = 'new';
        delete s.state.vars.old;
        await u.sessions.set(KEY, stored(2, s.state), { reset: false, names: new Set(['ward', 'note', 'old']) });
        throw new Error('the effects failed');
      })).rejects.toThrow('the effects failed');
      expect(await a.transaction((u) => rowsOf(u))).toEqual(before);
      expect(await get(a)).toEqual(stored(1, state({ name: 'Asha', ward: 12, old: 'x' })));
      expect(await get(b)).toEqual(stored(1, state({ name: 'Asha', ward: 12, old: 'x' })));
      // The ids the rolled-back inserts had may be handed out again: the next write is still right.
      await update(a, (s) => ({ ...s, vars: { ...s.vars, ward: 15 } }));
      expect((await get(b))!.state.vars).toEqual({ name: 'Asha', ward: 15, old: 'x' });
      expect(await rows(a)).toEqual({ name: 'Asha', ward: 15, old: 'x' });
    });

    it('reads a session written before migration 0014 (answers inline in the head), and its next write moves the answers to rows', async () => {
      const { a } = await two();
      const old = stored(5, state({ name: 'Asha', ward: 12 }, 'q3'));
      await a.transaction(async (u) => {
        // Exactly what keyv wrote before: `{"value": <the whole session>}`.
        await u.exec.run(queries(u).setHead, { key: `session:${KEY}`, value: JSON.stringify({ value: old }) });
      });
      expect(await get(a)).toEqual(old);
      await update(a, (s) => ({ ...s, at: { flow: 'long', step: 'q4' }, vars: { ...s.vars, note: 'new' } }));
      expect(await rows(a)).toEqual({ name: 'Asha', ward: 12, note: 'new' });
      expect(await head(a)).not.toContain('Asha');
      expect(await get(a)).toEqual(stored(6, state({ name: 'Asha', ward: 12, note: 'new' }, 'q4')));
    });
  });
}
