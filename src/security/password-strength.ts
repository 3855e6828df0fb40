import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

/**
 * How strong a new password is, by zxcvbn (the maintained TypeScript port, @zxcvbn-ts): it knows
 * the common and leaked passwords of the public lists, English words, names, keyboard patterns,
 * repeats (`aaaaaaaaaaaa`), sequences and dates. Offline: no password leaves the machine (so no
 * live "have I been pwned" look-up). Loaded at the first check, since its lists are large.
 */
let factory: Promise<ZxcvbnFactory> | undefined;

async function load(): Promise<ZxcvbnFactory> {
  return (await import('./zxcvbn.ts')).createZxcvbn();
}

/** zxcvbn's score 3: about 10^8 guesses, "safely unguessable" for an online attack. */
export const MIN_PASSWORD_SCORE = 3;

/**
 * Why a password is too weak, in a sentence, or undefined when it will do. `personal` are the
 * account's own words (email, name): a password containing them is refused outright.
 */
export async function passwordWeakness(password: string, personal: readonly string[]): Promise<string | undefined> {
  const words = personal.flatMap((p) => [p, ...p.toLowerCase().split(/[^\p{L}\p{N}]+/u)]).filter((w) => w.length >= 3);
  const lower = password.toLowerCase();
  const own = words.find((w) => lower.includes(w.toLowerCase()));
  if (own) return 'The password must not contain your email address or name.';
  factory ??= load();
  const result = (await factory).check(password, words);
  if (result.score >= MIN_PASSWORD_SCORE) return undefined;
  const hint = result.feedback.warning ? ` ${result.feedback.warning}` : '';
  return `The password is too easy to guess.${hint} Use a longer phrase of unrelated words.`;
}
