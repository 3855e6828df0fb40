import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp, type App } from '../../src/app.ts';
import type { ChannelAdapter, OutboundMessage } from '../../src/channels/types.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { OtpService, type CodeDispatch } from '../../src/identity/otp.ts';

export const TEST_CODE = '246810';

/** A clock that only moves when a test moves it. */
export class FakeClock {
  private t: number;
  constructor(iso = '2026-11-22T05:30:00.000Z') {
    this.t = Date.parse(iso);
  }
  now = (): Date => new Date(this.t);
  advance(ms: number): void {
    this.t += ms;
  }
  set(iso: string): void {
    this.t = Date.parse(iso);
  }
}

/** Collects what the bot sends, per conversation, as a channel would. */
export class CapturingAdapter implements ChannelAdapter {
  readonly sent: Array<{ to: string; message: OutboundMessage }> = [];
  constructor(readonly name = 'console') {}
  async send(to: string, message: OutboundMessage): Promise<void> {
    this.sent.push({ to, message });
  }
  take(): OutboundMessage[] {
    return this.sent.splice(0).map((s) => s.message);
  }
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'nivaran-test-'));
}

/** The profile the tests run with: the shipped default, renamed "Jal Board" / "जल बोर्ड". */
export const TEST_PROFILE = path.join(import.meta.dirname, '..', 'fixtures', 'profile.yaml');

export function testConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', PROFILE_FILE: TEST_PROFILE, OTP_SECRET: 'test-otp-secret-of-at-least-32-chars', DESK_SECRET: 'test-desk-secret-of-at-least-32-chars', AUDIT_SECRET: 'test-audit-secret-of-at-least-32-chars', ...env });
}

export interface Harness {
  app: App;
  /** One-time codes the bot sent (to the address on file), newest last. */
  codes: CodeDispatch[];
  clock: FakeClock;
  adapter: CapturingAdapter;
  dataDir: string;
  /** Sends one citizen message and returns the replies it produced. */
  say(text: string, extra?: { messageId?: string; user?: string; media?: string; choiceId?: string }): Promise<OutboundMessage[]>;
  close(): Promise<void>;
}

export async function startHarness(
  opts: { dataDir?: string; clock?: FakeClock; env?: Record<string, string>; logs?: NodeJS.WritableStream } = {},
): Promise<Harness> {
  const dataDir = opts.dataDir ?? tempDataDir();
  const clock = opts.clock ?? new FakeClock();
  const adapter = new CapturingAdapter();
  const codes: CodeDispatch[] = [];
  const app = await createApp(testConfig(dataDir, opts.env), {
    logger: opts.logs ? createLogger('trace', opts.logs as never) : createLogger('silent'),
    adapters: [adapter],
    clock: clock.now,
    codeSender: { send: async (d) => void codes.push(d) },
    // Every code is 246810 in tests, so golden conversations can type it.
    otp: new OtpService({ secret: 'test-secret-test-secret-test-secret!', random: () => TEST_CODE }),
  });
  let seq = 0;
  return {
    app,
    codes,
    clock,
    adapter,
    dataDir,
    async say(text, extra = {}) {
      seq += 1;
      const user = extra.user ?? 'citizen-1';
      await app.router.handle({
        channel: 'console',
        conversationId: user,
        senderId: user,
        messageId: extra.messageId ?? `m-${user}-${clock.now().getTime()}-${seq}`,
        text,
        choiceId: extra.choiceId,
        media: extra.media,
        at: clock.now(),
      });
      // What the router committed is sent before the replies are read. One pass may leave a
      // conversation for the next (PostgreSQL: its lock was busy a moment, as the sender's claim
      // tries it without waiting; a running bot's next pass sends it): pass again until none is left.
      await app.sender.drain('console');
      for (let i = 0; i < 50 && (await app.store.transaction((uow) => uow.outbox.pending('console', clock.now().toISOString(), 1))).length > 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
        await app.sender.drain('console');
      }
      clock.advance(1000);
      return adapter.take();
    },
    close: () => app.close(),
  };
}

export function texts(messages: OutboundMessage[]): string {
  return messages.map((m) => m.text).join('\n---\n');
}
