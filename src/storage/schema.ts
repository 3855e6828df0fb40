import type { BreachesTable, BreachRecipientsTable, BreachReportsTable } from '../breach/tables.ts';
import type { ConsentGuardiansTable } from '../consent/guardians.ts';
import type { Generated } from 'kysely';

/**
 * Table shapes for Kysely. Timestamps are ISO 8601 UTC strings (`toISOString()`): they sort
 * as text, read the same on SQLite and PostgreSQL, and need no type parser.
 */
export interface TicketsTable {
  id: Generated<number>;
  number: string;
  kind: string;
  status: string;
  language: string;
  channel: string;
  conversation_key: string;
  /** The request fields an officer needs, as JSON (already redacted). */
  fields: string;
  created_at: string;
  due_at: string;
  updated_at: string;
  /** Derived from the inbound message and step, so a retry never opens a second ticket. */
  idempotency_key: string;
  policy_id: string;
  regime: string;
  ack_due_at: string | null;
  acknowledged_at: string | null;
  /** 0 = the first rung of the organisation's ladder. */
  level: number;
  level_started_at: string | null;
  level_due_at: string | null;
  /** JSON [{from, to|null}]: while awaiting the citizen the clock stands still. */
  pauses: string;
  /** JSON {duration, reason, at, actor} or null: at most one extension. */
  extension: string | null;
  breached_at: string | null;
  board_notified_at: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  /** The officer who holds the ticket (desk), or null while it waits in its rung's queue. */
  assigned_to: number | null;
  assigned_at: string | null;
  /**
   * (0015) The department holding the ticket, and the one that received it (whose policy and
   * calendar keep the statutory clock). Set after the insert, so rows built by hand may omit them.
   */
  department?: string;
  received_by?: string;
}

export interface TicketEventsTable {
  id: Generated<number>;
  ticket_id: number;
  at: string;
  /** `citizen`, `system`, or the officer's id. */
  actor: string;
  kind:
    | 'opened' | 'transition' | 'extension' | 'escalation' | 'reminder' | 'breach' | 'board_notice' | 'citizen_reply' | 'feedback'
    | 'assignment' | 'officer_reply' | 'transfer';
  from_status: string | null;
  to_status: string | null;
  reason: string | null;
  data: string;
}

export interface TimersTable {
  id: Generated<number>;
  ticket_id: number;
  kind: 'ack_due' | 'reminder' | 'level_due' | 'resolve_due';
  fire_at: string;
  fired_at: string | null;
  data: string;
}

export interface OfficerNotificationsTable {
  id: Generated<number>;
  ticket_id: number;
  role: string;
  kind: string;
  at: string;
  data: string;
  read_at: string | null;
  /** When the notification dispatcher queued its emails (migration 0013). */
  dispatched_at: string | null;
}

export interface TicketSequencesTable {
  prefix: string;
  year: number;
  last: number;
}

export interface TranscriptsTable {
  id: Generated<number>;
  conversation_key: string;
  direction: 'in' | 'out';
  message_id: string | null;
  text: string;
  at: string;
}

export interface OutboxTable {
  id: Generated<number>;
  channel: string;
  conversation_key: string;
  /**
   * The rendered `OutboundMessage` as JSON, with `to` (the chat) and, for a message of a purpose
   * the citizen may opt out of, `purpose` (src/outbox/purposes.ts).
   */
  payload: string;
  /**
   * Sent rows are deleted; `failed` ones stay for an operator to see; `held` ones wait for the
   * citizen to write (WhatsApp's template short form asked them to), then go as they are.
   */
  status: 'pending' | 'failed' | 'held';
  attempts: number;
  created_at: string;
  next_attempt_at: string;
  /** The instance sending the row, and until when; a lease that ran out is taken over. */
  lease_owner: string | null;
  lease_until: string | null;
  /** Platform messages of this reply already accepted: a retry sends only the rest. */
  parts_sent: Generated<number>;
  /** The part being sent right now: set when a crash may have left it accepted but unrecorded. */
  sending_part: number | null;
}

/** Per-conversation channel state every instance shares (WhatsApp's 24-hour window). */
export interface ConversationStateTable {
  conversation_key: string;
  last_inbound_at: string;
  /** Replies held until the citizen writes (after a template's short form). */
  held: Generated<number>;
  /**
   * Bit 0: the last inbound message may end in part of a number split over two messages; bit 1:
   * the one before it may (see `recordInbound`).
   */
  in_tail: Generated<number>;
}

/** A channel only one instance may drive at a time (WhatsApp Web's browser session). */
export interface ChannelLeasesTable {
  name: string;
  owner: string;
  lease_until: string;
}

