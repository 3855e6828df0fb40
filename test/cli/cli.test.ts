import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config.ts';
import { fixedTimeEnv, LIBFAKETIME } from '../helpers/fixed-time.ts';
import { tempDataDir } from '../helpers/harness.ts';

const BIN = path.join(PACKAGE_ROOT, 'bin', 'nivaran.js');

/**
 * The runs' clock: the first starts on 22 November 2026 (IST) whatever today is, so ticket years and
 * due dates stay put; each later run starts a minute after the one before, as an officer's command
 * and a citizen's next message would.
 */
let nextRunAt = Date.parse('2026-11-22T05:30:00Z');

function nivaran(args: string[], opts: { input?: string; env?: Record<string, string> } = {}) {
  const at = new Date(nextRunAt);
  nextRunAt += 60_000;
  const r = spawnSync(process.execPath, [BIN, ...args], {
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...fixedTimeEnv(at.toISOString()), ...opts.env },
    timeout: 90_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const lines = (s: string) => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { text: string; choices: Array<{ id: string; label: string }> });

describe.skipIf(!LIBFAKETIME)('nivaran chat / tickets (the console channel, as a script would use it)', { timeout: 180_000 }, () => {
  it('files a grievance in Hindi and in English, lists both tickets, and continues the same citizen later', () => {
    const env = { DATA_DIR: tempDataDir() };
    const hi = nivaran(['chat', '--user', 'asha', '--json'], {
      env,
      input: ['नमस्ते', '१', 'हाँ', '१', '३', 'पिछले महीने का पानी का बिल दो बार काटा गया है।', '३', 'हाँ', ''].join('\n'),
    });
    expect(hi.code, hi.stderr).toBe(0);
    const hiOut = lines(hi.stdout);
    expect(hiOut[0]!.choices).toEqual([{ id: 'hi', label: 'हिंदी' }, { id: 'en', label: 'English' }]);
    expect(hiOut.at(-1)!.text).toContain('टिकट संख्या: GRV-2026-000001');

    const en = nivaran(['chat', '--user', 'ravi', '--json'], {
      env,
      input: ['hello', '2', 'yes', '1', '2', 'The clerk at counter 3 refused to accept my form.', '2', 'ravi@example.in', 'yes'].join('\n'),
    });
    expect(en.code, en.stderr).toBe(0);
    expect(lines(en.stdout).at(-1)!.text).toContain('Ticket number: GRV-2026-000002');

    const later = nivaran(['chat', '--user', 'asha', '--json'], { env, input: 'स्थिति GRV-2026-000001\n' });
    expect(lines(later.stdout)[0]!.text).toContain('स्थिति: दर्ज');

    const list = nivaran(['tickets', 'list', '--json'], { env });
    expect(list.code, list.stderr).toBe(0);
    const tickets = JSON.parse(list.stdout) as Array<Record<string, string>>;
    expect(tickets.map((t) => [t.number, t.kind, t.status, t.language, t.channel])).toEqual([
      ['GRV-2026-000001', 'grievance', 'open', 'hi', 'console'],
      ['GRV-2026-000002', 'grievance', 'open', 'en', 'console'],
    ]);
    for (const t of tickets) {
      expect(new Date(t.createdAt!).toISOString()).toBe(t.createdAt);
      expect(new Date(t.dueAt!).toISOString()).toBe(t.dueAt);
    }
  });

  it('officers act on a ticket from the command line; the citizen sees it on their next chat and answers', () => {
    const env = { DATA_DIR: tempDataDir() };
    nivaran(['chat', '--user', 'meena', '--json'], { env, input: ['hi', '2', 'yes', '1', '1', 'Streetlight on Lane 3 has been off for two weeks.', '3', 'yes'].join('\n') });
    const ask = nivaran(['tickets', 'set', 'GRV-2026-000001', 'awaiting_citizen', '--reason', 'Which pole number is it?', '--as', 'officer-12'], { env });
    expect(ask.code, ask.stderr).toBe(0);
    const chat = nivaran(['chat', '--user', 'meena', '--json'], { env, input: 'Pole 3-17 near the temple\n' });
    const out = lines(chat.stdout).map((l) => l.text);
    expect(out[0]).toContain('Which pole number is it?');
    expect(out.join('\n')).toContain('passed to the officer');

    // DPDP provides no extension: refused, naming the rule, and nothing changes.
    const ext = nivaran(['tickets', 'extend', 'GRV-2026-000001', '--days', '80', '--reason', 'A site visit is needed.'], { env });
    expect(ext.code).toBe(1);
    expect(ext.stderr).toContain('NIV_TICKET_EXTENSION_NOT_ALLOWED');
    expect(ext.stderr).toContain('DPDP Rules 2025, rule 14(3)');

    const list = JSON.parse(nivaran(['tickets', 'list', '--json'], { env }).stdout) as Array<Record<string, unknown>>;
    expect(list[0]).toMatchObject({
      number: 'GRV-2026-000001', status: 'in_progress', level: 0, levelRole: 'officer', paused: false,
      policy: { id: 'dpdp', regime: 'dpdp', resolve: { unit: 'calendar_days', value: 30 } },
      extension: null,
    });
    for (const k of ['dueAt', 'levelDueAt', 'pausedMs', 'acknowledgedAt']) expect(list[0]).toHaveProperty(k);
    expect(list[0]!.pausedMs as number).toBeGreaterThan(0);

    const show = JSON.parse(nivaran(['tickets', 'show', 'grv-2026-1', '--json'], { env }).stdout) as { history: Array<{ kind: string; actor: string }>; fields: unknown; timers: unknown[] };
    expect(show.history.map((e) => `${e.kind}/${e.actor}`)).toEqual(['opened/citizen', 'transition/officer-12', 'citizen_reply/citizen', 'transition/citizen']);
    expect(show.fields).toMatchObject({ description: 'Streetlight on Lane 3 has been off for two weeks.' });
    expect(show.timers.length).toBeGreaterThan(0);

    expect(nivaran(['scheduler', 'run'], { env }).stdout).toMatch(/^scheduler: \d+ due, \d+ fired/);
    const bad = nivaran(['tickets', 'set', 'GRV-2026-000001', 'closed'], { env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('NIV_TICKET_TRANSITION');
  });

  it('imports principals from CSV and verifies a citizen against them with a one-time code', () => {
    const env = { DATA_DIR: tempDataDir() };
    const csv = path.join(env.DATA_DIR, 'principals.csv');
    fs.writeFileSync(csv, 'external_ref,name,mobile,email\r\nCUST-9,"Sharma, Meena",09876543210,MEENA@example.in\r\nCUST-10,Bad,12345,\r\n');
    const imported = nivaran(['principals', 'import', csv], { env });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/Imported 1 principal/);
    expect(imported.stdout).toMatch(/line 3/i);
    // The development code sender prints the code on stderr; the citizen types it back.
    const first = nivaran(['chat', '--user', 'meena', '--json'], { env, input: ['hi', '2', 'yes', '2', '1', '1', '9876543210'].join('\n') });
    const code = /one-time code for \S+ \S+: (\d{6})/.exec(first.stderr)?.[1];
    expect(code, first.stderr).toMatch(/^\d{6}$/);
    const second = nivaran(['chat', '--user', 'meena', '--json'], { env, input: [code, 'yes'].join('\n') });
    expect(lines(second.stdout).at(-1)!.text).toContain('Request number: DPR-2026-000001');
  });

  it('imports a holiday calendar from an iCalendar file', () => {
    const dir = tempDataDir();
    const ics = path.join(dir, 'up.ics');
    fs.writeFileSync(ics, ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', 'UID:1@test', 'DTSTAMP:20260101T000000Z', 'DTSTART;VALUE=DATE:20260114', 'SUMMARY:Makar Sankranti', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n'));
    const r = nivaran(['calendar', 'import', ics, '--id', 'in-up', '--year', '2026', '--extends', 'in-central'], { env: { CALENDARS_DIR: dir } });
    expect(r.code, r.stderr).toBe(0);
    const file = JSON.parse(fs.readFileSync(path.join(dir, 'in-up-2026.json'), 'utf8')) as { holidays: Array<{ date: string }> };
    expect(file.holidays.map((x) => x.date)).toEqual(['2026-01-14']);
  });

  it('flows check passes, and fails naming the key when a Hindi text is deleted', () => {
    expect(nivaran(['flows', 'check']).code).toBe(0);
    const locales = tempDataDir();
    fs.cpSync(path.join(PACKAGE_ROOT, 'locales'), locales, { recursive: true });
    const file = path.join(locales, 'hi', 'flows.json');
    const hi = JSON.parse(fs.readFileSync(file, 'utf8'));
    delete hi.grievance.ask_description;
    fs.writeFileSync(file, JSON.stringify(hi));
    const r = nivaran(['flows', 'check'], { env: { LOCALES_DIR: locales } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('flows:grievance.ask_description');
    expect(r.stderr).toContain('locales/hi/flows.json');
  });

  it('bad configuration stops start-up with a message naming the variable', () => {
    const r = nivaran(['chat'], { env: { DATA_DIR: tempDataDir(), SCHEDULER_INTERVAL_SECONDS: 'often' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('SCHEDULER_INTERVAL_SECONDS');
    expect(r.stderr).toContain('NIV_CONFIG_INVALID');
  });

  it('an unknown command prints usage and fails', () => {
    const r = nivaran(['frobnicate']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Unknown command "frobnicate"');
  });
});
