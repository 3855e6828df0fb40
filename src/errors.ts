/**
 * Errors that leave a module carry a stable code and a message a person can act on.
 * Expected outcomes (bad citizen input, a ticket not found) are never errors: they are
 * branches of the engine. These are for configuration, storage and programming faults.
 */
export const ERROR_CODES = {
  CONFIG_INVALID: 'NIV_CONFIG_INVALID',
  FLOW_INVALID: 'NIV_FLOW_INVALID',
  FLOW_CHECK_FAILED: 'NIV_FLOW_CHECK_FAILED',
  FLOW_LOOP: 'NIV_FLOW_LOOP',
  LOCALE_INVALID: 'NIV_LOCALE_INVALID',
  STORAGE_OPEN: 'NIV_STORAGE_OPEN',
  STORAGE_MIGRATION: 'NIV_STORAGE_MIGRATION',
  SESSION_CONFLICT: 'NIV_SESSION_CONFLICT',
  TICKET_NOT_FOUND: 'NIV_TICKET_NOT_FOUND',
  TICKET_TRANSITION: 'NIV_TICKET_TRANSITION',
  /** The ticket's law provides no extension (DPDP, IT Rules, SPDI, e-commerce), or it would pass the law's ceiling. */
  TICKET_EXTENSION_NOT_ALLOWED: 'NIV_TICKET_EXTENSION_NOT_ALLOWED',
  CLI_USAGE: 'NIV_CLI_USAGE',
  CHANNEL_SEND: 'NIV_CHANNEL_SEND',
  /** A one-time code could not be handed to the SMS gateway or mail server. */
  CODE_SEND_FAILED: 'NIV_CODE_SEND_FAILED',
  /** The Telegram bot could not start: a wrong token, an unreachable Bot API, a webhook refused. */
  TELEGRAM_START: 'NIV_TELEGRAM_START',
  /** Telegram refused or did not take a message; the outbox retries it. */
  TELEGRAM_SEND: 'NIV_TELEGRAM_SEND',
  /** The WhatsApp Cloud channel could not start: its webhook port, or a use before bind(app). */
  WHATSAPP_START: 'NIV_WHATSAPP_START',
  /** The Graph API refused a message (its error code and message, never the text or the number). */
  WHATSAPP_SEND: 'NIV_WHATSAPP_SEND',
  /** WhatsApp asked to slow down (HTTP 429, 130429, 131056, 80007) or was unavailable; the outbox retries. */
  WHATSAPP_RATE_LIMITED: 'NIV_WHATSAPP_RATE_LIMITED',
  /** Outside the 24-hour window and no approved template in the profile (`whatsapp.templates`). */
  WHATSAPP_WINDOW_CLOSED: 'NIV_WHATSAPP_WINDOW_CLOSED',
  /** The WhatsApp Web channel could not start (its data directory, or a use before bind(app)). */
  WHATSAPP_WEB_START: 'NIV_WHATSAPP_WEB_START',
  /** Another live process holds DATA_DIR/whatsapp-web/lock: only one may drive a linked phone. */
  WHATSAPP_WEB_LOCKED: 'NIV_WHATSAPP_WEB_LOCKED',
  /** WHATSAPP_WEB is on but CHROMIUM_PATH names no file. */
  WHATSAPP_WEB_CHROMIUM_MISSING: 'NIV_WHATSAPP_WEB_CHROMIUM_MISSING',
  /** WhatsApp Web is not connected yet (or reconnecting); the outbox retries later. */
  WHATSAPP_WEB_NOT_READY: 'NIV_WHATSAPP_WEB_NOT_READY',
  /** whatsapp-web.js did not take a message; the outbox retries it. */
  WHATSAPP_WEB_SEND: 'NIV_WHATSAPP_WEB_SEND',
  /** The desk could not listen on DESK_PORT. */
  DESK_START: 'NIV_DESK_START',
  /** An officer account could not be created or changed (a taken email, a weak password, an unknown role). */
  OFFICER_INVALID: 'NIV_OFFICER_INVALID',
  /** The officer may not see or do this (role, level or assignment). */
  DESK_FORBIDDEN: 'NIV_DESK_FORBIDDEN',
  /** A desk action's input is wrong (empty reply, short reason, unknown officer). */
  DESK_INPUT: 'NIV_DESK_INPUT',
  /** A live chat is no longer waiting or held by someone else. */
  HANDOFF_STATE: 'NIV_HANDOFF_STATE',
  /** An officers' notification (email, Telegram chat) was not accepted; it is retried. */
  NOTIFY_SEND_FAILED: 'NIV_NOTIFY_SEND_FAILED',
  /** `nivaran backup` / `restore` could not copy the database. */
  BACKUP_FAILED: 'NIV_BACKUP_FAILED',
  /** An evidence file was refused (its type by content, or its size). */
  FILE_REJECTED: 'NIV_FILE_REJECTED',
  /** An audit checkpoint file is unreadable, malformed, or not signed with this AUDIT_SECRET. */
  AUDIT_CHECKPOINT_INVALID: 'NIV_AUDIT_CHECKPOINT_INVALID',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options?.details;
  }
}

/** `[NIV_X] message` for operators; never includes citizen data. */
export function describeError(err: unknown): string {
  if (err instanceof AppError) return `[${err.code}] ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}
