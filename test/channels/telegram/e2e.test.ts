import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.ts';
import { createTelegramAdapter, type TelegramChannel } from '../../../src/channels/telegram/adapter.ts';
import { liveTelegram, type LiveTelegram } from '../../../src/channels/telegram/live.ts';
import { TELEGRAM_WEBHOOK_PATH } from '../../../src/channels/telegram/webhook.ts';
import { conversationKey } from '../../../src/channels/types.ts';
import { createLogger } from '../../../src/logger.ts';
import { FakeClock, tempDataDir, testConfig } from '../../helpers/harness.ts';
import { callbackUpdate, FakeBotApi, textUpdate } from './fake-bot-api.ts';

const TOKEN = '123456789:TEST-token_abcdefghijklmnopqrstu';
const SECRET = 'webhook-secret-0123456789abcdef';
const CITIZEN = 424242;
const DESCRIPTION = 'वार्ड कार्यालय में कर्मचारी ने मेरा आवेदन लेने से मना कर दिया और अभद्र व्यवहार किया।';

/** pino lines, kept to check that no message text reaches the logs. */
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

async function startPolling() {
  const fake = new FakeBotApi(TOKEN);
  const apiRoot = await fake.listen();
  // telegram-test-api answers HTTP 500 here; start-up must only warn.
  fake.unsupported.add('setMyCommands');
  const logs = captureLogs();
  const live: LiveTelegram = liveTelegram({ token: TOKEN, apiRoot }, logs.logger, { perChatMs: 20, drainIntervalMs: 50, pollTimeoutSeconds: 1 });
  const app: App = await createApp(testConfig(tempDataDir()), { logger: logs.logger, adapters: [live.channel.adapter], clock: new FakeClock().now });
  live.bind(app);
  await live.start();
  cleanups.push(() => fake.close(), () => app.close(), () => live.stop());
  return { fake, live, app, logs };
}

