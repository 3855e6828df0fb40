import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Json } from '../engine/session.ts';
import type { Dialect } from './db.ts';
import { prepare, type Executor } from './prepared.ts';
import type { Database } from './schema.ts';

/**
 * Where a conversation's session lives, in two parts:
 * - the head, a fixed-size JSON row in `keyv` under `session:<conversation key>` (the format keyv
 *   itself writes, `{"value": …}`, so the quality report's scan of waiting sessions reads it as before);
 * - the answers (`state.vars`), one row each in `session_vars` (migration 0014).
 *
 * Why: when the whole session was one JSON blob, every message re-serialised, re-parsed and
 * rewrote every answer kept so far, and a 40-answer form cost 2.35× a 2-answer one per message
 * (see docs/performance.md). Now a write touches the head and only the answers that changed, and a
 * read takes the answers from a small cache when the head shows they did not change since.
 *
 * The cache is safe across processes and rollbacks: each write that changes answers stamps the
 * head with a tag never used before (`vt`), and a cached entry is used only when the head row read
 * from the database, inside the caller's transaction, is byte for byte the one it was cached with.
 * A write rolled back, or one made by another process or instance, leaves a different head in the
 * database, and the answers are then read from their rows.
 */
export function compileSessionQueries(db: Kysely<Database>, dialect: Dialect) {
  const head = db.selectFrom('keyv').select('value');
  return {
    // FOR UPDATE (PostgreSQL): a session is read to be written back in the same transaction; the
    // row lock makes a concurrent writer wait for this commit instead of overwriting it.
    head: prepare<{ key: string }, { value: string }>((p) =>
      dialect === 'postgres' ? head.where('key', '=', p.key).forUpdate() : head.where('key', '=', p.key)),
    setHead: prepare<{ key: string; value: string }, never>((p) =>
      db.insertInto('keyv').values({ key: p.key, value: p.value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: (eb) => eb.ref('excluded.value') }))),
    vars: prepare<{ session_key: string }, { name: string; value: string }>((p) =>
      db.selectFrom('session_vars').select(['name', 'value']).where('session_key', '=', p.session_key)),
    setVar: prepare<{ session_key: string; name: string; value: string }, never>((p) =>
      db.insertInto('session_vars').values({ session_key: p.session_key, name: p.name, value: p.value })
        .onConflict((oc) => oc.columns(['session_key', 'name']).doUpdateSet({ value: (eb) => eb.ref('excluded.value') }))),
    deleteVar: prepare<{ session_key: string; name: string }, never>((p) =>
      db.deleteFrom('session_vars').where('session_key', '=', p.session_key).where('name', '=', p.name)),
    deleteVars: prepare<{ session_key: string }, never>((p) => db.deleteFrom('session_vars').where('session_key', '=', p.session_key)),
  };
}

export type SessionQueries = ReturnType<typeof compileSessionQueries>;

/** The session as callers see it: versioned so a format change starts conversations over. */
export interface StoredSession<S> {
  v: number;
  rev: number;
  state: S;
  /**
   * Set while an officer holds the chat (live hand-off): the router then relays the citizen's
   * messages to the desk and leaves `state` untouched until the chat is handed back. Kept here,
   * beside the state the router reads anyway, so the check costs no query per message.
   */
  live?: { handoffId: number; officerId: number };
}

interface Cached {
  /** The head row exactly as stored. */
  raw: string;
  /** The session as last read or written; never handed out, only copies of it. */
  stored: StoredSession<Record<string, unknown>>;
  /**
   * The answers as they are in `session_vars` (the same object as `stored.state.vars`). Handed out
   * as it is, never copied: the engine copies it before changing it, and other callers replace it.
   */
  rows: Record<string, Json>;
  /** How many answers `rows` holds. */
  count: number;
  vt: string | undefined;
}

const NAMESPACE = 'session:';

/**
 * Recently used sessions of this process, least recently used dropped first. 4,096 entries of a
 * few hundred bytes each: a few MB at most; a conversation not in it is read from its rows.
 */
export class SessionCache {
  private readonly entries = new Map<string, Cached>();
  /** Unique per process, so no two processes' answer tags can be equal. */
  private readonly nonce = randomBytes(6).toString('base64url');
  private counter = 0;

  constructor(private readonly capacity = 4096) {}

  get(key: string): Cached | undefined {
    const e = this.entries.get(key);
    if (e) {
      // Re-inserting moves the key to the end: Map keeps insertion order, so the first is the oldest.
      this.entries.delete(key);
      this.entries.set(key, e);
    }
    return e;
  }

