import fs from 'node:fs';
import path from 'node:path';

/**
 * Child processes (the CLI run as a user runs it) read the machine's clock; Nivaran has no test
 * switch for it. Debian's libfaketime (`apt-get install faketime`, installed by .ci/run) starts such a
 * process at a fixed moment instead, so what it prints (ticket years, due dates) is the same on any
 * day the suite runs. Tests that need it are reported skipped where the library is missing.
 */
function findLibFaketime(): string | undefined {
  for (const dir of ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib']) {
    const lib = path.join(dir, 'faketime', 'libfaketime.so.1');
    if (fs.existsSync(lib)) return lib;
  }
  return undefined;
}

export const LIBFAKETIME = findLibFaketime();

/** Environment variables that start a child process's clock at `iso` (UTC), running from there. */
export function fixedTimeEnv(iso: string): Record<string, string> {
  if (!LIBFAKETIME) throw new Error('libfaketime is not installed (apt-get install faketime)');
  const at = new Date(iso).toISOString().replace('T', ' ').slice(0, 19);
  return { LD_PRELOAD: LIBFAKETIME, FAKETIME: `@${at}`, FAKETIME_DONT_FAKE_MONOTONIC: '1', TZ: 'UTC' };
}
