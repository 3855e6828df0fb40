import { describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/audit/audit-log.ts';
import { QualityService } from '../../src/quality/quality-service.ts';
import { drawSample, stratumOf } from '../../src/quality/sampling.ts';
import { createLogger } from '../../src/logger.ts';
import { addOfficer, auditRows } from '../helpers/desk.ts';
import { FakeClock } from '../helpers/harness.ts';
import { BACKENDS, handoffRows, reviewRows, sampleRows, ticketAt, useHarnesses } from './fixtures.ts';

const DAY = 86_400_000;

// The test clock starts on Sunday 22 November 2026, 11:00 IST: inside the period (week) of
// Monday 16 November, which ends at 00:00 IST on 23 November (2026-11-22T18:30Z).
const WEEK_END = '2026-11-22T18:30:00.000Z';

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`quality review on ${backend.name}`, () => {
    const harnesses = useHarnesses(backend);

    describe('sampleIfDue', () => {
      it('draws the ended period once, from the tickets that finished in it, reproducibly; also across a restart and two instances', async () => {
        const clock = new FakeClock();
        let h = await harnesses.start(clock);
        const app = h.app;
        const asha = await addOfficer(app, 'officer', 'Asha');
        const ravi = await addOfficer(app, 'officer', 'Ravi');
        const inWeek = (day: number, hour = 10) => new Date(Date.parse('2026-11-16T00:00:00+05:30') + day * DAY + hour * 3_600_000).toISOString();

        // In the week: three answered grievances on the console in English (one stratum, one of them
        // closed after being answered), one on Telegram in Hindi, one data-rights request withdrawn.
        const a = await ticketAt(app, { createdAt: inWeek(0), finish: { status: 'resolved', at: inWeek(1) }, officerId: asha.id });
        const b = await ticketAt(app, { createdAt: inWeek(0), finish: { status: 'resolved', at: inWeek(2) }, officerId: ravi.id });
        const c = await ticketAt(app, { createdAt: inWeek(1), finish: { status: 'closed', at: inWeek(3) }, officerId: asha.id });
        const d = await ticketAt(app, { channel: 'telegram', lang: 'hi', createdAt: inWeek(1), finish: { status: 'resolved', at: inWeek(4) }, officerId: ravi.id });
        const e = await ticketAt(app, { kind: 'data_rights', createdAt: inWeek(2), finish: { status: 'withdrawn', at: inWeek(2, 12) } });
        // Not in it: still open; answered the week before; answered at 00:30 IST after the week.
        await ticketAt(app, { createdAt: inWeek(1) });
        await ticketAt(app, { createdAt: '2026-11-02T10:00:00Z', finish: { status: 'resolved', at: '2026-11-05T10:00:00Z' } });
        await ticketAt(app, { createdAt: inWeek(5), finish: { status: 'resolved', at: inWeek(7, 0.5) } });

        // Before the week ends: the week before (9–15 November) is drawn, and it had nothing.
        expect(await app.quality.sampleIfDue()).toBe(0);
        clock.set('2026-11-22T18:29:59.000Z');
        expect(await app.quality.sampleIfDue()).toBe(0);
        expect(await reviewRows(app)).toEqual([]);
        expect((await sampleRows(app)).map((s) => [s.period, s.candidates, s.sampled])).toEqual([['2026-11-09', 0, 0]]);

        // The week has ended: 2 of the 3 in the console/English/grievance stratum, and the single
        // conversation of each other stratum.
        clock.set(WEEK_END);
        expect(await app.quality.sampleIfDue()).toBe(4);
        const rows = await reviewRows(app);
        expect(rows).toHaveLength(4);
        expect(new Set(rows.map((r) => r.period))).toEqual(new Set(['2026-11-16']));
        expect(rows.every((r) => r.status === 'pending' && r.scores === null && r.created_at === WEEK_END)).toBe(true);
        const strata = rows.map((r) => r.stratum).sort();
        expect(strata).toEqual(['console|en|data_rights', 'console|en|grievance', 'console|en|grievance', 'telegram|hi|grievance']);
        expect(rows.find((r) => r.ticket_id === d.id)?.officer_id).toBe(ravi.id);
        expect(rows.find((r) => r.ticket_id === e.id)?.officer_id).toBeNull();

        // The same draw as the pure function gives for these candidates and the seed of the period.
        const candidates = [a, b, c].map((t) => ({ ticketId: t.id, stratum: 'console|en|grievance' }))
          .concat([{ ticketId: d.id, stratum: 'telegram|hi|grievance' }, { ticketId: e.id, stratum: stratumOf({ channel: 'console', language: 'en', kind: 'data_rights' }) }]);
        const expected = drawSample(candidates, app.content.profile.quality.perStratum, `${app.content.profile.quality.seed}|2026-11-16`);
        expect(rows.map((r) => r.ticket_id).sort((x, y) => x - y)).toEqual(expected.map((x) => x.ticketId).sort((x, y) => x - y));

        // Not twice: again, after a restart on the same data, and from two instances at once.
        expect(await app.quality.sampleIfDue()).toBe(0);
        await harnesses.close(h);
        h = await harnesses.start(clock);
        expect(await h.app.quality.sampleIfDue()).toBe(0);
        clock.advance(7 * DAY);
        const twins = [1, 2].map(() => new QualityService({ store: h.app.store, profile: h.app.content.profile, clock: clock.now, logger: createLogger('silent') }));
        const drawn = await Promise.all(twins.map((q) => q.sampleIfDue()));
        // The week of 23 November had one finished ticket (answered at 00:30 IST on the 23rd).
        expect(drawn.sort()).toEqual([0, 1]);
        expect(await h.app.quality.sampleIfDue()).toBe(0);
        expect((await reviewRows(h.app)).map((r) => r.period)).toEqual(['2026-11-16', '2026-11-16', '2026-11-16', '2026-11-16', '2026-11-23']);
        expect((await sampleRows(h.app)).map((s) => [s.period, s.candidates, s.sampled])).toEqual([['2026-11-09', 0, 0], ['2026-11-16', 5, 4], ['2026-11-23', 1, 1]]);

        // Each draw is in the audit log, by the system, with counts only.
        const audit = (await auditRows(h.app)).filter((r) => r.action === 'review.sample');
        expect(audit.map((r) => [r.actor, r.subject, JSON.parse(r.detail)])).toEqual([
          ['system', 'period:2026-11-09', { candidates: 0, strata: 0, sampled: 0, perStratum: 2 }],
          ['system', 'period:2026-11-16', { candidates: 5, strata: 3, sampled: 4, perStratum: 2 }],
          ['system', 'period:2026-11-23', { candidates: 1, strata: 1, sampled: 1, perStratum: 2 }],
        ]);
        expect(await verifyAudit(h.app.store)).toMatchObject({ ok: true });
      });

      it('runs as the scheduler’s “quality sample” job', async () => {
        const clock = new FakeClock(WEEK_END);
        const h = await harnesses.start(clock);
        await ticketAt(h.app, { createdAt: '2026-11-17T05:00:00Z', finish: { status: 'resolved', at: '2026-11-18T05:00:00Z' } });
        const sweep = await h.app.scheduler.sweep();
        expect(sweep.jobs['quality sample']).toBe(1);
        expect((await h.app.scheduler.sweep()).jobs['quality sample']).toBe(0);
      });
    });

    describe('trends', () => {
      it('averages each criterion per officer and per period (hand-computed), and counts give-ups and hand-offs by step', async () => {
        const clock = new FakeClock('2026-11-10T04:00:00Z');
        const h = await harnesses.start(clock);
        const app = h.app;
        const x = await addOfficer(app, 'officer', 'Xavier');
        const y = await addOfficer(app, 'officer', 'Yamini');
        const reviewer = await addOfficer(app, 'reviewer', 'Rekha');
        // Week of 9 November: two of Xavier's (two strata, so both are drawn).
        await ticketAt(app, { createdAt: '2026-11-09T05:00:00Z', finish: { status: 'resolved', at: '2026-11-10T05:00:00Z' }, officerId: x.id });
        await ticketAt(app, { lang: 'hi', createdAt: '2026-11-09T05:00:00Z', finish: { status: 'resolved', at: '2026-11-11T05:00:00Z' }, officerId: x.id });
        // Week of 16 November: one of Xavier's, one of Yamini's (different strata).
        await ticketAt(app, { createdAt: '2026-11-16T05:00:00Z', finish: { status: 'resolved', at: '2026-11-17T05:00:00Z' }, officerId: x.id });
        await ticketAt(app, { channel: 'telegram', createdAt: '2026-11-16T05:00:00Z', finish: { status: 'resolved', at: '2026-11-18T05:00:00Z' }, officerId: y.id });
        clock.set('2026-11-16T00:00:00Z');
        expect(await app.quality.sampleIfDue()).toBe(2);
        clock.set('2026-11-23T00:00:00Z');
        expect(await app.quality.sampleIfDue()).toBe(2);

        const rubric = ['correct_information', 'tone', 'timeliness', 'language_quality', 'resolution'];
        const form = (values: number[]) => Object.fromEntries(rubric.map((id, i) => [`score_${id}`, String(values[i])]));
        const rows = await reviewRows(app);
        const ofOfficer = (id: number, period: string) => rows.filter((r) => r.officer_id === id && r.period === period);
        const [x1, x2] = ofOfficer(x.id, '2026-11-09');
        await app.quality.score(reviewer, x1!.id, form([4, 5, 3, 4, 4]));
        await app.quality.score(reviewer, x2!.id, { ...form([2, 3, 3, 4, 5]), notes: 'Explained the bill well.' });
        await app.quality.score(reviewer, ofOfficer(x.id, '2026-11-16')[0]!.id, form([5, 5, 5, 5, 5]));
        await app.quality.score(reviewer, ofOfficer(y.id, '2026-11-16')[0]!.id, form([3, 4, 2, 3, 1]));

        // Citizens: one stopped at the language question 9 days ago; one is there now; one asked for
        // an officer at the consent notice; one got stuck at the language question and then asked.
        clock.set('2026-11-14T04:00:00Z');
        await h.say('hello', { user: 'gone' });
        clock.set('2026-11-23T04:00:00Z');
        await h.say('hello', { user: 'fresh' });
        for (const text of ['hello', '2', 'officer']) await h.say(text, { user: 'asker' });
        for (const text of ['hello', 'purple', 'purple', 'purple', '2']) await h.say(text, { user: 'stuck' });
        expect(await handoffRows(app)).toEqual([
          { conversation_key: 'console:asker', reason: 'citizen_asked', flow_step: 'consent/notice' },
          { conversation_key: 'console:stuck', reason: 'stuck', flow_step: 'main/choose_language' },
        ]);

        const v = await app.quality.trends(reviewer, { periods: 8, idleDays: 7, sinceDays: 30 });
        expect(v.periods).toEqual(['2026-11-09', '2026-11-16']);
        const xr = v.officers.find((o) => o.officer?.id === x.id)!;
        const yr = v.officers.find((o) => o.officer?.id === y.id)!;
        expect(v.officers.map((o) => o.officer?.name)).toEqual(['Xavier', 'Yamini']);
        expect(xr.count).toBe(3);
        // (4+2+5)/3, (5+3+5)/3, (3+3+5)/3, (4+4+5)/3, (4+5+5)/3; overall (20+17+25)/15 = 62/15.
        expect(xr.average.correct_information).toBeCloseTo(11 / 3, 10);
        expect(xr.average.tone).toBeCloseTo(13 / 3, 10);
        expect(xr.average.timeliness).toBeCloseTo(11 / 3, 10);
        expect(xr.average.language_quality).toBeCloseTo(13 / 3, 10);
        expect(xr.average.resolution).toBeCloseTo(14 / 3, 10);
        expect(xr.overall).toBeCloseTo(62 / 15, 10);
        expect(xr.byPeriod.map((p) => [p.period, p.count, p.average, p.overall])).toEqual([
          ['2026-11-09', 2, { correct_information: 3, tone: 4, timeliness: 3, language_quality: 4, resolution: 4.5 }, 3.7],
          ['2026-11-16', 1, { correct_information: 5, tone: 5, timeliness: 5, language_quality: 5, resolution: 5 }, 5],
        ]);
        expect(yr.byPeriod).toEqual([{ period: '2026-11-16', count: 1, average: { correct_information: 3, tone: 4, timeliness: 2, language_quality: 3, resolution: 1 }, overall: 2.6 }]);

        expect(v.giveUps).toEqual([{ flow: 'main', step: 'choose_language', count: 1 }]);
        expect(v.handoffs).toEqual([
          { flow: 'consent', step: 'notice', known: true, citizenAsked: 1, stuck: 0, other: 0, total: 1 },
          { flow: 'main', step: 'choose_language', known: true, citizenAsked: 0, stuck: 1, other: 0, total: 1 },
        ]);
        // A shorter look-back: the one who left 9 days ago is not counted at 10 days.
        expect((await app.quality.trends(reviewer, { periods: 1, idleDays: 10, sinceDays: 30 })).giveUps).toEqual([]);
        // One period only: the week of 16 November.
        expect((await app.quality.trends(reviewer, { periods: 2, idleDays: 7, sinceDays: 30 })).periods).toEqual(['2026-11-16']);
        await expect(app.quality.trends(x, { periods: 8, idleDays: 7, sinceDays: 30 })).rejects.toMatchObject({ code: 'NIV_DESK_FORBIDDEN' });

        // Officers see only their own: Xavier's three, with his averages.
        const mine = await app.quality.myScores(x);
        expect(mine.items).toHaveLength(3);
        expect(mine.overall).toBeCloseTo(62 / 15, 10);
        expect(mine.items.map((i) => i.notes)).toContain('Explained the bill well.');
        expect((await app.quality.myScores(y)).items.map((i) => i.scores)).toEqual([{ correct_information: 3, tone: 4, timeliness: 2, language_quality: 3, resolution: 1 }]);
      });
    });
  });
}
