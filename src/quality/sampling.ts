import { createHash } from 'node:crypto';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { isoDateOfDayNumber, istDayNumber } from '../domain/time/ist.ts';

/** A closed conversation that may be drawn: its ticket and its stratum (`channel|language|kind`). */
export interface Candidate {
  ticketId: number;
  stratum: string;
}

/** The stratum of a ticket: channel, language and kind, each stratum sampled on its own. */
export function stratumOf(t: { channel: string; language: string; kind: string }): string {
  return `${t.channel}|${t.language}|${t.kind}`;
}

/**
 * A 32-bit seed for the generator: the first four bytes of SHA-256 over the text. Any seed text
 * (the profile's `quality.seed` and the period) gives a well-spread start state.
 */
export function seedNumber(text: string): number {
  return createHash('sha256').update(text).digest().readInt32BE(0);
}

/**
 * The stratified random sample: from each stratum, `perStratum` candidates (all of them if it has
 * fewer), chosen by a partial Fisher–Yates shuffle driven by pure-rand's xoroshiro128+.
 *
 * Reproducible: the same candidates (in any order) and the same seed give the same sample. Each
 * stratum has its own generator, seeded with SHA-256(`seed|stratum`), so a stratum's draw does not
 * change when another stratum gains or loses conversations. The result is ordered by stratum,
 * then by ticket id.
 */
export function drawSample<C extends Candidate>(candidates: readonly C[], perStratum: number, seed: string): C[] {
  const strata = new Map<string, C[]>();
  for (const c of candidates) {
    const list = strata.get(c.stratum);
    if (list) list.push(c);
    else strata.set(c.stratum, [c]);
  }
  const out: C[] = [];
  for (const stratum of [...strata.keys()].sort()) {
    // Sorted first, so the draw does not depend on the order the database returned the rows in.
    const pool = strata.get(stratum)!.slice().sort((a, b) => a.ticketId - b.ticketId);
    const take = Math.min(Math.max(0, Math.floor(perStratum)), pool.length);
    const rng = xoroshiro128plus(seedNumber(`${seed}|${stratum}`));
    for (let i = 0; i < take; i++) {
      const j = uniformInt(rng, i, pool.length - 1);
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    out.push(...pool.slice(0, take).sort((a, b) => a.ticketId - b.ticketId));
  }
  return out;
}

/** Periods are aligned to Monday 5 January 1970 (IST): with 7 days, every period starts on a Monday. */
export const PERIOD_EPOCH_DAY = 4;
const DAY_MS = 86_400_000;
const IST_OFFSET_MS = 330 * 60_000;

export interface Period {
  /** The first day (IST), `YYYY-MM-DD`: the name of the period in `reviews.period`. */
  period: string;
  /** The first instant of the period (00:00 IST of its first day), ISO UTC. */
  start: string;
  /** The first instant after it, ISO UTC. */
  end: string;
}

function periodStartingOn(day: number, everyDays: number): Period {
  const at = (d: number) => new Date(d * DAY_MS - IST_OFFSET_MS).toISOString();
  return { period: isoDateOfDayNumber(day), start: at(day), end: at(day + everyDays) };
}

/** The period of `everyDays` days that contains the instant. */
export function periodContaining(instant: Date, everyDays: number): Period {
  const day = istDayNumber(instant);
  const k = Math.floor((day - PERIOD_EPOCH_DAY) / everyDays);
  return periodStartingOn(PERIOD_EPOCH_DAY + k * everyDays, everyDays);
}

/** The last period that has ended by `now`: the one before the period `now` is in. */
export function lastCompletePeriod(now: Date, everyDays: number): Period {
  const day = istDayNumber(now);
  const k = Math.floor((day - PERIOD_EPOCH_DAY) / everyDays);
  return periodStartingOn(PERIOD_EPOCH_DAY + (k - 1) * everyDays, everyDays);
}
