import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildDesk } from '../../src/desk/server.ts';
import { createLogger } from '../../src/logger.ts';
import { DeskClient } from '../helpers/desk-client.ts';
import { addOfficer } from '../helpers/desk.ts';
import { FakeClock, startHarness, type Harness } from '../helpers/harness.ts';

/**
 * Years without a holiday list: the start-up warning and the admin's desk both name the command
 * that imports the official list. The clock is set years ahead, where no list ships.
 */
describe('a missing holiday list', () => {
  let h: Harness;
  let server: FastifyInstance;
  const logLines: string[] = [];

  beforeAll(async () => {
    const logs = new PassThrough();
    logs.on('data', (chunk: Buffer) => logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    h = await startHarness({ clock: new FakeClock('2030-05-10T06:00:00.000Z'), logs });
    server = await buildDesk(h.app, { secret: 'desk-test-secret-of-32-characters!!', trustProxy: false, sessionHours: 12, logger: createLogger('silent'), clock: h.clock.now });
  });
  afterAll(async () => {
    await server?.close();
    await h?.close();
  });

  it('is warned of at start-up with the import command for each year', () => {
    const warnings = logLines.map((l) => JSON.parse(l) as { msg: string; level: number }).filter((l) => l.msg.startsWith('no holiday list'));
    expect(warnings.map((w) => w.msg)).toEqual([
      'no holiday list for 2030: working-day deadlines in 2030 skip weekends only. When the official list is published, import it with `npx nivaran calendar import FILE.ics --id in-central --year 2030` and restart',
      'no holiday list for 2031: working-day deadlines in 2031 skip weekends only. When the official list is published, import it with `npx nivaran calendar import FILE.ics --id in-central --year 2031` and restart',
    ]);
  });

  it('is shown to the admin on every desk page, in English and Hindi, and not to other officers', async () => {
    const admin = await addOfficer(h.app, 'admin');
    const browser = new DeskClient(server);
    await browser.login(admin.email);
    const queue = (await browser.get('/queue')).body;
    expect(queue).toContain('There is no holiday list for 2030');
    expect(queue).toContain('<code>npx nivaran calendar import FILE.ics --id in-central --year 2031</code>');
    await browser.post('/account/lang', { lang: 'hi' });
    expect((await browser.get('/account')).body).toContain('वर्ष 2030 की अवकाश सूची नहीं है।');

    const officer = await addOfficer(h.app, 'officer');
    const other = new DeskClient(server);
    await other.login(officer.email);
    expect((await other.get('/queue')).body).not.toContain('holiday list');
  });
});
