import { describeError, AppError, ERROR_CODES } from '../errors.ts';
import { deliver, recipientOf } from '../outbox/enqueue.ts';
import { isLang, type Lang } from '../engine/session.ts';
import type { Translator } from '../i18n/i18n.ts';
import type { Logger } from '../logger.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';
import { isOpen, isTicketStatus } from '../domain/tickets/state-machine.ts';
import { ticketWordKey } from '../domain/tickets/ticket-number.ts';
import { checkEvidence, type CheckedFile } from './checks.ts';
import type { EvidenceFiles } from './evidence.ts';

/** A file a citizen sent, as a channel adapter hands it over: downloaded only when wanted. */
export interface InboundFile {
  /**
   * Downloads the bytes from the platform (Telegram getFile, the Cloud API media endpoint,
   * downloadMedia), reading no more than `maxBytes` where the platform streams them (`readCapped`).
   */
  fetch(maxBytes: number): Promise<Uint8Array>;
}

/**
 * The outcome of downloading and checking, done before the message's unit of work (no network,
 * and no reading of the whole file, inside it); `checked` is kept so `take` does not check again.
 */
export type FetchedFile = { ok: true; bytes: Uint8Array; checked: CheckedFile } | { ok: false; reason: 'too_large' | 'type' | 'empty' | 'download' };

/**
 * Evidence sent in the chat. The router downloads and checks the file first (`fetch`), then in
 * the message's unit of work (`take`) stores it against the conversation's ticket that awaits the
 * citizen's answer, or else its most recent open ticket, or else the conversation (a grievance
 * still being written: the file shows on the tickets of that conversation), and tells the
 * citizen. The flow stays at its step: the citizen carries on answering where they were.
 */
export class EvidenceIntake {
  constructor(private readonly deps: { evidence: EvidenceFiles; maxBytes: number; translator: Translator; logger: Logger }) {}

  async fetch(file: InboundFile): Promise<FetchedFile> {
    let bytes: Uint8Array;
    try {
      bytes = await file.fetch(this.deps.maxBytes);
    } catch (err) {
      if (err instanceof AppError && err.code === ERROR_CODES.FILE_REJECTED) return { ok: false, reason: 'too_large' };
      this.deps.logger.warn({ error: describeError(err) }, 'a citizen’s file could not be downloaded from the platform');
      return { ok: false, reason: 'download' };
    }
    try {
      return { ok: true, bytes, checked: await checkEvidence(bytes, this.deps.maxBytes) };
    } catch (err) {
      if (err instanceof AppError && err.code === ERROR_CODES.FILE_REJECTED) {
        const reason = (err.details?.reason as 'too_large' | 'type' | 'empty' | undefined) ?? 'type';
        return { ok: false, reason };
      }
      throw err;
    }
  }

  /** Stores an accepted file (or answers a refused one) in the message's unit of work. */
  async take(uow: UnitOfWork, input: { key: string; lang: string | undefined; fetched: FetchedFile; channel: string; messageId: string; at: string }): Promise<number> {
    const lang: Lang = input.lang && isLang(input.lang) ? input.lang : 'en';
    const say = (key: string, params: Record<string, string> = {}) =>
      deliver(uow, recipientOf(input.key), { text: this.deps.translator.t(lang, `operations:${key}`, params), choices: [] }, input.at);
    if (!input.fetched.ok) {
      await say(`files.rejected_${input.fetched.reason}`, { mb: String(Math.floor(this.deps.maxBytes / (1024 * 1024))) });
      return 1;
    }
    const tickets = (await uow.tickets.ofConversation(input.key)).filter((t) => isTicketStatus(t.status) && isOpen(t.status)).sort((a, b) => b.id - a.id);
    const ticket = tickets.find((t) => t.status === 'awaiting_citizen') ?? tickets[0];
    await this.deps.evidence.add(
      { conversationKey: input.key, ticketId: ticket?.id ?? null, bytes: input.fetched.bytes, checked: input.fetched.checked, addedBy: 'citizen', channel: input.channel, messageId: input.messageId },
      uow,
    );
    await (ticket ? say('files.received_ticket', { number: ticket.number, item: this.deps.translator.t(lang, ticketWordKey(ticket.kind)) }) : say('files.received'));
    return 1;
  }
}
