import { randomUUID } from 'node:crypto';
import { isLang, type Lang } from '../engine/session.ts';
import { describeError } from '../errors.ts';
import type { Translator } from '../i18n/i18n.ts';
import type { Logger } from '../logger.ts';
import type { OfficerRow } from '../storage/desk-queries.ts';
import type { Store } from '../storage/sqlite-store.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';
import { canSeeChat, worksTickets } from '../desk/access.ts';
import { departmentAccess, type OfficerAccess } from '../departments/access.ts';
import type { Departments } from '../departments/departments.ts';
import { DEFAULT_SETTINGS, modeOf, NOTIFY_KINDS, nextDigestAt, settingsSchema, type NotifySettings } from './kinds.ts';
import { notifyQueries, type DeliveryRow } from './queries.ts';
import type { OfficerMailer, OfficersChat } from './transports.ts';

export interface NotifierDeps {
  store: Store;
  translator: Translator;
  clock: () => Date;
  logger: Logger;
  /** Absent when SMTP_URL / SMTP_FROM are not set: nothing is queued for email. */
  mailer?: OfficerMailer | undefined;
  /** OFFICERS_TELEGRAM_CHAT_ID. */
  chat?: OfficersChat | undefined;
  /** The desk's public address (links in the emails); absent when the desk is off. */
  deskUrl?: string | undefined;
  /**
   * The organisation's departments (one implicit department where none are declared): an officer
   * is told about the tickets and chats of their departments only.
   */
  departments: Departments;
  newId?: () => string;
}

const FAN_OUT_BATCH = 100;
const SEND_RECIPIENTS = 50;
const ROWS_PER_MAIL = 100;
/** A claim older than this belongs to a process that stopped mid-send. */
const CLAIM_LEASE_MS = 15 * 60_000;
export const MAX_ATTEMPTS = 8;
const PRUNE_AFTER_MS = 30 * 86_400_000;
/** The officers' Telegram chat is one recipient, not an officer. */
const CHAT_RECIPIENT = 0;

/**
 * Tells officers about their tickets by email (and the officers' Telegram chat), from the rows
 * the ticket service writes to `officer_notifications` and from live chats waiting.
 *
 * Two steps, each run with the scheduler's sweep:
 * 1. fan out: each new notification becomes one delivery per recipient (officers of the rung's
 *    role in the ticket's department and the ticket's assignee; for a waiting chat, the
 *    first-rung officers who may open it), due now or at the officer's digest time. The delivery's
 *    unique key makes a repeated fan-out (a restart, a second instance) queue nothing new.
 * 2. send: the deliveries due for one recipient are claimed (one UPDATE each, which exactly one
 *    process wins), sent as one email, then marked sent. A refusal or an unreachable server
 *    releases them to be tried again with back-off. A claim left by a process that stopped
 *    mid-send is never sent again (`interrupted`): the server may have taken it, and an officer
 *    must not be told twice.
 */
export class OfficerNotifier {
  private readonly newId: () => string;

  constructor(private readonly deps: NotifierDeps) {
    this.newId = deps.newId ?? randomUUID;
  }

  /** The scheduler's periodic job: queue what is new, then send what is due. */
  async run(): Promise<number> {
    await this.fanOut();
    return this.send();
  }

  async fanOut(): Promise<number> {
    let queued = 0;
    for (;;) {
      const { count, more } = await this.deps.store.transaction((uow) => this.fanOutBatch(uow));
      queued += count;
      if (!more) return queued;
    }
  }

