import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, auditHash, auditPoint, setAuditKey, verifyAudit, type AuditEntry } from '../../src/audit/audit-log.ts';
import { loadConfig } from '../../src/config.ts';
import { SqliteStore, type Store } from '../../src/storage/sqlite-store.ts';
import { backends, useStores, useStoresWithSql } from '../helpers/backends.ts';

/**
 * Issue 14, item 5: with database access, deleting the last rows and moving `audit_head`, raising
 * `purge_below` to hide today's rows, or rewriting a row and recomputing the later hashes all
 * passed `audit verify`. With AUDIT_SECRET the links and the head are keyed: each is caught.
 */
const KEY = 'k'.repeat(40);
const entry = (i: number): AuditEntry => ({ actor: 'officer:1', action: 'ticket.view', subject: `ticket:GRV-2026-${String(i).padStart(6, '0')}`, detail: { i }, at: new Date(Date.parse('2026-11-22T05:30:00.000Z') + i * 1000) });
const sqlite = backends.find((b) => b.name === 'sqlite')!;

beforeAll(() => setAuditKey(KEY));
afterAll(() => setAuditKey(undefined));

describe('the keyed audit chain (SQLite)', () => {
  const open = useStores(sqlite);
  async function fiveRows(): Promise<{ store: Store; sql: (s: string) => void }> {
    const { store } = await open();
    if (!(store instanceof SqliteStore)) throw new Error('expected SQLite');
    for (let i = 1; i <= 5; i++) await store.transaction((u) => appendAudit(u, entry(i)));
    store.connection.exec('drop trigger audit_log_no_update; drop trigger audit_log_no_delete');
    return { store, sql: (s) => void store.connection.exec(s) };
  }

  it('verifies an untouched keyed chain', async () => {
    const { store } = await fiveRows();
    expect(await verifyAudit(store)).toEqual({ ok: true, rows: 5, headSeq: 5 });
  });

  it('catches the last rows deleted and the head moved back to the row before', async () => {
    const { store, sql } = await fiveRows();
    const [row3] = await store.transaction((u) => u.audit.after(2, 1));
    sql(`delete from audit_log where seq > 3; update audit_head set seq = 3, hash = '${row3!.hash}' where id = 1`);
    expect(await verifyAudit(store)).toMatchObject({ ok: false, reason: 'the audit head (its last row or purge point) was moved without AUDIT_SECRET' });
  });

  it('catches the purge point raised to hide today’s rows', async () => {
    const { store, sql } = await fiveRows();
    const [row4] = await store.transaction((u) => u.audit.after(3, 1));
    sql(`delete from audit_log where seq <= 4; update audit_head set purge_below = 4, base_hash = '${row4!.hash}' where id = 1`);
    expect(await verifyAudit(store)).toMatchObject({ ok: false, reason: 'the audit head (its last row or purge point) was moved without AUDIT_SECRET' });
  });

  it('catches a row rewritten and every later hash recomputed without the key', async () => {
    const { store, sql } = await fiveRows();
    const rows = await store.transaction((u) => u.audit.after(0, 10));
    let prev = rows[1]!.hash;
    for (const r of rows.slice(2)) {
      const changed = r.seq === 3 ? { ...r, actor: 'officer:9' } : r;
      const hash = auditHash(prev, changed); // SHA-256: all a tamperer without the key can compute
      sql(`update audit_log set actor = '${changed.actor}', prev_hash = '${prev}', hash = '${hash}' where seq = ${r.seq}`);
      prev = hash;
    }
    sql(`update audit_head set hash = '${prev}' where id = 1`);
    expect(await verifyAudit(store)).toMatchObject({ ok: false });
    expect((await store.transaction(auditPoint)).keyedFrom).toBe(1);
  });

  it('without the key, keyed rows are not taken as verified', async () => {
    const { store } = await fiveRows();
    setAuditKey(undefined);
    try {
      expect(await verifyAudit(store)).toMatchObject({ ok: false, brokenSeq: 1, reason: 'rows from 1 on are keyed: set AUDIT_SECRET to verify them' });
    } finally {
      setAuditKey(KEY);
    }
  });
});

