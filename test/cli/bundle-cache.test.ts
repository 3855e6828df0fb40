import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config.ts';
import { tempDataDir } from '../helpers/harness.ts';

/**
 * bin/nivaran.js runs a bundle of src/ cached in node_modules/.cache. A bundle must only ever run for
 * the exact sources and folder it was built from: copies made with `cp -a` (times kept), files
 * changed with an old modification time (rsync -a, a tarball, `git restore`), and several checkouts
 * sharing one node_modules each run their own current code and read their own flows and texts.
 */
const OLD_TIME = new Date('2001-02-03T04:05:06Z');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nivaran-bundle-'));

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A copy of the project as `cp -a` makes it (times kept), sharing this project's node_modules. */
function copyProject(from: string, to: string): void {
  for (const part of ['bin', 'src', 'flows', 'locales', 'profiles', 'calendars', 'package.json']) {
    fs.cpSync(path.join(from, part), path.join(to, part), { recursive: true, preserveTimestamps: true });
  }
  fs.symlinkSync(path.join(PACKAGE_ROOT, 'node_modules'), path.join(to, 'node_modules'), 'dir');
}

/** Replaces text in a file and sets its modification time far in the past, as a restore would. */
function editWithOldTime(file: string, from: string, to: string): void {
  const before = fs.readFileSync(file, 'utf8');
  expect(before).toContain(from);
  fs.writeFileSync(file, before.split(from).join(to));
  fs.utimesSync(file, OLD_TIME, OLD_TIME);
}

