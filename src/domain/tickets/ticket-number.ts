import { toAsciiDigits } from '../../text/normalize.ts';

/**
 * Ticket numbers a citizen can read out over the phone: `GRV-2026-000045` for grievances,
 * `DPR-2026-000123` for data-rights requests. The sequence is per prefix and year.
 */
export const TICKET_PREFIX = { grievance: 'GRV', data_rights: 'DPR' } as const;
export type TicketKind = keyof typeof TICKET_PREFIX;

const TICKET_NUMBER = /^(GRV|DPR)[\s\-/]*(\d{4})[\s\-/]*(\d{1,6})$/;

export function formatTicketNumber(prefix: string, year: number, seq: number): string {
  return `${prefix}-${year}-${String(seq).padStart(6, '0')}`;
}

/** Accepts `grv-2026-1`, `GRV 2026 000001`, Devanagari digits; returns the canonical form. */
export function parseTicketNumber(raw: string): string | undefined {
  const m = TICKET_NUMBER.exec(toAsciiDigits(raw).trim().toUpperCase());
  if (!m) return undefined;
  return formatTicketNumber(m[1]!, Number(m[2]), Number(m[3]));
}
