import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { startCommand } from '../../src/bench/start-flags.ts';
import { loadConfig } from '../../src/config.ts';

const ROOT = path.join(import.meta.dirname, '..', '..');
const read = (p: string) => fs.readFileSync(path.join(ROOT, p), 'utf8');

/** The variables config.ts reads: the keys of its zod schema. */
const KNOWN = new Set([...read('src/config.ts').matchAll(/^ {2}([A-Z][A-Z0-9_]+): z/gm)].map((m) => m[1]!));

function envFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

describe('the deployment to copy (deploy/)', () => {
  it('the environment file names only variables Nivaran reads, and its values pass validation', () => {
    const text = read('deploy/nivaran.env.example');
    const named = [...text.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(15);
    for (const name of named) expect(KNOWN, `${name} in deploy/nivaran.env.example`).toContain(name);
    const config = loadConfig(envFile(text));
    expect(config.metrics).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(config.smtp?.from).toBe('Nivaran <no-reply@example.in>');
  });

  it('compose.yaml runs the image with PostgreSQL, on variables Nivaran reads, the desk and metrics on this machine only', () => {
    const compose = YAML.parse(read('deploy/compose.yaml')) as {
      services: { db: { image: string }; nivaran: { build: { context: string; dockerfile: string }; environment: Record<string, string>; ports: string[]; env_file: string; depends_on: unknown } };
    };
    expect(compose.services.db.image).toMatch(/^postgres:/);
    const n = compose.services.nivaran;
    expect(path.resolve(ROOT, 'deploy', n.build.context, n.build.dockerfile)).toBe(path.join(ROOT, 'deploy', 'Dockerfile'));
    for (const name of Object.keys(n.environment)) expect(KNOWN).toContain(name);
    expect(n.environment.DATABASE_URL).toMatch(/^postgres:\/\/nivaran:\$\{POSTGRES_PASSWORD\}@db:5432\/nivaran$/);
    for (const p of n.ports) expect(p).toMatch(/^127\.0\.0\.1:/);
    expect(n.env_file).toBe('nivaran.env');
  });

  it('the Dockerfile copies what exists and starts the bot; its health check asks /readyz on METRICS_PORT', () => {
    const docker = read('deploy/Dockerfile');
    for (const [, dir] of docker.matchAll(/^COPY (?!--from)(\S+) /gm)) expect(fs.existsSync(path.join(ROOT, dir!)), dir).toBe(true);
    expect(docker).toMatch(/^CMD \["node", (?:"--[\w=-]+", )*"bin\/nivaran\.js", "start"\]$/m);
    expect(docker).toMatch(/METRICS_PORT=9464/);
    expect(docker).toContain("fetch('http://127.0.0.1:9464/readyz')");
  });

  it('the systemd units start the bot and take the nightly backup with the commands this version has', () => {
    const unit = read('deploy/nivaran.service');
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node (?:--[\w=-]+ )*\/opt\/nivaran\/bin\/nivaran\.js start$/m);
    expect(unit).toMatch(/^EnvironmentFile=\/etc\/nivaran\/nivaran\.env$/m);
    const backup = read('deploy/nivaran-backup.service');
    expect(backup).toMatch(/bin\/nivaran\.js backup "[^"]+" --force/);
    expect(read('src/cli/main.ts')).toContain("case 'backup':");
    expect(read('deploy/nivaran-backup.timer')).toMatch(/^OnCalendar=/m);
  });

  it('the container and the systemd unit start Node with the memory settings of `npm start`', () => {
    // The memory figure in docs/performance.md is measured with npm start's settings (the bench
    // reads them from package.json); a production start without them holds far more memory.
    const pkg = JSON.parse(read('package.json')) as { scripts: { start: string } };
    const { env, flags } = startCommand(pkg.scripts.start);
    expect(flags).toEqual(expect.arrayContaining([expect.stringMatching(/^--max-semi-space-size=\d+$/), expect.stringMatching(/^--heap-growing-percent=\d+$/)]));
    expect(env.MALLOC_ARENA_MAX).toMatch(/^\d+$/);
    const docker = read('deploy/Dockerfile');
    const cmd = /^CMD (\[.*\])$/m.exec(docker)?.[1];
    expect(startCommand((JSON.parse(cmd!) as string[]).join(' ')).flags).toEqual(flags);
    const unit = read('deploy/nivaran.service');
    expect(startCommand(/^ExecStart=(.*)$/m.exec(unit)![1]!).flags).toEqual(flags);
    for (const [name, value] of Object.entries(env)) {
      // The final stage's ENV (after the last FROM), and the unit's Environment= lines.
      expect(docker.slice(docker.lastIndexOf('\nFROM '))).toMatch(new RegExp(`^(?:ENV |\\s+)${name}=${value}(?: \\\\)?$`, 'm'));
      expect(unit).toMatch(new RegExp(`^Environment=${name}=${value}$`, 'm'));
    }
  });
});
