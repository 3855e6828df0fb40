import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime } from '../../src/i18n/i18n.ts';

// What a citizen or officer reads for an instant, in IST, the way each language says it.
describe('dates and times', () => {
  it('say the part of the day in Hindi, never "am"/"pm" inside a Hindi sentence', () => {
    expect(formatDateTime('hi', '2026-12-07T05:30:00.000Z')).toBe('7 दिसंबर 2026 को सुबह 11:00 बजे');
    expect(formatDateTime('hi', '2026-12-07T07:30:00.000Z')).toBe('7 दिसंबर 2026 को दोपहर 1:00 बजे');
    expect(formatDateTime('hi', '2026-12-07T13:05:00.000Z')).toBe('7 दिसंबर 2026 को शाम 6:35 बजे');
    // Half past midnight IST is already the next day.
    expect(formatDateTime('hi', '2026-12-07T19:00:00.000Z')).toBe('8 दिसंबर 2026 को रात 12:30 बजे');
    for (let h = 0; h < 24; h++) expect(formatDateTime('hi', `2026-12-07T${String(h).padStart(2, '0')}:00:00.000Z`)).not.toMatch(/[ap]m|AM|PM/);
  });

  it('keep the English form, and a bare date is that day in IST', () => {
    expect(formatDateTime('en', '2026-12-07T05:30:00.000Z')).toBe('7 December 2026 at 11:00 am');
    expect(formatDate('hi', '2027-01-03')).toBe('3 जनवरी 2027');
    expect(formatDate('en', '2027-01-03T18:29:59.000Z')).toBe('3 January 2027');
  });
});
