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
  /** The session as last read or written; handed out as copies, except its answers when lent. */
  stored: StoredSession<Record<string, unknown>>;
  /** The answers as they are in `session_vars` (the same object as `stored.state.vars`). */
  rows: Record<string, Json>;
  vt: string | undefined;
  /**
   * The answers were lent (`get` with `lend`) and not given back by a `set`: the borrower may have
   * changed them, or its unit of work rolled back, so they no longer say what the rows hold.
   */
  lent: boolean;
}

/** What a writer changed in the answers (the engine's `Sprint.varsChange`). */
export interface VarsChange {
  reset: boolean;
  names: ReadonlySet<string>;
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
  /**
   * The session, or undefined. With `lend`, its answers object is the cached one itself, not a
   * copy: the caller may change it in place, and must then hand it back through `set` with the
   * names it changed (the router and the engine do so; a copy of 40 answers per message was the
   * cost that grew with a form's length).
   */
  get<S>(key: string, opts?: { lend?: boolean }): Promise<StoredSession<S> | undefined>;
  /**
   * Writes the head, and of the answers only those that changed: the ones named in `change`, or,
   * without it, those that are not the very values read. Call after `get` of the same key in the
   * same unit of work (as a read-modify-write does).
   */
  set<S>(key: string, value: StoredSession<S>, change?: VarsChange): Promise<void>;
}

export function createSessionRepository(ex: Executor, q: SessionQueries, cache: SessionCache): SessionRepository {
  const put = (key: string, name: string, value: Json) => ex.run(q.setVar, { session_key: key, name, value: JSON.stringify(value) });
  return {
    async get<S>(key: string, opts: { lend?: boolean } = {}) {
      const [row] = await ex.all(q.head, { key: NAMESPACE + key });
      if (!row) {
        cache.drop(key);
        return undefined;
      }
      let e = cache.get(key);
      if (!e || e.raw !== row.value || e.lent) {
        e = await load(ex, q, key, row.value);
        cache.put(key, e);
      }
      if (opts.lend) e.lent = true;
      return handOut(e.stored, opts.lend === true) as unknown as StoredSession<S>;
    },

    async set<S>(key: string, value: StoredSession<S>, change?: VarsChange) {
      const state = value.state as Record<string, unknown> & { vars?: Record<string, Json> };
      const e = cache.get(key);
      if (state.vars === undefined) {
        // A state without answers at all (not the engine's): kept whole in the head, as before.
        await ex.run(q.deleteVars, { session_key: key });
        const raw = JSON.stringify({ value });
        await ex.run(q.setHead, { key: NAMESPACE + key, value: raw });
        cache.put(key, { raw, rows: {}, vt: undefined, lent: false, stored: value as StoredSession<Record<string, unknown>> });
        return;
      }
      const next = state.vars;
      let changed = false;
      if (!e || e.vt === undefined) {
        // Not read in this unit of work (or dropped from the cache since), or read from a head
        // written before migration 0014: the rows are unknown or absent, so they are written whole.
        await ex.run(q.deleteVars, { session_key: key });
        for (const name in next) await put(key, name, next[name]!);
        changed = true;
      } else if (change?.reset) {
        await ex.run(q.deleteVars, { session_key: key });
        for (const name in next) await put(key, name, next[name]!);
        changed = true;
      } else if (change && e.rows === next) {
        // The lent answers, changed in place: the writer says which.
        for (const name of change.names) {
          if (name in next) await put(key, name, next[name]!);
          else await ex.run(q.deleteVar, { session_key: key, name });
          changed = true;
        }
      } else {
        // A new answers object: an answer that is the very value read is unchanged.
        const base = e.rows;
        for (const name in next) {
          if (base[name] !== next[name]) {
            await put(key, name, next[name]!);
            changed = true;
          }
        }
        for (const name in base) {
          if (!(name in next)) {
            await ex.run(q.deleteVar, { session_key: key, name });
            changed = true;
          }
        }
      }
      const vt = changed || !e?.vt ? cache.tag() : e.vt;
      // The head holds the state without its answers. `vars: undefined` rather than a rest
      // destructuring (`{ vars, ...rest }`), which V8 runs on a slow generic path at every message:
      // JSON.stringify leaves an undefined property out, so the text is the same.
      const live = value.live ? { live: value.live } : {};
      const raw = JSON.stringify({ value: { v: value.v, rev: value.rev, vt, state: { ...state, vars: undefined }, ...live } });
      await ex.run(q.setHead, { key: NAMESPACE + key, value: raw });
      // The answers object is kept as it is, not copied: the next `get` copies it or lends it.
      cache.put(key, { raw, rows: next, vt, lent: false, stored: { v: value.v, rev: value.rev, state: { ...state }, ...live } as StoredSession<Record<string, unknown>> });
    },
  };
}

/** Parses a head row and, when its answers are kept in rows, reads them. */
async function load(ex: Executor, q: SessionQueries, key: string, raw: string): Promise<Cached> {
  const blob = JSON.parse(raw) as { value?: StoredSession<Record<string, unknown>> & { vt?: string } };
  const { vt, ...stored } = blob.value ?? ({} as StoredSession<Record<string, unknown>> & { vt?: string });
  if (vt === undefined) {
    // A head written before migration 0014: its answers are inline and no rows exist yet.
    return { raw, stored, rows: {}, vt: undefined, lent: false };
  }
  const list = await ex.all(q.vars, { session_key: key });
  // Built by one JSON.parse rather than key by key: V8 then gives the object a fast layout.
  const rows = JSON.parse(`{${list.map((r) => `${JSON.stringify(r.name)}:${r.value}`).join(',')}}`) as Record<string, Json>;
  return { raw, stored: { ...stored, state: { ...stored.state, vars: rows } }, rows, vt, lent: false };
}

/**
 * A copy the caller may change without touching the cache: the state's position, stack and the
 * like are copied one level deep; its answers too, unless lent.
 */
function handOut(s: StoredSession<Record<string, unknown>>, lend: boolean): StoredSession<Record<string, unknown>> {
  // Copied whole first, then its objects replaced in place: writing each key into an empty object
  // made V8 build the object's layout key by key at every message.
  const state: Record<string, unknown> = { ...s.state };
  for (const k in state) {
    const v = state[k];
    if (v === null || typeof v !== 'object' || (k === 'vars' && lend)) continue;
    state[k] = Array.isArray(v) ? v.slice() : { ...v };
  }
  return { ...s, state };
}
