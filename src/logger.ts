import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs to stderr, so that the console chat on stdout stays clean and scriptable.
 * Log lines carry ids and counts, never message text or other personal data.
 */
export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(2)): Logger {
  return pino({ level, base: { app: 'nivaran' } }, destination);
}
