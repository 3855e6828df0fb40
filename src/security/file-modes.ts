import fs from 'node:fs';

/**
 * DATA_DIR holds the database, its secrets and reports: only the account running Nivaran may
 * read it. The directory is made (or tightened to) 0700 and the files in it 0600, whatever the
 * process's umask.
 */
export function privateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    fs.chmodSync(dir, 0o700);
  } catch (e) {
    // A directory another account owns (made by the service manager) keeps the mode it was given.
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') throw e;
  }
}

/** Tightens a file to 0600 when it exists (a SQLite file's -wal and -shm inherit its mode). */
export function privateFile(file: string): void {
  try {
    fs.chmodSync(file, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
