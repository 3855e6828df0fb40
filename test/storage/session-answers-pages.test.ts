import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/storage/sqlite-store.ts';
import type { StoredSession } from '../../src/storage/unit-of-work.ts';

/**
 * The claim behind the answers log (migration 0019): a message that adds one answer costs the same
 * page work whatever the number of answers its session keeps. Counted, not timed: the pages one
 * answer added to each of 500 sessions writes to the WAL, apart from the heads' table, with 2 and
 * with 40 answers per session. With the answers clustered by conversation (0014), each deep
 * session's answer landed on a page of its own (about 500 pages against about 20).
 */

const SESSIONS = 500;
interface State {
  lang: string;
  at: { flow: string; step: string };
  status: 'waiting';
  vars: Record<string, unknown>;
  stack: unknown[];
}
const keyOf = (i: number) => `telegram:${100000 + i}`;
const session = (answers: number): StoredSession<State> => ({
  v: 1,
  rev: 1,
  state: {
    lang: 'hi', at: { flow: 'long', step: `q${answers + 1}` }, status: 'waiting', stack: [],
    vars: Object.fromEntries(Array.from({ length: answers }, (_, k) => [`a${k + 1}`, `answer number ${k + 1} from the citizen`])),
  },
});

/** Pages written to the WAL since it was emptied, by the table or index they belong to. */
function walPagesByTable(store: SqliteStore): Map<string, number> {
  const db = store.connection;
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const wal = fs.readFileSync(`${db.name}-wal`);
  const pages = new Set<number>();
  // A 32-byte file header, then frames: a 24-byte header (the page number first) and the page.
  for (let off = 32; off + 24 <= wal.length; off += pageSize + 24) pages.add(wal.readUInt32BE(off));
  const byTable = new Map<string, number>();
  for (const r of db.prepare('select name, pageno from dbstat').all() as Array<{ name: string; pageno: number }>) {
    if (pages.has(r.pageno)) byTable.set(r.name, (byTable.get(r.name) ?? 0) + 1);
  }
  return byTable;
}

describe('the answers log on SQLite: page work per answer', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  /** Sessions of `answers` answers each; then one more answer to each, as the router writes it. */
  async function pagesForOneMoreAnswer(answers: number): Promise<{ answers: number; headBytes: number }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nivaran-pages-'));
    dirs.push(dir);
    const store = await SqliteStore.open(path.join(dir, 'db.sqlite'));
    try {
      await Promise.all(Array.from({ length: SESSIONS }, (_, i) => store.transaction((u) => u.sessions.set(keyOf(i), session(answers)))));
      store.connection.pragma('wal_checkpoint(TRUNCATE)');
      expect(fs.statSync(`${store.connection.name}-wal`).size).toBe(0);
      // All at once, so they share group commits as a turn of messages does.
      await Promise.all(Array.from({ length: SESSIONS }, (_, i) => store.transaction(async (u) => {
        const s = (await u.sessions.get<State>(keyOf(i), { lend: true }))!;
        s.state.vars[`a${answers + 1}`] = `answer number ${answers + 1} from the citizen`;
        await u.sessions.set(keyOf(i), { ...s, rev: s.rev + 1 }, { reset: false, names: new Set([`a${answers + 1}`]) });
      })));
      const byTable = walPagesByTable(store);
      let rest = 0;
      for (const [name, n] of byTable) if (name !== 'keyv' && !name.startsWith('sqlite_autoindex_keyv') && name !== 'sqlite_schema') rest += n;
      const { bytes } = store.connection.prepare("select avg(length(value)) as bytes from keyv where key like 'session:%'").get() as { bytes: number };
      return { answers: rest, headBytes: bytes };
    } finally {
      await store.close();
    }
  }

  it('adding one answer to each of 500 sessions writes as many answer pages with 40 answers kept as with 2', async () => {
    const shallow = await pagesForOneMoreAnswer(2);
    const deep = await pagesForOneMoreAnswer(40);
    // 500 rows of about 60 bytes: a dozen pages, at the end of the log, in both cases.
    expect(shallow.answers).toBeLessThanOrEqual(20);
    expect(deep.answers).toBeLessThanOrEqual(shallow.answers + 2);
    // The head lists its rows' ids: a few bytes per answer, not the answers (about 40 bytes each).
    expect(deep.headBytes - shallow.headBytes).toBeLessThanOrEqual(38 * 6);
  }, 120_000);
});
