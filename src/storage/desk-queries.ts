import { sql, type Kysely } from 'kysely';
import { prepare } from './prepared.ts';
import type { ApiTokensTable, AuditLogTable, Database, DeskSessionsTable, HandoffsTable, OfficersTable, TicketsTable, TranscriptsTable } from './schema.ts';

export type OfficerRow = Omit<OfficersTable, 'id'> & { id: number };
export type ApiTokenRow = Omit<ApiTokensTable, 'id'> & { id: number };
export type HandoffRow = Omit<HandoffsTable, 'id'> & { id: number };
export type AuditRow = AuditLogTable;
type TicketRow = Omit<TicketsTable, 'id'> & { id: number };
type TranscriptRow = Omit<TranscriptsTable, 'id'> & { id: number };

/** Statuses still the organisation's to answer (see `isOpen`): the desk's queue. */
export const OPEN_STATUSES = ['open', 'acknowledged', 'in_progress', 'awaiting_citizen', 'escalated', 'reopened', 'appealed'] as const;

/** A ladder has at most five rungs; the queue query takes the levels an officer may see as five slots. */
export const LEVEL_SLOTS = 5;

/**
 * The queue's filters. Empty strings and -1 mean "any"; `assignee` 0 means "nobody".
 * `levels` are the ladder rungs the officer's role holds (padded with -1); `me` also sees what is
 * assigned to them at any rung.
 */
export interface QueueParams {
  kind: string;
  status: string;
  channel: string;
  language: string;
  assignee: number;
  me: number;
  l0: number; l1: number; l2: number; l3: number; l4: number;
  /**
   * Departments: `*` for any department (then the level slots apply), or `,department:level,…,`
   * naming each department and rung the officer sees (ids hold no LIKE wildcards: see the profile).
   */
  scope: string;
  /** One department's tickets only; empty: any. */
  department: string;
  limit: number;
  offset: number;
}

/**
 * The live chats an officer may open, as `canSeeChat` (src/desk/access.ts) decides, written for
 * SQL so the desk counts and lists them in one statement whatever their number. Built by
 * `accessFrom` (src/departments/access.ts); test/departments/waiting-chats.test.ts holds the two to the same answers.
 * - `me`: the officer (their own chat, and tickets assigned to them); -1 for one who takes no chats.
 * - `departments`: `,id,…,` the departments there are; a ticket stored under any other id (`main`
 *   from before departments, one no longer declared) is `fallback`'s, as `Departments.get` says.
 * - `rungs`: `,department:level,…,` each rung the officer sees (ids hold no LIKE wildcards).
 * - `ticketless`: 1 when they may open a chat whose conversation has no ticket yet.
 */
export interface ChatScope {
  me: number;
  departments: string;
  fallback: string;
  rungs: string;
  ticketless: number;
}

export interface QueueCounts {
  total: number;
  breached: number;
  due_soon: number;
  unassigned: number;
  mine: number;
}

/** The deadline that comes first: the rung's or the statutory one. */
const nextDue = sql<string>`case when level_due_at is not null and level_due_at < due_at then level_due_at else due_at end`;

/** A ticket awaiting the citizen has its clock stopped (its stored due times are stale): after the running ones. */
const pausedLast = sql<number>`case when status = 'awaiting_citizen' then 1 else 0 end`;

