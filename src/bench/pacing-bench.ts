import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../app.ts';
import { createTelegramAdapter } from '../channels/telegram/adapter.ts';
import type { ChannelAdapter } from '../channels/types.ts';
import { createWhatsAppCloudAdapter } from '../channels/whatsapp-cloud/adapter.ts';
import { loadConfig } from '../config.ts';
import { deliver } from '../outbox/enqueue.ts';
import { createLogger } from '../logger.ts';
import { recordInbound } from '../outbox/queue.ts';

/**
 * Outbound pacing, measured: a burst of replies to many chats, committed to the outbox at once,
 * goes out through the real sender and the channel's real adapter (grammY with its throttler, or
 * the Cloud API client) to a local fake of the platform. The fake enforces the platform's limits
 * as documented and answers 429 past them, so the figures say what the platform would see:
 * the rate overall and per chat, the 429s, and anything lost, doubled or out of order.
 */
export interface PacingFigures {
  replies: number;
  chats: number;
  /** Replies the fake accepted (each once), per second, from the first to the last. */
  overallPerSecond: number;
  /** The most replies one chat got within any window of `perChatWindowMs`. */
  maxPerChatInWindow: number;
  perChatWindowMs: number;
  tooManyRequests: number;
  /** Of those, for the overall rate (the rest: for one chat's). */
  tooManyOverall: number;
  lost: number;
  duplicated: number;
  reordered: number;
  seconds: number;
  /** The limits the fake enforced. */
  limits: string;
}

interface Limits {
  perSecond: number;
  /** At most `perChat` messages to one chat within `perChatWindowMs`. */
  perChat: number;
  perChatWindowMs: number;
}

/** Telegram: about 30 messages a second over all chats, and about one a second to one chat. */
const TELEGRAM_LIMITS: Limits = { perSecond: 30, perChat: 1, perChatWindowMs: 1000 };
/** WhatsApp Cloud API: 80 messages a second per business number (the default tier); 45 to one user within 6 s. */
const WHATSAPP_LIMITS: Limits = { perSecond: 80, perChat: 45, perChatWindowMs: 6000 };
/** Arrival jitter on this machine: a message this much early is not counted against a limit. */
const TOLERANCE_MS = 15;

