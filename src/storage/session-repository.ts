import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Json } from '../engine/session.ts';
import type { Dialect } from './db.ts';
import { prepare, type Executor } from './prepared.ts';
import type { Database } from './schema.ts';

/**
 * Where a conversation's session lives, in two parts:
 * - the head, a small JSON row in `keyv` under `session:<conversation key>` (the format keyv
 *   itself writes, `{"value": …}`, so the quality report's scan of waiting sessions reads it as
 *   before), which lists the ids of its answers' rows (`a`: base 36, comma-separated);
 * - the answers (`state.vars`), one row each in `session_answers` (migration 0019), an
 *   append-only log: a changed answer is a new row, and the row it replaces is deleted.
 *
 * Why: when the whole session was one JSON blob, every message re-serialised, re-parsed and
 * rewrote every answer kept so far, and a 40-answer form cost 2.35× a 2-answer one per message.
 * With the answers clustered by conversation (0014), a message wrote only what changed, but into
 * its conversation's own pages: 500 messages at question 40 dirtied about 290 answer pages where
 * 500 at question 2 shared 30. In the log a new answer always goes to the table's last page, so a
 * message costs the same page work at question 40 as at question 2 (docs/performance.md). The
 * head grows by a few bytes per answer (its id), not by the answer.
 *
 * The cache (answers, and name → row id so a write needs no read) is safe across processes and
 * rollbacks: each write that changes answers stamps the head with a tag never used before (`vt`),
 * and a cached entry is used only when the head row read from the database, inside the caller's
 * transaction, is byte for byte the one it was cached with. A write rolled back, or one made by
 * another process or instance, leaves a different head in the database, and the answers are then
 * read from their rows. (The ids alone would not do: SQLite hands a rolled-back insert's rowid
 * out again, so another writer's head could list the same ids for other answers.)
 */
export function compileSessionQueries(db: Kysely<Database>, dialect: Dialect) {
  const head = db.selectFrom('keyv').select('value');
  const answers = db.selectFrom('session_answers').select(['id', 'name', 'value']);
  // The ids go as one parameter: a JSON array on SQLite, an int8 array on PostgreSQL.
  const inIds = (ids: unknown) => dialect === 'postgres'
    ? sql<boolean>`id = any(${ids}::int8[])`
    : sql<boolean>`id in (select value from json_each(${ids}))`;
  const insert = (p: { session_key: string; name: string; value: string }) =>
    db.insertInto('session_answers').values({ session_key: p.session_key, name: p.name, value: p.value });
  return {
    dialect,
    // FOR UPDATE (PostgreSQL): a session is read to be written back in the same transaction; the
    // row lock makes a concurrent writer wait for this commit instead of overwriting it.
    head: prepare<{ key: string }, { value: string }>((p) =>
      dialect === 'postgres' ? head.where('key', '=', p.key).forUpdate() : head.where('key', '=', p.key)),
    setHead: prepare<{ key: string; value: string }, never>((p) =>
      db.insertInto('keyv').values({ key: p.key, value: p.value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: (eb) => eb.ref('excluded.value') }))),
    answers: prepare<{ ids: string | number[] }, { id: number; name: string; value: string }>((p) => answers.where(inIds(p.ids))),
    /** SQLite: the new id is the run's `lastId`. */
    addAnswer: prepare<{ session_key: string; name: string; value: string }, never>((p) => insert(p)),
    /** PostgreSQL: the new id from RETURNING. */
    addAnswerReturning: prepare<{ session_key: string; name: string; value: string }, { id: number }>((p) => insert(p).returning('id')),
    deleteAnswer: prepare<{ id: number }, never>((p) => db.deleteFrom('session_answers').where('id', '=', p.id)),
    deleteAnswers: prepare<{ ids: string | number[] }, never>((p) => db.deleteFrom('session_answers').where(inIds(p.ids))),
    deleteHead: prepare<{ key: string }, never>((p) => db.deleteFrom('keyv').where('key', '=', p.key)),
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
  /** The answers as they are in `session_answers` (the same object as `stored.state.vars`). */
  rows: Record<string, Json>;
  /** Each answer's row id, base 36, in the order the head lists them. */
  ids: Map<string, string>;
  /** The head's list of ids (`a`), as written. */
  list: string;
  vt: string | undefined;
  /**
   * The answers were lent (`get` with `lend`) and not given back by a `set`, or a `set` is under
   * way: the borrower may have changed them, or its unit of work rolled back, so they no longer
   * say what the rows hold.
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
  /** Forgets the session: its head and every answer row it lists (the retention purge of idle chats). */
  delete(key: string): Promise<void>;
}

