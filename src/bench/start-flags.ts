/**
 * The environment and Node flags of a start command: `A=1 node --b=2 --c bin/nivaran.js start`
 * gives `{ env: { A: '1' }, flags: ['--b=2', '--c'] }`. The memory bench starts its child with
 * those of package.json's `start` script, and the deploy test checks that the container and the
 * systemd unit use the same.
 */
export function startCommand(command: string): { env: Record<string, string>; flags: string[] } {
  const words = command.trim().split(/\s+/);
  const env: Record<string, string> = {};
  let i = 0;
  for (; i < words.length; i++) {
    const m = /^([A-Z_][A-Z0-9_]*)=(\S*)$/.exec(words[i]!);
    if (!m) break;
    env[m[1]!] = m[2]!;
  }
  if (words[i] !== 'node' && !words[i]?.endsWith('/node')) return { env, flags: [] };
  const flags: string[] = [];
  for (const w of words.slice(i + 1)) {
    if (!w.startsWith('-')) break;
    flags.push(w);
  }
  return { env, flags };
}
