import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { verify } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { setAuditKey } from '../../src/audit/audit-log.ts';
import { auditCommand } from '../../src/cli/audit.ts';
import { officersCommand } from '../../src/cli/officers.ts';
import { PACKAGE_ROOT, type Config } from '../../src/config.ts';
import { Accounts } from '../../src/desk/accounts.ts';
import { AppError, ERROR_CODES } from '../../src/errors.ts';
import { auditSecret } from '../../src/secrets.ts';
import { SqliteStore } from '../../src/storage/sqlite-store.ts';
import { tempDataDir, testConfig } from '../helpers/harness.ts';

const PASSWORD = 'correct horse battery staple';

/** Runs `nivaran officers …` / `nivaran audit …` in-process, with stdin from `input`. */
async function run(config: Config, args: string[], input = '', isTTY = false) {
  let out = '';
  const stdout = new Writable({
    write(chunk, _encoding, callback) {
      out += String(chunk);
      callback();
    },
  });
  const io = { stdin: Readable.from([input]), stdout, isTTY };
  const code = args[0] === 'audit' ? await auditCommand(args.slice(1), { config, io }) : await officersCommand(args.slice(1), { config, io });
  return { code, out };
}

/** The error the command failed with (what main's top-level handler prints). */
async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

async function withStore<T>(config: Config, work: (store: SqliteStore) => Promise<T>): Promise<T> {
  const store = await SqliteStore.open(config.databaseFile);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

describe('nivaran officers / audit (in-process, with a temporary DATA_DIR)', () => {
  it('officers add: creates the account with an argon2id hash of the password read from stdin', async () => {
    const config = testConfig(tempDataDir());
    const r = await run(config, ['officers', 'add', '--email', ' Asha@Example.IN ', '--role', 'admin', '--name', 'Asha Verma', '--lang', 'hi'], `${PASSWORD}\nignored second line\n`);
    expect(r).toEqual({ code: 0, out: 'Officer 1 created: asha@example.in (admin)\n' });
    const row = await withStore(config, (s) => s.transaction((u) => u.officers.byEmail('asha@example.in')));
    expect(row).toMatchObject({ id: 1, email: 'asha@example.in', name: 'Asha Verma', role: 'admin', lang: 'hi', active: 1, last_login_at: null });
    expect(row!.password_hash).toMatch(/^\$argon2id\$/);
    expect(await verify(row!.password_hash, PASSWORD)).toBe(true);
    // CRLF line ends from a Windows-made file are not part of the password.
    const crlf = await run(config, ['officers', 'add', '--email', 'ravi@example.in', '--role', 'officer'], `${PASSWORD}\r\n`);
    expect(crlf.out).toBe('Officer 2 created: ravi@example.in (officer)\n');
    const ravi = await withStore(config, (s) => s.transaction((u) => u.officers.byEmail('ravi@example.in')));
    expect(ravi).toMatchObject({ name: 'ravi', lang: 'en' });
    expect(await verify(ravi!.password_hash, PASSWORD)).toBe(true);
  });

  it('officers add: refuses a short password, a taken email, an unknown role and a missing password, naming each', async () => {
    const config = testConfig(tempDataDir());
    const add = (args: string[], input = `${PASSWORD}\n`) => run(config, ['officers', 'add', ...args], input);
    await add(['--email', 'asha@example.in', '--role', 'admin']);

    const short = await failure(add(['--email', 'b@example.in', '--role', 'officer'], 'short-pw-11\n'));
    expect(short.code).toBe(ERROR_CODES.OFFICER_INVALID);
    expect(short.message).toBe('The password must be at least 12 characters long.');

    const taken = await failure(add(['--email', 'ASHA@example.in', '--role', 'dpo']));
    expect(taken.code).toBe(ERROR_CODES.OFFICER_INVALID);
    expect(taken.message).toBe('An officer with the email asha@example.in already exists.');

    const role = await failure(add(['--email', 'c@example.in', '--role', 'boss']));
    expect(role.code).toBe(ERROR_CODES.OFFICER_INVALID);
    expect(role.message).toBe('Unknown role "boss"; use one of: officer, grievance_officer, dpo, reviewer, admin.');

    const email = await failure(add(['--email', 'not-an-email', '--role', 'officer']));
    expect(email.code).toBe(ERROR_CODES.OFFICER_INVALID);
    expect(email.message).toBe('"not-an-email" is not an email address.');

    const none = await failure(add(['--email', 'd@example.in', '--role', 'officer'], ''));
    expect(none.code).toBe(ERROR_CODES.OFFICER_INVALID);
    expect(none.message).toMatch(/^No password on standard input/);

    expect((await failure(add(['--role', 'officer']))).code).toBe(ERROR_CODES.CLI_USAGE);
    expect((await failure(add(['--email', 'e@example.in', '--role', 'officer', '--lang', 'fr']))).message).toBe('--lang is en or hi (got "fr").');
    expect((await failure(add(['--email', 'e@example.in', '--role', 'officer', '--pasword', 'x']))).message).toMatch(/Unknown option '--pasword'/);

    const listed = await run(config, ['officers', 'list', '--json']);
    expect((JSON.parse(listed.out) as Array<{ email: string }>).map((o) => o.email)).toEqual(['asha@example.in']);
  });

  it('officers add on a terminal: asks twice without echoing the password; the two must match', async () => {
    const config = testConfig(tempDataDir());
    const tty = async (typed: string) => {
      const stdin = new PassThrough();
      let out = '';
      const stdout = new Writable({
        write(chunk, _encoding, callback) {
          out += String(chunk);
          callback();
        },
      });
      const done = officersCommand(['add', '--email', 'meena@example.in', '--role', 'grievance_officer'], { config, io: { stdin, stdout, isTTY: true } });
      stdin.write(typed);
      return { done, out: () => out };
    };

    const mismatch = await tty(`${PASSWORD}\n${PASSWORD}!\n`);
    expect((await failure(mismatch.done)).message).toBe('The two passwords do not match; nothing was created.');

    const ok = await tty(`${PASSWORD}\n${PASSWORD}\n`);
    expect(await ok.done).toBe(0);
    expect(ok.out()).toContain('Password (at least 12 characters): ');
    expect(ok.out()).toContain('The same password again: ');
    expect(ok.out()).toContain('Officer 1 created: meena@example.in (grievance_officer)\n');
    expect(ok.out()).not.toContain(PASSWORD.slice(0, 5));
    const row = await withStore(config, (s) => s.transaction((u) => u.officers.byEmail('meena@example.in')));
    expect(await verify(row!.password_hash, PASSWORD)).toBe(true);
  });

  it('officers list: the accounts without any password hash, as JSON or a table', async () => {
    const config = testConfig(tempDataDir());
    expect((await run(config, ['officers', 'list'])).out).toMatch(/^No officers yet/);
    expect(JSON.parse((await run(config, ['officers', 'list', '--json'])).out)).toEqual([]);
    await run(config, ['officers', 'add', '--email', 'asha@example.in', '--role', 'admin', '--name', 'Asha Verma'], PASSWORD);
    await run(config, ['officers', 'add', '--email', 'ravi@example.in', '--role', 'reviewer'], PASSWORD);

    const json = await run(config, ['officers', 'list', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual([
      { id: 1, email: 'asha@example.in', name: 'Asha Verma', role: 'admin', lang: 'en', active: true, lastLoginAt: null },
      { id: 2, email: 'ravi@example.in', name: 'ravi', role: 'reviewer', lang: 'en', active: true, lastLoginAt: null },
    ]);
    expect(json.out).not.toMatch(/argon2|password|hash/i);

    const table = (await run(config, ['officers', 'list'])).out.trimEnd().split('\n');
    expect(table).toEqual([
      'ID  EMAIL            NAME        ROLE      ACTIVE  LAST LOG-IN',
      '1   asha@example.in  Asha Verma  admin     yes     never',
      '2   ravi@example.in  ravi        reviewer  yes     never',
    ]);
  });

  it('officers token: prints a new nvr_ token once, which finds its officer; the audit log names the cli', async () => {
    const config = testConfig(tempDataDir());
    await run(config, ['officers', 'add', '--email', 'asha@example.in', '--role', 'officer'], PASSWORD);
    const r = await run(config, ['officers', 'token', '--email', 'Asha@example.in', '--label', 'reports']);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe('API token 1 for asha@example.in (officer 1):');
    expect(lines[1]).toMatch(/^nvr_[\w-]{43}$/);
    expect(lines[2]).toMatch(/will not be shown again/);
    const token = lines[1]!;

    expect((await failure(run(config, ['officers', 'token', '--email', 'nobody@example.in']))).message).toBe('There is no active officer with the email nobody@example.in.');

    await withStore(config, async (store) => {
      const accounts = new Accounts(store, () => new Date(), 12);
      expect(await accounts.tokenOfficer(token)).toEqual({ id: 1, email: 'asha@example.in', name: 'asha', role: 'officer', lang: 'en' });
      expect(await accounts.apiTokens({ id: 1, email: 'asha@example.in', name: 'asha', role: 'officer', lang: 'en' })).toMatchObject([{ id: 1, label: 'reports' }]);
      const audit = await store.transaction((u) => u.audit.after(0, 100));
      expect(audit.map((a) => [a.seq, a.actor, a.action, a.subject, JSON.parse(a.detail)])).toEqual([
        [1, 'cli', 'officer.create', 'officer:1', { role: 'officer' }],
        [2, 'cli', 'api_token.create', 'officer:1', { token: 1 }],
      ]);
      // The token itself is nowhere in the database, only its hash.
      expect(JSON.stringify(store.connection.prepare('select * from api_tokens').all())).not.toContain(token);
    });
  });

  it('audit verify: "intact" with the row count and exit 0; after tampering, the broken row and exit 1', async () => {
    const config = testConfig(tempDataDir());
    expect(await run(config, ['audit', 'verify'])).toEqual({ code: 0, out: 'Audit log intact: 0 rows.\n' });
    await run(config, ['officers', 'add', '--email', 'asha@example.in', '--role', 'admin'], PASSWORD);
    await run(config, ['officers', 'token', '--email', 'asha@example.in']);
    expect(await run(config, ['audit', 'verify'])).toEqual({ code: 0, out: 'Audit log intact: 2 rows.\n' });

    await withStore(config, async (store) => {
      store.connection.exec(`drop trigger audit_log_no_update; update audit_log set actor = 'officer:7' where seq = 1`);
    });
    expect(await run(config, ['audit', 'verify'])).toEqual({
      code: 1, out: 'Audit log broken at row 1: row 1 was changed after it was written (its hash does not match its contents)\n',
    });
    expect((await failure(run(config, ['audit', 'check']))).code).toBe(ERROR_CODES.CLI_USAGE);
  });

  it('a command run in a process of its own links its audit rows with the key, as the bot does', async () => {
    const config = testConfig(tempDataDir());
    // The bot wrote first, with the key (createApp opens the store, which sets it).
    setAuditKey(auditSecret(config));
    await run(config, ['officers', 'add', '--email', 'asha@example.in', '--role', 'admin'], PASSWORD);
    // A new process for the next command: no key set yet when it starts.
    setAuditKey(undefined);
    await run(config, ['officers', 'token', '--email', 'asha@example.in']);
    setAuditKey(undefined);
    expect(await run(config, ['audit', 'verify'])).toEqual({ code: 0, out: 'Audit log intact: 2 rows.\n' });
  });

  it('end to end: `nivaran officers add` with the password piped in, then `audit verify`', () => {
    const env = { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', DATA_DIR: tempDataDir() };
    const nivaran = (args: string[], input = '') =>
      spawnSync(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'nivaran.js'), ...args], { input, env, encoding: 'utf8', timeout: 90_000 });
    const add = nivaran(['officers', 'add', '--email', 'asha@example.in', '--role', 'admin'], `${PASSWORD}\n`);
    expect(add.status, add.stderr).toBe(0);
    expect(add.stdout).toBe('Officer 1 created: asha@example.in (admin)\n');
    const again = nivaran(['officers', 'add', '--email', 'asha@example.in', '--role', 'admin'], `${PASSWORD}\n`);
    expect(again.status).toBe(1);
    expect(again.stderr).toBe('nivaran: [NIV_OFFICER_INVALID] An officer with the email asha@example.in already exists.\n');
    const verified = nivaran(['audit', 'verify']);
    expect([verified.status, verified.stdout]).toEqual([0, 'Audit log intact: 1 row.\n']);
  }, 180_000);
});

describe('nivaran officers deactivate / activate / password (issue 14)', () => {
  it('switches an officer off from the command line: sessions and tokens end; audited as the cli', async () => {
    const config = testConfig(tempDataDir());
    const out = (stdin = '') => {
      const chunks: string[] = [];
      const stdout = new Writable({ write(c: Buffer | string, _e, cb) { chunks.push(c.toString()); cb(); } });
      return { io: { stdin: Readable.from([stdin]), stdout, isTTY: false }, text: () => chunks.join('') };
    };
    const add = out('monsoon lantern quietly orbit\n');
    await officersCommand(['add', '--email', 'ravi@example.in', '--role', 'officer'], { config, io: add.io });
    const token = out();
    await officersCommand(['token', '--email', 'ravi@example.in'], { config, io: token.io });
    const off = out();
    expect(await officersCommand(['deactivate', '--email', 'ravi@example.in'], { config, io: off.io })).toBe(0);
    expect(off.text()).toContain('switched off: 0 session(s) ended, 1 API token(s) revoked');
    await expect(officersCommand(['deactivate', '--email', 'ravi@example.in'], { config, io: out().io })).rejects.toThrow(/already inactive/);
    const weak = out('aaaaaaaaaaaa\n');
    await expect(officersCommand(['password', '--email', 'ravi@example.in'], { config, io: weak.io })).rejects.toThrow(/too easy to guess/);
    expect(await officersCommand(['activate', '--email', 'ravi@example.in'], { config, io: out().io })).toBe(0);
    expect(await officersCommand(['password', '--email', 'ravi@example.in'], { config, io: out('quietly orbit monsoon lantern\n').io })).toBe(0);
  });
});
