import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.ts';
import { ChannelRefusedError, ChannelRetryError } from '../../../src/channels/errors.ts';
import { conversationKey } from '../../../src/channels/types.ts';
import { liveWhatsAppCloud, type LiveWhatsAppCloud } from '../../../src/channels/whatsapp-cloud/live.ts';
import { signBody, WHATSAPP_WEBHOOK_PATH } from '../../../src/channels/whatsapp-cloud/webhook.ts';
import { WebhookServer } from '../../../src/http/webhook-server.ts';
import { createLogger } from '../../../src/logger.ts';
import { FakeClock, TEST_PROFILE, tempDataDir, testConfig } from '../../helpers/harness.ts';
import { FakeGraph, readable, type GraphSend } from './fake-graph.ts';
import { buttonReply, CITIZEN, listReply, PHONE_ID, statuses, text } from './payloads.ts';

const APP_SECRET = 'app-secret-0123456789abcdef';
const VERIFY = 'verify-token-42';
const TOKEN = 'EAAGexampletoken0123456789abcdef';
const DESCRIPTION = 'The water supply in Ward 12 has been cut for six days without any notice.';

function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { lines, logger: createLogger('debug', stream as never) };
}

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  cleanups = [];
});

/** The profile the tests use, plus a template catalogue. */
function profileWithTemplates(): string {
  const file = path.join(tempDataDir(), 'profile.yaml');
  fs.writeFileSync(
    file,
    `${fs.readFileSync(TEST_PROFILE, 'utf8')}\nwhatsapp:\n  templates:\n    notification:\n      name: nivaran_update\n      language: { en: en_US, hi: hi }\n`,
  );
  return file;
}

async function start(opts: { profile?: string } = {}) {
  const profile = opts.profile ?? profileWithTemplates();
  const graph = new FakeGraph();
  const apiRoot = await graph.listen();
  const logs = captureLogs();
  const clock = new FakeClock();
  const server = new WebhookServer(logs.logger);
  const live: LiveWhatsAppCloud = liveWhatsAppCloud(
    { token: TOKEN, phoneNumberId: PHONE_ID, appSecret: APP_SECRET, verifyToken: VERIFY, apiRoot, port: 0 },
    logs.logger,
    { drainIntervalMs: 50, clock: clock.now },
    server,
  );
  const app: App = await createApp(testConfig(tempDataDir(), { PROFILE_FILE: profile }), {
    logger: logs.logger,
    adapters: [live.channel.adapter],
    clock: clock.now,
  });
  live.bind(app);
  await server.listen(0, { host: '127.0.0.1' });
  await live.start();
  cleanups.push(() => graph.close(), () => app.close(), () => live.stop(), () => server.close());
  const url = `http://127.0.0.1:${server.port}${WHATSAPP_WEBHOOK_PATH}`;
  /** Posts a body as Meta does: signed over the exact bytes. */
  const post = (body: unknown, secret = APP_SECRET) => {
    const raw = JSON.stringify(body);
    return fetch(url, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, secret) } });
  };
  const at = () => Math.floor(clock.now().getTime() / 1000);
  return { graph, live, app, logs, clock, url, post, at };
}

