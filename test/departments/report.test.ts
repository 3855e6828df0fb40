import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { reportCommand } from '../../src/cli/report.ts';
import { reportsByDepartment } from '../../src/departments/report.ts';
import { FakeClock, startHarness, type Harness } from '../helpers/harness.ts';

/** Mon 2 Nov 2026, 10:00 IST. */
const RECEIVED = '2026-11-02T04:30:00.000Z';
const STATE_PORTAL = path.join(import.meta.dirname, '..', '..', 'profiles', 'examples', 'state-portal.yaml');
const HOUR = 3_600_000;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function file(h: Harness, user: string, category: string, description: string): Promise<string> {
  let last = '';
  for (const t of ['hi', '2', 'yes', '1', category, description, '3', 'yes']) last = (await h.say(t, { user })).map((m) => m.text).join('\n');
  return /GRV-\d{4}-\d{6}/.exec(last)![0];
}

/** Two grievances to Electricity (one transferred to Water Supply and resolved there), one to Water Supply. */
async function november(): Promise<Harness> {
  h = await startHarness({ clock: new FakeClock(RECEIVED), env: { PROFILE_FILE: STATE_PORTAL } });
  const a = await file(h, 'citizen-1', '1', 'No electricity in Sector 9 since last night.');
  const b = await file(h, 'citizen-2', '2', 'My water bill was sent to me by the electricity office.');
  await file(h, 'citizen-3', '3', 'No water in Ward 12 for three days now.');
  h.clock.advance(5 * HOUR);
  const app = h.app;
  const clock = h.clock;
  await app.store.transaction((u) => app.tickets.transfer(u, b, 'water', { actor: 'officer:1', reason: 'It is about a water bill.', now: clock.now() }));
  clock.advance(24 * HOUR);
  await app.store.transaction((u) => app.tickets.transition(u, b, 'resolved', { actor: 'officer:2', reason: 'The bill has been corrected.', now: clock.now() }));
  await app.store.transaction((u) => app.tickets.transition(u, a, 'resolved', { actor: 'officer:3', reason: 'Supply restored.', now: clock.now() }));
  return h;
}

describe('reports by department', () => {
  it('splits the month by the department holding each ticket, and counts transfers in and out', async () => {
    const h = await november();
    const now = new Date('2026-12-05T06:30:00.000Z');
    const { organisation, departments } = await reportsByDepartment(
      { store: h.app.store, profile: h.app.content.profile, departments: h.app.tickets.departments, calendar: h.app.content.calendar, now }, '2026-11',
    );
    expect(organisation.department).toBeNull();
    expect(organisation.requests.total).toBe(3);
    expect(organisation.onTime).toMatchObject({ resolved: 2, onTime: 2 });
    expect(organisation.transfers).toEqual({ count: 1, in: null, out: null });
    const by = Object.fromEntries(departments.map((r) => [r.department!.id, r]));
    expect(Object.keys(by)).toEqual(['power', 'water', 'citizen-services']);
    expect(by.power!.requests.total).toBe(1);
    expect(by.power!.onTime).toMatchObject({ resolved: 1, onTime: 1 });
    expect(by.power!.transfers).toEqual({ count: 1, in: 0, out: 1 });
    expect(by.water!.requests.total).toBe(2);
    expect(by.water!.onTime).toMatchObject({ resolved: 1, onTime: 1 });
    expect(by.water!.transfers).toEqual({ count: 1, in: 1, out: 0 });
    expect(by['citizen-services']!.requests.total).toBe(0);
    // The figures add up to the organisation's.
    expect(departments.reduce((n, r) => n + r.requests.total, 0)).toBe(organisation.requests.total);
  });

  it('prints a department’s report and the split from the command line, and audits the reading', async () => {
    const h = await november();
    let out = '';
    const stdout = new Writable({ write(chunk, _e, cb) { out += String(chunk); cb(); } });
    const run = async (args: string[]) => {
      out = '';
      await reportCommand(args, { config: h.app.config, io: { stdin: Readable.from(['']), stdout, isTTY: false }, now: () => new Date('2026-12-05T06:30:00.000Z') });
      return out;
    };
    const text = await run(['--month', '2026-11', '--department', 'water']);
    expect(text).toContain('Department: Water Supply Department (water)');
    expect(text).toContain('Requests received: 2');
    expect(text).toContain('Transfers between departments: 1 received, 0 sent');
    const split = JSON.parse(await run(['--month', '2026-11', '--by-department', '--format', 'json'])) as Array<Record<string, unknown>>;
    expect(split.map((s) => [s.department, s.received, s.transfersIn, s.transfersOut])).toEqual([
      ['all', 3, null, null], ['power', 1, 0, 1], ['water', 2, 1, 0], ['citizen-services', 0, 0, 0],
    ]);
    const table = await run(['--month', '2026-11', '--by-department']);
    expect(table).toMatch(/Water Supply Department \(water\)\s+2\s+1/);
    const csv = await run(['--month', '2026-11', '--by-department', '--format', 'csv']);
    expect(csv).toContain('\r\nwater,2,1,1,1,1,0,1,0\r\n');
    await expect(run(['--month', '2026-11', '--department', 'roads'])).rejects.toMatchObject({ code: 'NIV_CLI_USAGE' });
    const audit = await h.app.store.transaction((u) => u.audit.after(0, 100));
    expect(audit.filter((r) => r.action === 'report.view').map((r) => JSON.parse(r.detail).department)).toEqual(['water', 'all', 'all', 'all']);
  });
});
