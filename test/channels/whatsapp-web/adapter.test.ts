import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWhatsAppWebChannel, networkCode, type WhatsAppWebChannel, type WhatsAppWebOptions } from '../../../src/channels/whatsapp-web/adapter.ts';
import { SendPacer, type WwebClient } from '../../../src/channels/whatsapp-web/client.ts';
import type { InboundMessage, OutboundMessage } from '../../../src/channels/types.ts';
import { createLogger } from '../../../src/logger.ts';

/** A stand-in for whatsapp-web.js's Client: the same event names and methods, no browser. */
class FakeClient extends EventEmitter {
  sent: Array<{ chatId: string; text: string }> = [];
  destroyed = 0;
  constructor(private readonly init: () => Promise<unknown>) {
    super();
  }
  initialize(): Promise<unknown> {
    return this.init();
  }
  async sendMessage(chatId: string, text: string): Promise<unknown> {
    this.sent.push({ chatId, text });
    return {};
  }
  async destroy(): Promise<unknown> {
    this.destroyed++;
    return undefined;
  }
}

const FROM = '919812345678@c.us';
let dirs: string[] = [];
let channels: WhatsAppWebChannel[] = [];
afterEach(async () => {
  for (const c of channels) await c.stop().catch(() => undefined);
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  channels = [];
  dirs = [];
  vi.useRealTimers();
});

