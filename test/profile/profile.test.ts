import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config.ts';
import { loadProfile } from '../../src/profile/load.ts';
import { tempDataDir } from '../helpers/harness.ts';

const profiles = path.join(PACKAGE_ROOT, 'profiles');

describe('organisation profile', () => {
  it.each(['default.yaml', 'examples/dpo-first.yaml', 'examples/desk-officer-first.yaml'])('%s loads', (file) => {
    const p = loadProfile(path.join(profiles, file));
    expect(p.ladder.length).toBeGreaterThan(0);
    expect(p.policies.grievance.resolve.value).toBeGreaterThan(0);
    expect(p.policies.data_rights).toBeDefined();
  });

  it('resolves preset ids and written-out policies', () => {
    expect(loadProfile(path.join(profiles, 'examples/desk-officer-first.yaml')).policies.grievance).toMatchObject({ id: 'cpgrams', resolve: { unit: 'calendar_days', value: 21 } });
    expect(loadProfile(path.join(profiles, 'examples/dpo-first.yaml')).policies.grievance).toMatchObject({ id: 'published-45-days', acknowledge: { unit: 'working_days', value: 2 } });
  });

  const broken = (edit: (text: string) => string) => {
    const file = path.join(tempDataDir(), 'profile.yaml');
    fs.writeFileSync(file, edit(fs.readFileSync(path.join(profiles, 'examples/dpo-first.yaml'), 'utf8')));
    return () => loadProfile(file);
  };

  it('rejects a DPDP period over the 90-day ceiling, naming the field', () => {
    const load = broken((t) => t.replace('value: 45', 'value: 120'));
    expect(load).toThrow(/r\.14\(3\).*ninety days/);
    expect(load).toThrow(/at policies\.grievance\.resolve\.value/);
  });

  it('rejects an unknown preset and lists the known ones', () => {
    expect(broken((t) => t.replace('data_rights: dpdp', 'data_rights: gdpr'))).toThrow(/unknown preset "gdpr" \(known: dpdp, it-rules/);
  });

  it('rejects an empty ladder and a reminder outside (0, 1)', () => {
    expect(broken((t) => t.replace('reminders: [0.5, 0.8]', 'reminders: [1.5]'))).toThrow(/reminders/);
  });
});
