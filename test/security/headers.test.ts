import { describe, expect, it } from 'vitest';
import { buildDesk } from '../../src/desk/server.ts';
import { createLogger } from '../../src/logger.ts';
import { addOfficer, fileGrievance } from '../helpers/desk.ts';
import { DeskClient } from '../helpers/desk-client.ts';
import { startHarness } from '../helpers/harness.ts';

/** Issue 14, item 7: no Content-Security-Policy or HSTS on the desk. */
describe('the desk’s security headers', () => {
  it('a strict CSP without inline script on every page; HSTS over https only; no page carries an inline script', async () => {
    const h = await startHarness();
    const desk = await buildDesk(h.app, { secret: 'desk-test-secret-of-32-characters!!', trustProxy: 1, sessionHours: 12, logger: createLogger('silent'), clock: h.clock.now });
    try {
      const admin = await addOfficer(h.app, 'admin', 'Meena Rao');
      const number = await fileGrievance(h);
      const b = new DeskClient(desk);
      await b.login(admin.email);
      for (const url of ['/login', '/queue', `/tickets/${number}`, '/chats', '/account', '/officers', '/holds', '/reports']) {
        const r = await b.get(url);
        const csp = String(r.headers['content-security-policy']);
        expect(csp, url).toContain("script-src 'self'");
        // Neither inline script nor inline style: the desk's pages draw with /assets/desk.css only.
        expect(csp, url).toContain("style-src 'self';");
        expect(csp, url).not.toContain('unsafe-inline');
        expect(r.body, url).not.toMatch(/\sstyle=|<style/);
        expect(csp).toContain("frame-ancestors 'none'");
        expect(r.body, url).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
        expect(r.body, url).not.toMatch(/\son[a-z]+="/);
        expect(r.headers['strict-transport-security'], url).toBeUndefined();
      }
      const https = await desk.inject({ url: '/login', headers: { 'x-forwarded-proto': 'https' } });
      expect(https.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    } finally {
      await desk.close();
      await h.close();
    }
  });
});
