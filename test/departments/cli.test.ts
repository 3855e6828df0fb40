import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { departmentsCommand } from '../../src/cli/departments.ts';
import { addOfficer, auditRows } from '../helpers/desk.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

const STATE_PORTAL = path.join(import.meta.dirname, '..', '..', 'profiles', 'examples', 'state-portal.yaml');

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function run(h: Harness, args: string[]): Promise<string> {
  let out = '';
  const stdout = new Writable({ write(chunk, _e, cb) { out += String(chunk); cb(); } });
  // The harness holds the SQLite file open: the command opens its own connection, as a second process would.
  await departmentsCommand(args, { config: h.app.config, io: { stdin: Readable.from(['']), stdout, isTTY: false } });
  return out;
}

describe('nivaran departments', () => {
  it('assigns an officer a role in a department, lists the members, and takes them out again, audited', async () => {
    h = await startHarness({ env: { PROFILE_FILE: STATE_PORTAL } });
    const o = await addOfficer(h.app, 'officer');
    expect(await run(h, ['assign', '--email', o.email, '--department', 'water', '--role', 'officer'])).toBe(`${o.email} is now officer in water.\n`);
    await run(h, ['assign', '--email', o.email, '--department', 'power', '--role', 'grievance_officer']);
    const list = JSON.parse(await run(h, ['list', '--json'])) as { declared: boolean; departments: Array<{ id: string; calendar: string; officers: Array<{ email: string; role: string }> }> };
    expect(list.declared).toBe(true);
    expect(list.departments.map((d) => [d.id, d.calendar, d.officers.map((x) => `${x.email}:${x.role}`)])).toEqual([
      ['power', 'in-central', [`${o.email}:grievance_officer`]],
      ['water', 'in-state-example', [`${o.email}:officer`]],
      ['citizen-services', 'in-central', []],
    ]);
    expect(await run(h, ['list'])).toContain('water  Water Supply Department / जल आपूर्ति विभाग');
    await run(h, ['remove', '--email', o.email, '--department', 'power']);
    const after = JSON.parse(await run(h, ['list', '--json'])) as typeof list;
    expect(after.departments[0]!.officers).toEqual([]);
    expect((await auditRows(h.app)).filter((r) => r.action.startsWith('officer.department')).map((r) => [r.action, r.actor, JSON.parse(r.detail)])).toEqual([
      ['officer.department_set', 'cli', { department: 'water', role: 'officer' }],
      ['officer.department_set', 'cli', { department: 'power', role: 'grievance_officer' }],
      ['officer.department_removed', 'cli', { department: 'power', role: null }],
    ]);
  });

  it('refuses an unknown department, role or officer, naming what exists', async () => {
    h = await startHarness({ env: { PROFILE_FILE: STATE_PORTAL } });
    const o = await addOfficer(h.app, 'officer');
    await expect(run(h, ['assign', '--email', o.email, '--department', 'roads', '--role', 'officer'])).rejects.toThrow('the profile declares: power, water, citizen-services');
    await expect(run(h, ['assign', '--email', o.email, '--department', 'water', '--role', 'admin'])).rejects.toThrow('use one of: officer, grievance_officer, dpo, reviewer');
    await expect(run(h, ['assign', '--email', 'nobody@example.org', '--department', 'water', '--role', 'officer'])).rejects.toThrow('There is no officer with the email nobody@example.org');
    await expect(run(h, ['assign', '--email', o.email])).rejects.toMatchObject({ code: 'NIV_CLI_USAGE' });
  });

  it('says so where the profile declares no departments', async () => {
    h = await startHarness();
    expect(await run(h, ['list'])).toContain('The profile declares no departments');
    const o = await addOfficer(h.app, 'officer');
    await expect(run(h, ['assign', '--email', o.email, '--department', 'main', '--role', 'officer'])).rejects.toThrow('declares no departments');
  });
});
