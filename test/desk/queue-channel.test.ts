import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildDesk } from '../../src/desk/server.ts';
import { createLogger } from '../../src/logger.ts';
import type { SqliteStore } from '../../src/storage/sqlite-store.ts';
import { addOfficer, fileGrievance } from '../helpers/desk.ts';
import { DeskClient } from '../helpers/desk-client.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

/** The queue's channel filter names the channels as they name their tickets (WhatsApp Cloud is `whatsapp-cloud`). */
let h: Harness;
let server: FastifyInstance;

beforeEach(async () => {
  h = await startHarness();
  server = await buildDesk(h.app, { secret: 'desk-test-secret-of-32-characters!!', trustProxy: false, sessionHours: 12, logger: createLogger('silent'), clock: h.clock.now });
});
afterEach(async () => {
  await server.close();
  await h.close();
});

describe('the queue filtered by channel', () => {
  it('finds a WhatsApp Cloud ticket under "WhatsApp", in both languages, and offers every channel', async () => {
    const admin = await addOfficer(h.app, 'admin', 'Meena Rao');
    const cloud = await fileGrievance(h, { user: 'c1' });
    const console_ = await fileGrievance(h, { user: 'c2' });
    // The channel a WhatsApp Cloud conversation's ticket carries (the harness speaks on the console).
    (h.app.store as SqliteStore).connection.prepare('update tickets set channel = ? where number = ?').run('whatsapp-cloud', cloud);
    const b = new DeskClient(server);
    await b.login(admin.email);
    const all = await b.get('/queue');
    for (const ch of ['console', 'telegram', 'whatsapp-cloud', 'whatsapp-web']) expect(all.body).toContain(`<option value="${ch}"`);
    const page = await b.get('/queue?channel=whatsapp-cloud');
    expect(page.body).toContain(cloud);
    expect(page.body).not.toContain(console_);
    expect(page.body).toMatch(/>WhatsApp · English</);
    await h.app.accounts.setLanguage(admin, 'hi');
    expect((await b.get('/queue?channel=whatsapp-cloud')).body).toMatch(/>व्हाट्सऐप · अंग्रेज़ी</);
  });
});