describe('Telegram channel end to end (fake Bot API over HTTP)', () => {
  it('a citizen files a grievance in Hindi, with buttons and Devanagari digits, and gets the ticket number', async () => {
    const { fake, live, app, logs } = await startPolling();
    let seen = 0;
    /** Pushes an update and waits until a message matching `last` arrives; returns the new ones. */
    const step = async (update: Record<string, unknown>, last: RegExp) => {
      fake.push(update);
      const deadline = Date.now() + 10_000;
      for (;;) {
        const fresh = fake.sent.slice(seen);
        const hit = fresh.findIndex((m) => last.test(m.text));
        if (hit >= 0) {
          seen += hit + 1;
          return fresh.slice(0, hit + 1);
        }
        if (Date.now() > deadline) throw new Error(`no message matching ${last}; got: ${fresh.map((m) => m.text.slice(0, 50)).join(' | ')}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };

    const greeting = await step(textUpdate(CITIZEN, '/start'), /Please choose your language/);
    expect(greeting).toHaveLength(1);
    expect(greeting[0]!.replyMarkup).toEqual({
      inline_keyboard: [[{ text: '1. हिंदी', callback_data: 'hi' }, { text: '2. English', callback_data: 'en' }]],
    });

    const consent = await step(callbackUpdate(CITIZEN, 'hi', 'cbq-1'), /सहमति देते हैं/);
    expect(fake.calls.some((c) => c.method === 'answerCallbackQuery' && c.payload.callback_query_id === 'cbq-1')).toBe(true);
    expect(consent.at(-1)!.replyMarkup).toEqual({ inline_keyboard: [[{ text: '1. हाँ', callback_data: 'yes' }, { text: '2. नहीं', callback_data: 'no' }]] });

    // A redelivered tap (same callback query id) is dropped by the router.
    fake.push(callbackUpdate(CITIZEN, 'hi', 'cbq-1'));

    const menu = await step(textUpdate(CITIZEN, 'हाँ'), /विकल्प की संख्या लिखें/);
    expect(menu.map((m) => m.text).join('\n')).toContain('आपकी सहमति दर्ज कर ली गई है');
    // Long labels: one button per row.
    expect((menu.at(-1)!.replyMarkup as { inline_keyboard: unknown[][] }).inline_keyboard.every((row) => row.length === 1)).toBe(true);

    await step(textUpdate(CITIZEN, '१'), /किस बारे में है/);
    await step(callbackUpdate(CITIZEN, 'staff', 'cbq-2'), /अपने शब्दों में लिखें/);
    await step(textUpdate(CITIZEN, DESCRIPTION), /संपर्क कर सकता है/);
    const summary = await step(textUpdate(CITIZEN, '३'), /क्या यह शिकायत दर्ज कर दी जाए/);
    expect(summary.map((m) => m.text).join('\n')).toContain(DESCRIPTION);
    const done = await step(textUpdate(CITIZEN, 'हाँ'), /GRV-2026-000001/);
    expect(done.at(-1)!.text).toContain('टिकट संख्या: GRV-2026-000001');

    // An edit is answered in the conversation's language (Hindi, from the session, though the
    // edit is in Latin letters and the app is in English), not taken as an answer.
    fake.push({ edited_message: { ...(textUpdate(CITIZEN, 'ok', 'en').message as object), edit_date: 1_795_000_100 } });
    await step({ message: { message_id: 999_001, from: { id: CITIZEN, is_bot: false, first_name: 'A' }, chat: { id: CITIZEN, type: 'private' }, date: 1_795_000_200, text: '/status GRV-2026-000001' } }, /उत्तर की अंतिम तिथि/);
    expect(fake.sent.some((m) => m.text.startsWith('भेजे जा चुके संदेश'))).toBe(true);

    await live.channel.idle();
    const tickets = await app.store.transaction((uow) => uow.tickets.list(10));
    expect(tickets.map((t) => t.number)).toEqual(['GRV-2026-000001']);
    expect(tickets[0]!.channel).toBe('telegram');
    // Each citizen message (the edit included) gave one transcript line: the redelivered tap left none.
    const transcript = await app.store.transaction((uow) => uow.transcripts.of(conversationKey('telegram', String(CITIZEN))));
    expect(transcript.filter((t) => t.direction === 'in')).toHaveLength(10);
    expect(transcript.some((t) => t.text === '[edited]')).toBe(true);

    // Commands were registered in English and Hindi; the emulator's 500 was only a warning.
    const commandCalls = fake.calls.filter((c) => c.method === 'setMyCommands');
    expect(commandCalls.map((c) => c.payload.language_code ?? 'default')).toEqual(['default', 'hi']);
    expect(logs.lines.join('')).toContain('setMyCommands failed');
    // No message text, in either direction, reached the logs.
    const allLogs = logs.lines.join('');
    expect(allLogs).not.toContain('कर्मचारी');
    expect(allLogs).not.toContain('हाँ');
    // The outbox holds nothing undelivered.
    expect(await app.sender.drain('telegram')).toBe(0);
  });

  it('honours a 429 retry_after on sendMessage: the message arrives after the wait, once', async () => {
    const { fake } = await startPolling();
    fake.failNext('sendMessage', 429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    const pushedAt = Date.now();
    fake.push(textUpdate(CITIZEN, 'नमस्ते'));
    const [greeting] = await fake.waitForSent(CITIZEN, 1);
    const attempts = fake.calls.filter((c) => c.method === 'sendMessage');
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(950);
    expect(greeting!.at - pushedAt).toBeGreaterThanOrEqual(950);
    // Give a duplicate every chance to show up.
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.sent.filter((m) => /Please choose your language/.test(m.text))).toHaveLength(1);
  });

  it('keeps each chat in order and serves several chats', async () => {
    const { fake } = await startPolling();
    const users = [1001, 1002, 1003];
    for (const u of users) fake.push(textUpdate(u, 'hello', 'en'));
    for (const u of users) fake.push(callbackUpdate(u, 'en', `q-${u}`));
    for (const u of users) {
      const got = await fake.waitForSent(u, 2);
      expect(got[0]!.text).toMatch(/Please choose your language/);
      expect(got[1]!.text).toMatch(/Before we begin|consent/i);
    }
  });
});

describe('Telegram webhook', () => {
  async function startWebhook(): Promise<{ fake: FakeBotApi; url: string; channel: TelegramChannel; app: App }> {
    const fake = new FakeBotApi(TOKEN);
    const apiRoot = await fake.listen();
    const logger = createLogger('silent');
    let app: App | undefined;
    const channel = createTelegramAdapter(
      { token: TOKEN, apiRoot, webhook: { publicUrl: 'https://nivaran.example.in/', secretToken: SECRET } },
      { router: { handle: (m) => app!.router.handle(m) }, drain: () => app!.sender.drain('telegram'), logger },
      { perChatMs: 20, drainIntervalMs: 50 },
    );
    app = await createApp(testConfig(tempDataDir()), { logger, adapters: [channel.adapter], clock: new FakeClock().now });
    await channel.start();
    const handler = channel.webhookCallback!;
    const server = http.createServer((req, res) => void handler(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(
      () => fake.close(),
      () => app!.close(),
      () => channel.stop(),
      () => new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
    );
    return { fake, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${channel.webhookPath}`, channel, app };
  }

  const post = (url: string, body: string, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  it('sets the webhook with the secret and takes only requests that carry it', async () => {
    const { fake, url } = await startWebhook();
    const setWebhook = fake.calls.find((c) => c.method === 'setWebhook');
    expect(setWebhook?.payload).toMatchObject({ url: `https://nivaran.example.in${TELEGRAM_WEBHOOK_PATH}`, secret_token: SECRET });
    expect(fake.calls.some((c) => c.method === 'getUpdates')).toBe(false);

    const update = JSON.stringify({ update_id: 1, ...textUpdate(CITIZEN, 'नमस्ते') });
    expect((await post(url, update)).status).toBe(401);
    expect((await post(url, update, { 'X-Telegram-Bot-Api-Secret-Token': `${SECRET}x` })).status).toBe(401);
    expect((await post(url, update, { 'X-Telegram-Bot-Api-Secret-Token': SECRET.slice(0, -1) })).status).toBe(401);
    expect(fake.sent).toHaveLength(0);

    expect((await post(url, '{not json', { 'X-Telegram-Bot-Api-Secret-Token': SECRET })).status).toBe(400);
    expect((await post(url, '{"hello":1}', { 'X-Telegram-Bot-Api-Secret-Token': SECRET })).status).toBe(400);
    expect((await fetch(url)).status).toBe(405);

    expect((await post(url, update, { 'X-Telegram-Bot-Api-Secret-Token': SECRET })).status).toBe(200);
    const [reply] = await fake.waitForSent(CITIZEN, 1);
    expect(reply!.text).toMatch(/Please choose your language/);
    // Telegram redelivering the same update changes nothing.
    expect((await post(url, update, { 'X-Telegram-Bot-Api-Secret-Token': SECRET })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.sent).toHaveLength(1);
  });

  it('answers 500 when the update cannot be processed, so Telegram delivers it again', async () => {
    const fake = new FakeBotApi(TOKEN);
    const apiRoot = await fake.listen();
    cleanups.push(() => fake.close());
    let fail = true;
    const handled: string[] = [];
    const channel = createTelegramAdapter(
      { token: TOKEN, apiRoot, webhook: { publicUrl: 'https://nivaran.example.in', secretToken: SECRET } },
      {
        router: {
          handle: async (m) => {
            if (fail) throw new Error('database is locked');
            handled.push(m.messageId);
          },
        },
        drain: async () => 0,
        logger: createLogger('silent'),
      },
      { handleRetryBaseMs: 5 },
    );
    const update = { update_id: 7, ...textUpdate(CITIZEN, 'hello', 'en') };
    const res = await channel.handleWebhook!({ headers: { 'x-telegram-bot-api-secret-token': SECRET }, body: update });
    expect(res.status).toBe(500);
    fail = false;
    expect((await channel.handleWebhook!({ headers: { 'x-telegram-bot-api-secret-token': SECRET }, body: update })).status).toBe(200);
    expect(handled).toHaveLength(1);
  });
});
