import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config.ts';
import { fixedTimeEnv, LIBFAKETIME } from '../helpers/fixed-time.ts';
import { tempDataDir } from '../helpers/harness.ts';

/**
 * The scripted example in docs/running.md must do what the page says: file a grievance, ending
 * with its number. The test reads the example from the page itself, so the two cannot drift apart.
 */
describe.skipIf(!LIBFAKETIME)('docs/running.md: the scripted chat example', { timeout: 120_000 }, () => {
  it('files a grievance and ends with its ticket number, as the page shows', () => {
    const page = fs.readFileSync(path.join(PACKAGE_ROOT, 'docs', 'running.md'), 'utf8');
    const m = /^printf '([^']*)' \| npx nivaran chat --user asha --json$/m.exec(page);
    expect(m, 'the printf example is on the page').not.toBeNull();
    const input = m![1]!.replace(/\\n/g, '\n');
    const r = spawnSync(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'nivaran.js'), 'chat', '--user', 'asha', '--json'], {
      input,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', DATA_DIR: tempDataDir(), ...fixedTimeEnv('2026-11-22T05:30:00Z') },
      timeout: 90_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { text: string; choices: unknown[] });
    const last = out.at(-1)!;
    expect(last.text).toContain('आपकी शिकायत दर्ज कर ली गई है।\nटिकट संख्या: GRV-2026-000001\n');
    expect(last.choices).toEqual([]);
    expect(page).toContain('# {"text":"आपकी शिकायत दर्ज कर ली गई है।\\nटिकट संख्या: GRV-2026-000001\\n…","choices":[]}');
  });
});