export interface ProcessedMessagesTable {
  channel: string;
  message_id: string;
  at: string;
}

export interface HandoffsTable {
  id: Generated<number>;
  conversation_key: string;
  channel: string;
  language: string;
  reason: string;
  status: 'waiting' | 'taken' | 'closed';
  created_at: string;
  idempotency_key: string;
  officer_id: number | null;
  taken_at: string | null;
  closed_at: string | null;
  /** When the citizen was told that no officer was free yet (once per hand-off). */
  timeout_notified_at: string | null;
  /** `flow/step` where the citizen was when they asked (quality trends); null before migration 0007. */
  flow_step: string | null;
  /** When the officers were told that a citizen waits (migration 0013). */
  officers_notified_at: string | null;
}

export interface KeyvTable {
  key: string;
  value: string;
}

/**
 * One answer of a conversation's session (its `vars`), the value as JSON: an append-only log
 * whose live rows the session's head lists by id (migration 0019, `session-repository.ts`).
 */
export interface SessionAnswersTable {
  id: Generated<number>;
  /**
   * The conversation key (the keyv key without its `session:` namespace). Never read on the
   * message path, which goes by id: it says whose answer a row is, so an operator, an erasure
   * check or a sweep can find a citizen's rows, or rows no head lists, without parsing every head.
   */
  session_key: string;
  name: string;
  value: string;
}

export interface ConsentLedgerTable {
  id: Generated<number>;
  conversation_key: string;
  channel: string;
  lang: string;
  /** Which notice the citizen saw: its version and the SHA-256 of its text in their language. */
  notice_version: string;
  notice_hash: string;
  /** `opted_out:updates` / `opted_in:updates`: the purpose-level opt-out (src/consent/updates.ts). */
  action: 'given' | 'declined' | 'withdrawn' | 'opted_out:updates' | 'opted_in:updates';
  at: string;
  message_id: string | null;
}

export interface PrincipalsTable {
  id: Generated<number>;
  /** The organisation's own identifier (customer id, application number…). */
  external_ref: string;
  name: string | null;
  /** E.164, e.g. +919876543210. */
  mobile: string | null;
  email: string | null;
  source: 'csv' | 'http';
  updated_at: string;
}

export interface VerificationsTable {
  id: Generated<number>;
  conversation_key: string;
  principal_id: number | null;
  level: 'channel' | 'otp';
  method: 'whatsapp_sender' | 'telegram_contact' | 'sms' | 'email';
  at: string;
  /** Evidence without secrets: masked destination, attempts. Never the code. */
  detail: string;
}

export interface NominationsTable {
  id: Generated<number>;
  conversation_key: string;
  principal_id: number | null;
  nominee_name: string;
  relation: string;
  contact: string;
  status: 'active' | 'removed';
  ticket_number: string | null;
  created_at: string;
  updated_at: string;
}

export interface DeliveryStatusesTable {
  id: Generated<number>;
  channel: string;
  /** The platform's id of the message we sent (e.g. WhatsApp's `wamid.…`). */
  platform_message_id: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  at: string;
  error_code: number | null;
}

export const OFFICER_ROLES = ['officer', 'grievance_officer', 'dpo', 'reviewer', 'admin'] as const;
export type OfficerRole = (typeof OFFICER_ROLES)[number];

/** (0015) An officer's role in one department; officers with none work where their own role says. */
export interface OfficerDepartmentsTable {
  officer_id: number;
  department: string;
  role: string;
}

