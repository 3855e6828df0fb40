import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { EvidenceFiles } from '../../src/files/evidence.ts';
import { DatabaseFileStore, DiskFileStore, sha256Of, type SweepHooks } from '../../src/files/file-store.ts';
import { SqliteStore, type Store } from '../../src/storage/sqlite-store.ts';
import { pgTestSchema, TEST_DATABASE_URL } from '../helpers/backends.ts';
import { FakeClock, startHarness, type Harness } from '../helpers/harness.ts';

/**
 * The disk file store's sweep removes bytes only after the commit that removed their last row,
 * and never bytes that a new upload of the same content relies on (content-addressed storage).
 * Interleavings are driven by the sweep's hook and by wrapping the store: no sleeps.
 */
const START = '2026-11-23T05:30:00.000Z';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');

describe('the disk file store’s sweep', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function setup(hooks: SweepHooks = {}) {
    h = await startHarness({ clock: new FakeClock(START) });
    const app = h.app;
    const files = new DiskFileStore(path.join(h.dataDir, 'files'), h.clock.now, hooks);
    const evidenceOn = (store: Store) => new EvidenceFiles({ store, files, maxBytes: 1_000_000, clock: h!.clock.now, departments: app.content.departments });
    const onDisk = path.join(h.dataDir, 'files', sha256Of(PNG).slice(0, 2), sha256Of(PNG));
    if (!(app.store instanceof SqliteStore)) throw new Error('the disk store runs on SQLite');
    const db = app.store.connection;
    const blobRows = () => (db.prepare('select count(*) as n from file_blobs').get() as { n: number }).n;
    return { app, files, evidence: evidenceOn(app.store), evidenceOn, onDisk, blobRows };
  }

  /** A store whose commit fails after the work ran: every write of the work rolls back. */
  const failingCommit = (store: Store): Store => ({
    transaction: (work) => store.transaction(async (uow) => {
      await work(uow);
      throw new Error('commit failed');
    }),
    close: () => store.close(),
  });

  it('keeps the bytes when the sweep’s transaction fails to commit', async () => {
    const { app, files, evidence, evidenceOn, onDisk, blobRows } = await setup();
    // Bytes no evidence row refers to (their file erased, say).
    const { sha256 } = await app.store.transaction((uow) => files.put(PNG, uow));
    await expect(evidenceOn(failingCommit(app.store)).sweep()).rejects.toThrow('commit failed');
    // The blob's row is back, and so must its bytes be.
    expect(blobRows()).toBe(1);
    expect(fs.existsSync(onDisk)).toBe(true);
    expect(await app.store.transaction((uow) => evidence.bytesOf(uow, sha256))).toEqual(PNG);

    // A sweep that commits removes row and bytes.
    expect(await evidence.sweep()).toBe(1);
    expect(blobRows()).toBe(0);
    expect(fs.existsSync(onDisk)).toBe(false);
  });

  it('bytes no row names (a crash between the sweep’s two steps, a rolled-back upload) go once they are a day old', async () => {
    const { app, files, evidence, onDisk } = await setup();
    // A crash after the sweep committed, before it removed the bytes: the row is gone, the file stays.
    const { sha256 } = await app.store.transaction((uow) => files.put(PNG, uow));
    (app.store as SqliteStore).connection.prepare('delete from file_blobs where sha256 = ?').run(sha256);
    // And an upload that died half-way through writing its file.
    const tmp = `${onDisk}.a1b2c3.tmp`;
    fs.writeFileSync(tmp, PNG.subarray(0, 10));
    // Young files are left: one may be an upload whose row is not committed yet.
    expect(await evidence.sweep()).toBe(0);
    expect(fs.existsSync(onDisk)).toBe(true);
    // A day later (file times set by the test's clock, not the machine's).
    h!.clock.advance(25 * 3_600_000);
    const dayOld = new Date(h!.clock.now().getTime() - 24.5 * 3_600_000);
    for (const f of [onDisk, tmp]) fs.utimesSync(f, dayOld, dayOld);
    expect(await evidence.sweep()).toBe(1);
    expect(fs.existsSync(onDisk)).toBe(false);
    expect(fs.existsSync(tmp)).toBe(false);
    // Bytes still named (a row, or evidence) are never removed, however old.
    const kept = await evidence.add({ conversationKey: 'console:asha', ticketId: null, bytes: PNG, addedBy: 'citizen', channel: 'console', messageId: 'm1' });
    fs.utimesSync(onDisk, dayOld, dayOld);
    h!.clock.advance(25 * 3_600_000);
    expect(await evidence.sweep()).toBe(0);
    expect(await app.store.transaction((uow) => evidence.bytesOf(uow, kept.sha256))).toEqual(PNG);
  });

  it('an erasure whose commit fails keeps the file and its bytes; they go with the sweep after one that commits', async () => {
    const { app, evidence, onDisk, blobRows } = await setup();
    const row = await evidence.add({ conversationKey: 'console:asha', ticketId: null, bytes: PNG, addedBy: 'citizen', channel: 'console', messageId: 'm1' });
    await expect(failingCommit(app.store).transaction((uow) => evidence.erase(uow, 'console:asha'))).rejects.toThrow('commit failed');
    expect(fs.existsSync(onDisk)).toBe(true);
    expect(await app.store.transaction((uow) => evidence.bytesOf(uow, row.sha256))).toEqual(PNG);
    expect(await evidence.sweep()).toBe(0);

    expect(await app.store.transaction((uow) => evidence.erase(uow, 'console:asha'))).toBe(1);
    expect(await evidence.sweep()).toBe(1);
    expect(blobRows()).toBe(0);
    expect(fs.existsSync(onDisk)).toBe(false);
  });

  it('keeps the bytes of the same content uploaded again between the sweep’s commit and the removal', async () => {
    let reupload: () => Promise<void> = async () => {};
    const { app, evidence, onDisk, blobRows } = await setup({ afterCommit: () => reupload() });
    await evidence.add({ conversationKey: 'console:asha', ticketId: null, bytes: PNG, addedBy: 'citizen', channel: 'console', messageId: 'm1' });
    await app.store.transaction((uow) => evidence.erase(uow, 'console:asha'));
    let again: { id: number; sha256: string } | undefined;
    reupload = async () => {
      // Ravi sends the very same photo: his put finds the bytes still on disk and keeps them.
      again = await evidence.add({ conversationKey: 'console:ravi', ticketId: null, bytes: PNG, addedBy: 'citizen', channel: 'console', messageId: 'm2' });
    };
    expect(await evidence.sweep()).toBe(1);
    expect(again).toBeDefined();
    expect(blobRows()).toBe(1);
    expect(fs.existsSync(onDisk)).toBe(true);
    expect(await app.store.transaction((uow) => evidence.bytesOf(uow, again!.sha256))).toEqual(PNG);
    // Ravi's file is referenced: a later sweep leaves it.
    reupload = async () => {};
    expect(await evidence.sweep()).toBe(0);
    expect(fs.existsSync(onDisk)).toBe(true);
  });
});

