import { toAsciiDigits } from './normalize.ts';

/**
 * Masks identifiers that must never be stored: an Aadhaar number (12 digits, first 2–9,
 * Verhoeff check digit) is kept as its last 4 digits; a 13–19 digit Luhn-valid card number
 * likewise; a CVV, password, PIN or one-time code written after the word naming it is dropped.
 * Runs before the transcript, the engine, the logs and the database see the text. (An answer to
 * the bot's own one-time-code question never gets this far: the router keeps it out entirely.)
 */

export type RedactionKind = 'aadhaar' | 'card' | 'secret';

export interface Redaction {
  text: string;
  kinds: RedactionKind[];
}

// A secret after the word that names it: "CVV 123", "password: hunter2", "PIN-4321", "OTP is 246810",
// "पासवर्ड abc", "ओटीपी २४६८१०". The word stays (so the sentence still reads); the secret goes.
const SECRET_AFTER_LABEL =
  /\b(cvv2?|cvc|card verification(?: value)?|pass ?word|passcode|otp|one[- ]time (?:code|password)|verification code)\b(\s*(?:is|was|:|=|-)?\s*)([^\s,.;]{3,64})/giu;
// A PIN only as four digits: "PIN 110092" in an address is a postal code and must stay.
const PIN_AFTER_LABEL = /\b(m?pin)\b(\s*(?:is|was|:|=|-)?\s*)([0-9\u0966-\u096F]{4})(?![0-9\u0966-\u096F])/giu;
const SECRET_AFTER_HINDI_LABEL = /(सीवीवी|पासवर्ड|ओटीपी)(\s*(?:है|था|:|=|-)?\s*)([^\s,।;]{3,64})/gu;
const PIN_AFTER_HINDI_LABEL = /(पिन)(\s*(?:है|था|:|=|-)?\s*)([0-9\u0966-\u096F]{4})(?![0-9\u0966-\u096F])/gu;

// A run of digits (Latin or Devanagari) possibly split by single spaces or dashes.
const DIGIT_RUN = /[0-9\u0966-\u096F](?:[ \-]?[0-9\u0966-\u096F]){11,22}/g;

const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

export function verhoeffValid(digits: string): boolean {
  let c = 0;
  const n = digits.length;
  for (let i = 0; i < n; i++) {
    c = VERHOEFF_D[c]![VERHOEFF_P[i % 8]![Number(digits[n - 1 - i])]!]!;
  }
  return c === 0;
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = Number(digits[i]);
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function classify(digits: string): RedactionKind | undefined {
  if (digits.length === 12 && /^[2-9]/.test(digits) && verhoeffValid(digits)) return 'aadhaar';
  if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) return 'card';
  return undefined;
}

export function redact(text: string): Redaction {
  const kinds = new Set<RedactionKind>();
  const hideSecret = (_m: string, label: string, gap: string) => {
    kinds.add('secret');
    return `${label}${gap}[hidden]`;
  };
  const out = text
    .replace(SECRET_AFTER_LABEL, hideSecret)
    .replace(PIN_AFTER_LABEL, hideSecret)
    .replace(SECRET_AFTER_HINDI_LABEL, hideSecret)
    .replace(PIN_AFTER_HINDI_LABEL, hideSecret)
    .replace(DIGIT_RUN, (run) => {
      const digits = toAsciiDigits(run).replace(/[ \-]/g, '');
      const kind = classify(digits);
      if (!kind) return run;
      kinds.add(kind);
      const last4 = digits.slice(-4);
      return kind === 'aadhaar' ? `XXXX XXXX ${last4}` : `XXXX XXXX XXXX ${last4}`;
    });
  return { text: out, kinds: [...kinds] };
}
