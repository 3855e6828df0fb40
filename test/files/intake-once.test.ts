import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkEvidence } from '../../src/files/checks.ts';
import { FakeClock, startHarness, type Harness } from '../helpers/harness.ts';

/**
 * A citizen's file is downloaded and checked once, before the message's unit of work: a
 * redelivered file message is not downloaded again (nor attached again), and the check (which
 * reads the whole file) does not run a second time inside the unit of work.
 */

// Every caller of checkEvidence (the intake, the evidence store) goes through this counting wrapper.
vi.mock('../../src/files/checks.ts', async (original) => {
  const real = await original<typeof import('../../src/files/checks.ts')>();
  return { ...real, checkEvidence: vi.fn(real.checkEvidence) };
});

const START = '2026-11-23T05:30:00.000Z';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('a citizen’s file, downloaded and checked once', () => {
  it('a redelivered file message causes one download and one attachment; each file is checked once', { timeout: 60_000 }, async () => {
    h = await startHarness({ clock: new FakeClock(START) });
    for (const t of ['hello', '2', 'yes']) await h.say(t, { user: 'asha' });
    const files = () => (h!.app.store as unknown as { connection: { prepare(s: string): { get(): { n: number } } } }).connection.prepare('select count(*) as n from evidence_files').get().n;
    const checks = vi.mocked(checkEvidence);
    checks.mockClear();
    let downloads = 0;
    const send = async (id: string, bytes: Buffer) => {
      await h!.app.router.handle({
        channel: 'console', conversationId: 'asha', senderId: 'asha', messageId: id, text: '', media: 'photo',
        file: { fetch: async () => { downloads++; return bytes; } }, at: h!.clock.now(),
      });
      await h!.app.sender.drain('console');
      h!.clock.advance(1000);
      return h!.adapter.take().map((m) => m.text);
    };

    expect(await send('photo-1', PNG)).toEqual([expect.stringContaining('your file has been received')]);
    expect([downloads, checks.mock.calls.length, files()]).toEqual([1, 1, 1]);
    // The platform delivers the same message again (a webhook retried): dropped before the download.
    expect(await send('photo-1', PNG)).toEqual([]);
    expect([downloads, checks.mock.calls.length, files()]).toEqual([1, 1, 1]);
    // A refused file is checked once too, and its redelivery neither downloaded nor answered again.
    expect(await send('program-1', EXE)).toEqual([expect.stringContaining('cannot be accepted')]);
    expect(await send('program-1', EXE)).toEqual([]);
    expect([downloads, checks.mock.calls.length, files()]).toEqual([2, 2, 1]);
  });
});
