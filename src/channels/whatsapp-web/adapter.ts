import { wwebFile } from './media.ts';
import fs from 'node:fs';
import path from 'node:path';
import qrcode from 'qrcode-terminal';
import { AppError, describeError, ERROR_CODES } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { DrainLoop } from '../drain-loop.ts';
import { ChannelRetryError } from '../errors.ts';
import type { ChannelAdapter, InboundMessage, OutboundMessage } from '../types.ts';
import { acquireLock, CHROMIUM_ARGS, createRealClient, isAlive, killBrowser, processesUsing, releaseLock, SendPacer, type WwebClient, type WwebClientFactory } from './client.ts';
import { parseWwebMessage, WHATSAPP_WEB_CHANNEL, type WwebMessage } from './parse.ts';
import { renderWweb } from './render.ts';

/** What the channel needs from the configuration. */
export interface WhatsAppWebConfig {
  /** DATA_DIR: the session and the lock live in `<dataDir>/whatsapp-web/`. */
  dataDir: string;
  /** CHROMIUM_PATH: Debian's /usr/bin/chromium by default (puppeteer downloads no browser). */
  chromiumPath: string;
  /** LocalAuth's clientId: one session per linked phone. */
  clientId?: string | undefined;
}

export interface WhatsAppWebDeps {
  /** The app's router; only `handle` is used, so it may be bound after the app is built. */
  router: { handle(msg: InboundMessage): Promise<unknown> };
  /** Sends this channel's committed replies: `() => app.sender.drain('whatsapp-web')`. */
  drain: () => Promise<unknown>;
  logger: Logger;
}

/** Tuning, mostly for tests. */
export interface WhatsAppWebOptions {
  /** A fake client for tests; the real whatsapp-web.js client by default. */
  clientFactory?: WwebClientFactory;
  /** First pause before reconnecting (doubling up to `retryMaxMs`). Default 5 s. */
  retryBaseMs?: number;
  /** Longest pause before reconnecting. Default 5 min. */
  retryMaxMs?: number;
  /** How long `initialize()` may take to show a QR code or a session. Default 60 s. */
  initTimeoutMs?: number;
  /** Minimum gap between two messages to one chat. Default 2 s. */
  perChatMs?: number;
  /** Messages in any 60 s over all chats. Default 20. */
  perMinute?: number;
  /** How often queued replies are looked for besides the drain after each message. */
  drainIntervalMs?: number;
  /** Where lines for the person running the bot go (QR code, unreachable…). Default stderr. */
  operator?: (line: string) => void;
}

export interface WhatsAppWebChannel {
  adapter: ChannelAdapter;
  /**
   * Takes the lock and starts connecting in the background: WhatsApp may be unreachable for a
   * long time, and the other channels must not wait for it. Rejects only when the channel
   * cannot run at all (Chromium missing, another process holds the lock).
   */
  start(): Promise<void>;
  /** Stops reconnecting, delivers what is committed if connected, closes Chromium, frees the lock. */
  stop(): Promise<void>;
  /** The last QR code string to scan, until the phone is linked (for the officers' desk). */
  latestQr(): string | undefined;
  /** Whether WhatsApp Web is connected and sending. */
  isReady(): boolean;
  /** Resolves when no delivery pass is running or pending. */
  idle(): Promise<void>;
}

const HANDLE_ATTEMPTS = 4;
/** How long a reply waits when WhatsApp is not connected, before the outbox tries again. */
const NOT_READY_RETRY_MS = 30_000;

/**
 * The WhatsApp Web channel: one linked phone, driven through whatsapp-web.js and Debian's
 * Chromium. Inbound messages go through parse.ts to the router, which commits the replies to
 * the outbox; a DrainLoop delivers them through `adapter.send` while connected.
 *
 * whatsapp-web.js is unofficial: WhatsApp bans numbers that behave like bots, so sends are
 * paced (SendPacer) and the Cloud API is the channel for large deployments.
 */
