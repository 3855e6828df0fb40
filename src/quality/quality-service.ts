import { appendAudit } from '../audit/audit-log.ts';
import { canReview, type DeskUser } from '../desk/access.ts';
import { departmentAccess } from '../departments/access.ts';
import type { Departments } from '../departments/departments.ts';
import { AppError, ERROR_CODES } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Profile } from '../profile/schema.ts';
import type { TicketRow, TranscriptRow } from '../storage/queries.ts';
import type { Store } from '../storage/sqlite-store.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';
import { redact } from '../text/redact.ts';
import { qualityQueries, type ReviewListRow } from './quality-queries.ts';
import { drawSample, lastCompletePeriod, periodContaining, stratumOf } from './sampling.ts';

export interface QualityDeps {
  store: Store;
  profile: Profile;
  clock: () => Date;
  logger: Logger;
  /** Departments: a reviewer who belongs to some reviews only their conversations (see `reviewScope`). */
  departments?: Departments;
}

/** Scores as stored in `reviews.scores` (and read by the monthly report): criterion id → 1..5. */
export type Scores = Record<string, number>;

export interface OfficerRef {
  id: number;
  name: string;
  role: string;
}

/** The transcript rows a review page shows at most: the conversation's part about the ticket. */
const TRANSCRIPT_ROWS = 500;
/** The queue and an officer's list of scores show this many at most. */
const LIST_LIMIT = 200;
export const NOTES_MAX = 2000;

/** What a reviewer's form sent, checked against the rubric. */
export type ScoreCheck =
  | { ok: true; scores: Scores; notes: string | null }
  | { ok: false; missing: string[]; notesTooLong: boolean; scores: Partial<Scores>; notes: string };

/**
 * Checks a score form: every rubric criterion needs a whole score from 1 to 5 (`score_<id>`);
 * notes are optional, at most {@link NOTES_MAX} characters, with Aadhaar and card numbers masked.
 */
export function checkScores(body: Record<string, unknown>, rubric: Profile['quality']['rubric']): ScoreCheck {
  const scores: Partial<Scores> = {};
  const missing: string[] = [];
  for (const c of rubric) {
    const raw = body[`score_${c.id}`];
    const n = typeof raw === 'string' && /^[1-5]$/.test(raw.trim()) ? Number(raw.trim()) : typeof raw === 'number' && Number.isInteger(raw) && raw >= 1 && raw <= 5 ? raw : undefined;
    if (n === undefined) missing.push(c.id);
    else scores[c.id] = n;
  }
  const notes = typeof body.notes === 'string' ? body.notes.trim() : '';
  const notesTooLong = notes.length > NOTES_MAX;
  if (missing.length > 0 || notesTooLong) return { ok: false, missing, notesTooLong, scores, notes };
  return { ok: true, scores: scores as Scores, notes: notes === '' ? null : redact(notes).text };
}

/** Mean per criterion (null where nothing was scored) and the mean of every score given. */
export function averages(rows: ReadonlyArray<Scores | null>, criteria: readonly string[]): { average: Record<string, number | null>; overall: number | null; count: number } {
  const sum = new Map<string, { total: number; n: number }>();
  let all = 0;
  let allN = 0;
  let count = 0;
  for (const s of rows) {
    if (!s) continue;
    count += 1;
    for (const c of criteria) {
      const v = s[c];
      if (typeof v !== 'number') continue;
      const acc = sum.get(c) ?? { total: 0, n: 0 };
      acc.total += v;
      acc.n += 1;
      sum.set(c, acc);
      all += v;
      allN += 1;
    }
  }
  const average: Record<string, number | null> = {};
  for (const c of criteria) {
    const acc = sum.get(c);
    average[c] = acc ? acc.total / acc.n : null;
  }
  return { average, overall: allN > 0 ? all / allN : null, count };
}

function parseScores(json: string | null): Scores | null {
  if (!json) return null;
  try {
    const v = JSON.parse(json) as unknown;
    return v && typeof v === 'object' ? (v as Scores) : null;
  } catch {
    return null;
  }
}

function forbidden(message: string): AppError {
  return new AppError(ERROR_CODES.DESK_FORBIDDEN, message);
}

/** Thrown when a review was scored already (by this reviewer or another). */
export class AlreadyReviewed extends AppError {
  constructor(id: number) {
    super(ERROR_CODES.DESK_INPUT, `Review ${id} has been scored already.`);
  }
}

