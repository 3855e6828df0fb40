import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.ts';
import { conversationKey } from '../../../src/channels/types.ts';
import { liveWhatsAppCloud } from '../../../src/channels/whatsapp-cloud/live.ts';
import { signBody, WHATSAPP_WEBHOOK_PATH } from '../../../src/channels/whatsapp-cloud/webhook.ts';
import { deliverUpdate } from '../../../src/consent/updates.ts';
import { deliver, recipientOf } from '../../../src/outbox/enqueue.ts';
import { WebhookServer } from '../../../src/http/webhook-server.ts';
import { createLogger } from '../../../src/logger.ts';
import { FakeClock, TEST_PROFILE, tempDataDir, testConfig } from '../../helpers/harness.ts';
import { FakeGraph, readable } from './fake-graph.ts';
import { buttonReply, CITIZEN, PHONE_ID, text } from './payloads.ts';

/**
 * Replies across restarts on WhatsApp Cloud (docs/delivery.md): the 24-hour window is read from
 * the database, and a reply too long for the template waits for the citizen instead of being cut.
 */

const APP_SECRET = 'app-secret-0123456789abcdef';
const HOUR = 60 * 60 * 1000;
const logger = createLogger('silent');

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

function profileWithTemplates(): string {
  const file = path.join(tempDataDir(), 'profile.yaml');
  fs.writeFileSync(file, `${fs.readFileSync(TEST_PROFILE, 'utf8')}\nwhatsapp:\n  templates:\n    notification:\n      name: nivaran_update\n      language: { en: en_US, hi: hi }\n`);
  return file;
}

/** One instance of the app with the channel on `dataDir`; `deliverNow: false` leaves replies queued (a process about to die). */
async function instance(graph: FakeGraph, apiRoot: string, dataDir: string, clock: FakeClock, profile: string, opts: { deliverNow?: boolean } = {}) {
  const server = new WebhookServer(logger);
  const live = liveWhatsAppCloud(
    { token: 'EAAGexampletoken0123456789abcdef', phoneNumberId: PHONE_ID, appSecret: APP_SECRET, verifyToken: 'v', apiRoot, port: 0 },
    logger,
    { drainIntervalMs: 50, clock: clock.now },
    server,
  );
  const app: App = await createApp(testConfig(dataDir, { PROFILE_FILE: profile }), { logger, adapters: [live.channel.adapter], clock: clock.now });
  live.bind(app);
  await server.listen(0, { host: '127.0.0.1' });
  if (opts.deliverNow !== false) await live.start();
  const stop = async () => {
    await server.close();
    // A process that never delivered ends without its final drain (as a killed one would).
    if (opts.deliverNow !== false) await live.stop();
    await app.close();
  };
  cleanups.push(stop);
  const post = (body: unknown) => {
    const raw = JSON.stringify(body);
    return fetch(`http://127.0.0.1:${server.port}${WHATSAPP_WEBHOOK_PATH}`, {
      method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, APP_SECRET) },
    });
  };
  return { app, live, post, stop };
}