export function createWhatsAppWebChannel(config: WhatsAppWebConfig, deps: WhatsAppWebDeps, options: WhatsAppWebOptions = {}): WhatsAppWebChannel {
  const logger = deps.logger.child({ channel: WHATSAPP_WEB_CHANNEL });
  const clientId = config.clientId ?? 'nivaran';
  const dataPath = path.join(config.dataDir, 'whatsapp-web');
  const lockFile = path.join(dataPath, 'lock');
  const factory = options.clientFactory ?? createRealClient;
  const retryBaseMs = options.retryBaseMs ?? 5_000;
  const retryMaxMs = options.retryMaxMs ?? 5 * 60_000;
  const initTimeoutMs = options.initTimeoutMs ?? 60_000;
  const operator = options.operator ?? ((line: string) => process.stderr.write(`${line}\n`));
  const pacer = new SendPacer(options.perChatMs ?? 2000, options.perMinute ?? 20);

  let ready = false;
  // While disconnected a drain would only fail every reply; they wait in the outbox instead.
  const drainLoop = new DrainLoop(() => (ready ? deps.drain() : Promise.resolve()), options.drainIntervalMs ?? 1000, logger);

  let running = false;
  let current: WwebClient | undefined;
  /** The current client's initialize(), settled either way (never rejects). */
  let initSettled: Promise<void> = Promise.resolve();
  /** Clients whose initialize() has not settled yet: Chromium may still be launching. */
  const launching = new WeakSet<WwebClient>();
  let failures = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let qr: string | undefined;
  /** Chromium's pid per client, kept because destroy() forgets pupBrowser. */
  const pids = new WeakMap<WwebClient, number>();

  function rememberPid(client: WwebClient): void {
    try {
      const pid = client.pupBrowser?.process()?.pid;
      if (typeof pid === 'number') pids.set(client, pid);
    } catch {
      // Connected over a WebSocket (no child process), or not launched yet.
    }
  }

  /** destroy() closes Chromium; anything still alive after it is killed, so none is left behind. */
  async function teardown(client: WwebClient): Promise<void> {
    rememberPid(client);
    try {
      await withTimeout(client.destroy(), 15_000, 'destroy() timed out');
    } catch (err) {
      logger.warn({ error: describeError(err) }, 'whatsapp-web client destroy failed; killing Chromium');
    }
    const pid = pids.get(client);
    // Chromium's helper processes close a moment after destroy() (longer on a loaded machine): wait
    // for its whole process group, then kill what is left and wait for that, so that nothing
    // started by this channel is still running when stop() returns.
    if (pid !== undefined && !(await groupGone(pid, 3_000))) {
      if (killBrowser(pid)) logger.warn('Chromium was still running after destroy(); killed it');
      if (!(await groupGone(pid, 3_000))) logger.warn('Chromium processes remain after SIGKILL');
    }
    // Anything else still running on this channel's profile folder.
    const strays = processesUsing(dataPath);
    for (const stray of strays) killBrowser(stray, { group: false });
    if (strays.length > 0) {
      logger.warn({ count: strays.length }, 'Chromium helper processes outlived the browser; killed them');
      const end = Date.now() + 3_000;
      while (processesUsing(dataPath).length > 0 && Date.now() < end) await sleep(50);
    }
  }

  async function groupGone(pid: number, withinMs: number): Promise<boolean> {
    const end = Date.now() + withinMs;
    for (;;) {
      if (!isAlive(pid) && !isAlive(-pid)) return true;
      if (Date.now() >= end) return false;
      await sleep(50);
    }
  }

  function backoff(): number {
    const ms = Math.min(retryBaseMs * 2 ** failures, retryMaxMs);
    failures++;
    return ms;
  }

  function scheduleReconnect(ms: number): void {
    if (!running) return;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, ms);
  }

  /** A connection that was up, or an attempt, ended: close this client and try again later. */
  async function lose(client: WwebClient, line: string | undefined, detail: Record<string, unknown>): Promise<void> {
    if (client !== current) return;
    current = undefined;
    ready = false;
    const delay = backoff();
    if (running && line !== undefined) operator(`${line}, retrying in ${Math.round(delay / 1000)} s`);
    logger.warn({ ...detail, retryInMs: running ? delay : null }, 'whatsapp-web connection lost');
    await teardown(client);
    scheduleReconnect(delay);
  }

  function wire(client: WwebClient): void {
    client.on('qr', (code: string) => {
      if (client !== current) return;
      qr = code;
      // A code came, so WhatsApp is reachable: the attempt counts as a success.
      failures = 0;
      qrcode.generate(code, { small: true }, (art: string) => operator(`${art}\nScan this code in WhatsApp → Linked devices`));
      logger.info('whatsapp-web waiting for the QR code to be scanned');
    });
    client.on('authenticated', () => {
      if (client !== current) return;
      qr = undefined;
      logger.info('whatsapp-web authenticated');
    });
    client.on('auth_failure', () => {
      if (client !== current) return;
      // whatsapp-web.js restarts itself without the session and shows a new QR code.
      operator('WhatsApp Web: the saved session was refused; scan the new QR code in WhatsApp → Linked devices');
      logger.warn('whatsapp-web authentication failed');
    });
    client.on('ready', () => {
      if (client !== current) return;
      ready = true;
      failures = 0;
      qr = undefined;
      operator('WhatsApp Web connected');
      logger.info('whatsapp-web ready');
      // Replies committed while disconnected go out now.
      drainLoop.kick();
    });
    client.on('disconnected', (reason: unknown) => {
      // The reason is a state name (LOGOUT, CONFLICT, NAVIGATION…), never personal data.
      const why = typeof reason === 'string' ? reason.slice(0, 64) : 'unknown';
      void lose(client, `WhatsApp Web disconnected (${why})`, { reason: why });
    });
    client.on('message', (raw: unknown) => {
      if (client !== current) return;
      void onMessage(raw);
    });
  }

  async function onMessage(raw: unknown): Promise<void> {
    const parsed = parseWwebMessage(raw as WwebMessage);
    if (parsed.kind === 'ignored') {
      logger.debug({ reason: parsed.reason }, 'message ignored');
      return;
    }
    // A photo, document or voice note: downloaded with downloadMedia if the router takes it.
    const file = parsed.message.media ? wwebFile(raw) : undefined;
    const message = file ? { ...parsed.message, file } : parsed.message;
    for (let attempt = 1; ; attempt++) {
      try {
        await deps.router.handle(message);
        break;
      } catch (err) {
        if (attempt >= HANDLE_ATTEMPTS) {
          // No message id in the log: whatsapp-web.js ids contain the sender's number.
          logger.error({ error: describeError(err) }, 'whatsapp-web message dropped after retries');
          return;
        }
        await sleep(250 * 2 ** attempt);
      }
    }
    drainLoop.kick();
  }

  async function connect(): Promise<void> {
    if (!running) return;
    let client: WwebClient;
    try {
      client = await factory({ clientId, dataPath, chromiumPath: config.chromiumPath, args: CHROMIUM_ARGS });
    } catch (err) {
      const delay = backoff();
      operator(`WhatsApp Web could not start: ${describeError(err)}, retrying in ${Math.round(delay / 1000)} s`);
      scheduleReconnect(delay);
      return;
    }
    if (!running) return;
    current = client;
    wire(client);

    // initialize() resolves once the page is up and the QR code or the session is being
    // handled; it rejects at once when web.whatsapp.com is unreachable, and no event fires
    // then (stack-notes §1). A network that drops packets could keep it pending, hence the timer.
    const init = Promise.resolve().then(() => client.initialize());
    launching.add(client);
    initSettled = init.then(() => undefined, () => undefined).finally(() => launching.delete(client));
    let reached: () => void = () => undefined;
    const reachedP = new Promise<void>((r) => (reached = r));
    client.on('qr', () => reached());
    client.on('authenticated', () => reached());
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(initTimeoutMs / 1000)} s`)), initTimeoutMs);
    });
    try {
      await Promise.race([init, reachedP, timeout]);
      rememberPid(client);
      // initialize() may still fail later (a page that stops loading): treat it as a disconnect.
      init.catch((err: unknown) => void lose(client, `WhatsApp Web unreachable: ${networkCode(err)}`, { error: networkCode(err) }));
    } catch (err) {
      const settling = initSettled;
      const stillLaunching = launching.has(client);
      await lose(client, `WhatsApp Web unreachable: ${networkCode(err)}`, { error: networkCode(err) });
      // A launch still under way when the timer fired leaves Chromium to close once it is up.
      if (stillLaunching) void settling.then(() => teardown(client));
    } finally {
      clearTimeout(timer);
    }
  }

  async function send(conversationId: string, message: OutboundMessage): Promise<void> {
    for (const text of renderWweb(message)) {
      const client = current;
      if (!ready || !client) {
        throw new ChannelRetryError(ERROR_CODES.WHATSAPP_WEB_NOT_READY, 'WhatsApp Web is not connected; the reply waits in the outbox.', { retryAfterMs: NOT_READY_RETRY_MS });
      }
      const wait = pacer.reserve(conversationId);
      if (wait > 0) await sleep(wait);
      try {
        await client.sendMessage(conversationId, text);
      } catch (err) {
        // The library's message names the failure, not the text or the chat.
        throw new ChannelRetryError(ERROR_CODES.WHATSAPP_WEB_SEND, `WhatsApp Web did not take the message (${describeError(err).slice(0, 200)}).`, { cause: err });
      }
    }
  }

  return {
    adapter: { name: WHATSAPP_WEB_CHANNEL, send },
    latestQr: () => qr,
    isReady: () => ready,
    idle: () => drainLoop.idle(),

    async start() {
      if (running) return;
      if (!options.clientFactory && !fs.existsSync(config.chromiumPath)) {
        throw new AppError(
          ERROR_CODES.WHATSAPP_WEB_CHROMIUM_MISSING,
          `CHROMIUM_PATH ${config.chromiumPath} does not exist. Install Chromium (Debian/Ubuntu: \`apt-get install chromium\`) or set CHROMIUM_PATH to a Chromium or Chrome binary.`,
        );
      }
      acquireLock(lockFile);
      running = true;
      failures = 0;
      drainLoop.start();
      void connect();
    },

    async stop() {
      if (!running) return;
      running = false;
      clearTimeout(retryTimer);
      retryTimer = undefined;
      await drainLoop.stop();
      if (ready) {
        try {
          await deps.drain();
        } catch (err) {
          logger.warn({ error: describeError(err) }, 'final outbox drain failed');
        }
      }
      ready = false;
      const client = current;
      current = undefined;
      if (client) {
        // A launch under way would otherwise finish after destroy() and leave Chromium running.
        const settling = initSettled;
        await withTimeout(settling, 5_000, 'still launching').catch(() => undefined);
        await teardown(client);
        if (launching.has(client)) void settling.then(() => teardown(client));
      }
      releaseLock(lockFile);
      logger.info('whatsapp-web channel stopped');
    },
  };
}

/** `net::ERR_NAME_NOT_RESOLVED` and the like from Chromium, or the error's first line. */
export function networkCode(err: unknown): string {
  const text = describeError(err);
  const code = /net::ERR_[A-Z_]+/.exec(text);
  if (code) return code[0];
  return (text.split('\n')[0] ?? 'unknown error').slice(0, 200);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
