import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { featureQueries } from '../storage/feature-queries.ts';
import { prepare } from '../storage/prepared.ts';
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
  /** Removes blobs that no evidence row references any more (after erasure or retention). */
  sweep(uow: UnitOfWork): Promise<number>;
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
  deleteBlob: prepare<{ sha256: string }, never>((p) => db.deleteFrom('file_blobs').where('sha256', '=', p.sha256)),
}));

/**
 * The embedded default: DATA_DIR/files/ab/abcdef… (mode 0600, folders 0700), written to a temporary
 * name and renamed, so a file is never seen half-written. `file_blobs` keeps a row per blob (no
 * bytes) so that unreferenced ones can be found.
 */
export class DiskFileStore implements FileStore {
  readonly kind = 'disk' as const;
  constructor(private readonly dir: string, private readonly clock: () => Date) {}

  private pathOf(sha256: string): string {
    return path.join(this.dir, sha256.slice(0, 2), sha256);
  }

  async put(bytes: Uint8Array, uow?: UnitOfWork): Promise<{ sha256: string; size: number }> {
    const sha256 = sha256Of(bytes);
    const file = this.pathOf(sha256);
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

  async sweep(uow: UnitOfWork): Promise<number> {
    const q = queries(uow.dialect);
    const gone = await uow.exec.all(q.unreferenced, { limit: SWEEP_BATCH });
    for (const { sha256 } of gone) {
      await uow.exec.run(q.deleteBlob, { sha256 });
      fs.rmSync(this.pathOf(sha256), { force: true });
    }
    return gone.length;
  }
}

/** With DATABASE_URL: the bytes in `file_blobs`, so every instance reaches every file. */
export class DatabaseFileStore implements FileStore {
  readonly kind = 'database' as const;
  constructor(private readonly clock: () => Date) {}

  async put(bytes: Uint8Array, uow?: UnitOfWork): Promise<{ sha256: string; size: number }> {
    if (!uow) throw new Error('DatabaseFileStore.put needs the unit of work');
    const sha256 = sha256Of(bytes);
    await uow.exec.run(queries(uow.dialect).putBlob, { sha256, size: bytes.byteLength, bytes: Buffer.from(bytes), at: this.clock().toISOString() });
    return { sha256, size: bytes.byteLength };
  }

  async get(sha256: string, uow: UnitOfWork): Promise<Buffer | undefined> {
    const row = (await uow.exec.all(queries(uow.dialect).getBlob, { sha256 }))[0];
    return row?.bytes ? Buffer.from(row.bytes) : undefined;
  }

  async sweep(uow: UnitOfWork): Promise<number> {
    const q = queries(uow.dialect);
    const gone = await uow.exec.all(q.unreferenced, { limit: SWEEP_BATCH });
    for (const { sha256 } of gone) await uow.exec.run(q.deleteBlob, { sha256 });
    return gone.length;
  }
}
