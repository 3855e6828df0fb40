import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { featureQueries } from '../storage/feature-queries.ts';
import { prepare } from '../storage/prepared.ts';
import type { Store } from '../storage/sqlite-store.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';

/**
 * Where evidence files' bytes live, by content: the key is their SHA-256, so the same file sent
 * twice is kept once. One small interface, so an object store could implement it later.
 * `put` runs in the unit of work that records the file: never a record without its bytes. On
 * disk, bytes written by a unit of work that then rolled back stay unreferenced (harmless; the
 * same file sent again reuses them).
 */
export interface FileStore {
  readonly kind: 'disk' | 'database';
  put(bytes: Uint8Array, uow?: UnitOfWork): Promise<{ sha256: string; size: number }>;
  get(sha256: string, uow: UnitOfWork): Promise<Buffer | undefined>;
  /**
   * Removes blobs that no evidence row references any more (after erasure or retention), at most
   * SWEEP_BATCH a call; returns how many. It runs its own units of work, never the caller's: bytes
   * may only go once the removal of their last reference is committed (see DiskFileStore.sweep).
   */
  sweep(store: Pick<Store, 'transaction'>): Promise<number>;
}

/** Blobs a sweep removes at most per call (a caller loops while it gets this many). */
export const SWEEP_BATCH = 500;

/** The store the configuration asks for: in the database with DATABASE_URL, else under DATA_DIR/files. */
export function fileStoreFor(config: { databaseUrl?: string | undefined; dataDir: string }, clock: () => Date): FileStore {
  return config.databaseUrl ? new DatabaseFileStore(clock) : new DiskFileStore(path.join(config.dataDir, 'files'), clock);
}

export const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const queries = featureQueries((db) => ({
  putBlob: prepare<{ sha256: string; size: number; bytes: Uint8Array | null; at: string }, never>((p) =>
    db.insertInto('file_blobs').values({ sha256: p.sha256, size: p.size, bytes: p.bytes, created_at: p.at }).onConflict((oc) => oc.column('sha256').doNothing())),
  getBlob: prepare<{ sha256: string }, { bytes: Uint8Array | null }>((p) => db.selectFrom('file_blobs').select('bytes').where('sha256', '=', p.sha256)),
  unreferenced: prepare<{ limit: number }, { sha256: string }>((p) =>
    db.selectFrom('file_blobs').select('sha256')
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('evidence_files').select('id').whereRef('evidence_files.sha256', '=', 'file_blobs.sha256'))))
      .limit(p.limit)),
  /** Deletes the blob's row only while no evidence row refers to it (re-checked under the blob's lock). */
  deleteIfUnreferenced: prepare<{ sha256: string }, never>((p) =>
    db.deleteFrom('file_blobs').where('sha256', '=', p.sha256)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('evidence_files').select('id').where('evidence_files.sha256', '=', p.sha256))))),
  /** Anything still naming the blob: its row (every put writes one) or an evidence row. */
  referenced: prepare<{ sha256: string }, { n: number }>((p) =>
    db.selectFrom('file_blobs').select((eb) => eb.lit(1).as('n')).where('sha256', '=', p.sha256)
      .unionAll(db.selectFrom('evidence_files').select((eb) => eb.lit(1).as('n')).where('sha256', '=', p.sha256))
      .limit(1)),
  /** PostgreSQL only: the blob's advisory lock, held to the end of the transaction. */
  lockBlob: prepare<{ key: string }, { locked: unknown }>((p) => db.selectNoFrom(sql<unknown>`pg_advisory_xact_lock(hashtext(current_schema() || ':' || ${p.key}))`.as('locked'))),
}));

/**
 * Serialises, per blob, a put (which may reuse bytes already there) and a sweep's removal, until
 * the end of their units of work. On PostgreSQL an advisory lock, shared by every instance; on
 * SQLite nothing is needed: its one connection runs units of work one at a time, each to its end.
 */
async function lockBlob(uow: UnitOfWork, sha256: string): Promise<void> {
  if (uow.dialect === 'postgres') await uow.exec.all(queries(uow.dialect).lockBlob, { key: `blob:${sha256}` });
}

/**
 * Deletes the rows of blobs no evidence row refers to (at most SWEEP_BATCH); returns their hashes.
 * Another instance may be uploading the same content meanwhile: its put found the row and wrote
 * none, and its evidence row is not yet committed. So each candidate is deleted under the blob's
 * lock (which that put holds to its commit), by a statement that checks again for evidence rows
 * (on PostgreSQL a new snapshot, after the wait). Locks are taken in hash order, so two sweeps
 * cannot deadlock.
 */
