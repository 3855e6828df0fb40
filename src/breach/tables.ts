import type { Generated } from 'kysely';

/**
 * A personal-data breach as the DPO records it (DPDP s.8(6), Rules 2025 Rule 7). `notice` holds
 * what each affected principal is told, in each language (Rule 7(1)(a)–(e)), as JSON
 * `{ en: BreachNoticeText, hi: BreachNoticeText }`.
 */
export interface BreachesTable {
  id: Generated<number>;
  /** When the organisation became aware of it: the Board's 72 hours run from here (Rule 7(2)(b)). */
  found_at: string;
  /** When and where it happened, as known (free text, for the Board and the notice). */
  occurred: string;
  /** The personal data affected, and whose (categories and numbers, not names). */
  data_affected: string;
  people_affected: string;
  notice: string;
  recorded_at: string;
  recorded_by: string;
  board_due_at: string;
  /** When the detailed report was recorded as sent to the Board; null until then. */
  board_reported_at: string | null;
  /** JSON array of the hours-before-due reminders already given. */
  reminders_sent: string;
}

/** One affected person, identified once per breach; told once (`queued` in the same transaction as their message). */
export interface BreachRecipientsTable {
  id: Generated<number>;
  breach_id: number;
  /** As given by the DPO, normalised (an external reference, an E.164 mobile, an email, or a conversation key). */
  identifier: string;
  /** The conversation they use with us; null when they have none (told by other means). */
  conversation_key: string | null;
  channel: string | null;
  lang: string;
  status: 'pending' | 'queued' | 'unreachable';
  /** Why unreachable: `not_found` (no one on file), `no_channel` (on file, never wrote to us). */
  reason: string | null;
  queued_at: string | null;
}

/** A report to the Board (Rule 7(2)): the first, detailed one, and any follow-ups. Body is JSON. */
export interface BreachReportsTable {
  id: Generated<number>;
  breach_id: number;
  kind: 'detailed' | 'followup';
  body: string;
  at: string;
  by: string;
}
