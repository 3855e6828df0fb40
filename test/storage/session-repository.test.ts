import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pgCompiler, sqliteCompiler } from '../../src/storage/db.ts';
import { PgStore } from '../../src/storage/pg-store.ts';
import { compileSessionQueries } from '../../src/storage/session-repository.ts';
import { SqliteStore, type Store } from '../../src/storage/sqlite-store.ts';
import type { StoredSession, UnitOfWork } from '../../src/storage/unit-of-work.ts';
import { backends, pgTestSchema, type Backend } from '../helpers/backends.ts';

/**
 * The session's head and its answers are stored apart (migration 0014), and a cache spares the
 * re-read of unchanged answers. Attacked here: answers that stay, change or go; a write that rolls
 * back; a second process (or instance) writing the same conversation; sessions written before 0014.
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

const queries = (u: UnitOfWork) => compileSessionQueries(u.dialect === 'postgres' ? pgCompiler() : sqliteCompiler(), u.dialect);
const rows = (store: Store) =>
  store.transaction(async (u) =>
    Object.fromEntries((await u.exec.all(queries(u).vars, { session_key: KEY })).map((r) => [r.name, JSON.parse(r.value) as unknown])));
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