async function deleteUnreferencedRows(uow: UnitOfWork): Promise<string[]> {
  const q = queries(uow.dialect);
  const candidates = (await uow.exec.all(q.unreferenced, { limit: SWEEP_BATCH })).map((r) => r.sha256).sort();
  const deleted: string[] = [];
  for (const sha256 of candidates) {
    await lockBlob(uow, sha256);
    if ((await uow.exec.run(q.deleteIfUnreferenced, { sha256 })).changes === 1) deleted.push(sha256);
  }
  return deleted;
}

/** A file on disk no row names is removed only past this age, and the folder is walked at most this often. */
const STRAY_AGE_MS = 86_400_000;

/** Test seams: where a sweep may be interleaved with other work, deterministically. */
export interface SweepHooks {
  /** After the sweep's rows are committed, before any bytes are removed. */
  afterCommit?: (sha256s: readonly string[]) => Promise<void>;
}

/**
 * The embedded default: DATA_DIR/files/ab/abcdef… (mode 0600, folders 0700), written to a temporary
 * name and renamed, so a file is never seen half-written. `file_blobs` keeps a row per blob (no
 * bytes) so that unreferenced ones can be found.
 */
export class DiskFileStore implements FileStore {
  readonly kind = 'disk' as const;
  constructor(private readonly dir: string, private readonly clock: () => Date, private readonly hooks: SweepHooks = {}) {}

  private pathOf(sha256: string): string {
    return path.join(this.dir, sha256.slice(0, 2), sha256);
  }

  async put(bytes: Uint8Array, uow?: UnitOfWork): Promise<{ sha256: string; size: number }> {
    const sha256 = sha256Of(bytes);
    const file = this.pathOf(sha256);
    // Under the blob's lock, so a sweep cannot remove the bytes this put found already there
    // before this put's row is committed (see sweep).
    if (uow) await lockBlob(uow, sha256);
    if (!fs.existsSync(file)) {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      fs.writeFileSync(tmp, bytes, { mode: 0o600 });
      fs.renameSync(tmp, file);
    }
    if (uow) await uow.exec.run(queries(uow.dialect).putBlob, { sha256, size: bytes.byteLength, bytes: null, at: this.clock().toISOString() });
    return { sha256, size: bytes.byteLength };
  }

  async get(sha256: string): Promise<Buffer | undefined> {
    try {
      return fs.readFileSync(this.pathOf(sha256));
    } catch {
      return undefined;
    }
  }

  /**
   * Two steps, because a file cannot join a transaction:
   *
   * 1. One unit of work deletes the rows of blobs no evidence row refers to, and commits. Bytes
   *    are never removed inside it: had its commit (or, on SQLite, the group commit it shares with
   *    other units of work, such as the erasure that deleted the evidence rows) failed, the rows
   *    would come back and refer to bytes gone. Evidence lost.
   * 2. Then, per blob, a unit of work of its own takes the blob's lock, checks that nothing names
   *    the blob any more (no `file_blobs` row, no evidence row), and only then removes the bytes.
   *    Content-addressed: the same file may be uploaded again between step 1's commit and the
   *    removal. Its put takes the same lock, finds the bytes still there and keeps them, and writes
   *    the blob's row again; the check sees that row (put before the check: the lock makes the
   *    check wait for the put's commit on PostgreSQL, and on SQLite the put's unit of work ran
   *    whole before this one) and leaves the bytes. A put after the removal finds no file and
   *    writes it again. A unit of work in step 2 writes nothing, so its rollback cannot bring a
   *    reference back; it sees every row, committed or not yet, of the units before it.
   *
   * A crash between the steps leaves bytes on disk that no row names (as does an upload whose
   * unit of work rolled back): erased evidence must not stay on disk for that, so once a day the
   * sweep also walks the folder and removes, the same way (lock, check, remove), the files no row
   * names that are older than a day (a younger one may be an upload whose row is not committed yet).
   */
  async sweep(store: Pick<Store, 'transaction'>): Promise<number> {
    const gone = await store.transaction(deleteUnreferencedRows);
    if (gone.length > 0) await this.hooks.afterCommit?.(gone);
    for (const sha256 of gone) await this.removeIfUnnamed(store, sha256);
    // The blobs swept: the rows deleted (their bytes too unless uploaded again meanwhile), and strays.
    return gone.length + (await this.sweepStrays(store));
  }

