import type { EvidenceIntake } from '../files/intake.ts';
import type { ActionRegistry } from '../engine/actions/registry.ts';
import { resume, type EngineEnv } from '../engine/engine.ts';
import type { FlowSet } from '../engine/flow-set.ts';
import { SESSION_VERSION, type Lang, type SessionState } from '../engine/session.ts';
import { applyEffects } from '../effects/apply.ts';
import type { AfterCommit, AfterCommitJob } from './after-commit.ts';
import { engineServices, type HostServices } from './engine-services.ts';
import { normaliseEmail, normaliseMobile } from '../identity/directory.ts';
import type { Translator } from '../i18n/i18n.ts';
import type { Logger } from '../logger.ts';
import { conversationKey, type InboundMessage } from '../channels/types.ts';
import type { Store } from '../storage/sqlite-store.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';
import { redact } from '../text/redact.ts';
import { KeyedMutex } from './keyed-mutex.ts';
import type { Understanding } from '../understanding/understanding.ts';
import { recordInbound } from '../outbox/queue.ts';
import { mayEndNumber, maskSplitNumber } from './split-numbers.ts';
import { recordUpdatesChoice, updatesCommand, updatesOptedOut } from '../consent/updates.ts';
import { deliver } from '../outbox/enqueue.ts';

export interface RouterDeps {
  store: Store;
  flows: FlowSet;
  actions: ActionRegistry;
  translator: Translator;
  understanding?: Understanding | undefined;
  host: HostServices;
  afterCommit: AfterCommit;
  clock: () => Date;
  logger: Logger;
  /** Called after a message's replies are committed, so the sender can deliver them at once. */
  onReplies?: (channel: string) => void;
  /** Called after any message of a conversation is committed (the desk's live view listens). */
  onActivity?: (conversationKey: string) => void;
  /** Evidence files sent in the chat (after consent); without it a file gets the engine's "please type". */
  evidence?: EvidenceIntake | undefined;
}

export type HandleResult = { status: 'processed'; replies: number } | { status: 'relayed' } | { status: 'duplicate' };

const MEDIA_TRANSCRIPT = (kind: string) => `[${kind}]`;
/** What the transcript keeps of an answer to a one-time-code question. */
const CODE_TRANSCRIPT = '[one-time code]';
/**
 * Before consent is given, or after it is declined or withdrawn, the transcript keeps only short
 * answers (a language, yes or no: the evidence of the consent itself), not what else is typed.
 */
const NO_CONSENT_TRANSCRIPT = '[not recorded: no consent]';
const NO_CONSENT_MAX_CHARS = 24;
/** Longer inbound text is cut before it is stored: no flow accepts more, and it bounds abuse. */
export const MAX_INBOUND_CHARS = 16_000;

/**
 * The single choke point for every inbound message: mask identifiers, serialise the
 * conversation, drop redeliveries, write the transcript, run the engine and apply its effects,
 * all in one unit of work. A message either leaves every trace or none.
 */
export class Router {
  private readonly mutex = new KeyedMutex();

  constructor(private readonly deps: RouterDeps) {}

  handle(msg: InboundMessage): Promise<HandleResult> {
    const key = conversationKey(msg.channel, msg.conversationId);
    return this.mutex.run(key, () => this.process(key, msg));
  }

