import { AppError, type ErrorCode } from '../errors.ts';

/**
 * Send failures every channel shares. The outbox sender reads them by shape (`retryAfterMs`,
 * `retryable`), so an adapter only has to throw one of these; it never needs the sender itself.
 */

/**
 * The platform asked to wait (HTTP 429, WhatsApp's throughput or pair limit) or was briefly
 * unavailable (5xx, a network failure). The outbox keeps the reply and tries again after
 * `retryAfterMs`, or after its own back-off when the platform named no time.
 */
export class ChannelRetryError extends AppError {
  readonly retryable = true as const;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, options: { retryAfterMs?: number | undefined; cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(code, message, { cause: options.cause, ...(options.details ? { details: options.details } : {}) });
    this.name = 'ChannelRetryError';
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * The platform refused the message for good (a bad parameter, a closed 24-hour window with no
 * template to fall back on). Retrying cannot help, so the outbox marks the reply failed for an
 * operator at once; the transcript still holds what the citizen should have read.
 */
export class ChannelRefusedError extends AppError {
  readonly retryable = false as const;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(code, message, options);
    this.name = 'ChannelRefusedError';
  }
}
