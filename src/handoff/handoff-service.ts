import { appendAudit } from '../audit/audit-log.ts';
import { deliver, recipientOf } from '../outbox/enqueue.ts';
import { newSession } from '../engine/engine.ts';
import { isLang, SESSION_VERSION, type Lang, type SessionState } from '../engine/session.ts';
import { AppError, ERROR_CODES } from '../errors.ts';
import type { Translator } from '../i18n/i18n.ts';
import type { Logger } from '../logger.ts';
import type { HandoffRow } from '../storage/desk-queries.ts';
import type { Store } from '../storage/sqlite-store.ts';
import type { StoredSession, UnitOfWork } from '../storage/unit-of-work.ts';
import { redact } from '../text/redact.ts';

/** Texts the hand-off sends the citizen; `flows check` requires each in both languages. */
export const HANDOFF_NOTICE_KEYS = ['common:handoff.taken', 'common:handoff.released', 'common:handoff.timeout'] as const;

export interface HandoffDeps {
  store: Store;
  translator: Translator;
  logger: Logger;
  clock: () => Date;
  /** Minutes a citizen waits before being told that no officer is free yet. */
  waitMinutes: number;
  /** Called after a commit that queued a message for the citizen or changed their chat. */
  onActivity: (conversationKey: string) => void;
}

export interface ChatOfficer {
  id: number;
  name: string;
}

const SWEEP_BATCH = 200;
/** An officer's message in a live chat: longer ones are refused (the desk says so). */
export const MAX_OFFICER_TEXT = 4000;

/**
 * Live hand-off. A citizen's request (the "officer" command, or a flow's hand-off step) waits in
 * `handoffs`; an officer takes it, the router then relays the citizen's messages to the desk
 * instead of the assistant, the officer's messages go out through the outbox, and releasing the
 * chat hands it back to the assistant where the citizen left it.
 */
export class HandoffService {
  constructor(private readonly deps: HandoffDeps) {}

  async open(limit = 200): Promise<HandoffRow[]> {
    return this.deps.store.transaction((uow) => uow.handoffs.open(limit));
  }

  async waitingCount(): Promise<number> {
    return this.deps.store.transaction((uow) => uow.handoffs.waitingCount());
  }

  async get(id: number): Promise<HandoffRow> {
    const h = await this.deps.store.transaction((uow) => uow.handoffs.byId(id));
    if (!h) throw new AppError(ERROR_CODES.HANDOFF_STATE, `There is no live chat ${id}.`);
    return h;
  }

  /** The officer takes a waiting chat; of two officers clicking at once, one wins and the other is told. */
  async take(officer: ChatOfficer, id: number, orgName: (lang: Lang) => string): Promise<HandoffRow> {
    const now = this.deps.clock();
    const h = await this.deps.store.transaction(async (uow) => {
      const row = await uow.handoffs.byId(id);
      if (!row) throw new AppError(ERROR_CODES.HANDOFF_STATE, `There is no live chat ${id}.`);
      if (!(await uow.handoffs.take(id, officer.id, now.toISOString()))) {
        throw new AppError(ERROR_CODES.HANDOFF_STATE, row.status === 'taken' ? 'Another officer has already taken this chat.' : 'This chat has ended.');
      }
      const lang = langOf(row);
      await markLive(uow, row.conversation_key, { handoffId: id, officerId: officer.id }, lang);
      await this.tell(uow, row, 'common:handoff.taken', { name: officer.name, org: orgName(lang) }, now);
      await appendAudit(uow, { actor: `officer:${officer.id}`, action: 'handoff.take', subject: `handoff:${id}`, detail: { reason: row.reason }, at: now });
      return { ...row, status: 'taken' as const, officer_id: officer.id, taken_at: now.toISOString() };
    });
    this.deps.onActivity(h.conversation_key);
    return h;
  }

  /** The officer's message to the citizen, masked like any transcript text. Only the officer holding the chat may write. */
  async say(officer: ChatOfficer, id: number, text: string): Promise<void> {
    const clean = text.trim();
    if (clean === '') throw new AppError(ERROR_CODES.DESK_INPUT, 'Write a message first.');
    if (clean.length > MAX_OFFICER_TEXT) throw new AppError(ERROR_CODES.DESK_INPUT, `A message can be at most ${MAX_OFFICER_TEXT} characters; send it in parts.`);
    const now = this.deps.clock();
    const row = await this.deps.store.transaction(async (uow) => {
      const h = await this.held(uow, officer, id);
      await deliver(uow, recipientOf(h.conversation_key), { text: redact(clean).text, choices: [] }, now.toISOString());
      await appendAudit(uow, { actor: `officer:${officer.id}`, action: 'handoff.message', subject: `handoff:${id}`, detail: { chars: clean.length }, at: now });
      return h;
    });
    this.deps.onActivity(row.conversation_key);
  }

