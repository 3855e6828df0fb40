import { z } from 'zod';

/**
 * What officers are told about: the ticket service's notes (`officer_notifications.kind`) and
 * a citizen waiting in a live chat (a hand-off). A kind not listed here is still sent, as
 * immediate, under its own name: a new note never goes silently unsent.
 */
export const NOTIFY_KINDS = [
  'new_ticket', 'reminder', 'ack_overdue', 'breach', 'escalated', 'ladder_exhausted', 'ceiling_reached', 'transferred', 'citizen_replied', 'chat_waiting',
] as const;
export type NotifyKind = (typeof NOTIFY_KINDS)[number];

export const NOTIFY_MODES = ['immediate', 'digest', 'off'] as const;
export type NotifyMode = (typeof NOTIFY_MODES)[number];

export const DEFAULT_DIGEST_TIME = '09:00';

export const settingsSchema = z.object({
  digestTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'error.digest_time'),
  modes: z.record(z.string(), z.enum(NOTIFY_MODES)),
});
export type NotifySettings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: NotifySettings = { digestTime: DEFAULT_DIGEST_TIME, modes: {} };

export function modeOf(settings: NotifySettings, kind: string): NotifyMode {
  return settings.modes[kind] ?? 'immediate';
}

const IST_OFFSET_MS = 330 * 60_000;

/**
 * The next moment after `now` that is `HH:MM` in India (IST, UTC+05:30 all year, no daylight
 * saving), as a Date. Exactly `HH:MM` now counts as the next day's: a digest that was just sent
 * is not due again at once.
 */
export function nextDigestAt(now: Date, digestTime: string): Date {
  const [h, m] = digestTime.split(':').map(Number) as [number, number];
  const ist = new Date(now.getTime() + IST_OFFSET_MS);
  const todayAt = Date.UTC(ist.getUTCFullYear(), ist.getUTCMonth(), ist.getUTCDate(), h, m) - IST_OFFSET_MS;
  return new Date(todayAt > now.getTime() ? todayAt : todayAt + 86_400_000);
}
