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
 * Words anyone guessing an officer's password tries first: the product's name and what the desk is
 * for. zxcvbn counts them as the cheapest dictionary words, so "Nivaran@2026" scores as weak as
 * "Password@2026". The organisation's own names are added by the caller (`site`).
 */
const SITE_WORDS = ['nivaran', 'निवारण', 'grievance', 'grievances', 'shikayat', 'शिकायत', 'officer', 'desk', 'helpdesk', 'dpdp', 'admin'];

/**
 * Why a password is too weak, in a sentence, or undefined when it will do. `personal` are the
 * account's own words (email, name): a password containing them is refused outright. `site` are
 * the organisation's names (from its profile): guessable, like the product's.
 */
export async function passwordWeakness(password: string, personal: readonly string[], site: readonly string[] = []): Promise<string | undefined> {
  const split = (list: readonly string[]) => list.flatMap((p) => [p, ...p.toLowerCase().split(/[^\p{L}\p{M}\p{N}]+/u)]).filter((w) => w.length >= 3);
  const words = split(personal);
  const lower = password.toLowerCase();
  const own = words.find((w) => lower.includes(w.toLowerCase()));
  if (own) return 'The password must not contain your email address or name.';
  factory ??= load();
  // The organisation's name also as one word ("Jal Board" → "jalboard"), as it is typed in a password.
  const joined = site.map((n) => n.toLowerCase().replace(/[^\p{L}\p{M}\p{N}]+/gu, ''));
  // First in the list is cheapest to guess (zxcvbn ranks user inputs by position): the names a
  // guesser tries first come first. (\p{M}: a Devanagari vowel sign or virama is part of its word.)
  const result = (await factory).check(password, [...joined, ...SITE_WORDS, ...split(site), ...words]);
  if (result.score >= MIN_PASSWORD_SCORE) return undefined;
  const hint = result.feedback.warning ? ` ${result.feedback.warning}` : '';
  return `The password is too easy to guess.${hint} Use a longer phrase of unrelated words.`;
}
