import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

/**
 * Masked forms of a destination, shown to the citizen ("we sent a code to +91 98XXXXX210") and
 * kept as evidence in a verification's detail. Enough for the person who owns the number or
 * address to recognise it; too little for anyone else to learn it (DPDP Rules r.6(1): masking).
 */

/**
 * `+919876543210` → `+91 98XXXXX210`: the country code, the first two and the last three digits
 * of the national number. Shorter national numbers keep only their last two digits. A value that
 * is not a phone number keeps only its last three digits.
 */
export function maskMobile(e164: string): string {
  const phone = parsePhoneNumberFromString(e164);
  if (!phone) {
    const digits = e164.replace(/\D/g, '');
    return digits.length <= 3 ? 'XXX' : `${'X'.repeat(digits.length - 3)}${digits.slice(-3)}`;
  }
  const national = phone.nationalNumber;
  const masked = national.length >= 8
    ? `${national.slice(0, 2)}${'X'.repeat(national.length - 5)}${national.slice(-3)}`
    : `${'X'.repeat(Math.max(national.length - 2, 1))}${national.slice(-2)}`;
  return `+${phone.countryCallingCode} ${masked}`;
}

/**
 * `asha.k@example.in` → `a****k@example.in`: the first and last character of the local part
 * around a fixed run of four asterisks (so the length is not revealed either), and the domain,
 * which the owner needs to recognise the mailbox. A local part of one or two characters keeps
 * only its first.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '****';
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const chars = [...local]; // code points, so a non-ASCII first or last character is not split
  const head = chars[0] ?? '';
  const tail = chars.length > 2 ? chars[chars.length - 1] ?? '' : '';
  return `${head}****${tail}@${domain}`;
}

/** The masked form of a destination of either kind. */
export function maskDestination(via: 'sms' | 'email', address: string): string {
  return via === 'sms' ? maskMobile(address) : maskEmail(address);
}
