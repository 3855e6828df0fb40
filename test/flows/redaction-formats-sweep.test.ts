import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ownDataQueries } from '../../src/citizen-data/queries.ts';
import { buildDesk } from '../../src/desk/server.ts';
import { importPrincipals } from '../../src/identity/csv-import.ts';
import { createLogger } from '../../src/logger.ts';
import { hashToken } from '../../src/security/token.ts';
import { dumpDatabase, leakOf } from '../helpers/db-dump.ts';
import { DeskClient } from '../helpers/desk-client.ts';
import { addOfficer, fileGrievance } from '../helpers/desk.ts';
import { startHarness } from '../helpers/harness.ts';
import { aadhaarFormats, cardFormats } from '../helpers/number-formats.ts';

/**
 * Issue 14's sweep: every format of an Aadhaar and a card number (test/helpers/number-formats.ts)
 * on every free-text path to storage: the citizen's messages (a ticket's description, an answer
 * to the officer's question, a number split over two messages, a live chat), the officer's reply,
 * question and reasons, live-chat messages, legal-hold reasons, CSV imports and API token labels.
 * Then every column of every table, the database files, the logs, the desk pages, the API and the
 * citizen's export are searched: only the last four digits may remain.
 */
const AADHAAR = '583920476134';
const CARD = '5293840172654836';
const formats = [...aadhaarFormats(AADHAAR), ...cardFormats(CARD)].map(([, text]) => text);
/** Four chunks, each short enough for a 500-character reason; together every format. */
const CHUNKS = [0, 1, 2, 3].map((i) => formats.filter((_, j) => j % 4 === i));
const text = (i: number, lead: string) => `${lead}: ${CHUNKS[i]!.join(' then ')} end`.slice(0, 500);

describe('no format of an Aadhaar or card number survives any free-text path', () => {
  it('database, files, logs, desk pages, API and export', { timeout: 120_000 }, async () => {
    for (const c of CHUNKS) expect(text(CHUNKS.indexOf(c), 'Reason').length).toBeLessThan(500);
    const logs = new PassThrough();
    const logged: string[] = [];
    logs.on('data', (d: Buffer) => logged.push(d.toString()));
    const h = await startHarness({ logs });
    const desk = await buildDesk(h.app, { secret: 'desk-test-secret-of-32-characters!!', trustProxy: false, sessionHours: 12, logger: createLogger('trace', logs as never), clock: h.clock.now });
    const admin = await addOfficer(h.app, 'admin', 'Meena Rao');
    const { token } = await h.app.accounts.createApiToken(admin, 'sweep', 'test');
    const b = new DeskClient(desk);
    await b.login(admin.email);

    const numbers: string[] = [];
    for (let i = 0; i < 4; i++) {
      const user = `c${i}`;
      const number = await fileGrievance(h, { user, description: text(i, 'Description') });
      numbers.push(number);
      // Officer actions, each with free text; the citizen answers the question.
      await h.app.desk.act(admin, number, { type: 'acknowledge' });
      await h.app.desk.act(admin, number, { type: 'reply', text: text(i, 'Reply') });
      await h.app.desk.act(admin, number, { type: 'ask', question: text(i, 'Question') });
      await h.say(text(i, 'Answer'), { user });
      await h.app.desk.act(admin, number, { type: 'escalate', reason: text(i, 'Escalated') });
      await h.app.desk.act(admin, number, { type: 'resolve', reason: text(i, 'Resolved') });
      await h.app.desk.act(admin, number, { type: 'close', reason: text(i, 'Closed') });
      // A number split over two messages, at the menu.
      const [first, second] = [formats[i]!.slice(0, 7), formats[i]!.slice(7)];
      await h.say(`my number is ${first}`, { user });
      await h.say(second, { user });
      // Legal holds: placed and released with reasons.
      await b.get('/holds');
      expect((await b.post('/holds', { ticket: number, conversation: '', reason: text(i, 'Hold') })).statusCode).toBe(303);
      expect((await b.post('/holds/release', { ticket: number, reason: text(i, 'Released') })).statusCode).toBe(303);
      // A live chat: the citizen asks for an officer, both write.
      await h.say('officer', { user });
      const chat = (await h.app.handoffs.open()).find((r) => r.conversation_key === `console:${user}`)!;
      await h.app.desk.takeChat(admin, chat.id);
      await h.say(text(i, 'Chat'), { user });
      await h.app.desk.sayInChat(admin, chat.id, text(i, 'Officer says'));
      await h.app.desk.releaseChat(admin, chat.id);
    }
    // CSV import: one principal per format, in the name and the reference.
    const csv = ['external_ref,name,mobile', ...formats.map((f, i) => `"R${i} ${f.replace(/"/g, '')}","Name ${f.replace(/"/g, '')}",+9198765${String(43210 + i).padStart(5, '0')}`)].join('\n');
    const imported = await importPrincipals(h.app.store, csv, h.clock.now());
    expect(imported.errors).toEqual([]);
    // API token labels.
    for (const f of formats) await h.app.accounts.createApiToken(admin, `label ${f}`.slice(0, 80), 'test');

    // What the officers and the citizen can see.
    const seen: string[] = [];
    for (const n of numbers) {
      seen.push((await b.get(`/tickets/${n}`)).body);
      const api = await desk.inject({ url: `/api/v1/tickets/${n}`, headers: { authorization: `Bearer ${token}` } });
      const transcript = await desk.inject({ url: `/api/v1/tickets/${n}/transcript`, headers: { authorization: `Bearer ${token}` } });
      expect([api.statusCode, transcript.statusCode]).toEqual([200, 200]);
      seen.push(api.body, transcript.body);
    }
    seen.push((await b.get('/holds')).body, (await b.get('/chats')).body, (await b.get('/account')).body);
    for (const chat of await h.app.desk.chats(admin)) seen.push((await b.get(`/chats/${chat.id}`)).body);
    for (let i = 0; i < 4; i++) {
      const exportToken = `${'E'.repeat(40)}x${i}a`;
      await h.app.store.transaction((uow) => uow.exec.run(ownDataQueries(uow.dialect).insertExport, {
        token_hash: hashToken(exportToken), conversation_key: `console:c${i}`, lang: 'en', created_at: h.clock.now().toISOString(), expires_at: new Date(h.clock.now().getTime() + 3_600_000).toISOString(),
      }));
      const page = await desk.inject({ url: `/my-data/${exportToken}` });
      const json = await desk.inject({ url: `/my-data/${exportToken}.json` });
      expect([page.statusCode, json.statusCode]).toEqual([200, 200]);
      seen.push(page.body, json.body);
    }
    const pages = seen.join('\n');
    const database = dumpDatabase(path.join(h.dataDir, 'nivaran.sqlite'));
    await desk.close();
    await h.close();
    const files = fs.readdirSync(h.dataDir).map((f) => fs.readFileSync(path.join(h.dataDir, f)).toString('utf8')).join('\n');
    const logText = logged.join('');

    // The sweep reached every path: the masked forms are there.
    expect(database).toContain('XXXX XXXX 6134');
    expect(database).toContain('XXXX XXXX XXXX 4836');
    for (const [where, content] of [['database', database], ['database files', files], ['logs', logText], ['pages, API and export', pages]] as const) {
      expect(leakOf(content, AADHAAR), `${where} hold the Aadhaar number`).toBeUndefined();
      expect(leakOf(content, CARD), `${where} hold the card number`).toBeUndefined();
    }
  });
});