  private async process(key: string, msg: InboundMessage): Promise<HandleResult> {
    const { store, translator, logger } = this.deps;
    const now = this.deps.clock();
    const at = now.toISOString();
    const raw = msg.text.length > MAX_INBOUND_CHARS ? msg.text.slice(0, MAX_INBOUND_CHARS) : msg.text;
    let masked = redact(raw);
    const messageKey = `${msg.channel}:${msg.messageId}`;

    if (this.deps.host.profile.directory) await this.prefetchDirectory(key, masked.text, now);
    // A file is downloaded and checked before the unit of work: no network call runs inside it.
    // Only a consenting citizen's file is kept, and a redelivered message's is dropped, so neither
    // is downloaded (the unit of work checks both again: `markProcessed` is the authority).
    const fetched = msg.file && this.deps.evidence && (await this.fileWanted(key, msg)) ? await this.deps.evidence.fetch(msg.file) : undefined;
    const jobs: AfterCommitJob[] = [];
    const result = await store.transaction(async (uow): Promise<HandleResult> => {
      // Instances take one citizen's messages one at a time (PostgreSQL), in the order they get the lock.
      await uow.lockConversation(key);
      if (!(await uow.markProcessed(msg.channel, msg.messageId, at))) return { status: 'duplicate' };
      const { released, previousMayEndNumber } = await recordInbound(uow, key, msg.at.toISOString(), at, mayEndNumber(raw));
      // Lent: the engine changes the answers in place and says which, so a message costs the same
      // at the 40th question of a form as at the 2nd (see session-repository.ts).
      const stored = await uow.sessions.get<SessionState>(key, { lend: true });
      const session = stored?.v === SESSION_VERSION ? stored.state : undefined;
      // An answer to a one-time-code question is never stored, so it cannot complete a number.
      if (!this.awaitsCode(session)) masked = (await maskSplitNumber(uow, key, raw, previousMayEndNumber)) ?? masked;
      const shown = this.transcriptText(session, masked.text, msg);
      await uow.transcripts.append({ conversation_key: key, direction: 'in', message_id: msg.messageId, text: shown, at });
      // STOP / "बंद करें" (and START) work at any step, before the flows and the understanding
      // see the message: a purpose-level choice, recorded in the ledger; the flow stays where it was.
      // Also while an officer holds the chat: the officer reads it in the transcript, and the
      // choice is recorded and confirmed all the same (withdrawing is as easy as giving).
      // START is that command only for a citizen who opted out: otherwise it is a greeting (WhatsApp's
      // first message is often "Start") and goes to the engine, which asks the language and shows the notice.
      // Also when the message releases replies a template announced: a STOP written in answer to
      // it is still a STOP, and the sender then drops the updates among them (src/outbox/purposes.ts).
      const updates = updatesCommand(masked.text);
      if (updates === 'stop' || (updates === 'start' && (await updatesOptedOut(uow, key)))) {
        const lang: Lang = session?.lang ?? (/[\u0900-\u097F]/u.test(masked.text) ? 'hi' : 'en');
        const text = await recordUpdatesChoice(uow, updates, {
          conversationKey: key, channel: msg.channel, lang, noticeVersion: this.deps.host.profile.consent.noticeVersion, messageId: msg.messageId, at,
        }, translator);
        await deliver(uow, { channel: msg.channel, conversationId: msg.conversationId, conversationKey: key }, { text, choices: [] }, at);
        return { status: 'processed', replies: 1 };
      }
      // An officer holds the chat: the message is theirs (the desk shows it from the transcript),
      // and the assistant stays quiet until the chat is handed back.
      if (stored?.live) return { status: 'relayed' };
      // The citizen wrote to read the replies a template announced: they go out now, and this
      // message is not taken as an answer to a question they have not read yet.
      if (released) return { status: 'processed', replies: 0 };
      // Evidence from a citizen who consented: kept, and the flow stays at its step.
      if (fetched && this.deps.evidence && session && this.consented(session)) {
        const replies = await this.deps.evidence.take(uow, { key, lang: session.lang ?? undefined, fetched, channel: msg.channel, messageId: msg.messageId, at });
        return { status: 'processed', replies };
      }

      const sprint = await resume(this.env(uow, key, now, jobs), session, {
        messageKey,
        text: masked.text,
        choiceId: msg.choiceId,
        contact: msg.contact,
        media: msg.media,
        redacted: masked.kinds,
        attested: msg.attested,
      }, { ownsSession: true });
      for (const e of sprint.events) {
        if (e.type === 'error') logger.error({ code: e.code, conversation: key, detail: e.message }, 'flow error');
      }
      const replies = await applyEffects(uow, sprint.events, {
        recipient: { channel: msg.channel, conversationId: msg.conversationId, conversationKey: key },
        messageKey,
        now,
        at,
        translator,
        tickets: this.deps.host.tickets,
        messageId: msg.messageId,
        afterCommit: jobs,
      });
      await uow.sessions.set(key, { v: SESSION_VERSION, rev: (stored?.rev ?? 0) + 1, state: sprint.session }, sprint.varsChange);
      return { status: 'processed', replies };
    });

    if (result.status === 'duplicate') logger.debug({ channel: msg.channel, messageId: msg.messageId }, 'duplicate message dropped');
    else {
      // Codes leave only now that the challenge (its hash) is committed; they are never stored.
      await this.deps.afterCommit.run(jobs);
      if (result.status === 'processed') this.deps.onReplies?.(msg.channel);
      this.deps.onActivity?.(key);
    }
    return result;
  }

