import { describe, expect, it } from 'vitest';
import { PROCESSED_DAYS } from '../../src/retention/retention-service.ts';
import { FakeClock } from '../helpers/harness.ts';
import { BACKENDS, useHarnesses } from './helpers.ts';

/**
 * The redelivery guard's message ids and the platforms' delivery statuses are purged by age:
 * before, both tables grew by a row per message for ever.
 */
const START = '2026-01-05T04:30:00.000Z';
const DAY = 86_400_000;

describe.each(BACKENDS)('message ids and delivery statuses on $name', (backend) => {
  const harnesses = useHarnesses(backend);

  it.skipIf(backend.skip)(`keeps message ids ${PROCESSED_DAYS} days (a redelivery within them is still dropped) and statuses as long as transcripts`, { timeout: 60_000 }, async () => {
    const h = await harnesses.start({ clock: new FakeClock(START) });
    const app = h.app;
    const ids = () => app.store.transaction(async (uow) => ({
      early: await uow.processed('console', 'early-1'),
      late: await uow.processed('console', 'late-1'),
    }));
    await h.say('hi', { messageId: 'early-1' });
    await app.store.transaction((uow) => uow.deliveryStatuses.add({ channel: 'whatsapp-cloud', platform_message_id: 'wamid.OLD', status: 'read', at: START, error_code: null }));
    h.clock.advance(20 * DAY);
    await h.say('2', { messageId: 'late-1' });

    // Day 31: the first id is past its 30 days, the second is not.
    h.clock.set(new Date(Date.parse(START) + 31 * DAY).toISOString());
    const dry = await app.retention.run({ dryRun: true });
    expect(dry.housekeeping.processed_messages).toBe(1);
    expect(dry.housekeeping.delivery_statuses).toBe(0);
    expect(await ids()).toEqual({ early: true, late: true });
    const report = await app.retention.run({ dryRun: false });
    expect(report.housekeeping.processed_messages).toBe(1);
    expect(await ids()).toEqual({ early: false, late: true });
    // The later message, delivered again, is still a duplicate: no second reply.
    expect(await h.say('2', { messageId: 'late-1' })).toEqual([]);

    // Past the transcripts' period (12 months here) the status goes too.
    h.clock.set(new Date(Date.parse(START) + 400 * DAY).toISOString());
    await app.store.transaction((uow) => uow.deliveryStatuses.add({ channel: 'whatsapp-cloud', platform_message_id: 'wamid.NEW', status: 'sent', at: h.clock.now().toISOString(), error_code: null }));
    const later = await app.retention.run({ dryRun: false });
    expect(later.housekeeping.delivery_statuses).toBe(1);
    const left = await app.store.transaction(async (uow) => [...(await uow.deliveryStatuses.of('whatsapp-cloud', 'wamid.OLD')), ...(await uow.deliveryStatuses.of('whatsapp-cloud', 'wamid.NEW'))]);
    expect(left.map((r) => r.platform_message_id)).toEqual(['wamid.NEW']);
  });
});
