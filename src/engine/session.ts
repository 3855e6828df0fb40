/** The citizen's languages. Every text exists in both. */
export const LANGS = ['en', 'hi'] as const;
export type Lang = (typeof LANGS)[number];

export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

export interface Position {
  flow: string;
  step: string;
}

/**
 * Everything the engine needs to continue a conversation, as plain JSON. It is stored whole
 * after every message, so the cost of a message never depends on how long the chat has been.
 */
export interface SessionState {
  lang: Lang | null;
  /** The ask step awaiting an answer, or the last step run when ended. */
  at: Position;
  status: 'waiting' | 'ended';
  vars: Record<string, Json>;
  /** Answers that did not fit the current ask step, in a row. */
  attempts: number;
  /** Where `return` steps go back to: pushed by commands such as "status" or "language". */
  stack: Position[];
  /** The consent notice the citizen accepted (absent: not given, declined or withdrawn). */
  /** `minor`: given by a verified parent or lawful guardian (DPDP s.9). */
  consent?: { version: string; at: string; minor?: boolean } | null;
  /** The identity check passed in this conversation, and to whom it ties the citizen. */
  verified?: { level: 'channel' | 'otp'; principalId: number; at: string } | null;
}

/** Identity checks older than this are asked again before a rights request. */
export const VERIFICATION_VALID_MS = 30 * 60_000;

/** Bump when SessionState changes shape; older stored sessions then start over. */
export const SESSION_VERSION = 1;

export function isLang(v: unknown): v is Lang {
  return v === 'en' || v === 'hi';
}
