import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, TEST_CODE, type Harness } from '../helpers/harness.ts';

/**
 * Issue 14 item 4: the identity step must answer the same whether or not the number typed is on
 * file, so that a chat cannot be used to test who is a customer. Two chats go through the same
 * steps, one with a customer's number and one with a number nobody holds; every reply must match
 * once the (masked) number itself is blanked out.
 */
const ON_FILE = { external_ref: 'CUST-7', name: 'Asha', mobile: '+919876543210', email: 'asha@example.in', source: 'csv' as const, updated_at: '2026-11-01T00:00:00.000Z' };
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const blank = (text: string) => text.replace(/\+91 98XXXXX21[09]/g, '<destination>');

describe('the identity step does not tell customers from others (issue 14)', () => {
  it('replies identically for a number on file and one not on file, through wrong codes, resends and the lock-out', async () => {
    h = await startHarness();
    await h.app.store.transaction((u) => u.principals.upsert(ON_FILE));
    const steps = ['hi', '2', 'yes', '2', '1', '1', '<number>', '000000', 'resend', 'resend', 'resend', 'resend', '111111', '222222', TEST_CODE];
    const replies: Record<string, string[]> = { customer: [], stranger: [] };
    for (const step of steps) {
      for (const [user, number] of [['customer', '9876543210'], ['stranger', '9876543219']] as const) {
        const out = await h.say(step === '<number>' ? number : step, { user });
        replies[user]!.push(out.map((m) => blank(m.text)).join('\n---\n'));
      }
    }
    expect(replies.stranger).toEqual(replies.customer);
    // What the two saw: a code sent, a wrong code counted, the resend cap, then the lock-out.
    const all = replies.customer!.join('\n');
    expect(all).toContain('If <destination> is the detail we hold for you, we have sent a one-time code to it');
    expect(all).toContain('That code is not correct. Attempts left: 2.');
    expect(all).toContain('We have already sent a new code several times.');
    expect(all).toContain('identity checks in this chat are paused until');
    // Only the customer's phone ever got a code: 1 + 3 resends; the stranger's number got none.
    expect(h.codes.map((c) => c.to)).toEqual(Array(4).fill('+919876543210'));
  }, 60_000);
});
