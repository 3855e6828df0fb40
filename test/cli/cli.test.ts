import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config.ts';
import { tempDataDir } from '../helpers/harness.ts';

const BIN = path.join(PACKAGE_ROOT, 'bin', 'nivaran.js');

function nivaran(args: string[], opts: { input?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...opts.env },
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const lines = (s: string) => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { text: string; choices: Array<{ id: string; label: string }> });

describe('nivaran chat / tickets (the console channel, as a script would use it)', () => {
  it('files a grievance in Hindi and in English, lists both tickets, and continues the same citizen later', () => {
    const env = { DATA_DIR: tempDataDir() };
    const hi = nivaran(['chat', '--user', 'asha', '--json'], {
      env,
      input: ['नमस्ते', '१', '१', '३', 'पिछले महीने का पानी का बिल दो बार काटा गया है।', '३', 'हाँ', ''].join('\n'),
    });
    expect(hi.code, hi.stderr).toBe(0);
    const hiOut = lines(hi.stdout);
    expect(hiOut[0]!.choices).toEqual([{ id: 'hi', label: 'हिंदी' }, { id: 'en', label: 'English' }]);
    expect(hiOut.at(-1)!.text).toContain('टिकट संख्या: GRV-2026-000001');

    const en = nivaran(['chat', '--user', 'ravi', '--json'], {
      env,
      input: ['hello', '2', '1', '2', 'The clerk at counter 3 refused to accept my form.', '2', 'ravi@example.in', 'yes'].join('\n'),
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