async function waitFor(graph: FakeGraph, n: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (graph.sent.length < n) {
    if (Date.now() > deadline) throw new Error(`expected ${n} sends, got ${graph.sent.length}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('WhatsApp Cloud replies across restarts', () => {
  it('a reply queued before a restart goes as free text: the citizen wrote an hour ago, and the database says so', { timeout: 60_000 }, async () => {
    const graph = new FakeGraph();
    const apiRoot = await graph.listen();
    cleanups.push(() => graph.close());
    const dataDir = tempDataDir();
    const clock = new FakeClock();
    const profile = profileWithTemplates();
    const at = () => Math.floor(clock.now().getTime() / 1000);

    // The first process takes the message and commits the reply, and dies before sending it.
    const first = await instance(graph, apiRoot, dataDir, clock, profile, { deliverNow: false });
    expect((await first.post(text('Hello', CITIZEN, at()))).status).toBe(200);
    await first.stop();
    expect(graph.sent).toHaveLength(0);

    clock.advance(HOUR);
    await instance(graph, apiRoot, dataDir, clock, profile);
    await waitFor(graph, 1);
    expect(graph.sent.map((s) => s.type)).toEqual(['interactive']);
    expect(readable(graph.sent[0]!)).toMatch(/choose your language/);
  });

  /** An instance whose profile has templates, a fake Graph, and a citizen who said hello (their greeting sent). */
  async function greetedWithTemplates() {
    const graph = new FakeGraph();
    const apiRoot = await graph.listen();
    cleanups.push(() => graph.close());
    const clock = new FakeClock();
    const at = () => Math.floor(clock.now().getTime() / 1000);
    const { app, post } = await instance(graph, apiRoot, tempDataDir(), clock, profileWithTemplates());
    expect((await post(text('Hello', CITIZEN, at()))).status).toBe(200);
    await waitFor(graph, 1);
    return { graph, clock, at, app, post };
  }

  it('a reply too long for the template goes as its short form, waits, and reaches the citizen whole when they write', { timeout: 60_000 }, async () => {
    const { graph, clock, at, app, post } = await greetedWithTemplates();

    // A day later the organisation sends a long notice with a question (as a consent notice is).
    clock.advance(25 * HOUR);
    const notice = `${'This notice explains how your data is used. '.repeat(40)}\n\nDo you consent?`;
    await app.store.transaction((u) =>
      deliver(u, recipientOf(conversationKey('whatsapp-cloud', CITIZEN)), { text: notice, choices: [{ id: 'yes', label: 'Yes' }, { id: 'no', label: 'No' }] }, clock.now().toISOString()));
    await app.sender.drain('whatsapp-cloud');
    expect(graph.sent).toHaveLength(2);
    const short = graph.sent[1]!;
    expect(short.type).toBe('template');
    // Not a cut notice: the short form asks the citizen to write.
    expect(readable(short)).not.toContain('This notice explains');
    expect(readable(short)).toMatch(/answer this message/);
    expect(await app.sender.drain('whatsapp-cloud')).toBe(0);

    // The citizen answers the template: the notice goes whole, in the window, question and buttons
    // included; their "OK" is not taken as an answer to the language question still open.
    clock.advance(60_000);
    expect((await post(text('OK', CITIZEN, at()))).status).toBe(200);
    await waitFor(graph, 4);
    await new Promise((r) => setTimeout(r, 300));
    const after = graph.sent.slice(2);
    expect(after.map((s) => s.type)).toEqual(['text', 'interactive']);
    expect(readable(after[0]!)).toContain('This notice explains');
    expect(readable(after[1]!)).toBe('Do you consent?');
    // The conversation goes on where it was: the language question is still the open one.
    expect((await post(buttonReply('en', 'English', CITIZEN, at()))).status).toBe(200);
    await waitFor(graph, 5);
  });

  it('STOP in answer to a template holding an update: STOP is recorded and confirmed, the held update is not sent', { timeout: 60_000 }, async () => {
    const { graph, clock, at, app, post } = await greetedWithTemplates();

    // A day later an update too long for the template: its short form goes, the update is held.
    clock.advance(25 * HOUR);
    const key = conversationKey('whatsapp-cloud', CITIZEN);
    const update = `${'Your ticket is now under examination by the officer. '.repeat(30)}`;
    await app.store.transaction((u) => deliverUpdate(u, recipientOf(key), { text: update, choices: [] }, clock.now().toISOString(), 'Reply STOP to stop updates'));
    await app.sender.drain('whatsapp-cloud');
    expect(graph.sent.map((s) => s.type)).toEqual(['interactive', 'template']);

    // The citizen answers the short form with STOP: that is their choice, not "show me".
    clock.advance(60_000);
    expect((await post(text('STOP', CITIZEN, at()))).status).toBe(200);
    await waitFor(graph, 3);
    await new Promise((r) => setTimeout(r, 300));
    await app.sender.drain('whatsapp-cloud');
    const after = graph.sent.slice(2).map((s) => readable(s));
    expect(after).toEqual([expect.stringContaining('You will no longer receive updates from us.')]);
    expect(after.join('\n')).not.toContain('under examination');
    expect((await app.store.transaction((u) => u.consent.of(key))).map((r) => r.action)).toContain('opted_out:updates');
    expect(app.sender.stats.optedOut).toBe(1);
    // Stopped by the outbox, not refused by WhatsApp: not a send failure.
    expect((await app.metrics.render()).body).not.toMatch(/nivaran_send_failures_total\{[^}]*\} [1-9]/);
  });

  it('answers a retryable status when the database is unavailable, so Meta delivers the message again', { timeout: 60_000 }, async () => {
    const graph = new FakeGraph();
    const apiRoot = await graph.listen();
    cleanups.push(() => graph.close());
    const clock = new FakeClock();
    const { app, post } = await instance(graph, apiRoot, tempDataDir(), clock, profileWithTemplates());
    await app.store.close();
    const res = await post(text('Hello', CITIZEN, Math.floor(clock.now().getTime() / 1000)));
    expect(res.status).toBeGreaterThanOrEqual(500);
  });
});