export function createSessionRepository(ex: Executor, q: SessionQueries, cache: SessionCache): SessionRepository {
  /** Inserts an answer's row; its id, base 36. */
  const add = async (key: string, name: string, value: Json): Promise<string> => {
    const row = { session_key: key, name, value: JSON.stringify(value) };
    const id = q.dialect === 'postgres' ? (await ex.all(q.addAnswerReturning, row))[0]?.id : (await ex.run(q.addAnswer, row)).lastId;
    if (id === undefined) throw new Error('session_answers: the insert returned no id');
    return id.toString(36);
  };
  const drop = (id: string) => ex.run(q.deleteAnswer, { id: parseInt(id, 36) });
  const dropAll = async (ids: Iterable<string>) => {
    const list = Array.from(ids, (id) => parseInt(id, 36));
    if (list.length > 0) await ex.run(q.deleteAnswers, { ids: q.dialect === 'postgres' ? list : JSON.stringify(list) });
  };
  /**
   * The ids the stored head lists, for a write that has no cached entry to go by (the entry was
   * dropped from the cache since the read): every one of them is to be replaced.
   */
  const storedIds = async (key: string): Promise<string[]> => {
    const [row] = await ex.all(q.head, { key: NAMESPACE + key });
    if (!row) return [];
    const a = parseHead(row.value).a;
    return a ? a.split(',') : [];
  };
  return {
    async get<S>(key: string, opts: { lend?: boolean } = {}) {
      const [row] = await ex.all(q.head, { key: NAMESPACE + key });
      if (!row) {
        cache.drop(key);
        return undefined;
      }
      let e = cache.get(key);
      if (!e || e.raw !== row.value || e.lent) {
        e = await load(ex, q, row.value);
        cache.put(key, e);
      }
      if (opts.lend) e.lent = true;
      return handOut(e.stored, opts.lend === true) as unknown as StoredSession<S>;
    },

    async delete(key: string) {
      // Dropped first: should this unit of work roll back, the next read goes to the rows.
      cache.drop(key);
      await dropAll(await storedIds(key));
      await ex.run(q.deleteHead, { key: NAMESPACE + key });
    },

    async set<S>(key: string, value: StoredSession<S>, change?: VarsChange) {
      const state = value.state as Record<string, unknown> & { vars?: Record<string, Json> };
      const e = cache.get(key);
      // Its ids are changed in place below: should a statement fail half-way, the next read must
      // go to the rows, not to this entry.
      if (e) e.lent = true;
      if (state.vars === undefined) {
        // A state without answers at all (not the engine's): kept whole in the head, as before.
        await dropAll(e ? e.ids.values() : await storedIds(key));
        const raw = JSON.stringify({ value });
        await ex.run(q.setHead, { key: NAMESPACE + key, value: raw });
        cache.put(key, { raw, rows: {}, ids: new Map(), list: '', vt: undefined, lent: false, stored: value as StoredSession<Record<string, unknown>> });
        return;
      }
      const next = state.vars;
      let ids: Map<string, string>;
      let changed = false;
      // Ids only appended (new answers, the usual message): the head's list grows by them,
      // rather than being joined anew from every id at every message.
      let appended: string[] | undefined;
      if (!e || e.vt === undefined || change?.reset) {
        // A reset; or not read in this unit of work (dropped from the cache since), or read from a
        // head written before migration 0014, whose answers are inline: every row the stored head
        // lists goes, and the answers are written whole.
        await dropAll(e ? e.ids.values() : await storedIds(key));
        ids = new Map();
        for (const name in next) ids.set(name, await add(key, name, next[name]!));
        changed = true;
      } else if (change && e.rows === next) {
        // The lent answers, changed in place: the writer says which.
        ids = e.ids;
        appended = [];
        for (const name of change.names) {
          const old = ids.get(name);
          if (name in next) {
            const id = await add(key, name, next[name]!);
            ids.set(name, id);
            if (old === undefined) appended?.push(id);
            else {
              await drop(old);
              appended = undefined;
            }
          } else if (old !== undefined) {
            await drop(old);
            ids.delete(name);
            appended = undefined;
          }
          changed = true;
        }
      } else {
        // A new answers object: an answer that is the very value read is unchanged.
        const base = e.rows;
        ids = e.ids;
        for (const name in next) {
          if (base[name] !== next[name]) {
            const old = ids.get(name);
            ids.set(name, await add(key, name, next[name]!));
            if (old !== undefined) await drop(old);
            changed = true;
          }
        }
        for (const name in base) {
          if (!(name in next)) {
            const old = ids.get(name);
            if (old !== undefined) await drop(old);
            ids.delete(name);
            changed = true;
          }
        }
      }
      const vt = changed || !e?.vt ? cache.tag() : e.vt;
      const list = !changed && e ? e.list
        : appended && e ? [e.list, ...appended].filter(Boolean).join(',')
          : Array.from(ids.values()).join(',');
      // The head holds the state without its answers. `vars: undefined` rather than a rest
      // destructuring (`{ vars, ...rest }`), which V8 runs on a slow generic path at every message:
      // JSON.stringify leaves an undefined property out, so the text is the same.
      const live = value.live ? { live: value.live } : {};
      const raw = JSON.stringify({ value: { v: value.v, rev: value.rev, vt, a: list, state: { ...state, vars: undefined }, ...live } });
      await ex.run(q.setHead, { key: NAMESPACE + key, value: raw });
      // The answers object is kept as it is, not copied: the next `get` copies it or lends it.
      cache.put(key, { raw, rows: next, ids, list, vt, lent: false, stored: { v: value.v, rev: value.rev, state: { ...state }, ...live } as StoredSession<Record<string, unknown>> });
    },
  };
}

