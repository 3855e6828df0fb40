import { toAsciiDigits } from '../../text/normalize.ts';

/**
 * Ticket numbers a citizen can read out over the phone: `GRV-2026-000045` for grievances,
 * `DPR-2026-000123` for data-rights requests. The sequence is per prefix and year.
 */
export const TICKET_PREFIX = { grievance: 'GRV', data_rights: 'DPR' } as const;
export type TicketKind = keyof typeof TICKET_PREFIX;

/** The one pattern of a ticket number as typed; the finders below are built from it, so they agree. */
const TICKET_PATTERN = '(GRV|DPR)[\\s\\-/]*(\\d{4})[\\s\\-/]*(\\d{1,6})';
const TICKET_NUMBER = new RegExp(`^${TICKET_PATTERN}$`);
const TICKET_ANYWHERE = new RegExp(TICKET_PATTERN, 'i');
const TICKET_AT_END = new RegExp(`${TICKET_PATTERN}$`, 'i');

/**
 * The kind of ticket a number belongs to, read from its prefix (`DPR-…` is a data-rights request).
 * Hindi names the two differently (टिकट, अनुरोध) where English says "ticket" for both.
 */
export function ticketKindOf(number: string): TicketKind | undefined {
  const prefix = number.trim().toUpperCase().slice(0, 3);
  return (Object.keys(TICKET_PREFIX) as TicketKind[]).find((k) => TICKET_PREFIX[k] === prefix);
}

/** The key of the word for a ticket of this kind ("ticket" / "टिकट", "request" / "अनुरोध"). */
export function ticketWordKey(kind: string | undefined): string {
  return `common:ticket_word.${kind === 'data_rights' ? 'data_rights' : 'grievance'}`;
}

export function formatTicketNumber(prefix: string, year: number, seq: number): string {
  return `${prefix}-${year}-${String(seq).padStart(6, '0')}`;
}

/** Accepts `grv-2026-1`, `GRV 2026 000001`, Devanagari digits; returns the canonical form. */
export function parseTicketNumber(raw: string): string | undefined {
  const m = TICKET_NUMBER.exec(toAsciiDigits(raw).trim().toUpperCase());
  if (!m) return undefined;
  return formatTicketNumber(m[1]!, Number(m[2]), Number(m[3]));
}

/**
 * The ticket number anywhere in a message ("GRV-2026-000001 ka status kya hai"), canonical.
 * Digits are folded to ASCII first: `\d` matches only 0-9, and "GRV-२०२६-०००००१" is the same number.
 */
export function findTicketNumber(text: string): string | undefined {
  const m = TICKET_ANYWHERE.exec(toAsciiDigits(text));
  return m ? parseTicketNumber(m[0]) : undefined;
}

/**
 * The ticket number that ends a message ("status GRV-2026-1"), canonical, and where it starts in
 * `text` (so the words before it can be read as a command). Expects digits already folded to ASCII
 * (the engine's match form), so that the index is one of `text`.
 */
export function ticketNumberAtEnd(text: string): { index: number; number: string } | undefined {
  const m = TICKET_AT_END.exec(text);
  const number = m ? parseTicketNumber(m[0]) : undefined;
  return m && number ? { index: m.index, number } : undefined;
}