function setup(init: () => Promise<unknown>, options: WhatsAppWebOptions = {}, dataDir?: string) {
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'niv-wweb-'));
  if (!dataDir) dirs.push(dir);
  const clients: FakeClient[] = [];
  const lines: string[] = [];
  const handled: InboundMessage[] = [];
  const outbox: Array<{ conversationId: string; message: OutboundMessage }> = [];
  // eslint-disable-next-line prefer-const
  let channel: WhatsAppWebChannel;
  const deps = {
    router: {
      async handle(msg: InboundMessage) {
        handled.push(msg);
        outbox.push({ conversationId: msg.conversationId, message: { text: 'Choose your language:', choices: [{ id: 'hi', label: 'हिंदी' }, { id: 'en', label: 'English' }] } });
      },
    },
    drain: async () => {
      while (outbox.length > 0) {
        const next = outbox.shift()!;
        await channel.adapter.send(next.conversationId, next.message);
      }
    },
    logger: createLogger('silent'),
  };
  channel = createWhatsAppWebChannel({ dataDir: dir, chromiumPath: '/nonexistent/chromium' }, deps, {
    clientFactory: () => {
      const c = new FakeClient(init);
      clients.push(c);
      return c as unknown as WwebClient;
    },
    operator: (line) => lines.push(line),
    perChatMs: 0,
    drainIntervalMs: 20,
    ...options,
  });
  channels.push(channel);
  return { channel, clients, lines, handled, dir };
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('WhatsApp Web channel with a fake client', () => {
  it('a message reaches the router and the reply goes back as numbered text', async () => {
    const { channel, clients, handled, lines } = setup(async () => undefined);
    await channel.start();
    await until(() => clients.length === 1);
    const client = clients[0]!;
    client.emit('qr', 'qr-payload-1');
    expect(channel.latestQr()).toBe('qr-payload-1');
    expect(lines.some((l) => l.includes('Scan this code in WhatsApp → Linked devices'))).toBe(true);
    client.emit('authenticated');
    client.emit('ready');
    expect(channel.isReady()).toBe(true);
    expect(channel.latestQr()).toBeUndefined();

    client.emit('message', { id: { _serialized: 'false_x_1' }, from: FROM, fromMe: false, type: 'chat', body: 'नमस्ते', timestamp: 1_760_000_000 });
    // Ignored: a group and our own message never reach the router.
    client.emit('message', { id: { _serialized: 'g1' }, from: '1203@g.us', fromMe: false, type: 'chat', body: 'x', timestamp: 1 });
    client.emit('message', { id: { _serialized: 'm1' }, from: FROM, fromMe: true, type: 'chat', body: 'x', timestamp: 1 });
    await until(() => client.sent.length === 1);
    await channel.idle();
    expect(handled).toHaveLength(1);
    expect(handled[0]!.text).toBe('नमस्ते');
    expect(handled[0]!.attested).toEqual({ phone: '+919812345678', method: 'whatsapp_sender' });
    expect(client.sent).toEqual([{ chatId: FROM, text: 'Choose your language:\n  1. हिंदी\n  2. English' }]);
  });

  it('send before the connection is ready fails back to the outbox with a retry time', async () => {
    const { channel } = setup(async () => undefined);
    await channel.start();
    await expect(channel.adapter.send(FROM, { text: 'x', choices: [] })).rejects.toMatchObject({ code: 'NIV_WHATSAPP_WEB_NOT_READY', retryAfterMs: 30_000 });
  });

  it('initialize() rejecting with net::ERR_NAME_NOT_RESOLVED: one operator line, destroy, a retry with back-off', async () => {
    const { channel, clients, lines } = setup(() => Promise.reject(new Error('net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/')), { retryBaseMs: 200 });
    await channel.start();
    await until(() => clients[0]?.destroyed === 1);
    expect(lines).toEqual(['WhatsApp Web unreachable: net::ERR_NAME_NOT_RESOLVED, retrying in 0 s']);
    expect(clients).toHaveLength(1);
    // The retry comes after the pause, with a fresh client, and the pause doubles.
    await until(() => clients.length === 2 && clients[1]!.destroyed === 1);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^WhatsApp Web unreachable: net::ERR_NAME_NOT_RESOLVED, retrying in \d+ s$/);
    await channel.stop();
    const count = clients.length;
    await new Promise((r) => setTimeout(r, 900));
    expect(clients.length).toBe(count);
  });

  it('initialize() that never answers times out, and is reported the same way', async () => {
    const { channel, clients, lines } = setup(() => new Promise(() => undefined), { initTimeoutMs: 50, retryBaseMs: 60_000 });
    await channel.start();
    await until(() => clients[0]?.destroyed === 1);
    expect(lines).toEqual(['WhatsApp Web unreachable: no answer within 0 s, retrying in 60 s']);
  });

  it('the lock refuses a second instance while the first holds it, and a stale lock is taken over', async () => {
    const first = setup(async () => undefined);
    await first.channel.start();
    const lock = path.join(first.dir, 'whatsapp-web', 'lock');
    expect(fs.readFileSync(lock, 'utf8').trim()).toBe(String(process.pid));
    const second = setup(async () => undefined, {}, first.dir);
    await expect(second.channel.start()).rejects.toMatchObject({ code: 'NIV_WHATSAPP_WEB_LOCKED', message: expect.stringContaining(`pid ${process.pid}`) });
    await first.channel.stop();
    expect(fs.existsSync(lock)).toBe(false);

    // A lock left by a process that is gone (a crash) is taken over.
    fs.writeFileSync(lock, '999999999\n');
    await second.channel.start();
    expect(fs.readFileSync(lock, 'utf8').trim()).toBe(String(process.pid));
    await second.channel.stop();
  });

  it('a lock held by another live process is refused, naming its pid', async () => {
    const { channel, dir } = setup(async () => undefined);
    fs.mkdirSync(path.join(dir, 'whatsapp-web'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'whatsapp-web', 'lock'), `${process.ppid}\n`);
    await expect(channel.start()).rejects.toThrow(new RegExp(`pid ${process.ppid}`));
  });

  it('without a fake client, a missing CHROMIUM_PATH stops start-up naming it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'niv-wweb-'));
    dirs.push(dir);
    const channel = createWhatsAppWebChannel({ dataDir: dir, chromiumPath: '/nonexistent/chromium' }, { router: { handle: async () => undefined }, drain: async () => undefined, logger: createLogger('silent') });
    await expect(channel.start()).rejects.toMatchObject({ code: 'NIV_WHATSAPP_WEB_CHROMIUM_MISSING', message: expect.stringMatching(/CHROMIUM_PATH \/nonexistent\/chromium.*apt-get install chromium/) });
  });
});

describe('SendPacer', () => {
  it('spaces one chat by 2 s and keeps 20 per minute overall', () => {
    let now = 0;
    const pacer = new SendPacer(2000, 20, () => now);
    expect(pacer.reserve('a')).toBe(0);
    expect(pacer.reserve('a')).toBe(2000);
    expect(pacer.reserve('b')).toBe(2000); // in order, never before a slot already given
    for (let i = 0; i < 17; i++) pacer.reserve(`c${i}`);
    // 20 slots in the first minute; the 21st waits until the first leaves the window.
    expect(pacer.reserve('z')).toBe(60_000);
    now = 120_000;
    expect(pacer.reserve('a')).toBe(0);
  });
});

describe('networkCode', () => {
  it('finds Chromium’s error code in puppeteer’s message', () => {
    expect(networkCode(new Error('net::ERR_CONNECTION_REFUSED at https://web.whatsapp.com/'))).toBe('net::ERR_CONNECTION_REFUSED');
    expect(networkCode('auth timeout')).toBe('auth timeout');
  });
});
