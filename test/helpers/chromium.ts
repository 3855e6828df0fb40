import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildDesk } from '../../src/desk/server.ts';
import { createLogger } from '../../src/logger.ts';
import type { Harness } from './harness.ts';

/**
 * What the desk's browser tests share: Debian's Chromium (.ci/run installs it; the tests are
 * reported skipped without it), the screenshots folder (not committed), a desk listening on a
 * free port, and axe-core's accessibility check.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.join(import.meta.dirname, '..', '..', 'test-artifacts');
export const hasChromium = fs.existsSync(CHROMIUM);

/** axe-core's browser build, injected into each page checked. */
const AXE_SOURCE = hasChromium ? fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8') : '';

/**
 * Chromium always runs on the machine's real clock, even when the suite itself runs under
 * libfaketime (docs/tests.md: "the suite on other dates"): Chromium does not start with the
 * preload, and a browser whose clock differs from the server's is exactly the case the desk's
 * cookies must survive.
 */
export function launchChromium(): Promise<Browser> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && k !== 'LD_PRELOAD' && !k.startsWith('FAKETIME')) env[k] = v;
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'], env });
}

/** The harness's app served by a real desk on 127.0.0.1 and a free port. */
export async function listenDesk(h: Harness): Promise<{ server: FastifyInstance; base: string }> {
  const server = await buildDesk(h.app, { secret: 'desk-browser-secret-of-32-chars!!!', trustProxy: false, sessionHours: 12, logger: createLogger('silent'), clock: h.clock.now });
  await server.listen({ host: '127.0.0.1', port: 0 });
  return { server, base: `http://127.0.0.1:${(server.server.address() as AddressInfo).port}` };
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** The serious and critical violations of WCAG 2.1 A/AA rules axe finds on the page, as readable lines. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Through the DevTools protocol, which the desk's Content-Security-Policy (no inline script) does not govern.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
