import { createHash, randomBytes } from 'node:crypto';

/** A random bearer token: 32 bytes, base64url (43 characters). */
export function randomToken(random: (n: number) => Buffer = randomBytes): string {
  return random(32).toString('base64url');
}

/**
 * What is stored of a bearer token (a desk session, an API token, a download link): its SHA-256,
 * so a copy of the database opens nothing.
 * @example hashToken('Xy…') // '3f…' (64 hex digits)
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
