import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Departments } from '../../src/departments/departments.ts';
import { loadCalendar } from '../../src/domain/sla/calendar-files.ts';
import { loadProfile } from '../../src/profile/load.ts';

const root = path.join(import.meta.dirname, '..', '..');
const calendars = path.join(root, 'calendars');
const load = (file: string) => {
  const profile = loadProfile(file);
  return { profile, departments: Departments.fromProfile(profile, loadCalendar(calendars, profile.calendar), (id) => loadCalendar(calendars, id)) };
};

function profileWith(departmentsYaml: string): string {
  const base = fs.readFileSync(path.join(root, 'profiles', 'default.yaml'), 'utf8');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nivaran-dept-')), 'profile.yaml');
  fs.writeFileSync(file, `${base}\ndepartments:\n${departmentsYaml}`);
  return file;
}

describe('departments in the profile', () => {
  it('without departments: one implicit department with the organisation’s ladder, calendar and clocks', () => {
    const { profile, departments } = load(path.join(root, 'profiles', 'default.yaml'));
    expect(departments.declared).toBe(false);
    expect(departments.list.map((d) => d.id)).toEqual(['main']);
    expect(departments.fallback.ladder).toBe(profile.ladder);
    expect(departments.fallback.policies).toBe(profile.policies);
    expect(departments.route('grievance', { category: 'billing' }).id).toBe('main');
    expect(departments.route('data_rights', { right: 'access' }).id).toBe('main');
  });

  it('routes by category, rights requests to the data-protection desk, anything else to the first department', () => {
    const { profile, departments } = load(path.join(root, 'profiles', 'examples', 'state-portal.yaml'));
    expect(departments.declared).toBe(true);
    expect(departments.route('grievance', { category: 'water_bill' }).id).toBe('water');
    expect(departments.route('grievance', { category: 'power_supply' }).id).toBe('power');
    expect(departments.route('grievance', { category: 'not_listed' }).id).toBe('power');
    expect(departments.route('grievance', {}).id).toBe('power');
    expect(departments.route('data_rights', { right: 'erasure' }).id).toBe('citizen-services');
    const water = departments.get('water');
    expect(water.calendar.id).toBe('in-state-example');
    expect(water.ladder[0]!.title.en).toBe('Assistant Engineer');
    // Policies and ladder fall back on the organisation's where the department sets none.
    expect(departments.get('power').ladder).toBe(profile.ladder);
    expect(departments.get('power').policies.grievance.id).toBe('cpgrams');
    // Rows from before departments (`main`) and ids no longer declared belong to the first department.
    expect(departments.get('main').id).toBe('power');
    expect(departments.get('roads').id).toBe('power');
    expect(departments.storedIds(departments.get('power'))).toEqual(['power', 'main']);
    expect(departments.storedIds(water)).toEqual(['water']);
    expect(departments.categories().map((c) => c.id)).toEqual(['power_supply', 'power_bill', 'water_supply', 'water_bill', 'sewerage', 'portal', 'personal_data', 'other']);
  });

  it('e-commerce: order, delivery, cancellation and refund disputes, and personal data', () => {
    const { departments } = load(path.join(root, 'profiles', 'examples', 'ecommerce.yaml'));
    expect(departments.categories().map((c) => `${c.id}:${c.department}`)).toEqual([
      'order:orders', 'delivery:orders', 'cancellation:orders', 'refund:payments', 'personal_data:privacy',
    ]);
    expect(departments.get('orders').policies.grievance).toMatchObject({ id: 'ecommerce', acknowledge: { unit: 'hours', value: 48 } });
    expect(departments.rightsDesk.id).toBe('privacy');
  });

  it('refuses duplicate ids, a category in two departments, two rights desks, an unknown preset, naming the field', () => {
    const cat = (id: string) => `{ id: ${id}, name: { en: X, hi: क } }`;
    const dept = (id: string, extra = '', cats = [`c_${id}`]) => `  - id: ${id}\n    name: { en: ${id}, hi: क }\n    categories: [${cats.map(cat).join(', ')}]\n${extra}`;
    expect(() => loadProfile(profileWith(dept('a') + dept('a', '', ['c_b'])))).toThrow('a second department with id "a"');
    expect(() => loadProfile(profileWith(dept('a', '', ['same']) + dept('b', '', ['same'])))).toThrow('category "same" belongs to two departments');
    expect(() => loadProfile(profileWith(dept('a', '    rights: true\n') + dept('b', '    rights: true\n')))).toThrow('at most one department may be the data-protection desk');
    expect(() => loadProfile(profileWith(dept('a', '    policies: { grievance: nope }\n')))).toThrow('departments.a.policies.grievance: unknown preset "nope"');
    // A department's own policy for one kind; the other kind keeps the organisation's.
    const own = load(profileWith(dept('a', '    policies: { grievance: it-rules }\n'))).departments.get('a');
    expect([own.policies.grievance.id, own.policies.data_rights.id]).toEqual(['it-rules', 'dpdp']);
    expect(() => loadProfile(profileWith(dept('Bad_Id')))).toThrow('lower-case letters, digits and -');
    expect(() => loadProfile(profileWith(dept('a', '', Array.from({ length: 6 }, (_, i) => `a${i}`)) + dept('b', '', Array.from({ length: 5 }, (_, i) => `b${i}`))))).toThrow('a menu shows at most 10');
  });

  it('resolves a department’s policies once, in the profile, and builds the departments from them', () => {
    const file = profileWith(
      '  - id: a\n    name: { en: A, hi: क }\n    categories: [{ id: c_a, name: { en: X, hi: क } }]\n    policies: { data_rights: it-rules }\n'
      + '  - id: b\n    name: { en: B, hi: ख }\n    categories: [{ id: c_b, name: { en: Y, hi: ख } }]\n',
    );
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^policies:\n  grievance: dpdp\n/m, 'policies:\n  grievance: cpgrams\n'));
    const { profile, departments } = load(file);
    expect([profile.policies.grievance.id, profile.policies.data_rights.id]).toEqual(['cpgrams', 'dpdp']);
    // The kind a department leaves out is the organisation's, resolved: not its own other kind.
    expect(profile.departments![0]!.policies).toMatchObject({ grievance: { id: 'cpgrams' }, data_rights: { id: 'it-rules' } });
    expect(profile.departments![1]!.policies).toBeUndefined();
    // The departments take what the profile resolved, not a second resolution of their own.
    expect(departments.get('a').policies).toBe(profile.departments![0]!.policies);
    expect(departments.get('b').policies).toBe(profile.policies);
  });
});