/**
 * The downgrade: with database access, set `keyed_from` and the head's MAC to NULL and rehash
 * every row from row 1 with plain SHA-256. The walk checked the MAC and the keyed links only when
 * `keyed_from` was set, so the forged chain (and any retention.purge row in it) passed as intact.
 */
for (const backend of backends) {
  describe.skipIf(backend.skip)(`the keyed chain downgraded to plain SHA-256 (${backend.name})`, () => {
    /** A store with raw SQL beside it (what someone with database access can do). */
    const openWithSql = useStoresWithSql(backend);

    it('keying starts when the store opens, and a removed key start is reported, not verified', async () => {
      const { store, sql, dropTriggers } = await openWithSql();
      // Opened with the key: keying has started before any row, and the head is sealed.
      expect(await store.transaction(auditPoint)).toMatchObject({ seq: 0, keyedFrom: 1, mac: expect.any(String) });
      for (let i = 1; i <= 5; i++) await store.transaction((u) => appendAudit(u, entry(i)));
      expect(await verifyAudit(store)).toEqual({ ok: true, rows: 5, headSeq: 5 });

      await dropTriggers();
      const rows = await store.transaction((u) => u.audit.after(0, 10));
      let prev = '0'.repeat(64);
      for (const r of rows) {
        const hash = auditHash(prev, r); // plain SHA-256: no key needed
        await sql(`update audit_log set prev_hash = '${prev}', hash = '${hash}' where seq = ${r.seq}`);
        prev = hash;
      }
      await sql(`update audit_head set hash = '${prev}', keyed_from = null, mac = null where id = 1`);

      expect(await verifyAudit(store)).toMatchObject({ ok: false, brokenSeq: 5, reason: expect.stringMatching(/^the audit log's key start was removed/) });
      // The next append does not start keying over the forged rows: the chain stays reported.
      await store.transaction((u) => appendAudit(u, entry(6)));
      expect((await store.transaction(auditPoint)).keyedFrom).toBeNull();
      expect(await verifyAudit(store)).toMatchObject({ ok: false, reason: expect.stringMatching(/^the audit log's key start was removed/) });
    });
  });
}

describe('a chain written before keying (SQLite)', () => {
  it('is keyed from its next row when first opened with the key, its older rows verified as SHA-256', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nivaran-keyed-'));
    const file = path.join(dir, 'db.sqlite');
    try {
      setAuditKey(undefined);
      const before = await SqliteStore.open(file);
      for (let i = 1; i <= 3; i++) await before.transaction((u) => appendAudit(u, entry(i)));
      // A database from before this version: the keying step has not run on it.
      before.connection.exec(`delete from kysely_migration where name = '0017-audit-keying'`);
      await before.close();
      setAuditKey(KEY);
      const store = await SqliteStore.open(file);
      try {
        expect(await store.transaction(auditPoint)).toMatchObject({ seq: 3, keyedFrom: 4, mac: expect.any(String) });
        expect(await verifyAudit(store)).toEqual({ ok: true, rows: 3, headSeq: 3 });
        await store.transaction((u) => appendAudit(u, entry(4)));
        expect(await verifyAudit(store)).toEqual({ ok: true, rows: 4, headSeq: 4 });
      } finally {
        await store.close();
      }
    } finally {
      setAuditKey(KEY);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('AUDIT_SECRET', () => {
  it('is required with DATABASE_URL, and the start-up error names it', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u@h/db', OTP_SECRET: 'o'.repeat(32), DESK_SECRET: 'd'.repeat(32) })).toThrow(/AUDIT_SECRET: is required when DATABASE_URL is set/);
  });
});
