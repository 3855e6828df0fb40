import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, TEST_CODE, TEST_PROFILE, tempDataDir, type Harness } from '../helpers/harness.ts';

const ON_FILE = { external_ref: 'CUST-7', name: 'Asha', mobile: '+919876543210', email: 'asha@example.in', source: 'csv' as const, updated_at: '2026-11-01T00:00:00.000Z' };
let h: Harness | undefined;
let server: http.Server | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

/** The test profile with some lines changed (e.g. an identity level or a connector). */
function profileWith(edit: (yaml: string) => string): string {
  const file = path.join(tempDataDir(), 'profile.yaml');
  fs.writeFileSync(file, edit(fs.readFileSync(TEST_PROFILE, 'utf8')));
  return file;
}

async function start(profile?: string) {
  h = await startHarness(profile ? { env: { PROFILE_FILE: profile } } : {});
  await h.app.store.transaction((u) => u.principals.upsert(ON_FILE));
  return h;
}

/** As a WhatsApp adapter would deliver it: the sender's own number vouched for by the platform. */
const fromWhatsApp = (h: Harness, text: string) =>
  h.app.router
    .handle({ channel: 'console', conversationId: 'wa', senderId: 'wa', messageId: `wa-${text}-${Math.random()}`, text, at: h.clock.now(), attested: { phone: '+919876543210', method: 'whatsapp_sender' } })
    .then(() => h.app.sender.drain('console'))
    .then(() => h.adapter.take().map((m) => m.text));

describe('identity by the channel, then a one-time code', () => {
  it('a WhatsApp sender on file is not asked for a number: the code goes to the number on file', async () => {
    const h = await start();
    for (const t of ['hi', '2', 'yes', '2']) await fromWhatsApp(h, t);
    const asked = await fromWhatsApp(h, '1');
    expect(asked.at(-1)).toContain('If +91 98XXXXX210 is the detail we hold for you, we have sent a one-time code to it');
    expect(h.codes.map((c) => [c.via, c.to])).toEqual([['sms', '+919876543210']]);
    await fromWhatsApp(h, TEST_CODE);
    const done = await fromWhatsApp(h, 'yes');
    expect(done.at(-1)).toContain('Request number: DPR-2026-000001');
    const checks = await h.app.store.transaction((u) => u.verifications.of('console:wa'));
    expect(checks.map((c) => [c.level, c.method])).toEqual([['channel', 'whatsapp_sender'], ['otp', 'sms']]);
  });

  it('where the organisation accepts the channel for a right, no code is sent', async () => {
    const h = await start(profileWith((y) => `${y}\nverification:\n  access: channel\n`));
    for (const t of ['hi', '2', 'yes', '2']) await fromWhatsApp(h, t);
    const asked = await fromWhatsApp(h, '1');
    expect(asked.at(-1)).toContain('I will register a request for a summary');
    expect(h.codes).toEqual([]);
  });
});

describe('access: the summary from the organisation\'s system', () => {
  it('is fetched after the request commits, sent in the chat, and the ticket resolved', async () => {
    const seen: string[] = [];
    server = http.createServer((req, res) => {
      seen.push(`${req.url} ${req.headers.authorization}`);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ summary: { en: 'Name, mobile, 3 bills; shared with: Meter Reading Services Pvt Ltd.', hi: 'नाम, मोबाइल, 3 बिल।' } }));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    process.env.NIVARAN_TEST_CRM_TOKEN = 'Bearer t0ken';
    const h = await start(profileWith((y) => `${y}\nconnectors:\n  access:\n    url: "http://127.0.0.1:${port}/summary?ref={external_ref}"\n    headers: { Authorization: "env:NIVARAN_TEST_CRM_TOKEN" }\n`));
    for (const t of ['hi', '2', 'yes', '2', '1', '1', '9876543210', TEST_CODE]) await h.say(t);
    await h.say('yes');
    await h.app.afterCommit.settle();
    await h.app.sender.drain('console');
    const texts = h.adapter.take().map((m) => m.text);
    expect(seen).toEqual(['/summary?ref=CUST-7 Bearer t0ken']);
    expect(texts.join('\n')).toContain('Name, mobile, 3 bills; shared with: Meter Reading Services Pvt Ltd.');
    expect(texts.at(-1)).toContain('Are you satisfied with this answer?');
    const t = await h.app.store.transaction((u) => u.tickets.byNumber('DPR-2026-000001'));
    expect(t?.status).toBe('resolved');
  });

  it('falls to an officer when the system cannot answer', async () => {
    server = http.createServer((_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const h = await start(profileWith((y) => `${y}\nconnectors:\n  access:\n    url: "http://127.0.0.1:${port}/s?m={mobile}"\n`));
    for (const t of ['hi', '2', 'yes', '2', '1', '1', '9876543210', TEST_CODE, 'yes']) await h.say(t);
    await h.app.afterCommit.settle();
    const t = await h.app.store.transaction((u) => u.tickets.byNumber('DPR-2026-000001'));
    expect(t?.status).toBe('open');
  });
});

describe('withdrawal of consent', () => {
  it('stops further collection: later text is neither taken into a ticket nor kept in the transcript', async () => {
    const h = await start();
    for (const t of ['hi', '2', 'yes', '1', '1', 'withdraw consent', 'yes']) await h.say(t);
    const after = await h.say('Water meter 4471 has not been read for three months');
    expect(after[0]!.text).toContain('Before we begin');
    const rows = await h.app.store.transaction((u) => u.transcripts.of('console:citizen-1'));
    expect(rows.map((r) => r.text).join('\n')).not.toContain('Water meter 4471');
    const tickets = await h.app.store.transaction((u) => u.tickets.list(10));
    expect(tickets.map((t) => [t.number, JSON.parse(t.fields).right])).toEqual([['DPR-2026-000001', 'withdraw_consent']]);
    const ledger = await h.app.store.transaction((u) => u.consent.of('console:citizen-1'));
    expect(ledger.map((c) => c.action)).toEqual(['given', 'withdrawn']);
    expect(ledger[0]!.notice_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(ledger[0]!.notice_version).toBe('2026-12');
  });
});

describe('withdrawal without consent', () => {
  it('says there is nothing to withdraw and opens no ticket', async () => {
    const h = await start();
    await h.say('hi');
    await h.say('2');
    const r = await h.say('withdraw consent');
    expect(r[0]!.text).toContain('there is nothing to withdraw');
    expect(await h.app.store.transaction((u) => u.tickets.list(10))).toEqual([]);
  });
});