/**
 * Quality review. Every `quality.everyDays` days (periods aligned to Mondays for 7) the scheduler
 * draws a stratified random sample of the conversations whose tickets finished in the period
 * that ended; reviewers read each redacted transcript and score it on the profile's rubric.
 * Officers see their own scores; reviewers and the admin see trends per officer and per flow
 * step. Every read of a conversation and every score is audited in the same unit of work.
 */
export class QualityService {
  /** The last period this process knows to be drawn: spares the scheduler's sweeps a query. */
  private drawn: string | undefined;

  constructor(private readonly deps: QualityDeps) {}

  get rubric(): Profile['quality']['rubric'] {
    return this.deps.profile.quality.rubric;
  }

  /**
   * The scheduler's job: draws the sample of the last complete period if nobody has yet. A
   * period is drawn once (its `review_samples` row, claimed in the same transaction as the
   * reviews), across restarts and instances; the draw is reproducible (seed = profile seed and
   * period). Returns how many conversations entered the queue.
   */
  async sampleIfDue(): Promise<number> {
    const { everyDays, perStratum, seed } = this.deps.profile.quality;
    const now = this.deps.clock();
    const p = lastCompletePeriod(now, everyDays);
    if (this.drawn === p.period) return 0;
    const result = await this.deps.store.transaction(async (uow) => {
      const q = qualityQueries(uow.dialect);
      if ((await uow.exec.all(q.sampleOf, { period: p.period })).length > 0) return { sampled: 0, strata: 0, candidates: -1 };
      const candidates = (await uow.exec.all(q.candidates, { start: p.start, end: p.end })).map((t) => ({ ...t, ticketId: t.id, stratum: stratumOf(t) }));
      const chosen = drawSample(candidates, perStratum, `${seed}|${p.period}`);
      const at = now.toISOString();
      const claim = await uow.exec.run(q.insertSample, { period: p.period, every_days: everyDays, candidates: candidates.length, sampled: chosen.length, created_at: at });
      if (claim.changes === 0) return { sampled: 0, strata: 0, candidates: -1 };
      for (const c of chosen) {
        await uow.exec.run(q.insertReview, { ticket_id: c.ticketId, conversation_key: c.conversation_key, period: p.period, stratum: c.stratum, officer_id: c.assigned_to, created_at: at });
      }
      const strata = new Set(candidates.map((c) => c.stratum)).size;
      await appendAudit(uow, { actor: 'system', action: 'review.sample', subject: `period:${p.period}`, detail: { candidates: candidates.length, strata, sampled: chosen.length, perStratum }, at: now });
      return { sampled: chosen.length, strata, candidates: candidates.length };
    });
    this.drawn = p.period;
    if (result.candidates >= 0) {
      this.deps.logger.info({ period: p.period, candidates: result.candidates, strata: result.strata, sampled: result.sampled }, 'quality review sample drawn');
    }
    return result.sampled;
  }

  /** The reviewers' queue: conversations waiting for a score, oldest first. */
  async queue(user: DeskUser) {
    if (!canReview(user)) throw forbidden('Only reviewers and the admin score conversations.');
    const now = this.deps.clock();
    return this.deps.store.transaction(async (uow) => {
      const q = qualityQueries(uow.dialect);
      const scope = await this.scopeOf(uow, user);
      // Filtered in the query, before its limit: a reviewer of one department sees their
      // department's oldest, whatever the other departments have waiting.
      const where = scope ? `,${[...scope].join(',')},` : '*';
      const rows = await uow.exec.all(q.pending, { limit: LIST_LIMIT, scope: where });
      const total = Number((await uow.exec.all(q.pendingCount, { scope: where }))[0]?.n ?? 0);
      const officers = await officerMap(uow);
      await appendAudit(uow, { actor: `officer:${user.id}`, action: 'review.queue', subject: 'reviews', detail: { shown: rows.length }, at: now });
      return { items: rows.map((r) => listItem(r, officers)), total };
    });
  }

