import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config.ts';
import { tempDataDir } from '../helpers/harness.ts';

/**
 * `nivaran start` as the launcher runs it, from the bundle: the dependencies are bundled, and the
 * API docs' packages read their static files and logo from their own folder in node_modules.
 */
async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (probe.address() as net.AddressInfo).port;
      probe.close(() => resolve(port));
    });
  });
}

describe('nivaran start from the bundle', () => {
  it('answers on the console and on the desk, and serves the API docs with their static files', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'nivaran.js'), 'start'], {
      env: { PATH: process.env.PATH ?? '', DATA_DIR: tempDataDir(), LOG_LEVEL: 'silent', DESK_PORT: String(port) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      child.stdin.write('hello\n');
      const base = `http://127.0.0.1:${port}`;
      let up = false;
      while (!up && child.exitCode === null) {
        up = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
        if (!up) await new Promise((r) => setTimeout(r, 50));
      }
      expect(up, err).toBe(true);

      const ui = await fetch(`${base}/api/docs`, { redirect: 'follow' });
      expect(ui.status).toBe(200);
      expect(await ui.text()).toContain('swagger');
      const css = await fetch(`${base}/api/docs/static/swagger-ui.css`);
      expect(css.status).toBe(200);
      expect((await css.text()).length).toBeGreaterThan(1000);
      const logo = await fetch(`${base}/api/docs/static/logo.svg`);
      expect(logo.status).toBe(200);
      expect(await logo.text()).toContain('<svg');
      const doc = (await (await fetch(`${base}/api/docs/json`)).json()) as { info: { title: string }; paths: Record<string, unknown> };
      expect(doc.info.title).toBe('Nivaran desk API');
      expect(Object.keys(doc.paths).length).toBeGreaterThan(0);

      while (!out.includes('Please choose your language') && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      expect(out).toContain('Please choose your language');
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 120_000);
});
