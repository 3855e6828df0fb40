import { sql, type Kysely } from 'kysely';
import { inTransaction } from './columns.ts';
import type { Dialect } from '../db.ts';

/**
 * A conversation's answers move from `session_vars` (0014: one row per answer, clustered by
 * conversation) to `session_answers`, an append-only log: one row per answer, keyed by an
 * increasing id, with no other index. The session's head lists the ids of its live rows
 * (`SessionRepository`).
 *
 * Why: clustered by conversation, a deep session's 40 answers filled a page or two of their own,
 * so in a group commit of hundreds of conversations each one-answer write dirtied a different
 * page, and a message at question 40 wrote about three times the WAL pages of one at question 2
 * (docs/performance.md, "Depth"). A new id is always the largest, so on SQLite every insert
 * lands on the table's last page, whatever the number of sessions or answers.
 *
 * Existing sessions: each head written since 0014 gets the ids of its rows, copied here in name
 * order; heads written before 0014 (answers inline) are left as they are, read as they are and
 * split at their next write. Rows no head refers to are not copied. Then `session_vars` goes.
 */
export function migration0019(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect === 'postgres') {
        // Kysely runs the PostgreSQL migrations in a transaction already.
        await move(db, dialect);
        return;
      }
      // …and the SQLite ones outside any: this one takes its own, so a crash half-way leaves the
      // sessions as they were.
      await inTransaction(db, (trx) => move(trx, dialect));
    },
  };
}

/** Heads read per query: the whole keyv table is never held in memory at once. */
const PAGE = 500;

async function move(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await (dialect === 'postgres'
    ? sql`create table session_answers (id bigserial primary key, session_key text not null, name text not null, value text not null)`
    // INTEGER PRIMARY KEY: the id is the rowid, the table's one B-tree. `session_key` is never
    // read on the message path (it goes by id); it says whose answer a row is, for an operator,
    // an erasure check or a sweep for rows no head lists. It has no index, which would cluster
    // the rows by conversation again.
    : sql`create table session_answers (id integer primary key, session_key text not null, name text not null, value text not null)`
  ).execute(db);
  let after = '';
  for (;;) {
    // `session:~…` are one-time codes and lock-outs (`UnitOfWork.ephemeral`), not sessions. Paged
    // by key (the primary key's order, whatever PostgreSQL's collation), filtered by prefix.
    const { rows: heads } = await sql<{ key: string; value: string }>`
      select key, value from keyv where key > ${after} and key like 'session:%' and key not like 'session:~%'
      order by key limit ${PAGE}`.execute(db);
    if (heads.length === 0) break;
    after = heads[heads.length - 1]!.key;
    for (const head of heads) {
      const blob = parseHead(head.value);
      // Before 0014 (no `vt`) the answers are still inline; `a` present: already moved.
      if (!blob || blob.value.vt === undefined || blob.value.a !== undefined) continue;
      const conversation = head.key.slice('session:'.length);
      const { rows } = await sql<{ id: number | string }>`
        insert into session_answers (session_key, name, value)
        select session_key, name, value from session_vars where session_key = ${conversation} order by name
        returning id`.execute(db);
      const ids = rows.map((r) => Number(r.id)).sort((x, y) => x - y);
      // The head's fields in the order the repository writes them, `a` after `vt`.
      const { v, rev, vt, state, ...rest } = blob.value;
      const value = JSON.stringify({ ...blob, value: { v, rev, vt, a: ids.map((id) => id.toString(36)).join(','), state, ...rest } });
      await sql`update keyv set value = ${value} where key = ${head.key}`.execute(db);
    }
  }
  await sql`drop table session_vars`.execute(db);
}

interface Head {
  value: { v?: unknown; rev?: unknown; vt?: string; a?: string; state?: unknown; [k: string]: unknown };
  [k: string]: unknown;
}

function parseHead(text: string): Head | undefined {
  try {
    const blob = JSON.parse(text) as unknown;
    if (blob === null || typeof blob !== 'object') return undefined;
    const value = (blob as { value?: unknown }).value;
    return value !== null && typeof value === 'object' ? (blob as Head) : undefined;
  } catch {
    // Not a session the repository wrote; it reads it as it would have before.
    return undefined;
  }
}
