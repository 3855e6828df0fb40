import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processesUsing } from '../../../src/channels/whatsapp-web/client.ts';

// stop() kills what still runs on the channel's profile folder: only Chromium's processes may be
// found, never an operator's program that merely names the folder (a tail, du or rsync of it).
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

function idle(...args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)', '--', ...args], { stdio: 'ignore' });
  children.push(child);
  return child;
}

describe.skipIf(process.platform !== 'linux')('processesUsing', () => {
  it('finds a process by its --user-data-dir in the folder, not one that only names the folder', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nivaran-wweb-'));
    const chromium = idle(`--user-data-dir=${dir}/session-nivaran`, '--headless');
    const operator = idle(path.join(dir, 'session-nivaran', 'Default', 'Cookies'));
    const neighbour = idle(`--user-data-dir=${dir}-other/session-nivaran`);
    await new Promise((r) => setTimeout(r, 300));
    const found = processesUsing(dir);
    expect(found).toContain(chromium.pid);
    expect(found).not.toContain(operator.pid);
    expect(found).not.toContain(neighbour.pid);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