/** Statements of the officers' desk; compiled with the others (see `compileQueries`). */
export function compileDeskQueries(db: Kysely<Database>) {
  const queueWhere = (p: Omit<QueueParams, 'limit' | 'offset'>) => sql<boolean>`status in (${sql.join(OPEN_STATUSES.map((s) => sql.lit(s)))})
    and (${p.kind} = '' or kind = ${p.kind})
    and (${p.status} = '' or status = ${p.status})
    and (${p.channel} = '' or channel = ${p.channel})
    and (${p.language} = '' or language = ${p.language})
    and (${p.department} = '' or department = ${p.department})
    and (${p.assignee} = -1 or (${p.assignee} = 0 and assigned_to is null) or assigned_to = ${p.assignee})
    and ((${p.scope} = '*' and level in (${p.l0}, ${p.l1}, ${p.l2}, ${p.l3}, ${p.l4}))
      or (${p.scope} <> '*' and ${p.scope} like '%,' || department || ':' || cast(level as text) || ',%')
      or assigned_to = ${p.me})`;

  /** A ticket `t` the officer sees: assigned to them, or at one of their rungs of its department. */
  const ticketSeen = (p: ChatScope) => sql<boolean>`((t.assigned_to is not null and t.assigned_to = ${p.me})
    or ${p.rungs} like '%,' || (case when ${p.departments} like '%,' || t.department || ',%' then t.department else ${p.fallback} end)
      || ':' || cast(t.level as text) || ',%')`;
  /** A chat held by the officer, or whose every ticket they see (with none: `ticketless`). */
  const chatSeen = (p: ChatScope) => sql<boolean>`((h.officer_id is not null and h.officer_id = ${p.me})
    or (exists (select 1 from tickets t where t.conversation_key = h.conversation_key)
      and not exists (select 1 from tickets t where t.conversation_key = h.conversation_key and not ${ticketSeen(p)}))
    or (${p.ticketless} = 1 and not exists (select 1 from tickets t where t.conversation_key = h.conversation_key)))`;

  return {
    ticketQueue: prepare<QueueParams, TicketRow & { next_due: string }>((p) =>
      db.selectFrom('tickets').selectAll().select(nextDue.as('next_due')).where(queueWhere(p))
        .orderBy(pausedLast).orderBy(nextDue).orderBy('id').limit(p.limit).offset(p.offset)),
    ticketQueueCounts: prepare<Omit<QueueParams, 'limit' | 'offset'> & { now: string; soon: string }, QueueCounts>((p) =>
      db.selectFrom('tickets').where(queueWhere(p)).select([
        sql<number>`count(*)`.as('total'),
        // While the ticket awaits the citizen its clock stands still: the stored due times are
        // those of when it was paused, and move on by the paused time when the citizen answers.
        sql<number>`coalesce(sum(case when breached_at is not null or (status <> 'awaiting_citizen' and due_at < ${p.now}) then 1 else 0 end), 0)`.as('breached'),
        sql<number>`coalesce(sum(case when breached_at is null and status <> 'awaiting_citizen' and due_at >= ${p.now} and ${nextDue} < ${p.soon} then 1 else 0 end), 0)`.as('due_soon'),
        sql<number>`coalesce(sum(case when assigned_to is null then 1 else 0 end), 0)`.as('unassigned'),
        sql<number>`coalesce(sum(case when assigned_to = ${p.me} then 1 else 0 end), 0)`.as('mine'),
      ])),
    assignTicket: prepare<{ id: number; assigned_to: number | null; assigned_at: string | null }, never>((p) =>
      db.updateTable('tickets').set({ assigned_to: p.assigned_to, assigned_at: p.assigned_at }).where('id', '=', p.id)),
    ticketsOfConversation: prepare<{ conversation_key: string }, TicketRow>((p) =>
      db.selectFrom('tickets').selectAll().where('conversation_key', '=', p.conversation_key).orderBy('id')),
    transcriptAfter: prepare<{ conversation_key: string; after: number; limit: number }, TranscriptRow>((p) =>
      db.selectFrom('transcripts').selectAll().where('conversation_key', '=', p.conversation_key).where('id', '>', p.after)
        .orderBy('id').limit(p.limit)),

    insertOfficer: prepare<Omit<OfficersTable, 'id' | 'last_login_at'>, OfficerRow>((p) =>
      db.insertInto('officers').values({
        email: p.email, name: p.name, role: p.role, lang: p.lang, password_hash: p.password_hash, active: p.active,
        created_at: p.created_at, updated_at: p.updated_at,
      }).returningAll()),
    officerByEmail: prepare<{ email: string }, OfficerRow>((p) => db.selectFrom('officers').selectAll().where('email', '=', p.email)),
    officerById: prepare<{ id: number }, OfficerRow>((p) => db.selectFrom('officers').selectAll().where('id', '=', p.id)),
    listOfficers: prepare<Record<string, never>, OfficerRow>(() => db.selectFrom('officers').selectAll().orderBy('id')),
    updateOfficer: prepare<Pick<OfficersTable, 'name' | 'role' | 'lang' | 'active' | 'updated_at'> & { id: number }, never>((p) =>
      db.updateTable('officers').set({ name: p.name, role: p.role, lang: p.lang, active: p.active, updated_at: p.updated_at }).where('id', '=', p.id)),
    setOfficerPassword: prepare<{ id: number; password_hash: string; updated_at: string }, never>((p) =>
      db.updateTable('officers').set({ password_hash: p.password_hash, updated_at: p.updated_at }).where('id', '=', p.id)),
    setOfficerLogin: prepare<{ id: number; at: string }, never>((p) =>
      db.updateTable('officers').set({ last_login_at: p.at }).where('id', '=', p.id)),

    insertDeskSession: prepare<DeskSessionsTable, never>((p) =>
      db.insertInto('desk_sessions').values({ id: p.id, officer_id: p.officer_id, created_at: p.created_at, expires_at: p.expires_at })),
    deskSessionById: prepare<{ id: string }, DeskSessionsTable>((p) => db.selectFrom('desk_sessions').selectAll().where('id', '=', p.id)),
    deleteDeskSession: prepare<{ id: string }, never>((p) => db.deleteFrom('desk_sessions').where('id', '=', p.id)),
    deleteDeskSessionsOf: prepare<{ officer_id: number }, never>((p) => db.deleteFrom('desk_sessions').where('officer_id', '=', p.officer_id)),
    deleteExpiredDeskSessions: prepare<{ now: string }, never>((p) => db.deleteFrom('desk_sessions').where('expires_at', '<=', p.now)),

    insertApiToken: prepare<Omit<ApiTokensTable, 'id' | 'last_used_at' | 'revoked_at'>, ApiTokenRow>((p) =>
      db.insertInto('api_tokens').values({ officer_id: p.officer_id, label: p.label, token_hash: p.token_hash, created_at: p.created_at, expires_at: p.expires_at }).returningAll()),
    apiTokenByHash: prepare<{ token_hash: string }, ApiTokenRow>((p) => db.selectFrom('api_tokens').selectAll().where('token_hash', '=', p.token_hash)),
    apiTokensOf: prepare<{ officer_id: number }, ApiTokenRow>((p) =>
      db.selectFrom('api_tokens').selectAll().where('officer_id', '=', p.officer_id).orderBy('id')),
    touchApiToken: prepare<{ id: number; at: string }, never>((p) => db.updateTable('api_tokens').set({ last_used_at: p.at }).where('id', '=', p.id)),
    revokeApiToken: prepare<{ id: number; officer_id: number; at: string }, never>((p) =>
      db.updateTable('api_tokens').set({ revoked_at: p.at }).where('id', '=', p.id).where('officer_id', '=', p.officer_id).where('revoked_at', 'is', null)),

    /** Takes the head's row lock (PostgreSQL) and returns the new sequence number and the previous hash. */
    bumpAuditHead: prepare<Record<string, never>, { seq: number; hash: string }>(() =>
      db.updateTable('audit_head').set({ seq: sql<number>`seq + 1` }).where('id', '=', 1).returning(['seq', 'hash'])),
    setAuditHeadHash: prepare<{ hash: string }, never>((p) => db.updateTable('audit_head').set({ hash: p.hash }).where('id', '=', 1)),
    insertAudit: prepare<AuditLogTable, never>((p) =>
      db.insertInto('audit_log').values({
        seq: p.seq, at: p.at, actor: p.actor, action: p.action, subject: p.subject, detail: p.detail, prev_hash: p.prev_hash, hash: p.hash,
      })),
    auditAfter: prepare<{ after: number; limit: number }, AuditRow>((p) =>
      db.selectFrom('audit_log').selectAll().where('seq', '>', p.after).orderBy('seq').limit(p.limit)),
    auditOfSubject: prepare<{ subject: string; limit: number }, AuditRow>((p) =>
      db.selectFrom('audit_log').selectAll().where('subject', '=', p.subject).orderBy('seq', 'desc').limit(p.limit)),
    auditHead: prepare<Record<string, never>, { seq: number; hash: string }>(() =>
      db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1)),

    activeHandoffOf: prepare<{ conversation_key: string }, HandoffRow>((p) =>
      db.selectFrom('handoffs').selectAll().where('conversation_key', '=', p.conversation_key).where('status', 'in', ['waiting', 'taken'])
        .orderBy('id', 'desc').limit(1)),
    waitingHandoffCount: prepare<Record<string, never>, { n: number }>(() =>
      db.selectFrom('handoffs').select(sql<number>`count(*)`.as('n')).where('status', '=', 'waiting')),
    /** The desk's badge: citizens waiting in the chats this officer may open (see `ChatScope`). */
    waitingHandoffCountIn: prepare<ChatScope, { n: number }>((p) =>
      db.selectFrom('handoffs as h').select(sql<number>`count(*)`.as('n')).where('h.status', '=', 'waiting').where(chatSeen(p))),
    /** The open chats this officer may open, oldest first. */
    openHandoffsIn: prepare<ChatScope & { limit: number }, HandoffRow>((p) =>
      db.selectFrom('handoffs as h').selectAll('h').where('h.status', 'in', ['waiting', 'taken']).where(chatSeen(p))
        .orderBy('h.created_at').orderBy('h.id').limit(p.limit)),
    handoffById: prepare<{ id: number }, HandoffRow>((p) => db.selectFrom('handoffs').selectAll().where('id', '=', p.id)),
    openHandoffs: prepare<{ limit: number }, HandoffRow>((p) =>
      db.selectFrom('handoffs').selectAll().where('status', 'in', ['waiting', 'taken']).orderBy('created_at').orderBy('id').limit(p.limit)),
    takeHandoff: prepare<{ id: number; officer_id: number; at: string }, never>((p) =>
      db.updateTable('handoffs').set({ status: 'taken', officer_id: p.officer_id, taken_at: p.at }).where('id', '=', p.id).where('status', '=', 'waiting')),
    closeHandoff: prepare<{ id: number; at: string }, never>((p) =>
      db.updateTable('handoffs').set({ status: 'closed', closed_at: p.at }).where('id', '=', p.id).where('status', 'in', ['waiting', 'taken'])),
    waitingHandoffsBefore: prepare<{ before: string; limit: number }, HandoffRow>((p) =>
      db.selectFrom('handoffs').selectAll().where('status', '=', 'waiting').where('timeout_notified_at', 'is', null)
        .where('created_at', '<=', p.before).orderBy('created_at').limit(p.limit)),
    claimHandoffTimeout: prepare<{ id: number; at: string }, never>((p) =>
      db.updateTable('handoffs').set({ timeout_notified_at: p.at }).where('id', '=', p.id).where('status', '=', 'waiting')
        .where('timeout_notified_at', 'is', null)),
  };
}
