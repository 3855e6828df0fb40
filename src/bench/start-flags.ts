/**
 * The Node flags of a start command: the words between `node` and the script (`node --a=1 --b
 * bin/nivaran.js start` gives `--a=1 --b`). The memory bench starts its child with those of
 * package.json's `start` script, and the deploy test checks that the container and the systemd
 * unit use the same.
 */
export function startFlags(command: string): string[] {
  const words = command.trim().split(/\s+/);
  const node = words.indexOf('node');
  if (node < 0) return [];
  const flags: string[] = [];
  for (const w of words.slice(node + 1)) {
    if (!w.startsWith('-')) break;
    flags.push(w);
  }
  return flags;
}
