import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config.ts';
import { parseYamlFile } from '../../src/yaml-file.ts';

/**
 * The profile, intents and glossary are parsed once per content and kept as JSON (start-up time).
 * What is read must always be what YAML.parse gives for the file as it is now.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nivaran-yaml-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const OLD_TIME = new Date('2001-02-03T04:05:06Z');

describe('parseYamlFile', () => {
  it('gives what YAML.parse gives for the shipped files, the first time and again', () => {
    for (const file of [path.join(PACKAGE_ROOT, 'profiles', 'default.yaml'), path.join(PACKAGE_ROOT, 'flows', 'intents.yaml')]) {
      const expected: unknown = YAML.parse(fs.readFileSync(file, 'utf8'));
      expect(parseYamlFile(file)).toEqual(expected);
      expect(parseYamlFile(file)).toEqual(expected);
    }
  });

  it('reads a file edited in place again, even with its size and modification time unchanged', () => {
    const file = path.join(dir, 'edited.yaml');
    fs.writeFileSync(file, 'name: first\n');
    fs.utimesSync(file, OLD_TIME, OLD_TIME);
    expect(parseYamlFile(file)).toEqual({ name: 'first' });
    fs.writeFileSync(file, 'name: other\n');
    fs.utimesSync(file, OLD_TIME, OLD_TIME);
    expect(parseYamlFile(file)).toEqual({ name: 'other' });
    expect(parseYamlFile(file)).toEqual({ name: 'other' });
  });

  it('keeps values JSON cannot hold exactly, and reports a file that does not parse every time', () => {
    const special = path.join(dir, 'special.yaml');
    fs.writeFileSync(special, 'big: .inf\nnothing: .nan\nzero: -0\n');
    for (let i = 0; i < 2; i++) {
      const v = parseYamlFile(special) as { big: number; nothing: number; zero: number };
      expect(v.big).toBe(Infinity);
      expect(v.nothing).toBeNaN();
      expect(Object.is(v.zero, -0)).toBe(true);
    }
    const broken = path.join(dir, 'broken.yaml');
    fs.writeFileSync(broken, 'a: [1, 2\n');
    expect(() => parseYamlFile(broken)).toThrow();
    expect(() => parseYamlFile(broken)).toThrow();
  });
});