describe('WhatsApp Cloud channel end to end (fake Graph API, webhook over HTTP)', () => {
  it('a citizen files a grievance in English with buttons and lists, and gets the ticket number', async () => {
    const { graph, live, app, logs, post, at, clock } = await start();
    let seen = 0;
    const step = async (body: unknown, last: RegExp): Promise<GraphSend[]> => {
      clock.advance(1000);
      const res = await post(body);
      expect(res.status).toBe(200);
      const deadline = Date.now() + 10_000;
      for (;;) {
        const fresh = graph.sent.slice(seen);
        const hit = fresh.findIndex((m) => last.test(readable(m)));
        if (hit >= 0) {
          seen += hit + 1;
          return fresh.slice(0, hit + 1);
        }
        if (Date.now() > deadline) throw new Error(`no message matching ${last}; got: ${fresh.map((m) => readable(m).slice(0, 50)).join(' | ')}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };

    const greeting = await step(text('Hello', CITIZEN, at()), /Please choose your language/);
    expect(greeting).toHaveLength(1);
    expect(greeting[0]!.authorization).toBe(`Bearer ${TOKEN}`);
    expect(greeting[0]!.path).toBe(`/v21.0/${PHONE_ID}/messages`);
    expect(greeting[0]!.body).toMatchObject({
      messaging_product: 'whatsapp',
      to: CITIZEN,
      type: 'interactive',
      interactive: { type: 'button', action: { buttons: [{ type: 'reply', reply: { id: 'hi', title: 'हिंदी' } }, { type: 'reply', reply: { id: 'en', title: 'English' } }] } },
    });

    // The consent notice is over 1024 characters: the notice as text, the question with buttons.
    const consent = await step(buttonReply('en', 'English', CITIZEN, at()), /Do you consent/);
    expect(consent.map((m) => m.type)).toEqual(['text', 'interactive']);
    expect(readable(consent[0]!)).toContain('Before we begin');
    expect(consent[1]!.body).toMatchObject({ interactive: { type: 'button', action: { buttons: [{ reply: { id: 'yes', title: 'Yes' } }, { reply: { id: 'no', title: 'No' } }] } } });

    const menu = await step(buttonReply('yes', 'Yes', CITIZEN, at()), /How may I help you/);
    expect(menu.map(readable).join('\n')).toContain('Your consent has been recorded');
    const list = (menu.at(-1)!.body as { interactive: { type: string; action: { sections: Array<{ rows: Array<{ id: string; title: string; description?: string }> }> } } }).interactive;
    expect(list.type).toBe('list');
    const rows = list.action.sections[0]!.rows;
    expect(rows.map((r) => r.id)).toEqual(['grievance', 'rights', 'status', 'officer', 'language']);
    for (const r of rows) expect(r.title.length).toBeLessThanOrEqual(24);
    expect(rows[1]!.description).toBe('My data rights (access, correction, erasure, consent, nominee)');

    await step(listReply('grievance', 'Register a grievance', CITIZEN, at()), /What is your grievance about/);
    await step(listReply('service', 'Delay or poor service', CITIZEN, at()), /describe your grievance/);
    const contact = await step(text(DESCRIPTION, CITIZEN, at()), /May an officer contact you/);
    expect((contact.at(-1)!.body as { interactive: { type: string } }).interactive.type).toBe('list');
    const summary = await step(listReply('none', 'No, reply in this chat', CITIZEN, at()), /Shall I register this grievance/);
    expect(summary.map(readable).join('\n')).toContain(DESCRIPTION);
    const done = await step(buttonReply('yes', 'Yes', CITIZEN, at()), /GRV-2026-000001/);
    expect(readable(done.at(-1)!)).toContain('Ticket number: GRV-2026-000001');

    await live.channel.idle();
    const tickets = await app.store.transaction((uow) => uow.tickets.list(10));
    expect(tickets.map((t) => t.number)).toEqual(['GRV-2026-000001']);
    expect(tickets[0]!.channel).toBe('whatsapp-cloud');
    const transcript = await app.store.transaction((uow) => uow.transcripts.of(conversationKey('whatsapp-cloud', CITIZEN)));
    expect(transcript.filter((t) => t.direction === 'in')).toHaveLength(8);
    // Every send stayed inside the window: no template.
    expect(graph.sent.every((s) => s.type !== 'template')).toBe(true);
    expect(await app.sender.drain('whatsapp-cloud')).toBe(0);
    // Neither the text nor the number reached the logs.
    const allLogs = logs.lines.join('');
    expect(allLogs).not.toContain('Ward 12');
    expect(allLogs).not.toContain(CITIZEN);
  });

  it('records delivery statuses', async () => {
    const { app, post } = await start();
    expect((await post(statuses())).status).toBe(200);
    const ids = (statuses() as { entry: Array<{ changes: Array<{ value: { statuses: Array<{ id: string }> } }> }> }).entry[0]!.changes[0]!.value.statuses.map((x) => x.id);
    const recorded = await app.store.transaction(async (u) => (await Promise.all(ids.map((id) => u.deliveryStatuses.of('whatsapp-cloud', id)))).flat());
    expect(recorded.length).toBe(ids.length);
    expect(recorded.some((r) => r.status === 'failed' && r.error_code !== null)).toBe(true);
  });

  it('answers the same wamid posted twice once', async () => {
    const { graph, live, post, at } = await start();
    const body = text('Hello', CITIZEN, at());
    expect((await post(body)).status).toBe(200);
    expect((await post(body)).status).toBe(200);
    await graph.waitForSent(CITIZEN, 1);
    await live.channel.idle();
    await new Promise((r) => setTimeout(r, 200));
    expect(graph.sent).toHaveLength(1);
  });

  it('serves verification and refuses unsigned posts over HTTP', async () => {
    const { graph, url, post, at } = await start();
    const ok = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=8675309`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await ok.text()).toBe('8675309');
    expect((await fetch(`${url}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`)).status).toBe(403);
    expect((await post(text('Hello', CITIZEN, at()), 'not-the-app-secret')).status).toBe(401);
    expect((await fetch(url, { method: 'POST', body: JSON.stringify(text('Hello')) })).status).toBe(401);
    expect((await fetch(url, { method: 'PUT', body: '{}' })).status).toBe(405);
    await new Promise((r) => setTimeout(r, 200));
    expect(graph.sent).toHaveLength(0);
  });

  it('outside the 24-hour window sends the profile’s template; without a catalogue, the channel does not start', async () => {
    const { graph, live, post, at, clock } = await start({ profile: profileWithTemplates() });
    expect((await post(text('Hello', CITIZEN, at()))).status).toBe(200);
    await graph.waitForSent(CITIZEN, 1);
    await live.channel.idle();
    expect(graph.sent[0]!.type).toBe('interactive');

    clock.advance(25 * 60 * 60 * 1000);
    await live.channel.adapter.send(CITIZEN, { text: 'Your ticket GRV-2026-000001 was answered.\nReply here.', choices: [] });
    const template = graph.sent.at(-1)!;
    expect(template.type).toBe('template');
    expect(template.body).toMatchObject({
      to: CITIZEN,
      template: { name: 'nivaran_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Your ticket GRV-2026-000001 was answered. Reply here.' }] }] },
    });
    // Hindi text: the Hindi template language.
    await live.channel.adapter.send(CITIZEN, { text: 'आपकी शिकायत का उत्तर दे दिया गया है।', choices: [] });
    expect(graph.sent.at(-1)!.body).toMatchObject({ template: { language: { code: 'hi' } } });
    // A citizen never seen since the start (a restart): the window counts as closed.
    await live.channel.adapter.send('919800000001', { text: 'Reminder', choices: [] });
    expect(graph.sent.at(-1)!.type).toBe('template');

    // A profile without a template: replies after 24 hours (or queued across a restart) could
    // never be delivered, so the channel refuses to start, naming the field.
    const err = await start({ profile: TEST_PROFILE }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NIV_WHATSAPP_START' });
    expect((err as Error).message).toContain('whatsapp.templates.notification');
  });

  it('falls back to the template when WhatsApp says the window is closed (131047)', async () => {
    const { graph, live, post, at } = await start({ profile: profileWithTemplates() });
    expect((await post(text('Hello', CITIZEN, at()))).status).toBe(200);
    await graph.waitForSent(CITIZEN, 1);
    await live.channel.idle();
    graph.failNext(400, { error: { message: '(#131047) Re-engagement message', type: 'OAuthException', code: 131047, fbtrace_id: 'A1' } });
    await live.channel.adapter.send(CITIZEN, { text: 'Still there?', choices: [] });
    expect(graph.sent.at(-1)!.type).toBe('template');
  });

  it('turns rate limits into retry-later errors, and other refusals into permanent ones without personal data', async () => {
    const { graph, live, post, at } = await start();
    expect((await post(text('Hello', CITIZEN, at()))).status).toBe(200);
    await graph.waitForSent(CITIZEN, 1);
    await live.channel.idle();
    const send = () => live.channel.adapter.send(CITIZEN, { text: 'x', choices: [] }).catch((e: unknown) => e);

    graph.failNext(400, { error: { message: '(#131056) (Business Account, Consumer Account) pair rate limit hit', code: 131056 } });
    const pair = await send();
    expect(pair).toBeInstanceOf(ChannelRetryError);
    expect((pair as ChannelRetryError).retryAfterMs).toBe(6000);

    graph.failNext(429, { error: { message: '(#130429) Rate limit hit', code: 130429 } }, { 'retry-after': '3' });
    expect(((await send()) as ChannelRetryError).retryAfterMs).toBe(3000);

    graph.failNext(503, { error: { message: 'Service temporarily unavailable', code: 2 } });
    const down = await send();
    expect(down).toBeInstanceOf(ChannelRetryError);
    expect((down as ChannelRetryError).retryAfterMs).toBeUndefined();

    graph.failNext(400, { error: { message: `(#100) Invalid parameter: recipient +${CITIZEN} is not valid`, code: 100 } });
    const bad = await send();
    expect(bad).toBeInstanceOf(ChannelRefusedError);
    expect((bad as ChannelRefusedError).message).toContain('code 100');
    expect((bad as ChannelRefusedError).message).not.toContain(CITIZEN);
  });
});
