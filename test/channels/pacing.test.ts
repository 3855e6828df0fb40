import { afterEach, describe, expect, it } from 'vitest';
import { createTelegramAdapter } from '../../src/channels/telegram/adapter.ts';
import { createWhatsAppCloudAdapter } from '../../src/channels/whatsapp-cloud/adapter.ts';
import { createLogger } from '../../src/logger.ts';
import { FakeBotApi } from './telegram/fake-bot-api.ts';

/**
 * Outbound pacing: the overall rate is spread evenly, not let out in bursts. Each case asserts a
 * lower bound on elapsed time (timers are never early), so a slow machine cannot fail it; without
 * the spacing the messages would all leave at once and the bound would be missed by far.
 */
const logger = createLogger('silent');
const deps = { router: { handle: async () => undefined }, drain: async () => undefined, logger };

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('outbound pacing', () => {
  it('Telegram: a second’s worth of messages to different chats is spread over the second, not sent at the refill', async () => {
    const api = new FakeBotApi('123456789:TEST-token_abcdefghijklmnopqrstu');
    const apiRoot = await api.listen();
    cleanup = () => api.close();
    const telegram = createTelegramAdapter({ token: api.token, apiRoot }, deps, { perSecond: 10, perChatMs: 10 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => telegram.adapter.send(String(5000 + i), { text: `to chat ${i}`, choices: [] })));
    const at = api.sent.map((s) => s.at);
    expect(at).toHaveLength(10);
    // 10 a second, 100 ms apart: the tenth leaves at least 900 ms after the first (it arrives a little less after: the first request also opens the connection) (a reservoir
    // alone lets all ten go at once, and ten more a second later: twenty within a second).
    expect(at[9]! - at[0]!).toBeGreaterThanOrEqual(600);
  });

  it('WhatsApp Cloud: messages keep to the configured rate however many conversations the outbox sends to at once', async () => {
    const posted: number[] = [];
    const fakeFetch = (async () => {
      posted.push(performance.now());
      return new Response(JSON.stringify({ messages: [{ id: `wamid.${posted.length}` }] }), { status: 200, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    const wa = createWhatsAppCloudAdapter(
      { token: 'EAAGexampletoken0123456789abcdef', phoneNumberId: '100000000001', appSecret: 'app-secret-0123456789abcdef', verifyToken: 'v', apiRoot: 'http://graph.invalid' },
      { ...deps, fetch: fakeFetch },
      { perSecond: 20 },
    );
    const chats = Array.from({ length: 6 }, (_, i) => String(919800000000 + i));
    for (const c of chats) wa.windows.touch(c, new Date());
    await Promise.all(chats.map((c) => wa.adapter.send(c, { text: 'Your ticket is registered.', choices: [] })));
    expect(posted).toHaveLength(6);
    // 20 a second: 50 ms apart, so the sixth at least 250 ms after the first.
    expect(posted[5]! - posted[0]!).toBeGreaterThanOrEqual(240);
    expect(wa.adapter.concurrency).toBeGreaterThan(8);
  });
});
