import type { BusinessCalendar } from '../domain/sla/calendar.ts';
import { capAtCeiling, ceilingOf } from '../domain/sla/ceiling.ts';
import { deadline, type Pause } from '../domain/sla/deadline.ts';
import type { Duration } from '../domain/sla/duration.ts';
import type { SlaPolicy } from '../domain/sla/presets.ts';
import type { Profile } from '../profile/schema.ts';
import type { TicketRow } from '../storage/queries.ts';

/** A ticket's extension, as stored (JSON) on its row. */
export interface Extension {
  duration: Duration;
  reason: string;
  at: string;
  actor: string;
}

/** Every due time of a ticket, derived from its row: nothing here is stored twice. */
export interface ClockView {
  /** When the organisation must acknowledge, or null when the policy sets none. */
  ackDueAt: string | null;
  /**
   * The deadline to resolve (pauses and the extension counted), never past the ceiling the
   * policy's law sets (DPDP: 90 days from receipt), whatever pauses and extensions add.
   */
  dueAt: string;
  /** The law's latest instant for this ticket, or null where its law sets none. */
  ceilingAt: string | null;
  /** True when pauses or an extension would have carried the deadline past the ceiling. */
  capped: boolean;
  /** When the current rung of the ladder must have answered (never after dueAt). */
  levelDueAt: string;
  /** Total time spent awaiting the citizen, in ms (an open pause counted up to now). */
  pausedMs: number;
  paused: boolean;
}

export function parsePauses(json: string): Pause[] {
  return (JSON.parse(json) as Array<{ from: string; to: string | null }>).map((p) => ({
    from: new Date(p.from),
    to: p.to === null ? null : new Date(p.to),
  }));
}

export function serializePauses(pauses: readonly Pause[]): string {
  return JSON.stringify(pauses.map((p) => ({ from: p.from.toISOString(), to: p.to ? p.to.toISOString() : null })));
}

export function parseExtension(json: string | null): Extension | null {
  return json === null ? null : (JSON.parse(json) as Extension);
}

/**
 * The clock of a ticket at `now`. Statutory deadline: from receipt under the policy, capped at
 * the law's ceiling. Rung deadline: from when the ticket reached its rung under the ladder,
 * capped at the statutory one.
 */
export function computeClock(
  t: Pick<TicketRow, 'created_at' | 'pauses' | 'extension' | 'level' | 'level_started_at'>,
  policy: SlaPolicy,
  ladder: Profile['ladder'],
  calendar: BusinessCalendar,
  now: Date,
  /** The calendar the rung's time is counted on (the holding department's); by default `calendar`. */
  rungCalendar: BusinessCalendar = calendar,
): ClockView {
  const received = new Date(t.created_at);
  const pauses = parsePauses(t.pauses);
  const extension = parseExtension(t.extension);
  const uncapped = deadline(received, policy.resolve, calendar, { pauses, now, ...(extension ? { extension: extension.duration } : {}) });
  const ceiling = ceilingOf(policy, received, calendar);
  const { due, capped } = capAtCeiling(uncapped, ceiling);
  const ackDue = policy.acknowledge ? deadline(received, policy.acknowledge, calendar) : null;
  const rung = ladder[Math.min(t.level, ladder.length - 1)]!;
  const levelStart = new Date(t.level_started_at ?? t.created_at);
  const levelPauses = pauses.filter((p) => p.to === null || p.to > levelStart);
  const rungDue = deadline(levelStart, rung.within, rungCalendar, { pauses: levelPauses, now });
  const levelDue = rungDue < due ? rungDue : due;
  let pausedMs = 0;
  for (const p of pauses) pausedMs += (p.to ?? now).getTime() - p.from.getTime();
  return {
    ackDueAt: ackDue ? ackDue.toISOString() : null,
    dueAt: due.toISOString(),
    ceilingAt: ceiling ? ceiling.toISOString() : null,
    capped,
    levelDueAt: levelDue.toISOString(),
    pausedMs,
    paused: pauses.some((p) => p.to === null),
  };
}
