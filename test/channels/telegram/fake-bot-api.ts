import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Bot API double on 127.0.0.1 speaking Telegram's JSON for the methods the adapter uses.
 * Chosen over telegram-test-api because that emulator cannot send contacts or callback data
 * with ids of our choosing, cannot inject a 429, and ignores getUpdates' offset and timeout.
 * Here getUpdates long-polls and confirms by offset as Telegram does.
 */
export class FakeBotApi {
  readonly calls: Array<{ method: string; payload: Record<string, unknown>; at: number }> = [];
  readonly sent: Array<{ chatId: number | string; text: string; replyMarkup: unknown; at: number }> = [];
  private readonly updates: Array<Record<string, unknown>> = [];
  private nextUpdateId = 1;
  private nextMessageId = 1000;
  private readonly waiters = new Set<() => void>();
  private readonly failures = new Map<string, Array<{ status: number; body: Record<string, unknown> }>>();
  private server: http.Server | undefined;
  /** Methods that answer HTTP 500 as telegram-test-api does for what it lacks. */
  readonly unsupported = new Set<string>();

  constructor(readonly token: string) {}

  async listen(): Promise<string> {
    const server = http.createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const w of this.waiters) w();
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Queues an update (update_id assigned) and wakes a waiting getUpdates. */
  push(update: Record<string, unknown>): number {
    const id = this.nextUpdateId++;
    this.updates.push({ update_id: id, ...update });
    for (const w of this.waiters) w();
    return id;
  }

  /** Answers the next call of `method` with this error instead. */
  failNext(method: string, status: number, body: Record<string, unknown>): void {
    const list = this.failures.get(method) ?? [];
    list.push({ status, body });
    this.failures.set(method, list);
  }

  /** The updates not yet confirmed by an offset. */
  get pending(): number {
    return this.updates.length;
  }

  /** Resolves when `count` messages have been sent to the chat (since the given index). */
  async waitForSent(chatId: number, count: number, from = 0, timeoutMs = 10_000): Promise<Array<FakeBotApi['sent'][number]>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = this.sent.slice(from).filter((m) => String(m.chatId) === String(chatId));
      if (got.length >= count) return got;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} messages to ${chatId}; got ${got.length}: ${got.map((g) => g.text.slice(0, 60)).join(' | ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    const reply = (status: number, body: unknown) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (!m) return reply(404, { ok: false, error_code: 404, description: 'Not Found' });
    if (m[1] !== this.token) return reply(401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = m[2]!;
    const raw = Buffer.concat(chunks).toString('utf8');
    const payload = (raw ? JSON.parse(raw) : {}) as Record<string, unknown>;
    this.calls.push({ method, payload, at: Date.now() });
    const failure = this.failures.get(method)?.shift();
    if (failure) return reply(failure.status, failure.body);
    if (this.unsupported.has(method)) return reply(500, { message: `${method} is not supported` });
    switch (method) {
      case 'getMe':
        return reply(200, { ok: true, result: { id: 666, is_bot: true, first_name: 'Nivaran', username: 'NivaranTestBot', can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false } });
      case 'getUpdates': {
        const offset = typeof payload.offset === 'number' ? payload.offset : 0;
        // Confirmed updates are forgotten, as Telegram does.
        while (this.updates.length > 0 && (this.updates[0]!.update_id as number) < offset) this.updates.shift();
        const timeout = Math.min(typeof payload.timeout === 'number' ? payload.timeout : 0, 2);
        if (this.updates.length === 0 && timeout > 0) {
          await new Promise<void>((resolve) => {
            const wake = () => {
              this.waiters.delete(wake);
              clearTimeout(t);
              resolve();
            };
            const t = setTimeout(wake, timeout * 1000);
            this.waiters.add(wake);
            req.once('close', wake);
          });
        }
        return reply(200, { ok: true, result: this.updates.slice(0, 100) });
      }
      case 'sendMessage': {
        const chatId = payload.chat_id as number | string;
        this.sent.push({ chatId, text: String(payload.text), replyMarkup: payload.reply_markup, at: Date.now() });
        return reply(200, { ok: true, result: { message_id: this.nextMessageId++, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private' }, text: payload.text } });
      }
      case 'answerCallbackQuery':
      case 'setMyCommands':
      case 'deleteWebhook':
      case 'setWebhook':
        return reply(200, { ok: true, result: true });
      default:
        return reply(404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    }
  }
}

/** Real-shaped updates from a private chat (Telegram's field names and nesting). */
export function tgUser(id: number, language = 'hi') {
  return { id, is_bot: false, first_name: 'Asha', language_code: language };
}

let messageSeq = 1;
export function textUpdate(userId: number, text: string, language = 'hi'): Record<string, unknown> {
  const entities = text.startsWith('/') ? [{ offset: 0, length: text.split(' ')[0]!.length, type: 'bot_command' }] : undefined;
  return {
    message: {
      message_id: messageSeq++,
      from: tgUser(userId, language),
      chat: { id: userId, first_name: 'Asha', type: 'private' },
      date: 1_795_000_000,
      text,
      ...(entities ? { entities } : {}),
    },
  };
}

export function callbackUpdate(userId: number, data: string, queryId: string): Record<string, unknown> {
  return {
    callback_query: {
      id: queryId,
      from: tgUser(userId),
      message: { message_id: 1001, from: { id: 666, is_bot: true, first_name: 'Nivaran' }, chat: { id: userId, type: 'private' }, date: 1_795_000_000, text: '…' },
      chat_instance: '-4242',
      data,
    },
  };
}