describe.skipIf(!TEST_DATABASE_URL)('the database file store’s sweep on PostgreSQL, beside an upload on another instance', () => {
  let h: Harness | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await h?.close();
    await drop?.();
    h = undefined;
    drop = undefined;
  });

  it('does not delete a blob that an upload still in its transaction has just reused', async () => {
    const schema = await pgTestSchema();
    drop = schema.drop;
    h = await startHarness({ clock: new FakeClock(START), env: { DATABASE_URL: schema.url } });
    const app = h.app;
    const key = (c: string) => `console:${c}`;
    // A blob no evidence row refers to (its file erased, say): a candidate for the sweep.
    await app.store.transaction((uow) => new DatabaseFileStore(h!.clock.now).put(PNG, uow));

    // Ravi uploads the same photo; his transaction stays open until `release`.
    let opened!: () => void;
    let release!: () => void;
    const isOpen = new Promise<void>((r) => (opened = r));
    const gate = new Promise<void>((r) => (release = r));
    const upload = app.store.transaction(async (uow) => {
      const row = await app.evidence.add({ conversationKey: key('ravi'), ticketId: null, bytes: PNG, addedBy: 'citizen', channel: 'console', messageId: 'm2' }, uow);
      opened();
      await gate;
      return row;
    });
    await isOpen;
    const sweep = app.evidence.sweep();
    // Until the sweep either finishes or waits for the upload's lock on the blob (no sleep: the wait is read from pg_locks).
    let settled = false;
    void sweep.then(() => (settled = true), () => (settled = true));
    while (!settled && Number((await schema.query("select count(*) as n from pg_locks where locktype = 'advisory' and not granted"))[0]?.n) === 0) {
      await new Promise((r) => setImmediate(r));
    }
    release();
    const row = await upload;
    expect(await sweep).toBe(0);
    expect(await app.store.transaction((uow) => app.evidence.bytesOf(uow, row.sha256))).toEqual(PNG);
    // Once Ravi's file is erased too, the sweep takes the blob.
    await app.store.transaction((uow) => app.evidence.erase(uow, key('ravi')));
    expect(await app.evidence.sweep()).toBe(1);
    expect(await app.store.transaction((uow) => app.evidence.bytesOf(uow, row.sha256))).toBeUndefined();
  });
});

describe('the daily walk for bytes no row names', () => {
  it('reaches a stray however many named files sort before it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nivaran-strays-'));
    const store = await SqliteStore.open(path.join(dir, 'db.sqlite'));
    try {
      let now = Date.parse(START);
      const files = new DiskFileStore(path.join(dir, 'files'), () => new Date(now));
      // A stray whose name sorts last, behind 600 files evidence still names (more than a walk's batch).
      let stray: Buffer;
      do stray = randomBytes(32); while (!sha256Of(stray).startsWith('ff'));
      const named: Buffer[] = [];
      while (named.length < 600) {
        const b = randomBytes(32);
        if (sha256Of(b) < 'ff') named.push(b);
      }
      await store.transaction(async (uow) => {
        for (const b of [...named, stray]) await files.put(b, uow);
      });
      const db = store.connection;
      const add = db.prepare("insert into evidence_files (conversation_key, ticket_id, sha256, mime, size, added_by, channel, message_id, created_at) values ('console:x', null, ?, 'image/png', 32, 'citizen', 'console', null, ?)");
      for (const b of named) add.run(sha256Of(b), START);
      // The crash between the sweep's two steps: the stray's row gone, its bytes on disk.
      db.prepare('delete from file_blobs where sha256 = ?').run(sha256Of(stray));
      const onDisk = (b: Buffer) => path.join(dir, 'files', sha256Of(b).slice(0, 2), sha256Of(b));
      const old = new Date(now - 3 * 86_400_000);
      for (const b of [...named, stray]) fs.utimesSync(onDisk(b), old, old);
      expect(await files.sweep(store)).toBe(1);
      expect(fs.existsSync(onDisk(stray))).toBe(false);
      expect(named.every((b) => fs.existsSync(onDisk(b)))).toBe(true);
      now += 86_400_001;
      expect(await files.sweep(store)).toBe(0);
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
