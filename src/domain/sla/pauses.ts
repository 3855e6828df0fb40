/**
 * A stretch of time during which a ticket's clock is stopped (e.g. awaiting the citizen's reply).
 * `to = null`: still paused.
 */
export interface Pause {
  from: Date;
  to: Date | null;
}

/** Disjoint pause intervals in epoch ms, [from, to), sorted by start. */
export type PauseIntervals = readonly (readonly [from: number, to: number])[];

/**
 * Resolves open pauses and merges overlapping ones, so that the counting loops can walk them once.
 * An open pause (`to = null`) runs until `nowMs`; with no `nowMs` it is ignored (zero length),
 * because without a clock its end is unknown. Empty or inverted pauses are ignored.
 */
export function normalisePauses(pauses: readonly Pause[], nowMs?: number): PauseIntervals {
  const spans: [number, number][] = [];
  for (const p of pauses) {
    const from = p.from.getTime();
    const to = p.to === null ? (nowMs ?? from) : p.to.getTime();
    if (to > from) spans.push([from, to]);
  }
  if (spans.length < 2) return spans;
  spans.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push(span);
  }
  return merged;
}

/**
 * Answers "is this instant paused?" for instants asked in increasing order, in O(1) amortised:
 * the counting loops ask once per day, always later than before.
 */
export class PauseCursor {
  readonly #spans: PauseIntervals;
  #i = 0;

  constructor(spans: PauseIntervals) {
    this.#spans = spans;
  }

  /** Whether `ms` lies in a pause (from ≤ ms < to). Calls must not go back in time. */
  covers(ms: number): boolean {
    const spans = this.#spans;
    while (this.#i < spans.length && (spans[this.#i] as readonly [number, number])[1] <= ms) this.#i++;
    const span = spans[this.#i];
    return span !== undefined && span[0] <= ms;
  }
}

/**
 * The instant at which `activeMs` of unpaused wall-clock time has run since `startMs`: the
 * clock stops during each pause that begins before that instant. Pauses (or their parts)
 * before `startMs` are ignored; a pause beginning exactly at the due instant is too late to
 * move it.
 */
export function addActiveTime(startMs: number, activeMs: number, spans: PauseIntervals): number {
  let t = startMs;
  let remaining = activeMs;
  for (const [from, to] of spans) {
    if (to <= t) continue;
    const pauseStart = Math.max(from, t);
    if (pauseStart >= t + remaining) break;
    remaining -= pauseStart - t;
    t = to;
  }
  return t + remaining;
}
