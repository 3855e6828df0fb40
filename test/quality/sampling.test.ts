import { describe, expect, it } from 'vitest';
import { weekdayOfDayNumber, istDayNumber } from '../../src/domain/time/ist.ts';
import { drawSample, lastCompletePeriod, periodContaining, seedNumber, stratumOf, type Candidate } from '../../src/quality/sampling.ts';

/** `sizes[stratum]` candidates per stratum, with ids numbered across strata. */
function pool(sizes: Record<string, number>): Candidate[] {
  let id = 100;
  return Object.entries(sizes).flatMap(([stratum, n]) => Array.from({ length: n }, () => ({ ticketId: ++id, stratum })));
}

const ids = (cs: readonly Candidate[]) => cs.map((c) => c.ticketId);

describe('drawSample', () => {
  const candidates = pool({ 'console|en|grievance': 12, 'telegram|hi|grievance': 1, 'whatsapp|hi|data_rights': 3, 'whatsapp|en|grievance': 30 });

  it('is reproducible: the same candidates and seed give the same sample, whatever their order', () => {
    const a = drawSample(candidates, 2, 'nivaran|2026-11-16');
    const shuffled = [...candidates].reverse();
    const b = drawSample(shuffled, 2, 'nivaran|2026-11-16');
    expect(ids(b)).toEqual(ids(a));
    expect(ids(drawSample(candidates, 2, 'nivaran|2026-11-16'))).toEqual(ids(a));
  });

  it('gives another sample for another seed', () => {
    const a = ids(drawSample(candidates, 5, 'nivaran|2026-11-16'));
    const b = ids(drawSample(candidates, 5, 'nivaran|2026-11-23'));
    const c = ids(drawSample(candidates, 5, 'other-seed|2026-11-16'));
    expect(b).not.toEqual(a);
    expect(c).not.toEqual(a);
    expect(c).not.toEqual(b);
  });

  it('takes min(perStratum, size) from each stratum, without repeats', () => {
    for (const per of [1, 2, 3, 5, 40]) {
      const sample = drawSample(candidates, per, `seed-${per}`);
      const counts = new Map<string, number>();
      for (const c of sample) counts.set(c.stratum, (counts.get(c.stratum) ?? 0) + 1);
      expect(Object.fromEntries(counts)).toEqual({
        'console|en|grievance': Math.min(per, 12),
        'telegram|hi|grievance': Math.min(per, 1),
        'whatsapp|hi|data_rights': Math.min(per, 3),
        'whatsapp|en|grievance': Math.min(per, 30),
      });
      expect(new Set(ids(sample)).size).toBe(sample.length);
      for (const c of sample) expect(candidates).toContain(c);
    }
  });

  it('draws each stratum on its own: adding a stratum leaves the others’ draws as they were', () => {
    const before = drawSample(candidates, 3, 's');
    const more = [...candidates, ...pool({ 'telegram|en|data_rights': 4 }).map((c) => ({ ...c, ticketId: c.ticketId + 10_000 }))];
    const after = drawSample(more, 3, 's');
    expect(ids(after.filter((c) => c.stratum !== 'telegram|en|data_rights'))).toEqual(ids(before));
  });

  it('returns nothing from nothing, and is ordered by stratum then ticket', () => {
    expect(drawSample([], 2, 'x')).toEqual([]);
    const sample = drawSample(candidates, 4, 'order');
    const sorted = [...sample].sort((a, b) => a.stratum.localeCompare(b.stratum) || a.ticketId - b.ticketId);
    expect(sample).toEqual(sorted);
  });

  it('gives every conversation of a stratum about the same chance', () => {
    const four = pool({ s: 4 });
    const hits = new Map<number, number>();
    const runs = 4000;
    for (let i = 0; i < runs; i++) for (const c of drawSample(four, 1, `run-${i}`)) hits.set(c.ticketId, (hits.get(c.ticketId) ?? 0) + 1);
    for (const c of four) {
      // Expected 1000 each; a fair draw lands within ±15% (about 5 standard deviations).
      expect(hits.get(c.ticketId)).toBeGreaterThan(850);
      expect(hits.get(c.ticketId)).toBeLessThan(1150);
    }
  });

  it('names strata channel|language|kind and seeds from text', () => {
    expect(stratumOf({ channel: 'telegram', language: 'hi', kind: 'grievance' })).toBe('telegram|hi|grievance');
    expect(seedNumber('a')).toBe(seedNumber('a'));
    expect(seedNumber('a')).not.toBe(seedNumber('b'));
    expect(Number.isInteger(seedNumber('a'))).toBe(true);
  });
});

describe('sampling periods', () => {
  it('aligns 7-day periods to Mondays in IST', () => {
    // Sunday 22 November 2026, 11:00 IST.
    const sunday = new Date('2026-11-22T05:30:00Z');
    expect(periodContaining(sunday, 7)).toEqual({ period: '2026-11-16', start: '2026-11-15T18:30:00.000Z', end: '2026-11-22T18:30:00.000Z' });
    expect(lastCompletePeriod(sunday, 7).period).toBe('2026-11-09');
    // Monday 00:00 IST: the week of 16 November has ended.
    expect(lastCompletePeriod(new Date('2026-11-22T18:30:00Z'), 7).period).toBe('2026-11-16');
    expect(lastCompletePeriod(new Date('2026-11-22T18:29:59Z'), 7).period).toBe('2026-11-09');
    for (let d = 0; d < 60; d++) {
      const p = lastCompletePeriod(new Date(Date.parse('2026-01-01T00:00:00Z') + d * 86_400_000), 7);
      expect(weekdayOfDayNumber(istDayNumber(new Date(p.start)))).toBe(1);
    }
  });

  it('handles other lengths: daily, and 14 days from a fixed epoch', () => {
    expect(lastCompletePeriod(new Date('2026-11-22T05:30:00Z'), 1)).toEqual({ period: '2026-11-21', start: '2026-11-20T18:30:00.000Z', end: '2026-11-21T18:30:00.000Z' });
    const a = periodContaining(new Date('2026-11-22T05:30:00Z'), 14);
    expect(Date.parse(a.end) - Date.parse(a.start)).toBe(14 * 86_400_000);
    // Consecutive periods meet exactly.
    expect(lastCompletePeriod(new Date(a.start), 14).end).toBe(a.start);
  });
});
