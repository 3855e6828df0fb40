import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { retentionCommand } from '../../src/cli/retention.ts';
import { loadProfile } from '../../src/profile/load.ts';
import type { PurgeReport } from '../../src/retention/retention-service.ts';
import { SqliteStore } from '../../src/storage/sqlite-store.ts';
import { fileGrievance } from '../helpers/desk.ts';
import { FakeClock, startHarness, tempDataDir, testConfig } from '../helpers/harness.ts';
import { chatOnly, move, NOW, profileWithRetention, T_OLD } from './helpers.ts';

function capture() {
  let text = '';
  const stdout = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stdout, text: () => text };
}

/** A data directory with, 13 months before NOW, a chat without a ticket, a closed ticket and an open one. */
async function dataDir() {
  const dir = tempDataDir();
  const profile = profileWithRetention();
  const h = await startHarness({ dataDir: dir, clock: new FakeClock(T_OLD), env: { PROFILE_FILE: profile } });
  await chatOnly(h, 'old');
  const closed = await fileGrievance(h, { user: 'closed' });
  await move(h, closed, 'resolved', 'closed');
  await fileGrievance(h, { user: 'open' });
  await h.close();
  return { config: testConfig(dir, { PROFILE_FILE: profile }), file: `${dir}/nivaran.sqlite` };
}

async function countRows(file: string, table: string): Promise<number> {
  const store = await SqliteStore.open(file);
  try {
    return (store.connection.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  } finally {
    await store.close();
  }
}

describe('nivaran retention run', () => {
  it('--dry-run prints per class the cutoff, what would go and what is kept for which reason, and deletes nothing', async () => {
    const { config, file } = await dataDir();
    const before = await countRows(file, 'transcripts');
    const out = capture();
    expect(await retentionCommand(['run', '--dry-run'], { config, io: { stdout: out.stdout }, clock: () => new Date(NOW) })).toBe(0);
    const text = out.text();
    expect(text).toContain('(dry run: nothing was deleted)');
    const lines = text.split('\n');
    const header = lines.find((l) => l.startsWith('class'))!;
    expect(header.split(/\s{2,}/)).toEqual(['class', 'months', 'cutoff (IST)', 'would go', 'kept', 'open ticket', 'appeal', 'Board case', 'legal hold']);
    const row = (label: string) => lines.find((l) => l.startsWith(label))!.split(/\s{2,}/);
    // consent: "old" and "closed" would go; "open" is kept for its open ticket.
    expect(row('consent ledger')).toEqual(['consent ledger', '12', '2025-11-01', '2', '1', '1', '0', '0', '0']);
    expect(row('tickets (finished)')).toEqual(['tickets (finished)', '12', '2025-11-01', '1', '0', '0', '0', '0', '0']);
    expect(row('audit log')).toEqual(['audit log', '12', '2025-11-01', '0', '–', '–', '–', '–', '–']);
    expect(Number(row('transcripts')[3])).toBeGreaterThan(0);
    expect(text).toMatch(/In all \d+ rows would go\./);
    expect(await countRows(file, 'transcripts')).toBe(before);
    expect(await countRows(file, 'audit_log')).toBe(0);
  });

  it('deletes, says so, and names the command line in the audit row; --json gives the report', async () => {
    const { config, file } = await dataDir();
    const out = capture();
    expect(await retentionCommand(['run', '--json'], { config, io: { stdout: out.stdout }, clock: () => new Date(NOW) })).toBe(0);
    const report = JSON.parse(out.text()) as PurgeReport;
    expect(report.dryRun).toBe(false);
    expect(report.classes.consent).toMatchObject({ months: 12, cutoff: '2025-10-31T18:30:00.000Z', deleted: 2, keptTotal: 1, kept: { open_ticket: 1 } });
    expect(report.auditSeq).toBe(1);
    const store = await SqliteStore.open(file);
    try {
      expect(store.connection.prepare(`select actor, action from audit_log`).all()).toEqual([{ actor: 'cli', action: 'retention.purge' }]);
    } finally {
      await store.close();
    }

    const again = capture();
    expect(await retentionCommand(['run'], { config, io: { stdout: again.stdout }, clock: () => new Date(NOW) })).toBe(0);
    expect(again.text()).toContain('deleted');
    expect(again.text()).toMatch(/In all 0 rows deleted; audit entry 2\./);
  });

  it('refuses anything but `run`', async () => {
    await expect(retentionCommand(['purge'])).rejects.toThrow(/Usage: nivaran retention run/);
    await expect(retentionCommand(['run', '--force'])).rejects.toThrow(/Usage: nivaran retention run/);
  });
});

describe('retention periods in the profile', () => {
  it('refuses a period below the one-year floor, naming the field and Rule 8(3)', () => {
    expect(() => loadProfile(profileWithRetention({ transcriptMonths: 6 }))).toThrow(/retention\.transcriptMonths[\s\S]*Rule 8\(3\)|Rule 8\(3\)[\s\S]*retention\.transcriptMonths/);
    expect(() => loadProfile(profileWithRetention({ auditMonths: 11 }))).toThrow(/Rule 8\(3\)/);
    expect(loadProfile(profileWithRetention({ transcriptMonths: 12 })).retention.transcriptMonths).toBe(12);
  });
});
