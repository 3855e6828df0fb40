import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { backupCommand, backupSqlite, checkBackup, restoreCommand, restoreSqlite } from '../../src/cli/backup.ts';
import { ERROR_CODES } from '../../src/errors.ts';
import { fileGrievance } from '../helpers/desk.ts';
import { FakeClock, startHarness, tempDataDir, testConfig, type Harness } from '../helpers/harness.ts';

const START = '2026-11-23T05:30:00.000Z';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function numbersIn(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('select number from tickets order by number').all() as Array<{ number: string }>).map((r) => r.number);
  } finally {
    db.close();
  }
}

/** One citizen's whole grievance, straight through the router (as a channel would), without the harness's shared reply list. */
async function grievanceThroughRouter(h: Harness, user: string): Promise<void> {
  const steps = ['hi', '2', 'yes', '1', '1', `Load test grievance from ${user}.`, '3', 'yes'];
  for (const [i, text] of steps.entries()) {
    // Messages arrive from the network, each in an event-loop turn of its own; without this the
    // whole load would run in microtasks and nothing else (the backup) would get a turn.
    await new Promise((r) => setImmediate(r));
    await h.app.router.handle({ channel: 'console', conversationId: user, senderId: user, messageId: `${user}-${i}`, text, at: h.clock.now() });
  }
}

function writer() {
  let out = '';
  return { stream: { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream, text: () => out };
}

describe('backup and restore (SQLite)', () => {
  it('a backup taken while forty citizens write holds every ticket committed before it, whole, and restores', async () => {
    const h = await startHarness({ clock: new FakeClock(START) });
    cleanups.push(() => h.close());
    const before: string[] = [];
    for (let i = 0; i < 5; i++) before.push(await fileGrievance(h, { user: `early-${i}` }));

    const file = path.join(tempDataDir(), 'backup.sqlite');
    // Forty citizens at a time keep writing until the copy is done, and one more round after.
    let copied = false;
    let rounds = 0;
    const load = (async () => {
      for (let after = 0; after < 2; after += copied ? 1 : 0) {
        const round = rounds++;
        await Promise.all(Array.from({ length: 40 }, (_, i) => grievanceThroughRouter(h, `load-${round}-${i}`)));
      }
    })();
    await new Promise((r) => setTimeout(r, 20));
    await backupSqlite(h.app.config.databaseFile, file).finally(() => (copied = true));
    await load;
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(checkBackup(file).migrations).toBeGreaterThan(0);

    const inBackup = numbersIn(file);
    for (const n of before) expect(inBackup).toContain(n);
    const all = (await h.app.store.transaction((uow) => uow.tickets.list(1000))).map((t) => t.number);
    expect(all).toHaveLength(5 + 40 * rounds);
    // Taken under load: later tickets are not in it.
    expect(inBackup.length).toBeLessThan(all.length);
    for (const n of inBackup) expect(all).toContain(n);
    // Whole units of work: every ticket in the copy has its opening event, timers and transcript.
    const db = new Database(file, { readonly: true });
    const orphans = db.prepare(`select count(*) as n from tickets t where not exists (select 1 from ticket_events e where e.ticket_id = t.id and e.kind = 'opened')
      or not exists (select 1 from timers m where m.ticket_id = t.id) or not exists (select 1 from transcripts r where r.conversation_key = t.conversation_key)`).get() as { n: number };
    db.close();
    expect(orphans.n).toBe(0);

    // Restored into a new DATA_DIR, the bot starts on it with every ticket of the copy.
    const dir = tempDataDir();
    await restoreSqlite(file, testConfig(dir).databaseFile, new Date(START));
    const restored = await startHarness({ dataDir: dir, clock: new FakeClock(START) });
    cleanups.push(() => restored.close());
    expect((await restored.app.store.transaction((uow) => uow.tickets.list(1000))).map((t) => t.number).sort()).toEqual(inBackup);
  });

  it('the commands: backup refuses to overwrite without --force; restore checks first, then replaces and keeps the old file', async () => {
    const h = await startHarness({ clock: new FakeClock(START) });
    const first = await fileGrievance(h, { user: 'asha' });
    const config = h.app.config;
    const file = path.join(tempDataDir(), 'nightly.sqlite');
    const out = writer();
    expect(await backupCommand([file], { config, io: { stdout: out.stream } })).toBe(0);
    expect(out.text()).toContain(`to ${file}`);
    await expect(backupCommand([file], { config, io: { stdout: out.stream } })).rejects.toMatchObject({ code: ERROR_CODES.CLI_USAGE });
    expect(await backupCommand([file, '--force'], { config, io: { stdout: out.stream } })).toBe(0);
    const second = await fileGrievance(h, { user: 'bela' });
    await h.close();

    const check = writer();
    expect(await restoreCommand([file], { config, io: { stdout: check.stream } })).toBe(1);
    expect(check.text()).toContain('run again with --yes');
    expect(numbersIn(config.databaseFile)).toEqual([first, second].sort());

    const done = writer();
    expect(await restoreCommand([file, '--yes'], { config, io: { stdout: done.stream }, clock: () => new Date(START) })).toBe(0);
    expect(numbersIn(config.databaseFile)).toEqual([first]);
    const kept = `${config.databaseFile}.before-restore-2026-11-23T05-30-00-000Z`;
    expect(done.text()).toContain(kept);
    expect(numbersIn(kept)).toEqual([first, second].sort());
  });

  it('refuses what is not a whole Nivaran database, and points PostgreSQL users to pg_dump', async () => {
    const dir = tempDataDir();
    const notNivaran = path.join(dir, 'other.sqlite');
    new Database(notNivaran).exec('create table x (a)').close();
    expect(() => checkBackup(notNivaran)).toThrow(/not a Nivaran one/);
    const garbage = path.join(dir, 'garbage.sqlite');
    fs.writeFileSync(garbage, 'SQLite format 3\u0000 but not really');
    expect(() => checkBackup(garbage)).toThrow(expect.objectContaining({ code: ERROR_CODES.BACKUP_FAILED }));
    await expect(backupSqlite(path.join(dir, 'missing.sqlite'), path.join(dir, 'b.sqlite'))).rejects.toThrow(/There is no database/);
    const pg = testConfig(dir, { DATABASE_URL: 'postgres://u:p@db.example:5432/nivaran' });
    await expect(backupCommand([path.join(dir, 'x.sqlite')], { config: pg })).rejects.toThrow(/pg_dump --format=custom/);
  });
});
