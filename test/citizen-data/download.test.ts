import Database from 'better-sqlite3';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/security/token.ts';
import { ownDataQueries } from '../../src/citizen-data/queries.ts';
import { buildDesk } from '../../src/desk/server.ts';
import { MY_DATA_RATE } from '../../src/desk/routes/my-data.ts';
import { createLogger } from '../../src/logger.ts';
import { auditRows } from '../helpers/desk.ts';
import { startHarness, texts, type Harness } from '../helpers/harness.ts';

const TOKEN = 'A'.repeat(21) + '_b-' + 'c'.repeat(19);
const OTHER = 'Z'.repeat(43);

let h: Harness;
let desk: FastifyInstance;
beforeEach(async () => {
  h = await startHarness();
  desk = await buildDesk(h.app, { secret: 'desk-test-secret-of-32-characters!!', trustProxy: false, sessionHours: 12, logger: createLogger('silent'), clock: h.clock.now });
});
afterEach(async () => {
  await desk.close();
  await h.close();
});

/** A link as the chat creates it (only the token's hash stored), valid `hours` from now, with a little data behind it. */
async function link(token: string, key: string, lang: 'en' | 'hi', hours = 72): Promise<void> {
  const now = h.clock.now();
  await h.app.store.transaction(async (uow) => {
    await uow.exec.run(ownDataQueries(uow.dialect).insertExport, {
      token_hash: hashToken(token), conversation_key: key, lang, created_at: now.toISOString(), expires_at: new Date(now.getTime() + hours * 3_600_000).toISOString(),
    });
    await uow.transcripts.append({ conversation_key: key, direction: 'in', message_id: `m-${key}`, text: `<script>alert("${key}")</script> & more`, at: now.toISOString() });
  });
}

const linkRow = () => h.app.store.transaction(async (uow) => (await uow.exec.all(ownDataQueries(uow.dialect).exportByHash, { token_hash: hashToken(TOKEN) }))[0]);
const downloads = async () => (await auditRows(h.app)).filter((r) => r.action === 'own_data.download');

describe('GET /my-data/:token', () => {
  it('names every consent record in the citizen’s words, the updates opt-out and opt-in among them', async () => {
    for (const text of ['hi', '1', 'हाँ', 'बंद करें', 'शुरू करें']) await h.say(text, { user: 'asha' });
    await link(TOKEN, 'console:asha', 'hi');
    const page = (await desk.inject({ url: `/my-data/${TOKEN}` })).body;
    expect(page).toContain('सहमति दी गई');
    expect(page).toContain('अपडेट बंद किए गए (STOP)');
    expect(page).toContain('अपडेट फिर से शुरू किए गए (START)');
    expect(page).not.toMatch(/opted_(out|in):updates/);
  });

  it('shows the page in the citizen’s language, escaped, with the JSON link; each download audited as the citizen’s', async () => {
    await link(TOKEN, 'console:asha', 'hi');
    await link(OTHER, 'console:ravi', 'en');
    const page = await desk.inject({ url: `/my-data/${TOKEN}` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['x-robots-tag']).toBe('noindex, nofollow');
    expect(page.body).toContain('<html lang="hi">');
    expect(page.body).toContain('जल बोर्ड के शिकायत निवारण डेस्क के पास आपकी जानकारी');
    expect(page.body).toContain(`href="/my-data/${TOKEN}.json"`);
    expect(page.body).toContain('&lt;script&gt;alert(&quot;console:asha&quot;)&lt;/script&gt; &amp; more');
    expect(page.body).not.toContain('<script>');
    expect(page.body).not.toContain('console:ravi');

    h.clock.advance(60_000);
    const file = await desk.inject({ url: `/my-data/${TOKEN}.json` });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toMatch(/^application\/json/);
    expect(file.headers['content-disposition']).toBe('attachment; filename="my-data-2026-11-22.json"');
    const data = JSON.parse(file.body) as { transcript: Array<{ text: string }> };
    expect(data.transcript.map((m) => m.text)).toEqual(['<script>alert("console:asha")</script> & more']);

    const rows = await downloads();
    expect(rows.map((r) => [r.actor, r.subject, JSON.parse(r.detail).format])).toEqual([
      ['citizen', 'conversation:console:asha', 'html'], ['citizen', 'conversation:console:asha', 'json'],
    ]);
    expect((await linkRow())!.downloaded_at).toBe(h.clock.now().toISOString());
  });

  it('answers an unknown, malformed or expired link with a 404 page in both languages, and audits nothing', async () => {
    await link(TOKEN, 'console:asha', 'en', 1);
    for (const url of [`/my-data/${OTHER}`, `/my-data/${OTHER}.json`, '/my-data/short', '/my-data/%3Cscript%3E', `/my-data/${TOKEN}.txt`]) {
      const res = await desk.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).toContain('This link has expired or does not exist.');
      expect(res.body).toContain('इस लिंक की अवधि समाप्त हो चुकी है या यह मान्य नहीं है।');
    }
    h.clock.advance(3_600_000);
    expect((await desk.inject({ url: `/my-data/${TOKEN}` })).statusCode).toBe(404);
    expect((await desk.inject({ url: `/my-data/${TOKEN}.json` })).statusCode).toBe(404);
    // A HEAD (a link checker) is no download.
    expect((await desk.inject({ method: 'HEAD', url: `/my-data/${TOKEN}` })).statusCode).toBe(404);
    expect(await downloads()).toEqual([]);
    // The expired row is left for the retention purge.
    expect(await linkRow()).toMatchObject({ conversation_key: 'console:asha', downloaded_at: null });
  });

  it('limits downloads per address', async () => {
    await link(TOKEN, 'console:asha', 'en');
    const codes: number[] = [];
    for (let i = 0; i <= MY_DATA_RATE.max; i++) codes.push((await desk.inject({ url: `/my-data/${i % 2 ? TOKEN : OTHER}` })).statusCode);
    expect(codes.slice(0, MY_DATA_RATE.max).every((c) => c === 200 || c === 404)).toBe(true);
    expect(codes.at(-1)).toBe(429);
  });

  it('from the chat: the link’s token is only in the message the citizen receives; no stored row keeps it', async () => {
    await h.app.store.transaction((u) =>
      u.principals.upsert({ external_ref: 'C-1', name: null, mobile: '+919876543210', email: null, source: 'csv', updated_at: '2026-11-01T00:00:00.000Z' }));
    for (const line of ['hi', '2', 'yes', 'my data', '1', '9876543210', '246810']) await h.say(line);
    const sent = texts(await h.say('1'));
    const token = /\/my-data\/([A-Za-z0-9_-]{43})/.exec(sent)?.[1];
    expect(token, sent).toBeDefined();
    expect((await desk.inject({ url: `/my-data/${token}.json` })).statusCode).toBe(200);
    // Once the channel has taken the message, no row of any table holds the token: the transcript
    // shows the link with its token hidden, the session forgot it, the link's row keeps its hash.
    const db = new Database(path.join(h.dataDir, 'nivaran.sqlite'), { readonly: true });
    try {
      const tables = (db.prepare("select name from sqlite_master where type = 'table'").all() as Array<{ name: string }>).map((t) => t.name);
      const rows = tables.flatMap((t) => db.prepare(`select * from "${t}"`).all().map((r) => JSON.stringify(r)));
      expect(rows.some((r) => r.includes(token!))).toBe(false);
      expect(rows.some((r) => r.includes(hashToken(token!)))).toBe(true);
      expect(rows.some((r) => r.includes('/my-data/[link hidden]'))).toBe(true);
    } finally {
      db.close();
    }
  });
});