  private async fanOutBatch(uow: UnitOfWork): Promise<{ count: number; more: boolean }> {
    const q = notifyQueries(uow.dialect);
    const now = this.deps.clock();
    const at = now.toISOString();
    const notes = await uow.exec.all(q.undispatched, { limit: FAN_OUT_BATCH });
    const handoffs = await uow.exec.all(q.unnotifiedHandoffs, { limit: FAN_OUT_BATCH });
    if (notes.length === 0 && handoffs.length === 0) return { count: 0, more: false };
    const officers = (await uow.officers.list()).filter((o) => o.active === 1);
    const settings = await this.allSettings(uow);
    let count = 0;
    const queue = async (o: OfficerRow | undefined, d: { source: string; kind: string; ticket_number: string | null; handoff_id: number | null }) => {
      if (o === undefined) {
        if (!this.deps.chat) return;
        await uow.exec.run(q.insertDelivery, { ...d, officer_id: CHAT_RECIPIENT, via: 'telegram', digest: 0, created_at: at, due_at: at });
        count++;
        return;
      }
      if (!this.deps.mailer) return;
      const s = settings.get(o.id) ?? DEFAULT_SETTINGS;
      const mode = modeOf(s, d.kind);
      if (mode === 'off') return;
      const due = mode === 'digest' ? nextDigestAt(now, s.digestTime).toISOString() : at;
      await uow.exec.run(q.insertDelivery, { ...d, officer_id: o.id, via: 'email', digest: mode === 'digest' ? 1 : 0, created_at: at, due_at: due });
      count++;
    };

    // Each officer's departments and role in each (their own role in the one implicit department without departments).
    const accessCache = new Map<number, OfficerAccess>();
    const accessOf = async (o: OfficerRow) => {
      let a = accessCache.get(o.id);
      if (!a) accessCache.set(o.id, (a = await departmentAccess(uow, this.deps.departments, o)));
      return a;
    };

    for (const n of notes) {
      const ticket = (await uow.exec.all(q.ticketOf, { id: n.ticket_id }))[0];
      if (ticket) {
        const d = { source: `n:${n.id}`, kind: n.kind, ticket_number: ticket.number, handoff_id: null };
        const department = departmentOfNote(n.data);
        for (const o of officers) {
          if (!worksTickets(o.role)) continue;
          if (o.id === ticket.assigned_to || (await accessOf(o)).roleIn(department) === n.role) await queue(o, d);
        }
        await queue(undefined, d);
      }
      await uow.exec.run(q.markDispatched, { id: n.id, at });
    }
    // A citizen waiting in a live chat: the officers at the first rung of a ladder answer the
    // chats, and of those only the ones the desk lets open this chat (its department, the
    // rungs of its tickets: `canSeeChat`) are told. When no first-rung officer may open it (the
    // citizen's ticket was escalated), those who may are told instead, so someone always is.
    const atFront = (a: OfficerAccess) => [...a.roles].some(([dept, role]) => a.ladderOf(dept)[0]?.role === role);
    for (const h of handoffs) {
      if (h.status === 'waiting') {
        const d = { source: `h:${h.id}`, kind: 'chat_waiting', ticket_number: null, handoff_id: h.id };
        const tickets = await uow.tickets.ofConversation(h.conversation_key);
        const able: Array<{ o: (typeof officers)[number]; front: boolean }> = [];
        for (const o of officers) {
          if (!worksTickets(o.role)) continue;
          const a = await accessOf(o);
          if (canSeeChat(o, h, tickets, a)) able.push({ o, front: atFront(a) });
        }
        const front = able.filter((x) => x.front);
        for (const { o } of front.length > 0 ? front : able) await queue(o, d);
        await queue(undefined, d);
      }
      await uow.exec.run(q.markHandoffNotified, { id: h.id, at });
    }
    return { count, more: notes.length === FAN_OUT_BATCH || handoffs.length === FAN_OUT_BATCH };
  }

  async send(): Promise<number> {
    const now = this.deps.clock();
    const nowIso = now.toISOString();
    const recipients = await this.deps.store.transaction(async (uow) => {
      const q = notifyQueries(uow.dialect);
      const stale = await uow.exec.run(q.interrupt, { before: new Date(now.getTime() - CLAIM_LEASE_MS).toISOString() });
      if (stale.changes > 0) this.deps.logger.warn({ deliveries: stale.changes }, 'officer notifications were being sent when the process stopped; they are not sent again (the mail server may have taken them)');
      const gaveUp = await uow.exec.run(q.giveUp, { max: MAX_ATTEMPTS });
      if (gaveUp.changes > 0) this.deps.logger.error({ deliveries: gaveUp.changes, attempts: MAX_ATTEMPTS }, 'officer notifications failed every attempt and were given up');
      await uow.exec.run(q.pruneSent, { before: new Date(now.getTime() - PRUNE_AFTER_MS).toISOString() });
      return uow.exec.all(q.dueRecipients, { now: nowIso, limit: SEND_RECIPIENTS });
    });
    let sent = 0;
    for (const r of recipients) {
      if (r.via === 'email' && !this.deps.mailer) continue;
      if (r.via === 'telegram' && !this.deps.chat) continue;
      sent += await this.sendTo(r.officer_id, r.via as 'email' | 'telegram', now);
    }
    return sent;
  }

  private async sendTo(officerId: number, via: 'email' | 'telegram', now: Date): Promise<number> {
    const batch = this.newId();
    const nowIso = now.toISOString();
    const claimed = await this.deps.store.transaction(async (uow) => {
      const q = notifyQueries(uow.dialect);
      const rows = await uow.exec.all(q.dueOf, { officer_id: officerId, via, now: nowIso, limit: ROWS_PER_MAIL });
      const mine: DeliveryRow[] = [];
      for (const row of rows) {
        if ((await uow.exec.run(q.claim, { id: row.id, batch, now: nowIso })).changes === 1) mine.push(row);
      }
      const officer = via === 'email' ? await uow.officers.byId(officerId) : undefined;
      return { rows: mine, officer };
    });
    if (claimed.rows.length === 0) return 0;
    const finish = (step: 'markSent' | 'cancel') =>
      this.deps.store.transaction(async (uow) => {
        const q = notifyQueries(uow.dialect);
        await uow.exec.run(step === 'markSent' ? q.markSent : q.cancel, { batch, now: nowIso });
      });
    try {
      if (via === 'email') {
        const o = claimed.officer;
        if (!o || o.active !== 1) {
          await finish('cancel');
          return 0;
        }
        const lang: Lang = isLang(o.lang) ? o.lang : 'en';
        await this.deps.mailer!.send({ to: o.email, ...this.compose(lang, claimed.rows), messageId: `<${batch}@nivaran.notifications>` });
      } else {
        const en = this.compose('en', claimed.rows);
        const hi = this.compose('hi', claimed.rows);
        await this.deps.chat!.post(`${en.lines}\n\n${hi.lines}`);
      }
    } catch (error) {
      const attempts = Math.min(...claimed.rows.map((r) => r.attempts)) + 1;
      const retryAt = new Date(now.getTime() + Math.min(60, 2 ** attempts) * 60_000).toISOString();
      await this.deps.store.transaction(async (uow) => {
        await uow.exec.run(notifyQueries(uow.dialect).release, { batch, due: retryAt });
      });
      this.deps.logger.warn({ officer: officerId, via, deliveries: claimed.rows.length, attempts, retryAt, error: describeError(error) }, 'officer notification not sent; it will be retried');
      return 0;
    }
    await finish('markSent');
    this.deps.logger.info({ officer: officerId, via, deliveries: claimed.rows.length }, 'officer notification sent');
    return claimed.rows.length;
  }