type Head = StoredSession<Record<string, unknown>> & { vt?: string; a?: string };

function parseHead(raw: string): Head {
  const blob = JSON.parse(raw) as { value?: Head };
  return blob.value ?? ({} as Head);
}

/** Parses a head row and, when its answers are kept in rows, reads them. */
async function load(ex: Executor, q: SessionQueries, raw: string): Promise<Cached> {
  const { vt, a, ...stored } = parseHead(raw);
  if (vt === undefined) {
    // A head written before migration 0014: its answers are inline and no rows exist yet.
    return { raw, stored, rows: {}, ids: new Map(), list: '', vt: undefined, lent: false };
  }
  // A head written between 0014 and 0019 has no `a`: migration 0019 gave every one its list.
  const order = a ? a.split(',') : [];
  const found = order.length === 0 ? [] : await ex.all(q.answers, {
    ids: q.dialect === 'postgres' ? order.map((id) => parseInt(id, 36)) : `[${order.map((id) => parseInt(id, 36)).join(',')}]`,
  });
  const byId = new Map(found.map((r) => [Number(r.id).toString(36), r]));
  // In the head's order, so the answers come back in the order they were written.
  const ids = new Map<string, string>();
  const parts: string[] = [];
  for (const id of order) {
    const r = byId.get(id);
    if (!r) continue;
    ids.set(r.name, id);
    parts.push(`${JSON.stringify(r.name)}:${r.value}`);
  }
  // Built by one JSON.parse rather than key by key: V8 then gives the object a fast layout.
  const rows = JSON.parse(`{${parts.join(',')}}`) as Record<string, Json>;
  const list = ids.size === order.length ? (a ?? '') : Array.from(ids.values()).join(',');
  return { raw, stored: { ...stored, state: { ...stored.state, vars: rows } }, rows, ids, list, vt, lent: false };
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