export async function pacingBench(channel: 'telegram' | 'whatsapp-cloud', chats: number, perChat: number, timeLimitMs: number): Promise<PacingFigures> {
  const limits = channel === 'telegram' ? TELEGRAM_LIMITS : WHATSAPP_LIMITS;
  const fake = await startFake(channel, limits);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nivaran-pacing-'));
  const logger = createLogger('silent');
  const noRouter = { handle: async () => undefined };
  const noDrain = async () => undefined;
  const adapter: ChannelAdapter = channel === 'telegram'
    ? createTelegramAdapter({ token: '123456:bench', apiRoot: fake.url }, { router: noRouter, drain: noDrain, logger }).adapter
    : createWhatsAppCloudAdapter(
      { token: 'EAAGbenchbenchbenchbench', phoneNumberId: '100000000001', appSecret: 'bench-app-secret-0001', verifyToken: 'bench-verify', apiRoot: fake.url },
      { router: noRouter, drain: noDrain, logger },
    ).adapter;
  const app = await createApp(loadConfig({ ...process.env, DATA_DIR: dir, LOG_LEVEL: 'silent', DATABASE_URL: undefined }), {
    logger, adapters: [adapter], codeSender: { send: async () => undefined },
  });
  try {
    // The burst: every chat has written (the WhatsApp window is open) and has `perChat` replies
    // queued, committed round by round as a thousand conversations in flight would commit them.
    const ids = Array.from({ length: chats }, (_, i) => (channel === 'telegram' ? String(700_000_000 + i) : String(919_800_000_000 + i)));
    const at = new Date().toISOString();
    for (let k = 1; k <= perChat; k++) {
      await app.store.transaction(async (uow) => {
        for (const id of ids) {
          const key = `${channel}:${id}`;
          if (k === 1) await recordInbound(uow, key, at, at);
          await deliver(uow, { channel, conversationId: id, conversationKey: key }, { text: `Reply ${k} of ${perChat}`, choices: [] }, at);
        }
      });
    }
    const total = chats * perChat;
    const t0 = performance.now();
    // What the drain loop does, without its 200 ms timer: pass after pass while replies wait.
    while (fake.accepted.size < total && performance.now() - t0 < timeLimitMs) {
      const sent = await app.sender.drain(channel);
      if (sent === 0) await new Promise((r) => setTimeout(r, 20));
    }
    return fake.figures(ids, perChat, limits);
  } finally {
    await app.close();
    await fake.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface Fake {
  url: string;
  /** `chat#k` of every reply accepted. */
  accepted: Set<string>;
  figures(ids: string[], perChat: number, limits: Limits): PacingFigures;
  close(): Promise<void>;
}

async function startFake(channel: 'telegram' | 'whatsapp-cloud', limits: Limits): Promise<Fake> {
  const accepted = new Set<string>();
  const times: number[] = [];
  const byChat = new Map<string, Array<{ t: number; k: number }>>();
  let tooMany = 0;
  let duplicated = 0;
  let messageId = 0;

  let overall = 0;
  /** Would accepting a message to `chat` now break a limit? Counts only what was accepted. */
  function overLimit(chat: string, now: number): boolean {
    let inSecond = 0;
    for (let i = times.length - 1; i >= 0 && times[i]! > now - 1000 + TOLERANCE_MS; i--) inSecond++;
    if (inSecond >= limits.perSecond) {
      overall++;
      return true;
    }
    const mine = byChat.get(chat) ?? [];
    let inWindow = 0;
    for (let i = mine.length - 1; i >= 0 && mine[i]!.t > now - limits.perChatWindowMs + TOLERANCE_MS; i--) inWindow++;
    return inWindow >= limits.perChat;
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const now = performance.now();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      const chat = String(channel === 'telegram' ? body.chat_id : body.to);
      const text = channel === 'telegram' ? String(body.text ?? '') : String((body.text as { body?: unknown } | undefined)?.body ?? '');
      const k = Number(/^Reply (\d+) of/.exec(text)?.[1] ?? 0);
      if (overLimit(chat, now)) {
        tooMany++;
        if (channel === 'telegram') {
          res.writeHead(429, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } }));
        } else {
          res.writeHead(429, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: '(#130429) Rate limit hit', code: 130429 } }));
        }
        return;
      }
      const id = `${chat}#${k}`;
      if (accepted.has(id)) duplicated++;
      accepted.add(id);
      times.push(now);
      const list = byChat.get(chat) ?? [];
      list.push({ t: now, k });
      byChat.set(chat, list);
      messageId++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(channel === 'telegram'
        ? JSON.stringify({ ok: true, result: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: Number(chat), type: 'private' }, text } })
        : JSON.stringify({ messaging_product: 'whatsapp', contacts: [{ input: chat, wa_id: chat }], messages: [{ id: `wamid.bench${messageId}` }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    accepted,
    figures(ids, perChat, lim) {
      const seconds = times.length > 1 ? (times[times.length - 1]! - times[0]!) / 1000 : 0;
      let maxInWindow = 0;
      let reordered = 0;
      for (const list of byChat.values()) {
        for (let i = 0; i < list.length; i++) {
          let n = 0;
          for (let j = i; j < list.length && list[j]!.t < list[i]!.t + lim.perChatWindowMs - TOLERANCE_MS; j++) n++;
          maxInWindow = Math.max(maxInWindow, n);
          if (i > 0 && list[i]!.k < list[i - 1]!.k) reordered++;
        }
      }
      let lost = 0;
      for (const id of ids) for (let k = 1; k <= perChat; k++) if (!accepted.has(`${id}#${k}`)) lost++;
      return {
        replies: ids.length * perChat,
        chats: ids.length,
        overallPerSecond: seconds > 0 ? (times.length - 1) / seconds : 0,
        maxPerChatInWindow: maxInWindow,
        perChatWindowMs: lim.perChatWindowMs,
        tooManyRequests: tooMany,
        tooManyOverall: overall,
        lost,
        duplicated,
        reordered,
        seconds,
        limits: `${lim.perSecond}/s overall, ${lim.perChat} per chat in ${lim.perChatWindowMs / 1000} s`,
      };
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