  /** Hands the chat back to the assistant (or ends a waiting request nobody took). */
  async release(officer: ChatOfficer, id: number): Promise<void> {
    const now = this.deps.clock();
    const row = await this.deps.store.transaction(async (uow) => {
      const h = await uow.handoffs.byId(id);
      if (!h || h.status === 'closed') throw new AppError(ERROR_CODES.HANDOFF_STATE, 'This chat has already ended.');
      if (h.status === 'taken' && h.officer_id !== officer.id) throw new AppError(ERROR_CODES.HANDOFF_STATE, 'Another officer holds this chat; only they can hand it back.');
      await uow.handoffs.close(id, now.toISOString());
      await markLive(uow, h.conversation_key, undefined, langOf(h));
      await this.tell(uow, h, 'common:handoff.released', {}, now);
      await appendAudit(uow, { actor: `officer:${officer.id}`, action: 'handoff.release', subject: `handoff:${id}`, at: now });
      return h;
    });
    this.deps.onActivity(row.conversation_key);
  }

  /**
   * Tells each citizen who has waited longer than `waitMinutes` that nobody is free yet: once per
   * request, claimed by a row-locking UPDATE so that two instances never both send it.
   */
  async sweepTimeouts(): Promise<number> {
    const now = this.deps.clock();
    const before = new Date(now.getTime() - this.deps.waitMinutes * 60_000).toISOString();
    const due = await this.deps.store.transaction((uow) => uow.handoffs.waitingSince(before, SWEEP_BATCH));
    let told = 0;
    for (const h of due) {
      const sent = await this.deps.store.transaction(async (uow) => {
        if (!(await uow.handoffs.claimTimeout(h.id, now.toISOString()))) return false;
        await this.tell(uow, h, 'common:handoff.timeout', {}, now);
        return true;
      });
      if (sent) {
        told++;
        this.deps.onActivity(h.conversation_key);
      }
    }
    if (told > 0) this.deps.logger.info({ told }, 'citizens told that no officer is free yet');
    return told;
  }

  private async held(uow: UnitOfWork, officer: ChatOfficer, id: number): Promise<HandoffRow> {
    const h = await uow.handoffs.byId(id);
    if (!h || h.status === 'closed') throw new AppError(ERROR_CODES.HANDOFF_STATE, 'This chat has ended.');
    if (h.status !== 'taken') throw new AppError(ERROR_CODES.HANDOFF_STATE, 'Take the chat before writing to the citizen.');
    if (h.officer_id !== officer.id) throw new AppError(ERROR_CODES.HANDOFF_STATE, 'Another officer holds this chat.');
    return h;
  }

  private async tell(uow: UnitOfWork, h: HandoffRow, key: string, params: Record<string, string>, now: Date): Promise<void> {
    const text = this.deps.translator.t(langOf(h), key, params);
    await deliver(uow, recipientOf(h.conversation_key), { text, choices: [] }, now.toISOString());
  }
}

/**
 * Marks (or unmarks) the citizen's session as held by an officer: the router reads the mark with
 * the session and relays instead of running the flow. The session itself is left as it was, so
 * the assistant resumes at the same step when the chat is handed back.
 */
async function markLive(uow: UnitOfWork, conversationKey: string, live: StoredSession<SessionState>['live'], lang: Lang): Promise<void> {
  const stored = await uow.sessions.get<SessionState>(conversationKey);
  const base: StoredSession<SessionState> = stored?.v === SESSION_VERSION ? stored : { v: SESSION_VERSION, rev: stored?.rev ?? 0, state: newSession(lang) };
  const { live: _previous, ...rest } = base;
  await uow.sessions.set<SessionState>(conversationKey, { ...rest, rev: base.rev + 1, ...(live ? { live } : {}) });
}

function langOf(h: HandoffRow): Lang {
  return isLang(h.language) ? h.language : 'en';
}
