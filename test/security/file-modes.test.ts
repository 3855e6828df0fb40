import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/storage/db.ts';
import { deskSecret } from '../../src/secrets.ts';

/** Issue 14, item 7: the database and its directory were created world-readable. */
const mode = (p: string) => fs.statSync(p).mode & 0o777;
let oldUmask: number;
afterEach(() => {
  process.umask(oldUmask);
});

describe('DATA_DIR is private', () => {
  it('the directory is 0700 and the database, its WAL and the kept secret 0600, under a permissive umask', async () => {
    oldUmask = process.umask(0o022);
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nivaran-modes-')), 'data');
    fs.mkdirSync(dir, { mode: 0o755 });
    fs.chmodSync(dir, 0o755);
    const file = path.join(dir, 'nivaran.sqlite');
    const db = await openSqlite(file);
    db.exec('create table if not exists t (x)');
    db.exec('insert into t values (1)');
    deskSecret({ dataDir: dir });
    expect(mode(dir).toString(8)).toBe('700');
    expect(mode(file).toString(8)).toBe('600');
    expect(mode(`${file}-wal`).toString(8)).toBe('600');
    expect(mode(path.join(dir, 'desk-secret')).toString(8)).toBe('600');
    db.close();
  });
});
