import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { loadConfig } from '../config.ts';
import { AppError, describeError, ERROR_CODES } from '../errors.ts';
import { migrations } from '../storage/db.ts';
import { cliIo, parseCliArgs, type CliOptions } from './officers.ts';

const USAGE = `Usage: nivaran backup FILE [--force]     a consistent copy of the SQLite database, while the bot runs
       nivaran restore FILE [--yes]      replace the database with a backup (stop the bot first)
With DATABASE_URL (PostgreSQL) use pg_dump and pg_restore: see docs/operations.md.`;

const PG_HINT =
  'DATABASE_URL is set: the data is in PostgreSQL, which has its own consistent online backup. Run\n' +
  '  pg_dump --format=custom --file=nivaran.dump "$DATABASE_URL"\n' +
  'and to restore into an empty database\n' +
  '  pg_restore --no-owner --dbname="$DATABASE_URL" nivaran.dump\n' +
  '(see docs/operations.md).';

export interface BackupCliOptions extends CliOptions {
  clock?: () => Date;
}

/**
 * A consistent copy of the live SQLite database through SQLite's online backup API, on a
 * connection of its own: the bot keeps running, and writes it commits meanwhile either make
 * the copy or restart it. All remaining pages are copied in one step after the first, so a busy
 * bot does not keep restarting it. The copy is written beside the target and renamed into place,
 * so FILE is never a half-written database; it is readable by the owner only (it holds citizens' data).
 */
export async function backupSqlite(databaseFile: string, target: string): Promise<{ pages: number; bytes: number }> {
  if (!fs.existsSync(databaseFile)) {
    throw new AppError(ERROR_CODES.BACKUP_FAILED, `There is no database at ${databaseFile}: check DATA_DIR (the bot has never run there?).`);
  }
  const tmp = `${target}.partial-${process.pid}`;
  const source = new Database(databaseFile, { readonly: true, fileMustExist: true });
  try {
    source.pragma('busy_timeout = 10000');
    const result = await source.backup(tmp, { progress: () => 0x7fffffff });
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, target);
    return { pages: result.totalPages, bytes: fs.statSync(target).size };
  } catch (cause) {
    fs.rmSync(tmp, { force: true });
    if (cause instanceof AppError) throw cause;
    throw new AppError(ERROR_CODES.BACKUP_FAILED, `The backup to ${target} failed: ${describeError(cause)}. Check that its folder exists and has free space.`, { cause });
  } finally {
    source.close();
  }
}

/** Checks a backup before it replaces anything: a whole SQLite file, of Nivaran, not from a newer version. */
export function checkBackup(file: string): { migrations: number } {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (cause) {
    throw new AppError(ERROR_CODES.BACKUP_FAILED, `Cannot open ${file} as a SQLite database: ${describeError(cause)}.`, { cause });
  }
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new AppError(ERROR_CODES.BACKUP_FAILED, `${file} is damaged (integrity check: ${String(integrity)}); use another backup.`);
    let names: string[];
    try {
      names = (db.prepare('select name from kysely_migration').all() as Array<{ name: string }>).map((r) => r.name);
    } catch {
      throw new AppError(ERROR_CODES.BACKUP_FAILED, `${file} is a SQLite database but not a Nivaran one (no kysely_migration table).`);
    }
    const known = new Set(Object.keys(migrations('sqlite')));
    const newer = names.filter((n) => !known.has(n));
    if (newer.length > 0) {
      throw new AppError(ERROR_CODES.BACKUP_FAILED, `${file} was written by a newer Nivaran (migrations ${newer.join(', ')}); restore it with that version.`);
    }
    return { migrations: names.length };
  } catch (cause) {
    if (cause instanceof AppError) throw cause;
    throw new AppError(ERROR_CODES.BACKUP_FAILED, `Cannot read ${file}: ${describeError(cause)}.`, { cause });
  } finally {
    db.close();
  }
}

/**
 * Replaces the database with a checked backup. The current file (with its WAL) is kept beside it
 * as `nivaran.sqlite.before-restore-<time>`, so a restore can itself be undone. Migrations newer
 * than the backup run at the next start.
 */
export async function restoreSqlite(backupFile: string, databaseFile: string, now: Date): Promise<{ keptAs: string | undefined }> {
  checkBackup(backupFile);
  fs.mkdirSync(path.dirname(databaseFile), { recursive: true });
  const tmp = `${databaseFile}.restoring-${process.pid}`;
  const source = new Database(backupFile, { readonly: true, fileMustExist: true });
  try {
    await source.backup(tmp, { progress: () => 0x7fffffff });
  } catch (cause) {
    fs.rmSync(tmp, { force: true });
    throw new AppError(ERROR_CODES.BACKUP_FAILED, `Cannot copy ${backupFile}: ${describeError(cause)}.`, { cause });
  } finally {
    source.close();
  }
  fs.chmodSync(tmp, 0o600);
  let keptAs: string | undefined;
  if (fs.existsSync(databaseFile)) {
    keptAs = `${databaseFile}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}`;
    // Checkpoint the WAL into the old file first, so what is kept is whole on its own.
    const old = new Database(databaseFile);
    try {
      old.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      old.close();
    }
    fs.renameSync(databaseFile, keptAs);
  }
  for (const suffix of ['-wal', '-shm']) fs.rmSync(`${databaseFile}${suffix}`, { force: true });
  fs.renameSync(tmp, databaseFile);
  return { keptAs };
}

export async function backupCommand(args: string[], opts: BackupCliOptions = {}): Promise<number> {
  const { values, positionals } = parseCliArgs({ args, allowPositionals: true, options: { force: { type: 'boolean', default: false } } }, USAGE);
  const io = cliIo(opts.io);
  const config = opts.config ?? loadConfig();
  if (config.databaseUrl) throw new AppError(ERROR_CODES.CLI_USAGE, PG_HINT);
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new AppError(ERROR_CODES.CLI_USAGE, USAGE);
  const target = path.resolve(file);
  if (target === config.databaseFile) throw new AppError(ERROR_CODES.CLI_USAGE, 'The backup must go to another file than the database itself.');
  if (fs.existsSync(target) && !values.force) throw new AppError(ERROR_CODES.CLI_USAGE, `${target} exists; choose a new name or add --force to replace it.`);
  const r = await backupSqlite(config.databaseFile, target);
  io.stdout.write(`Backed up ${config.databaseFile} to ${target} (${r.bytes} bytes). Keep it somewhere else, with DATA_DIR's otp-secret, desk-secret and files/.\n`);
  return 0;
}

export async function restoreCommand(args: string[], opts: BackupCliOptions = {}): Promise<number> {
  const { values, positionals } = parseCliArgs({ args, allowPositionals: true, options: { yes: { type: 'boolean', default: false } } }, USAGE);
  const io = cliIo(opts.io);
  const config = opts.config ?? loadConfig();
  if (config.databaseUrl) throw new AppError(ERROR_CODES.CLI_USAGE, PG_HINT);
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new AppError(ERROR_CODES.CLI_USAGE, USAGE);
  if (!values.yes) {
    const { migrations: n } = checkBackup(path.resolve(file));
    io.stdout.write(`${file} is a whole Nivaran database (${n} migrations). Stop the bot, then run again with --yes to replace ${config.databaseFile} with it.\n`);
    return 1;
  }
  const r = await restoreSqlite(path.resolve(file), config.databaseFile, (opts.clock ?? (() => new Date()))());
  io.stdout.write(`Restored ${config.databaseFile} from ${file}.${r.keptAs ? ` The database it replaced is kept as ${r.keptAs}.` : ''} Start the bot again.\n`);
  return 0;
}