  /**
   * One review with the conversation it is about. Reviewers and the admin open any; an officer
   * only a scored review of their own conversation (read only). Opening it is audited.
   *
   * @throws AppError TICKET_NOT_FOUND, DESK_FORBIDDEN
   */
  async review(user: DeskUser, id: number) {
    const now = this.deps.clock();
    return this.deps.store.transaction(async (uow) => {
      const r = await this.reviewRow(uow, id);
      const reviewer = canReview(user);
      if (!reviewer && !(r.officer_id === user.id && r.status === 'done')) throw forbidden('This review is not yours to see.');
      const scope = reviewer && r.officer_id !== user.id ? await this.scopeOf(uow, user) : null;
      if (scope && !this.inScope(scope, r.department)) throw forbidden('This conversation belongs to another department.');
      const t = await uow.tickets.byId(r.ticket_id);
      if (!t) throw new AppError(ERROR_CODES.TICKET_NOT_FOUND, `The ticket of review ${id} is gone.`);
      const transcript = conversationPart(t, await uow.tickets.ofConversation(t.conversation_key), await uow.transcripts.of(t.conversation_key));
      const events = await uow.tickets.events(t.id);
      const officers = await officerMap(uow);
      await appendAudit(uow, { actor: `officer:${user.id}`, action: 'review.view', subject: `ticket:${t.number}`, detail: { review: r.id, rows: transcript.length }, at: now });
      return {
        ...listItem(r, officers),
        canScore: reviewer && r.status === 'pending' && r.officer_id !== user.id,
        /** A reviewer (or admin) who held the ticket does not score it. */
        ownConversation: r.officer_id === user.id,
        ticket: {
          number: t.number,
          kind: t.kind,
          status: t.status,
          channel: t.channel,
          language: t.language,
          createdAt: t.created_at,
          dueAt: t.due_at,
          acknowledgedAt: t.acknowledged_at,
          resolvedAt: t.resolved_at,
          closedAt: t.closed_at,
          breachedAt: t.breached_at,
          level: t.level,
          fields: safeJson(t.fields),
        },
        history: events.map((e) => ({ at: e.at, actor: e.actor, kind: e.kind, from: e.from_status, to: e.to_status, reason: e.reason })),
        transcript,
        officers: [...officers.values()],
      };
    });
  }

  /**
   * Saves a reviewer's scores (status done). Once only: a second attempt, by anyone, is refused.
   *
   * @throws AppError TICKET_NOT_FOUND, DESK_FORBIDDEN, DESK_INPUT (scores missing), AlreadyReviewed
   */
  async score(user: DeskUser, id: number, body: Record<string, unknown>): Promise<void> {
    if (!canReview(user)) throw forbidden('Only reviewers and the admin score conversations.');
    const checked = checkScores(body, this.rubric);
    if (!checked.ok) throw new AppError(ERROR_CODES.DESK_INPUT, 'Score every criterion from 1 to 5.', { details: { missing: checked.missing, notesTooLong: checked.notesTooLong } });
    const now = this.deps.clock();
    await this.deps.store.transaction(async (uow) => {
      const r = await this.reviewRow(uow, id);
      if (r.officer_id === user.id) throw forbidden('You held this ticket: another reviewer scores it.');
      const scope = await this.scopeOf(uow, user);
      if (scope && !this.inScope(scope, r.department)) throw forbidden('This conversation belongs to another department.');
      if (r.status !== 'pending') throw new AlreadyReviewed(id);
      const q = qualityQueries(uow.dialect);
      const saved = await uow.exec.run(q.saveScores, { id, reviewer_id: user.id, scores: JSON.stringify(checked.scores), notes: checked.notes, reviewed_at: now.toISOString() });
      if (saved.changes === 0) throw new AlreadyReviewed(id);
      await appendAudit(uow, { actor: `officer:${user.id}`, action: 'review.score', subject: `ticket:${r.number}`, detail: { review: id, scores: checked.scores, notes: checked.notes !== null }, at: now });
    });
  }

  /** An officer's own scored conversations, newest first, and their average per criterion. */
  async myScores(user: DeskUser) {
    const now = this.deps.clock();
    const criteria = this.rubric.map((c) => c.id);
    return this.deps.store.transaction(async (uow) => {
      const rows = await uow.exec.all(qualityQueries(uow.dialect).doneOfOfficer, { officer_id: user.id, limit: LIST_LIMIT });
      const officers = await officerMap(uow);
      await appendAudit(uow, { actor: `officer:${user.id}`, action: 'review.mine', subject: `officer:${user.id}`, detail: { shown: rows.length }, at: now });
      const items = rows.map((r) => listItem(r, officers));
      return { items, ...averages(items.map((i) => i.scores), criteria) };
    });
  }

