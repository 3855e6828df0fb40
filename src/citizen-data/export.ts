import { evidenceQueries } from '../files/evidence.ts';
import { recipientOf } from '../outbox/enqueue.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';
import { ownDataQueries } from './queries.ts';

export const EXPORT_FORMAT = 'nivaran-own-data/1';

/** Request fields that are the desk's internal references, not something the citizen gave. */
const INTERNAL_FIELDS = new Set(['principal_id']);

/**
 * Everything Nivaran holds about one conversation, as the citizen downloads it. Built at download
 * time from the stored rows, all of which were redacted before they were written (Aadhaar and
 * card numbers masked to their last 4 digits, CVVs, passwords and one-time codes dropped).
 * Identity checks appear as method and time: no code is ever stored.
 */
export interface OwnDataExport {
  format: typeof EXPORT_FORMAT;
  exported_at: string;
  channel: string;
  tickets: Array<{
    number: string;
    kind: string;
    status: string;
    language: string;
    created_at: string;
    due_at: string;
    updated_at: string;
    resolved_at: string | null;
    closed_at: string | null;
    request: Record<string, unknown>;
  }>;
  consent: Array<{ action: string; notice_version: string; notice_hash: string; language: string; channel: string; at: string }>;
  verifications: Array<{ level: string; method: string; at: string }>;
  nominations: Array<{ nominee_name: string; relation: string; contact: string; status: string; created_at: string; updated_at: string }>;
  ratings: Array<{ ticket: string; rating: number; comment: string | null; at: string }>;
  transcript: Array<{ from: 'you' | 'us'; text: string; at: string }>;
  /** Evidence files, present only when there are any: type by content, size, and the file itself (base64). */
  files?: Array<{ ticket: string | null; type: string; size: number; from: 'you' | 'officer'; at: string; sha256: string; content_base64: string | null }>;
}

/** Reads a stored file's bytes in the export's unit of work (the app's file store). */
export type FileReader = (uow: UnitOfWork, sha256: string) => Promise<Buffer | undefined>;

/**
 * The export of one conversation: only rows whose conversation key is this one.
 * @example const data = await store.transaction((uow) => buildOwnDataExport(uow, 'whatsapp-cloud:919876543210', new Date()));
 */
export async function buildOwnDataExport(uow: UnitOfWork, conversationKey: string, now: Date, readFile?: FileReader): Promise<OwnDataExport> {
  const q = ownDataQueries(uow.dialect);
  const tickets = await uow.tickets.ofConversation(conversationKey);
  const consent = await uow.consent.of(conversationKey);
  const verifications = await uow.verifications.of(conversationKey);
  const nominations = await uow.nominations.of(conversationKey);
  const ratings = await uow.exec.all(q.ratingsOf, { conversation_key: conversationKey });
  const transcript = await uow.transcripts.of(conversationKey);
  const fileRows = await uow.exec.all(evidenceQueries(uow.dialect).ofConversation, { key: conversationKey });
  const numbers = new Map(tickets.map((t) => [t.id, t.number]));
  const files: NonNullable<OwnDataExport['files']> = [];
  for (const f of fileRows) {
    const bytes = readFile ? await readFile(uow, f.sha256) : undefined;
    files.push({
      ticket: f.ticket_id === null ? null : (numbers.get(Number(f.ticket_id)) ?? null), type: f.mime, size: Number(f.size),
      from: f.added_by === 'citizen' ? 'you' : 'officer', at: f.created_at, sha256: f.sha256, content_base64: bytes ? bytes.toString('base64') : null,
    });
  }
  const data: OwnDataExport = {
    format: EXPORT_FORMAT,
    exported_at: now.toISOString(),
    channel: recipientOf(conversationKey).channel,
    tickets: [...tickets].sort((a, b) => a.id - b.id).map((t) => ({
      number: t.number,
      kind: t.kind,
      status: t.status,
      language: t.language,
      created_at: t.created_at,
      due_at: t.due_at,
      updated_at: t.updated_at,
      resolved_at: t.resolved_at,
      closed_at: t.closed_at,
      request: requestFields(t.fields),
    })),
    consent: consent.map((c) => ({ action: c.action, notice_version: c.notice_version, notice_hash: c.notice_hash, language: c.lang, channel: c.channel, at: c.at })),
    verifications: verifications.map((v) => ({ level: v.level, method: v.method, at: v.at })),
    nominations: nominations.map((n) => ({
      nominee_name: n.nominee_name, relation: n.relation, contact: n.contact, status: n.status, created_at: n.created_at, updated_at: n.updated_at,
    })),
    ratings: ratings.map((r) => ({ ticket: r.ticket_number, rating: Number(r.rating), comment: r.comment, at: r.at })),
    transcript: transcript.map((r) => ({ from: r.direction === 'in' ? ('you' as const) : ('us' as const), text: r.text, at: r.at })),
  };
  if (files.length > 0) data.files = files;
  return data;
}

function requestFields(json: string): Record<string, unknown> {
  const parsed = JSON.parse(json) as unknown;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).filter(([k]) => !INTERNAL_FIELDS.has(k)));
}
