import { createHash } from 'node:crypto';
import type { OutboundMessage } from '../channels/types.ts';
import type { Lang } from '../engine/session.ts';
import type { Translator } from '../i18n/i18n.ts';
import { deliver, type Recipient } from '../outbox/enqueue.ts';
import { optedInAction, optedOutAction, optedOutOf, type OptionalPurpose } from '../outbox/purposes.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';

/**
 * The citizen's opt-out of updates (seed 002; DPDP s.6(4): withdrawing is as easy as giving).
 * "Updates" is a purpose of its own, apart from the service purposes the consent notice lists:
 * messages Nivaran sends of its own accord that no law requires (a ticket taken up again after its
 * acknowledgment). Statutory messages are never held back by it: the acknowledgment, an officer's
 * question, the resolution, extension, escalation, transfer and Board notices, and breach notices.
 *
 * The choice is a row of the consent ledger (`opted_out:updates` / `opted_in:updates`), with the
 * time, channel, language, the consent notice's version in force and the SHA-256 of the reply the
 * citizen was shown; the latest such row decides.
 */
export const UPDATES_PURPOSE = 'updates' satisfies OptionalPurpose;
export const OPTED_OUT = optedOutAction(UPDATES_PURPOSE);
export const OPTED_IN = optedInAction(UPDATES_PURPOSE);

/** Whole messages (after `normaliseCommand`) that opt out or back in, in English, romanised Hindi and Hindi. */
const STOP_WORDS = new Set([
  'stop', 'unsubscribe', 'stop updates',
  'band karo', 'band karen', 'band karein', 'band kare', 'band kijiye', 'band kro',
  'बंद करें', 'बंद करो', 'बंद करे', 'बंद कीजिए', 'बन्द करें', 'बन्द करो', 'अपडेट बंद करें',
]);
const START_WORDS = new Set([
  'start', 'start updates', 'subscribe',
  'shuru karo', 'shuru karen', 'shuru karein', 'shuru kare', 'chalu karo',
  'शुरू करें', 'शुरू करो', 'शुरू करे', 'चालू करें', 'चालू करो', 'अपडेट शुरू करें',
]);

/** Lower case, punctuation at the ends and repeated spaces dropped: "STOP!" and " Band  karo." match. */
export function normaliseCommand(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/[\s.!।"'“”]+$/u, '').replace(/^[\s"'“”]+/u, '').replace(/\s+/gu, ' ');
}

/** @example updatesCommand('बंद करें') // 'stop'; updatesCommand('stop using my data') // undefined */
export function updatesCommand(text: string): 'stop' | 'start' | undefined {
  const t = normaliseCommand(text);
  if (STOP_WORDS.has(t)) return 'stop';
  if (START_WORDS.has(t)) return 'start';
  return undefined;
}

/** Whether the citizen of this conversation has opted out of updates (and not back in). */
export function updatesOptedOut(uow: UnitOfWork, conversationKey: string): Promise<boolean> {
  return optedOutOf(uow, conversationKey, UPDATES_PURPOSE);
}

export interface UpdatesChoice {
  conversationKey: string;
  channel: string;
  lang: Lang;
  noticeVersion: string;
  messageId: string;
  at: string;
}

/** Records the opt-out or opt-in in the ledger and returns the reply to send (in the citizen's language). */
export async function recordUpdatesChoice(uow: UnitOfWork, command: 'stop' | 'start', c: UpdatesChoice, translator: Translator): Promise<string> {
  const text = translator.t(c.lang, command === 'stop' ? 'updates:stopped' : 'updates:started');
  await uow.consent.add({
    conversation_key: c.conversationKey, channel: c.channel, lang: c.lang, notice_version: c.noticeVersion,
    notice_hash: createHash('sha256').update(text).digest('hex'), action: command === 'stop' ? OPTED_OUT : OPTED_IN, at: c.at, message_id: c.messageId,
  });
  return text;
}

/**
 * The enqueue path of a message sent for the `updates` purpose: not queued (nor written to the
 * transcript) for a citizen who opted out; otherwise queued marked `updates`, with the hint saying
 * how to stop them. The sender asks again before it goes out, so a STOP that arrives while it
 * waits in the outbox stops it too (src/outbox/purposes.ts). Returns whether it was queued.
 */
export async function deliverUpdate(uow: UnitOfWork, to: Recipient, message: OutboundMessage, at: string, hint: string): Promise<boolean> {
  if (await updatesOptedOut(uow, to.conversationKey)) return false;
  await deliver(uow, to, { ...message, text: `${message.text}\n${hint}` }, at, UPDATES_PURPOSE);
  return true;
}