  /**
   * Trends for reviewers and the admin: the average per criterion per officer per period over
   * the last `periods` periods; where citizens give up (waiting at a question with no message
   * for more than `idleDays` days, by step); and where they ask for an officer (hand-offs of the
   * last `sinceDays` days, by the step they were at).
   */
  async trends(user: DeskUser, opts: { periods: number; idleDays: number; sinceDays: number }) {
    if (!canReview(user)) throw forbidden('Only reviewers and the admin see quality trends.');
    const { everyDays } = this.deps.profile.quality;
    const criteria = this.rubric.map((c) => c.id);
    const now = this.deps.clock();
    const current = periodContaining(now, everyDays);
    const from = periodContaining(new Date(Date.parse(current.start) - (opts.periods - 1) * everyDays * 86_400_000), everyDays).period;
    return this.deps.store.transaction(async (uow) => {
      const q = qualityQueries(uow.dialect);
      const done = await uow.exec.all(q.doneFrom, { from });
      const officers = await officerMap(uow);
      const idleBefore = new Date(now.getTime() - opts.idleDays * 86_400_000).toISOString();
      const idle = await uow.exec.all(q.idleWaitingSessions, { before: idleBefore });
      const since = new Date(now.getTime() - opts.sinceDays * 86_400_000).toISOString();
      const handoffRows = await uow.exec.all(q.handoffSteps, { since });
      await appendAudit(uow, { actor: `officer:${user.id}`, action: 'review.trends', subject: 'reviews', detail: { from, reviews: done.length }, at: now });

      // Per officer (null: tickets nobody on the desk held), then per period.
      const byOfficer = new Map<number | null, Map<string, Array<Scores | null>>>();
      for (const r of done) {
        const periods = byOfficer.get(r.officer_id) ?? new Map<string, Array<Scores | null>>();
        const list = periods.get(r.period) ?? [];
        list.push(parseScores(r.scores));
        periods.set(r.period, list);
        byOfficer.set(r.officer_id, periods);
      }
      const periods = [...new Set(done.map((r) => r.period))].sort();
      const officerRows = [...byOfficer.entries()].map(([officerId, perPeriod]) => ({
        officer: officerId === null ? null : (officers.get(officerId) ?? { id: officerId, name: `#${officerId}`, role: '' }),
        ...averages([...perPeriod.values()].flat(), criteria),
        byPeriod: [...perPeriod.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([period, rows]) => ({ period, ...averages(rows, criteria) })),
      })).sort((a, b) => (a.officer?.name ?? '\uffff').localeCompare(b.officer?.name ?? '\uffff') || (a.officer?.id ?? 0) - (b.officer?.id ?? 0));

      const giveUps = new Map<string, number>();
      for (const s of idle) {
        const at = waitingAt(s.key, s.value);
        if (at) giveUps.set(at, (giveUps.get(at) ?? 0) + 1);
      }
      const asked = new Map<string, { citizenAsked: number; stuck: number; other: number }>();
      for (const h of handoffRows) {
        const key = h.flow_step ?? '';
        const acc = asked.get(key) ?? { citizenAsked: 0, stuck: 0, other: 0 };
        const n = Number(h.n);
        if (h.reason === 'citizen_asked') acc.citizenAsked += n;
        else if (h.reason === 'stuck') acc.stuck += n;
        else acc.other += n;
        asked.set(key, acc);
      }
      const split = (flowStep: string) => {
        const i = flowStep.indexOf('/');
        return i < 0 ? { flow: '', step: flowStep } : { flow: flowStep.slice(0, i), step: flowStep.slice(i + 1) };
      };
      return {
        criteria,
        from,
        periods,
        officers: officerRows,
        giveUps: [...giveUps.entries()].map(([at, count]) => ({ ...split(at), count })).sort((a, b) => b.count - a.count || `${a.flow}/${a.step}`.localeCompare(`${b.flow}/${b.step}`)),
        handoffs: [...asked.entries()]
          .map(([at, n]) => ({ ...(at === '' ? { flow: '', step: '' } : split(at)), known: at !== '', ...n, total: n.citizenAsked + n.stuck + n.other }))
          .sort((a, b) => b.total - a.total || `${a.flow}/${a.step}`.localeCompare(`${b.flow}/${b.step}`)),
        idleDays: opts.idleDays,
        sinceDays: opts.sinceDays,
      };
    });
  }

