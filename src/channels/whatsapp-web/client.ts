import fs from 'node:fs';
import path from 'node:path';
import { AppError, ERROR_CODES } from '../../errors.ts';

/**
 * The part of a whatsapp-web.js `Client` the channel uses. The adapter depends on this shape
 * only, so tests inject an EventEmitter with the same events and methods, and the library's
 * types stay in this folder.
 */
export interface WwebClient {
  on(event: 'qr', listener: (qr: string) => void): unknown;
  on(event: 'ready' | 'authenticated', listener: () => void): unknown;
  on(event: 'auth_failure' | 'disconnected', listener: (reason: unknown) => void): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  initialize(): Promise<unknown>;
  sendMessage(chatId: string, content: string): Promise<unknown>;
  destroy(): Promise<unknown>;
  /** Set by whatsapp-web.js once Chromium is launched (null before). */
  pupBrowser?: { process(): { pid?: number | undefined } | null } | null | undefined;
}

/** How to build one client: each (re)connection gets a fresh one, the old one is destroyed. */
export interface WwebClientSpec {
  clientId: string;
  /** LocalAuth's dataPath: the session (a Chromium profile) is kept in `session-<clientId>` under it. */
  dataPath: string;
  chromiumPath: string;
  args: readonly string[];
}

export type WwebClientFactory = (spec: WwebClientSpec) => WwebClient | Promise<WwebClient>;

/**
 * Chromium flags: headless without a GPU, and none of Chromium's own background traffic
 * (updates, sync, field trials), which would only add noise and failure modes on a server.
 * `--no-sandbox` because servers commonly run the bot as root, where the sandbox refuses to start.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--headless=new',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * The real whatsapp-web.js client with LocalAuth. Imported on first use, so that processes
 * without the channel never load puppeteer.
 */
export const createRealClient: WwebClientFactory = async (spec) => {
  const mod = await import('whatsapp-web.js');
  // CommonJS package: Node's ESM loader exposes module.exports as the default export.
  const wweb = ((mod as { default?: unknown }).default ?? mod) as typeof import('whatsapp-web.js');
  const client = new wweb.Client({
    authStrategy: new wweb.LocalAuth({ clientId: spec.clientId, dataPath: spec.dataPath }),
    puppeteer: { executablePath: spec.chromiumPath, args: [...spec.args] },
  });
  return client as unknown as WwebClient;
};

/** Whether a process (or, with a negative id, a process group) exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * SIGKILLs a Chromium left behind by `destroy()`. Puppeteer starts Chromium as the leader of its
 * own process group on Linux, so the group is killed first (renderers, zygote, crashpad too).
 * Returns whether anything had to be killed.
 */
export function killBrowser(pid: number | undefined, opts: { group?: boolean } = {}): boolean {
  if (pid === undefined || !Number.isInteger(pid) || pid <= 1 || pid === process.pid) return false;
  let killed = false;
  // A stray helper found by its profile folder is killed alone: its group may not be Chromium's.
  for (const target of opts.group === false ? [pid] : [-pid, pid]) {
    if (!isAlive(target)) continue;
    try {
      process.kill(target, 'SIGKILL');
      killed = true;
    } catch {
      // Gone in between, or not ours: nothing more to do.
    }
  }
  return killed;
}

/**
 * Chromium processes on the profile folder `dir`: those with an argument
 * `--user-data-dir=<dir>` or `--user-data-dir=<dir>/…` (Chromium and its helpers all carry
 * `--user-data-dir=<dir>/session-…`). Only that argument counts, so an operator's `tail`, `du` or
 * `rsync` of the folder is never taken for one. Linux's /proc only; elsewhere none are found.
 * Helpers that left Chromium's process group (a crash reporter, a utility process re-parented
 * under load) are found here too.
 */
export function processesUsing(dir: string): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const flag = `--user-data-dir=${path.resolve(dir)}`;
  const found: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.some((a) => a === flag || a.startsWith(`${flag}/`))) found.push(pid);
    } catch {
      // Gone in between, or not readable: not ours to stop.
    }
  }
  return found;
}

/** Lock files this process holds: a lock naming our own pid but not listed here is stale. */
const heldLocks = new Set<string>();

/**
 * Takes `file` for this process: only one process may drive a linked phone, since two
 * Chromiums on one session profile corrupt it and WhatsApp logs the device out. Written with
 * 'wx' so two processes starting at once cannot both win. A lock whose pid is gone is stale
 * (a crash, a SIGKILL) and is taken over; so is one naming our own pid that we do not hold (a
 * container restarted with the same pid).
 */
export function acquireLock(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      heldLocks.add(path.resolve(file));
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new AppError(ERROR_CODES.WHATSAPP_WEB_START, `Cannot write the WhatsApp Web lock file ${file} (${(err as Error).message}).`, { cause: err });
      }
    }
    let owner: number | undefined;
    try {
      const n = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
      owner = Number.isInteger(n) && n > 0 ? n : undefined;
    } catch {
      // Removed in between: try again.
      continue;
    }
    const ours = owner === process.pid && heldLocks.has(path.resolve(file));
    if (owner !== undefined && (ours || (owner !== process.pid && isAlive(owner)))) {
      throw new AppError(
        ERROR_CODES.WHATSAPP_WEB_LOCKED,
        `Another Nivaran process (pid ${owner}) is already driving this WhatsApp Web session (lock ${file}). ` +
          'Only one process may use a linked phone: stop that process first, or delete the lock file if that pid is not Nivaran.',
        { details: { pid: owner, file } },
      );
    }
    // Stale (or unreadable): take it over.
    fs.rmSync(file, { force: true });
  }
  throw new AppError(ERROR_CODES.WHATSAPP_WEB_LOCKED, `Could not take the WhatsApp Web lock ${file}: another process keeps recreating it.`);
}

/** Gives `file` back, only if it still names this process. */
export function releaseLock(file: string): void {
  const key = path.resolve(file);
  if (!heldLocks.delete(key)) return;
  try {
    if (Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10) === process.pid) fs.rmSync(file, { force: true });
  } catch {
    // Already gone.
  }
}

/**
 * Spaces sends to protect the linked number: an unofficial client that sends fast is what
 * WhatsApp bans (peer-systems §0). At most one message per `perChatMs` to a chat and
 * `perMinute` in any 60 s overall. Slots are reserved synchronously, so parallel callers (the
 * outbox serves several conversations at once) never share one.
 */
export class SendPacer {
  private readonly lastByChat = new Map<string, number>();
  /** Reserved send times, ascending, within the last minute or in the future. */
  private slots: number[] = [];

  constructor(
    private readonly perChatMs = 2000,
    private readonly perMinute = 20,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reserves the next allowed time for `chatId` and returns how long to wait for it. */
  reserve(chatId: string): number {
    const now = this.now();
    this.slots = this.slots.filter((t) => t > now - 60_000);
    // Slots are handed out in time order (never before the last one reserved), so checking the
    // minute that ends at `t` checks every minute the new slot falls in.
    let t = Math.max(now, (this.lastByChat.get(chatId) ?? -Infinity) + this.perChatMs, this.slots.at(-1) ?? -Infinity);
    const inWindow = this.slots.filter((s) => s > t - 60_000);
    if (inWindow.length >= this.perMinute) t = Math.max(t, inWindow[inWindow.length - this.perMinute]! + 60_000);
    this.slots.push(t);
    this.lastByChat.set(chatId, t);
    // The map only needs chats sent to within the last gap.
    if (this.lastByChat.size > 1000) for (const [k, v] of this.lastByChat) if (v < now - this.perChatMs) this.lastByChat.delete(k);
    return t - now;
  }
}