function run(project: string, args: string[], input = ''): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [path.join(project, 'bin', 'nivaran.js'), ...args], {
    input,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', DATA_DIR: tempDataDir() },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Edits the usage line (code) and the language question (a text read from the project folder). */
function mark(project: string, label: string): void {
  editWithOldTime(path.join(project, 'src', 'cli', 'main.ts'), 'run the bot: console chat', `run the bot (${label}): console chat`);
  for (const lang of ['en', 'hi']) {
    editWithOldTime(path.join(project, 'locales', lang, 'flows.json'), 'Please choose your language', `Please choose your language (${label})`);
  }
}

function expectRuns(project: string, label: string): void {
  const help = run(project, ['help']);
  expect(help.code, help.err).toBe(0);
  expect(help.out).toContain(`run the bot (${label}): console chat`);
  const chat = run(project, ['chat', '--user', 'u1', '--json'], 'hello\n');
  expect(chat.code, chat.err).toBe(0);
  expect(chat.out).toContain(`Please choose your language (${label})`);
}

/**
 * A copy of the project with its own node_modules folder, so its own bundle cache: every package
 * is a link to the shared one, except those in `copied`, which are copies the test may change.
 */
function ownModulesCopy(to: string, copied: string[]): void {
  for (const part of ['bin', 'src', 'flows', 'locales', 'profiles', 'calendars', 'package.json', 'package-lock.json']) {
    fs.cpSync(path.join(PACKAGE_ROOT, part), path.join(to, part), { recursive: true, preserveTimestamps: true });
  }
  const shared = path.join(PACKAGE_ROOT, 'node_modules');
  const modules = path.join(to, 'node_modules');
  fs.mkdirSync(modules);
  for (const name of fs.readdirSync(shared)) {
    if (name === '.cache') continue;
    if (copied.includes(name)) fs.cpSync(path.join(shared, name), path.join(modules, name), { recursive: true });
    else fs.symlinkSync(path.join(shared, name), path.join(modules, name));
  }
}

describe('the bundle cache of bin/nivaran.js', () => {
  it('runs each copy’s own sources and files, whatever their modification times and wherever the copy is', () => {
    const a = path.join(work, 'a');
    copyProject(PACKAGE_ROOT, a);
    mark(a, 'copy A');
    expectRuns(a, 'copy A');

    // A copy of the copy, made with times kept, then changed with an old time again.
    const b = path.join(work, 'b');
    copyProject(a, b);
    editWithOldTime(path.join(b, 'src', 'cli', 'main.ts'), 'run the bot (copy A)', 'run the bot (copy B)');
    for (const lang of ['en', 'hi']) editWithOldTime(path.join(b, 'locales', lang, 'flows.json'), '(copy A)', '(copy B)');
    expectRuns(b, 'copy B');
    // Both share one node_modules: A still runs A.
    expectRuns(a, 'copy A');

    // The first copy is deleted; the second, sharing its cache, runs unharmed.
    fs.rmSync(a, { recursive: true, force: true });
    expectRuns(b, 'copy B');

    // A deployment that brings back the older code (with its old time) runs that code.
    editWithOldTime(path.join(b, 'src', 'cli', 'main.ts'), 'run the bot (copy B)', 'run the bot (copy A)');
    const help = run(b, ['help']);
    expect(help.out).toContain('run the bot (copy A): console chat');
  }, 180_000);

  it('runs the dependencies installed now: an `npm ci` that brings another version of a bundled dependency means a new bundle', () => {
    // i18next (loaded by every start, and bundled) is a copy this test can "upgrade".
    const c = path.join(work, 'deps');
    ownModulesCopy(c, ['i18next', '.package-lock.json']);
    const modules = path.join(c, 'node_modules');
    const before = run(c, ['chat', '--user', 'u1', '--json'], 'hello\n');
    expect(before.code, before.err).toBe(0);
    expect(before.out).toContain('Please choose your language');
    expect(before.err).not.toContain('i18next 99.0.0');

    // What `npm ci` does on an upgrade: new package code, and both lockfiles record the new version.
    const manifest = path.join(modules, 'i18next', 'package.json');
    const version = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
    fs.writeFileSync(manifest, fs.readFileSync(manifest, 'utf8').replace(`"version": "${version}"`, '"version": "99.0.0"'));
    const main = path.join(modules, 'i18next', 'dist', 'esm', 'i18next.js');
    fs.writeFileSync(main, `process.stderr.write('i18next 99.0.0 loaded\\n');\n${fs.readFileSync(main, 'utf8')}`);
    for (const lock of [path.join(modules, '.package-lock.json'), path.join(c, 'package-lock.json')]) {
      const text = fs.readFileSync(lock, 'utf8');
      const entry = `"node_modules/i18next": {\n      "version": "${version}"`;
      expect(text).toContain(entry);
      fs.writeFileSync(lock, text.replace(entry, entry.replace(version, '99.0.0')));
    }
    const after = run(c, ['chat', '--user', 'u1', '--json'], 'hello\n');
    expect(after.code, after.err).toBe(0);
    expect(after.out).toContain('Please choose your language');
    expect(after.err).toContain('i18next 99.0.0 loaded');
  }, 180_000);

  it('keeps every bundle run within the last day, however many newer ones are built, and removes older ones beyond the newest few', () => {
    // Processes started from a bundle load some of its chunks later (the desk, the mail or file
    // libraries at first use): with several checkouts sharing one node_modules, many versions
    // are built in a day, and removing by count alone removed bundles still in use.
    const c = path.join(work, 'prune');
    ownModulesCopy(c, []);
    const cache = path.join(c, 'node_modules', '.cache', 'nivaran');
    const now = Date.now();
    const bundle = (name: string, at: number): void => {
      fs.mkdirSync(path.join(cache, name), { recursive: true });
      fs.writeFileSync(path.join(cache, name, 'nivaran.mjs'), '');
      fs.utimesSync(path.join(cache, name), new Date(at), new Date(at));
    };
    const recent = [1, 2, 3, 4, 5, 6].map((i) => `recent-${i}`);
    recent.forEach((name, i) => bundle(name, now - (i + 1) * 60_000));
    bundle('old-1', now - 2 * 86_400_000);
    bundle('old-2', now - 3 * 86_400_000);

    const help = run(c, ['help']);
    expect(help.code, help.err).toBe(0);
    const left = fs.readdirSync(cache);
    for (const name of recent) expect(left).toContain(name);
    expect(left).not.toContain('old-1');
    expect(left).not.toContain('old-2');
  }, 180_000);
});