  /**
   * The departments whose conversations a reviewer scores: null (all) without departments, for
   * the admin, and for a reviewer who belongs to none (the organisation's quality cell).
   */
  private async scopeOf(uow: UnitOfWork, user: DeskUser): Promise<ReadonlySet<string> | null> {
    const departments = this.deps.departments;
    if (!departments?.declared || user.role === 'admin') return null;
    const access = await departmentAccess(uow, departments, user);
    if (access.roles.size === 0) return null;
    return new Set([...access.roles.keys()].flatMap((id) => departments.storedIds(departments.get(id))));
  }

  private inScope(scope: ReadonlySet<string>, department: string | undefined): boolean {
    return scope.has(department ?? 'main');
  }

  private async reviewRow(uow: UnitOfWork, id: number): Promise<ReviewListRow> {
    const r = (await uow.exec.all(qualityQueries(uow.dialect).byId, { id }))[0];
    if (!r) throw new AppError(ERROR_CODES.TICKET_NOT_FOUND, `There is no review ${id}.`);
    return r;
  }
}

/** `flow/step` of a session blob that waits at a question (and is not held by an officer), else undefined. */
export function waitingAt(key: string, value: string): string | undefined {
  if (key.startsWith('session:~')) return undefined;
  try {
    const blob = JSON.parse(value) as { value?: unknown };
    const stored = (blob && typeof blob === 'object' && 'value' in blob ? blob.value : blob) as
      | { state?: { status?: unknown; at?: { flow?: unknown; step?: unknown } }; live?: unknown }
      | undefined;
    const s = stored?.state;
    if (!s || s.status !== 'waiting' || stored.live) return undefined;
    return typeof s.at?.flow === 'string' && typeof s.at.step === 'string' ? `${s.at.flow}/${s.at.step}` : undefined;
  } catch {
    return undefined;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return {};
  }
}

function listItem(r: ReviewListRow, officers: Map<number, OfficerRef>) {
  return {
    id: r.id,
    number: r.number,
    period: r.period,
    stratum: r.stratum,
    kind: r.kind,
    channel: r.channel,
    language: r.language,
    ticketStatus: r.ticket_status,
    finishedAt: r.ticket_status === 'withdrawn' ? r.closed_at : (r.resolved_at ?? r.closed_at),
    status: r.status,
    officer: r.officer_id === null ? null : (officers.get(r.officer_id) ?? { id: r.officer_id, name: `#${r.officer_id}`, role: '' }),
    reviewer: r.reviewer_id === null ? null : (officers.get(r.reviewer_id) ?? { id: r.reviewer_id, name: `#${r.reviewer_id}`, role: '' }),
    scores: parseScores(r.scores),
    notes: r.notes,
    createdAt: r.created_at,
    reviewedAt: r.reviewed_at,
  };
}

async function officerMap(uow: UnitOfWork): Promise<Map<number, OfficerRef>> {
  return new Map((await uow.officers.list()).map((o) => [o.id, { id: o.id, name: o.name, role: o.role }]));
}

/**
 * The part of a conversation about one ticket: after the previous ticket of the conversation was
 * finished (or from the start), until the next ticket was opened (or to the end). Rows are the
 * stored, redacted transcript; masking runs again in case an older row predates a rule.
 */
export function conversationPart(t: TicketRow, ofConversation: readonly TicketRow[], rows: readonly TranscriptRow[]) {
  const earlier = ofConversation.filter((o) => o.id !== t.id && o.created_at < t.created_at);
  const later = ofConversation.filter((o) => o.id !== t.id && o.created_at > t.created_at);
  // An earlier ticket still open when this one was opened bounds the part at its own opening.
  const after = earlier.map((o) => {
    const finished = o.resolved_at ?? o.closed_at;
    return finished !== null && finished < t.created_at ? finished : o.created_at;
  }).sort().at(-1);
  const before = later.map((o) => o.created_at).sort()[0];
  return rows
    .filter((r) => (after === undefined || r.at > after) && (before === undefined || r.at < before))
    .slice(-TRANSCRIPT_ROWS)
    .map((r) => ({ id: r.id, direction: r.direction, text: redact(r.text).text, at: r.at }));
}