  /** The subject and text of one email: one notification, or a summary of several. No personal data. */
  compose(lang: Lang, rows: readonly DeliveryRow[]): { subject: string; text: string; lines: string } {
    const tr = this.deps.translator;
    const what = (kind: string) =>
      tr.has(lang, `operations:notify.kind.${kind}`) ? tr.t(lang, `operations:notify.kind.${kind}`) : tr.t(lang, 'operations:notify.kind.other', { kind });
    const base = this.deps.deskUrl;
    const item = (r: DeliveryRow) => {
      const line = r.ticket_number
        ? tr.t(lang, 'operations:notify.line_ticket', { what: what(r.kind), number: r.ticket_number })
        : tr.t(lang, 'operations:notify.line_chat', { what: what(r.kind) });
      const link = base ? (r.ticket_number ? `${base}/tickets/${r.ticket_number}` : r.handoff_id !== null ? `${base}/chats/${r.handoff_id}` : `${base}/queue`) : undefined;
      return link ? `${line}\n${tr.t(lang, 'operations:notify.open', { link })}` : line;
    };
    const lines = rows.map(item).join('\n\n');
    const first = rows[0]!;
    const subject = rows.length > 1
      ? tr.t(lang, 'operations:notify.subject_digest', { count: String(rows.length) })
      : first.ticket_number
        ? tr.t(lang, 'operations:notify.subject_ticket', { number: first.ticket_number, what: what(first.kind) })
        : tr.t(lang, 'operations:notify.subject_chat', { what: what(first.kind) });
    const intro = rows.length > 1 ? `${tr.t(lang, 'operations:notify.digest_intro')}\n\n` : '';
    const footer = tr.t(lang, 'operations:notify.footer', { settings: base ? `${base}/account/notifications` : '/account/notifications' });
    return { subject, text: `${intro}${lines}\n\n-- \n${footer}\n`, lines };
  }

  async settingsOf(officerId: number): Promise<NotifySettings> {
    return this.deps.store.transaction(async (uow) => {
      const row = (await uow.exec.all(notifyQueries(uow.dialect).settingsOf, { officer_id: officerId }))[0];
      return row ? parseSettings(row) : DEFAULT_SETTINGS;
    });
  }

  /** Saves an officer's choices; summaries already waiting move to the new time. */
  async saveSettings(officerId: number, input: unknown): Promise<NotifySettings> {
    const s = settingsSchema.parse(input);
    const modes = Object.fromEntries(Object.entries(s.modes).filter(([k]) => (NOTIFY_KINDS as readonly string[]).includes(k)));
    const now = this.deps.clock();
    await this.deps.store.transaction(async (uow) => {
      const q = notifyQueries(uow.dialect);
      await uow.exec.run(q.saveSettings, { officer_id: officerId, digest_time: s.digestTime, modes: JSON.stringify(modes), now: now.toISOString() });
      await uow.exec.run(q.redueDigests, { officer_id: officerId, due: nextDigestAt(now, s.digestTime).toISOString() });
    });
    return { digestTime: s.digestTime, modes };
  }

  /** Deliveries by state and way, for /metrics. */
  async counts(): Promise<Array<{ status: string; via: string; n: number }>> {
    return this.deps.store.transaction((uow) => uow.exec.all(notifyQueries(uow.dialect).countsByStatus, {}));
  }

  private async allSettings(uow: UnitOfWork): Promise<Map<number, NotifySettings>> {
    const rows = await uow.exec.all(notifyQueries(uow.dialect).allSettings, {});
    return new Map(rows.map((r) => [Number(r.officer_id), parseSettings(r)]));
  }
}

function departmentOfNote(data: string): string | undefined {
  try {
    const d = (JSON.parse(data) as { department?: unknown }).department;
    return typeof d === 'string' ? d : undefined;
  } catch {
    return undefined;
  }
}

function parseSettings(row: { digest_time: string; modes: string }): NotifySettings {
  const parsed = settingsSchema.safeParse({ digestTime: row.digest_time, modes: JSON.parse(row.modes) as unknown });
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}
