import { describe, expect, it } from 'vitest';
import { createPacer, type PacerClock } from '../../../src/channels/whatsapp-cloud/pacer.ts';

/** A clock whose every timer fires `lateMs` after it was due, as on a busy machine. */
function lateClock(lateMs: number): PacerClock & { t: number } {
  const c = {
    t: 0,
    now: () => c.t,
    sleep: async (ms: number) => {
      c.t += ms + lateMs;
    },
  };
  return c;
}

async function departures(perSecond: number, n: number, clock: PacerClock): Promise<number[]> {
  const paced = createPacer(perSecond, 25, clock);
  const at: number[] = [];
  // Many conversations at once, as the outbox sends them.
  await Promise.all(Array.from({ length: n }, () => paced().then(() => at.push(clock.now()))));
  return at;
}

describe('WhatsApp Cloud pacer', () => {
  it('keeps the configured rate when every timer fires late: lateness does not add up', async () => {
    // 80/s is 12.5 ms apart; each timer 5 ms late. Counting from each late departure gave
    // 17.5 ms apart (57/s: 2,800 ms for 160 messages); on the slot schedule 160 messages take two
    // of the cap's windows (1 s and its 25 ms margin), each at most one lateness longer.
    const at = await departures(80, 161, lateClock(5));
    expect(at).toHaveLength(161);
    expect(at[160]! - at[0]!).toBeLessThanOrEqual(2 * (1025 + 5));
  });

  it('never lets more than the rate out within a second, however late the timers', async () => {
    for (const late of [0, 3, 11, 40]) {
      const at = await departures(20, 200, lateClock(late));
      for (let i = 0; i + 20 < at.length; i++) expect(at[i + 20]! - at[i]!).toBeGreaterThanOrEqual(1000);
    }
  });

  it('spaces messages evenly from idle, and a stall is not made up for with a burst', async () => {
    const clock = lateClock(0);
    const paced = createPacer(20, 25, clock);
    const at: number[] = [];
    for (let i = 0; i < 3; i++) await paced().then(() => at.push(clock.now()));
    expect(at).toEqual([0, 50, 100]);
    clock.t += 10_000; // idle (or stalled) for ten seconds
    for (let i = 0; i < 3; i++) await paced().then(() => at.push(clock.now()));
    expect(at.slice(3)).toEqual([10_100, 10_150, 10_200]);
  });
});