export interface OfficersTable {
  id: Generated<number>;
  /** Lower-cased. */
  email: string;
  name: string;
  role: OfficerRole;
  /** The desk's language for this officer: 'en' or 'hi'. */
  lang: string;
  /** argon2id, PHC string. */
  password_hash: string;
  active: number;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

export interface DeskSessionsTable {
  /** SHA-256 (hex) of the cookie's random token. */
  id: string;
  officer_id: number;
  created_at: string;
  expires_at: string;
}

export interface ApiTokensTable {
  id: Generated<number>;
  officer_id: number;
  label: string;
  /** SHA-256 (hex) of the token; the token itself is shown once. */
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  /** After this the token no longer works (API_TOKEN_DAYS); null for tokens made before expiry existed. */
  expires_at: string | null;
}

export interface AuditLogTable {
  /** 1, 2, 3…: taken from `audit_head`, whose row lock orders concurrent appends. */
  seq: number;
  at: string;
  /** `officer:<id>`, `system` or `cli`. */
  actor: string;
  action: string;
  /** What was read or changed, e.g. `ticket:GRV-2026-000001`, `handoff:12`, `officer:3`. */
  subject: string;
  /** JSON, without personal data (reasons and counts, not message text). */
  detail: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
  /** Rows up to this seq may be (or were) deleted by the retention purge. */
  purge_below: number;
  /** The hash of row `purge_below`: where verification of the kept rows starts. */
  base_hash: string;
  /** HMAC (AUDIT_SECRET) over seq, hash, purge_below, base_hash and keyed_from: the head cannot be moved without the key. */
  mac: string | null;
  /** The first row whose link is keyed with AUDIT_SECRET; rows before it have plain SHA-256 links. */
  keyed_from: number | null;
}

export interface ReviewsTable {
  id: Generated<number>;
  ticket_id: number;
  conversation_key: string;
  period: string;
  stratum: string;
  officer_id: number | null;
  status: 'pending' | 'done';
  reviewer_id: number | null;
  scores: string | null;
  notes: string | null;
  created_at: string;
  reviewed_at: string | null;
}

/** A sampling period of quality review that has been drawn (once). */
export interface ReviewSamplesTable {
  period: string;
  every_days: number;
  candidates: number;
  sampled: number;
  created_at: string;
}

export interface RatingsTable {
  id: Generated<number>;
  ticket_id: number;
  conversation_key: string;
  /** 1 (very dissatisfied) to 5 (very satisfied). */
  rating: number;
  comment: string | null;
  at: string;
}

export interface LegalHoldsTable {
  id: Generated<number>;
  conversation_key: string;
  ticket_number: string | null;
  reason: string;
  set_by: string;
  set_at: string;
  released_by: string | null;
  released_at: string | null;
  /** Why it was released (masked); older releases kept it in the audit log. */
  release_reason: string | null;
}

export interface DataExportsTable {
  id: Generated<number>;
  token_hash: string;
  conversation_key: string;
  lang: string;
  created_at: string;
  expires_at: string;
  downloaded_at: string | null;
}

/** An officer's choice of how to be told, per kind of notification (migration 0013). */
export interface NotifySettingsTable {
  officer_id: number;
  digest_time: string;
  modes: string;
  updated_at: string;
}

/** One notification to one recipient by one way (email, the officers' Telegram chat). */
export interface NotifyDeliveriesTable {
  id: Generated<number>;
  source: string;
  officer_id: number;
  via: 'email' | 'telegram';
  kind: string;
  ticket_number: string | null;
  handoff_id: number | null;
  digest: number;
  created_at: string;
  due_at: string;
  /** `interrupted`: claimed by a process that stopped mid-send; never sent again (at most once). */
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'interrupted';
  attempts: number;
  claimed_at: string | null;
  batch: string | null;
  sent_at: string | null;
}

export interface FileBlobsTable {
  sha256: string;
  size: number;
  bytes: Uint8Array | null;
  created_at: string;
}

export interface EvidenceFilesTable {
  id: Generated<number>;
  conversation_key: string;
  ticket_id: number | null;
  sha256: string;
  mime: string;
  size: number;
  added_by: string;
  channel: string;
  message_id: string | null;
  created_at: string;
  /** The desk upload form's token for this submission (migration 0018); null otherwise. */
  idempotency_key: string | null;
}

export interface Database {
  tickets: TicketsTable;
  ticket_sequences: TicketSequencesTable;
  transcripts: TranscriptsTable;
  outbox: OutboxTable;
  conversation_state: ConversationStateTable;
  channel_leases: ChannelLeasesTable;
  processed_messages: ProcessedMessagesTable;
  handoffs: HandoffsTable;
  keyv: KeyvTable;
  session_answers: SessionAnswersTable;
  ticket_events: TicketEventsTable;
  timers: TimersTable;
  officer_notifications: OfficerNotificationsTable;
  consent_ledger: ConsentLedgerTable;
  principals: PrincipalsTable;
  verifications: VerificationsTable;
  nominations: NominationsTable;
  delivery_statuses: DeliveryStatusesTable;
  officers: OfficersTable;
  officer_departments: OfficerDepartmentsTable;
  desk_sessions: DeskSessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  reviews: ReviewsTable;
  review_samples: ReviewSamplesTable;
  ratings: RatingsTable;
  legal_holds: LegalHoldsTable;
  data_exports: DataExportsTable;
  breaches: BreachesTable;
  breach_recipients: BreachRecipientsTable;
  breach_reports: BreachReportsTable;
  consent_guardians: ConsentGuardiansTable;
  notify_settings: NotifySettingsTable;
  notify_deliveries: NotifyDeliveriesTable;
  file_blobs: FileBlobsTable;
  evidence_files: EvidenceFilesTable;
}
