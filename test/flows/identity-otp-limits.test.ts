import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, TEST_CODE, type Harness } from '../helpers/harness.ts';

/**
 * One-time codes through the identity flow: wrong codes lock out the chat that typed them, for
 * that number, and never the citizen's own chat; codes sent to one number are capped per hour
 * across all chats, and the chat that meets the cap is told so, in its language.
 */
const ASHA = { external_ref: 'CUST-7', name: 'Asha', mobile: '+919876543210', email: 'asha@example.in', source: 'csv' as const, updated_at: '2026-11-01T00:00:00.000Z' };
/** From the greeting to the mobile number's code, in English and in Hindi. */
const TO_NUMBER = { en: ['hi', '2', 'yes', '2', '1', '1', '9876543210'], hi: ['hi', '1', 'हाँ', '2', '1', '1', '9876543210'] } as const;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function toCode(harness: Harness, user: string, lang: 'en' | 'hi' = 'en'): Promise<string> {
  let last = '';
  for (const step of TO_NUMBER[lang]) last = (await harness.say(step, { user })).map((m) => m.text).join('\n');
  return last;
}

describe('one-time codes in the identity flow: lock-outs per chat, codes capped per number', () => {
  it('a stranger failing codes for Asha’s number from another chat is locked out; Asha’s own chat still verifies', async () => {
    h = await startHarness();
    await h.app.store.transaction((u) => u.principals.upsert(ASHA));
    expect(await toCode(h, 'stranger')).toContain('we have sent a one-time code to it');
    expect((await h.say('000001', { user: 'stranger' }))[0]!.text).toContain('Attempts left: 2.');
    expect((await h.say('000002', { user: 'stranger' }))[0]!.text).toContain('Attempts left: 1.');
    // A single chat still locks out after 3 wrong codes.
    expect((await h.say('000003', { user: 'stranger' }))[0]!.text).toContain('identity checks in this chat are paused until');

    expect(await toCode(h, 'asha')).toContain('we have sent a one-time code to it');
    const verified = (await h.say(TEST_CODE, { user: 'asha' })).map((m) => m.text).join('\n');
    expect(verified).not.toContain('paused');
    expect(verified).toContain('Thank you, your identity is confirmed');
    expect(h.codes.map((c) => c.to)).toEqual(['+919876543210', '+919876543210']);
  }, 60_000);

  it('the sixth code to one number within the hour is not sent, and the chat is told until when, in English and Hindi', async () => {
    h = await startHarness();
    await h.app.store.transaction((u) => u.principals.upsert(ASHA));
    for (let i = 0; i < 5; i++) expect(await toCode(h, `chat-${i}`)).toContain('we have sent a one-time code to it');
    expect(h.codes).toHaveLength(5);
    const en = await toCode(h, 'asha');
    expect(en).toMatch(/^We have already sent \+91 98XXXXX210 as many one-time codes as we send in one hour\. To keep your details safe, the next code can be sent only after .+\. Please try again then\./);
    expect(en).not.toContain('wrong codes');
    const hi = await toCode(h, 'asha-hi', 'hi');
    expect(hi).toMatch(/^\+91 98XXXXX210 पर एक घंटे में जितने कोड \(OTP\) भेजे जा सकते हैं, वे सब भेजे जा चुके हैं। आपकी जानकारी की सुरक्षा के लिए अगला कोड .+ के बाद ही भेजा जा सकेगा।/);
    expect(h.codes).toHaveLength(5);
  }, 60_000);
});
