import { afterEach, describe, expect, it } from 'vitest';
import { findTicketNumber } from '../../src/domain/tickets/ticket-number.ts';
import { FakeClock, startHarness, type Harness } from '../helpers/harness.ts';

/** A ticket number typed with a status request at the real main menu is the ticket asked about. */
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function atMenuWithTicket(): Promise<Harness> {
  h = await startHarness({ clock: new FakeClock('2026-11-23T04:30:00.000Z') });
  for (const t of ['hi', '2', 'yes', '1', '1', 'No water in Sector 4 since Friday morning.', '3', 'yes']) await h.say(t);
  const menu = await h.say('menu');
  expect(menu.at(-1)!.text).toContain('How may I help you today?');
  return h;
}

describe('status with a ticket number at the main menu', () => {
  for (const text of ['GRV-2026-000001 ka status kya hai', 'status of GRV-2026-000001', 'GRV-२०२६-०००००१ ka status kya hai']) {
    it(`“${text}” answers the status of that ticket, not “type your ticket number”`, async () => {
      const h = await atMenuWithTicket();
      const reply = (await h.say(text)).map((m) => m.text).join('\n');
      expect(reply).toContain('Ticket GRV-2026-000001\nStatus: Registered');
      expect(reply).not.toMatch(/ticket number/i);
    });
  }

  it('finds a ticket number anywhere in a message, in any script’s digits', () => {
    expect(findTicketNumber('GRV-२०२६-०००००१ ka status')).toBe('GRV-2026-000001');
    expect(findTicketNumber('status of dpr 2026 45 please')).toBe('DPR-2026-000045');
    expect(findTicketNumber('status of my complaint')).toBeUndefined();
  });
});
