import type { Lang } from './session.ts';

/** A value a message can show: rendered by the i18n layer in the citizen's language. */
export type ParamValue = string | number | { t: string } | { date: string } | { datetime: string };

export interface Choice {
  id: string;
  /** i18n key of the label. */
  label: string;
}

/** What one sprint of the engine produced, in order. The host acts on these; the engine does no I/O. */
export type EngineEvent =
  | { type: 'msg_created'; lang: Lang; key: string; params: Record<string, ParamValue>; choices: Choice[]; requestContact?: boolean }
  | { type: 'wait_started'; flow: string; step: string; kind: string }
  | { type: 'input_rejected'; flow: string; step: string; reason: string; attempt: number }
  | { type: 'result_set'; name: string }
  | { type: 'language_changed'; lang: Lang }
  | {
      type: 'ticket_open_requested';
      number: string;
      kind: string;
      fields: Record<string, unknown>;
      createdAt: string;
      dueAt: string;
      lang: Lang;
      idempotencyKey: string;
      /** The department the acknowledgment named (where the organisation declares departments). */
      department?: string;
    }
  /** `at`: where the citizen was when they asked (the question they were at, or where they got stuck). */
  | { type: 'handoff_requested'; reason: string; lang: Lang; idempotencyKey: string; at?: { flow: string; step: string } }
  | { type: 'ticket_info_provided'; number: string; text: string }
  | { type: 'consent_recorded'; action: 'given' | 'declined' | 'withdrawn'; version: string; hash: string; lang: Lang; guardianPrincipalId?: number }
  /** `principalId` null: the channel vouched for the sender's own chat, not for a principal on file (own data). */
  | { type: 'identity_verified'; level: 'channel' | 'otp'; method: 'sms' | 'email' | 'whatsapp_sender' | 'telegram_contact'; principalId: number | null }
  | { type: 'nomination_recorded'; action: 'add' | 'remove'; name: string; relation: string; contact: string; principalId: number | null }
  | { type: 'ticket_withdraw_requested'; number: string; reason: string }
  | { type: 'ticket_appeal_requested'; number: string }
  | { type: 'ticket_feedback_given'; number: string; satisfied: boolean }
  /** A 1–5 rating of a resolution, with the citizen's optional comment (already masked). */
  | { type: 'ticket_rating_given'; number: string; rating: number; comment: string | null }
  /** A download link for this conversation's own data: only the SHA-256 of its token is stored. */
  | { type: 'own_data_export_created'; tokenHash: string; expiresAt: string; lang: Lang }
  /** The citizen confirmed the erasure of this conversation's own data, under the regime its plan found. */
  | { type: 'own_data_erase_requested'; regime: 'full' | 'answering' | 'hold'; reasons: string[]; identity: 'none' | 'channel' | 'otp' }
  | { type: 'flow_ended'; flow: string }
  | { type: 'error'; code: string; message: string };

export type MessageEvent = Extract<EngineEvent, { type: 'msg_created' }>;
