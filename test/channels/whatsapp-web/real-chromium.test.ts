import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWhatsAppWebChannel } from '../../../src/channels/whatsapp-web/adapter.ts';
import { createLogger } from '../../../src/logger.ts';

const CHROMIUM = '/usr/bin/chromium';

/** Processes whose command line contains `marker` (pgrep -f), excluding pgrep itself. */
function pgrep(marker: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // exit 1: none
  }
}

function commandLine(pid: number): string {
  try {
    return `${pid} ${fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 160)}`;
  } catch {
    return `${pid} (gone)`;
  }
}

describe('WhatsApp Web with the real client and Debian Chromium, WhatsApp unreachable', () => {
  // This machine kind has no internet: web.whatsapp.com does not resolve.
  it.skipIf(!fs.existsSync(CHROMIUM))('reports the network error once, and no Chromium survives stop()', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `niv-wweb-real-${process.pid}-`));
    const marker = path.join(dir, 'whatsapp-web');
    const before = pgrep(marker);
    const lines: string[] = [];
    const channel = createWhatsAppWebChannel(
      { dataDir: dir, chromiumPath: CHROMIUM },
      { router: { handle: async () => undefined }, drain: async () => undefined, logger: createLogger('silent') },
      { operator: (line) => lines.push(line), retryBaseMs: 60_000, initTimeoutMs: 30_000 },
    );
    try {
      await channel.start();
      const end = Date.now() + 25_000;
      while (lines.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^WhatsApp Web unreachable: net::ERR_[A-Z_]+, retrying in 60 s$/);
    } finally {
      await channel.stop();
      await new Promise((r) => setTimeout(r, 300));
      const after = pgrep(marker);
      // Chromium's last writes to its profile may land while the folder is being removed (a loaded machine).
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
      expect(before).toEqual([]);
      // On failure, say what survived.
      expect(after.map(commandLine)).toEqual([]);
    }
  }, 60_000);
});