  /** Removes a blob's bytes under its lock, if nothing names it; true when it did. */
  private removeIfUnnamed(store: Pick<Store, 'transaction'>, sha256: string): Promise<boolean> {
    return store.transaction(async (uow) => {
      await lockBlob(uow, sha256);
      if ((await uow.exec.all(queries(uow.dialect).referenced, { sha256 })).length > 0) return false;
      fs.rmSync(this.pathOf(sha256), { force: true });
      return true;
    });
  }

  private lastStrayWalk = Number.NEGATIVE_INFINITY;

  /** Files on disk that no row names (left by a crash mid-sweep or a rolled-back upload): once a day. */
  private async sweepStrays(store: Pick<Store, 'transaction'>): Promise<number> {
    const now = this.clock().getTime();
    if (now - this.lastStrayWalk < STRAY_AGE_MS) return 0;
    this.lastStrayWalk = now;
    let removed = 0;
    for (const sha256 of await this.strayCandidates(store, now - STRAY_AGE_MS)) if (await this.removeIfUnnamed(store, sha256)) removed++;
    return removed;
  }

  /**
   * Blob files last written before `before` (ms) that no row names, at most SWEEP_BATCH of them (the
   * rest at the next walk). Named files are passed over as they are found, so however many live
   * files there are, every stray is reached. Read with the asynchronous calls: a folder of many
   * files must not hold up the messages. (`removeIfUnnamed` checks again, under the blob's lock.)
   */
  private async strayCandidates(store: Pick<Store, 'transaction'>, before: number): Promise<string[]> {
    const found: string[] = [];
    let old: string[] = [];
    const keepUnnamed = async () => {
      const names = old;
      old = [];
      const unnamed = await store.transaction(async (uow) => {
        const out: string[] = [];
        for (const sha256 of names) if ((await uow.exec.all(queries(uow.dialect).referenced, { sha256 })).length === 0) out.push(sha256);
        return out;
      });
      found.push(...unnamed);
    };
    const dirs = fs.existsSync(this.dir) ? (await fs.promises.readdir(this.dir)).filter((d) => /^[0-9a-f]{2}$/.test(d)).sort() : [];
    for (const d of dirs) {
      for (const name of (await fs.promises.readdir(path.join(this.dir, d))).sort()) {
        const file = path.join(this.dir, d, name);
        // (Gone meanwhile: removed by a sweep, or renamed into place by a put.)
        const written = (await fs.promises.stat(file).catch(() => undefined))?.mtimeMs;
        if (!name.startsWith(d) || written === undefined || written >= before) continue;
        // A put that died between writing and renaming: half a file, which nothing can name.
        if (/^[0-9a-f]{64}\.[0-9a-f]+\.tmp$/.test(name)) await fs.promises.rm(file, { force: true });
        if (!/^[0-9a-f]{64}$/.test(name)) continue;
        old.push(name);
        if (old.length >= 100) await keepUnnamed();
        if (found.length >= SWEEP_BATCH) return found.slice(0, SWEEP_BATCH);
      }
    }
    if (old.length > 0) await keepUnnamed();
    return found.slice(0, SWEEP_BATCH);
  }
}

/** With DATABASE_URL: the bytes in `file_blobs`, so every instance reaches every file. */
export class DatabaseFileStore implements FileStore {
  readonly kind = 'database' as const;
  constructor(private readonly clock: () => Date) {}

  async put(bytes: Uint8Array, uow?: UnitOfWork): Promise<{ sha256: string; size: number }> {
    if (!uow) throw new Error('DatabaseFileStore.put needs the unit of work');
    const sha256 = sha256Of(bytes);
    await lockBlob(uow, sha256);
    await uow.exec.run(queries(uow.dialect).putBlob, { sha256, size: bytes.byteLength, bytes: Buffer.from(bytes), at: this.clock().toISOString() });
    return { sha256, size: bytes.byteLength };
  }

  async get(sha256: string, uow: UnitOfWork): Promise<Buffer | undefined> {
    const row = (await uow.exec.all(queries(uow.dialect).getBlob, { sha256 }))[0];
    return row?.bytes ? Buffer.from(row.bytes) : undefined;
  }

  /** The bytes are the row: one unit of work removes both (see deleteUnreferencedRows). */
  async sweep(store: Pick<Store, 'transaction'>): Promise<number> {
    return (await store.transaction(deleteUnreferencedRows)).length;
  }
}