  /**
   * When the citizen answers a question marked `lookup: directory`, their principal is fetched
   * from the organisation's HTTP directory first, in its own transaction: a network call never
   * runs inside a message's unit of work.
   */
  private async prefetchDirectory(key: string, text: string, now: Date): Promise<void> {
    const { store, host, flows } = this.deps;
    const stored = await store.transaction((uow) => uow.sessions.get<SessionState>(key));
    const s = stored?.v === SESSION_VERSION ? stored.state : undefined;
    if (s?.status !== 'waiting') return;
    const step = flows.flows.get(s.at.flow)?.steps.get(s.at.step);
    if (step?.type !== 'ask' || step.lookup !== 'directory') return;
    const mobile = step.input.kind === 'phone' ? normaliseMobile(text) : undefined;
    const email = step.input.kind === 'email' ? normaliseEmail(text) : undefined;
    if (mobile || email) await host.directory.prefetch(store, { ...(mobile ? { mobile } : {}), ...(email ? { email } : {}) }, now);
  }

  /** Consent to an earlier notice than the one in force counts as none until the new one is accepted. */
  private consented(session: SessionState | undefined): boolean {
    return !!session?.consent && session.consent.version === this.deps.host.profile.consent.noticeVersion;
  }

  /**
   * Whether a file message's file is worth downloading, read before the message's unit of work in
   * one short read-only one: the message is not a redelivery already handled, and the citizen has
   * consented.
   */
  private async fileWanted(key: string, msg: InboundMessage): Promise<boolean> {
    return this.deps.store.transaction(async (uow) => {
      if (await uow.processed(msg.channel, msg.messageId)) return false;
      const stored = await uow.sessions.get<SessionState>(key);
      return this.consented(stored?.v === SESSION_VERSION ? stored.state : undefined);
    });
  }

  /** What the transcript keeps of an inbound message (already masked). */
  private transcriptText(session: SessionState | undefined, text: string, msg: InboundMessage): string {
    if (this.awaitsCode(session)) return CODE_TRANSCRIPT;
    if (!this.consented(session) && text.length > NO_CONSENT_MAX_CHARS) return NO_CONSENT_TRANSCRIPT;
    if (text !== '') return text;
    if (msg.choiceId) return `[choice:${msg.choiceId}]`;
    return msg.media ? MEDIA_TRANSCRIPT(msg.media) : '';
  }

  /** The conversation waits for a one-time code: its answer must not reach the transcript. */
  private awaitsCode(session: SessionState | undefined): boolean {
    if (session?.status !== 'waiting') return false;
    const step = this.deps.flows.flows.get(session.at.flow)?.steps.get(session.at.step);
    return step?.type === 'ask' && step.input.kind === 'otp';
  }

  private env(uow: UnitOfWork, key: string, now: Date, jobs: AfterCommitJob[]): EngineEnv {
    return {
      flows: this.deps.flows,
      actions: this.deps.actions,
      labels: this.deps.translator.labels,
      understanding: this.deps.understanding,
      services: engineServices(uow, key, now, this.deps.host, jobs),
      now,
    };
  }
}