  put(key: string, e: Cached): void {
    this.entries.delete(key);
    this.entries.set(key, e);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  drop(key: string): void {
    this.entries.delete(key);
  }

  tag(): string {
    return `${this.nonce}.${(this.counter++).toString(36)}`;
  }
}

export interface SessionRepository {
  get<S>(key: string): Promise<StoredSession<S> | undefined>;
  /** Call after `get` of the same key in the same unit of work (as a read-modify-write does). */
  set<S>(key: string, value: StoredSession<S>): Promise<void>;
}

export function createSessionRepository(ex: Executor, q: SessionQueries, cache: SessionCache): SessionRepository {
  return {
    async get<S>(key: string) {
      const [row] = await ex.all(q.head, { key: NAMESPACE + key });
      if (!row) {
        cache.drop(key);
        return undefined;
      }
      let e = cache.get(key);
      if (e?.raw !== row.value) {
        e = await load(ex, q, key, row.value);
        cache.put(key, e);
      }
      return handOut(e.stored) as unknown as StoredSession<S>;
    },

    async set<S>(key: string, value: StoredSession<S>) {
      const state = value.state as Record<string, unknown> & { vars?: Record<string, Json> };
      const e = cache.get(key);
      if (state.vars === undefined) {
        // A state without answers at all (not the engine's): kept whole in the head, as before.
        if (!e || e.count > 0) await ex.run(q.deleteVars, { session_key: key });
        const raw = JSON.stringify({ value });
        await ex.run(q.setHead, { key: NAMESPACE + key, value: raw });
        cache.put(key, { raw, rows: {}, count: 0, vt: undefined, stored: value as StoredSession<Record<string, unknown>> });
        return;
      }
      const next = state.vars;
      let changed = false;
      let count = 0;
      if (!e) {
        // Not read in this unit of work (or dropped from the cache since): the rows are unknown,
        // so they are replaced whole.
        await ex.run(q.deleteVars, { session_key: key });
        for (const name in next) {
          count++;
          await ex.run(q.setVar, { session_key: key, name, value: JSON.stringify(next[name]) });
        }
        changed = true;
      } else {
        // One pass, no copy: an unchanged answer keeps its identity through the engine's shallow
        // copy of `vars`, and the answers removed are counted rather than looked for.
        const base = e.rows;
        let kept = 0;
        for (const name in next) {
          count++;
          const old = base[name];
          if (old !== undefined) kept++;
          if (old !== next[name]) {
            await ex.run(q.setVar, { session_key: key, name, value: JSON.stringify(next[name]) });
            changed = true;
          }
        }
        if (kept < e.count) {
          changed = true;
          if (count === 0) await ex.run(q.deleteVars, { session_key: key });
          else for (const name in base) if (!(name in next)) await ex.run(q.deleteVar, { session_key: key, name });
        }
      }
      const vt = changed || !e?.vt ? cache.tag() : e.vt;
      const { vars: _vars, ...rest } = state;
      const head = { v: value.v, rev: value.rev, vt, state: rest, ...(value.live ? { live: value.live } : {}) };
      const raw = JSON.stringify({ value: head });
      await ex.run(q.setHead, { key: NAMESPACE + key, value: raw });
      // The caller's answers object is kept as it is: callers replace `vars`, never edit it in place.
      const { vt: _vt, ...plain } = head;
      cache.put(key, { raw, rows: next, count, vt, stored: { ...plain, state: { ...rest, vars: next } } as StoredSession<Record<string, unknown>> });
    },
  };
}

/** Parses a head row and, when its answers are kept in rows, reads them. */
async function load(ex: Executor, q: SessionQueries, key: string, raw: string): Promise<Cached> {
  const blob = JSON.parse(raw) as { value?: StoredSession<Record<string, unknown>> & { vt?: string } };
  const { vt, ...stored } = blob.value ?? ({} as StoredSession<Record<string, unknown>> & { vt?: string });
  if (vt === undefined) {
    // A head written before migration 0014: its answers are inline and no rows exist yet.
    return { raw, stored, rows: {}, count: 0, vt: undefined };
  }
  const list = await ex.all(q.vars, { session_key: key });
  // Built by one JSON.parse rather than key by key: V8 then gives the object a fast layout.
  const rows = JSON.parse(`{${list.map((r) => `${JSON.stringify(r.name)}:${r.value}`).join(',')}}`) as Record<string, Json>;
  return { raw, stored: { ...stored, state: { ...stored.state, vars: rows } }, rows, count: list.length, vt };
}

/**
 * A copy the caller may change without touching the cache: the state's position, stack and the
 * like are copied one level deep. The answers are not (see `Cached.rows`).
 */
function handOut(s: StoredSession<Record<string, unknown>>): StoredSession<Record<string, unknown>> {
  const state: Record<string, unknown> = {};
  for (const k in s.state) {
    const v = s.state[k];
    state[k] = k === 'vars' ? v : Array.isArray(v) ? v.slice() : v !== null && typeof v === 'object' ? { ...v } : v;
  }
  return { ...s, state };
}
