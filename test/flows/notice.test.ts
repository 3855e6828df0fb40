import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, startHarness, tempDataDir, TEST_PROFILE, type Harness } from '../helpers/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The test profile with extra top-level YAML appended, or its `board: {}` replaced. */
function profileWith(extra: string, board?: string): string {
  const file = path.join(tempDataDir(), 'profile.yaml');
  const base = fs.readFileSync(TEST_PROFILE, 'utf8');
  fs.writeFileSync(file, `${board ? base.replace('board: {}', board) : base}\n${extra}\n`);
  return file;
}

describe('the consent notice (DPDP s.5, Rule 3)', () => {
  it.each([
    ['en', ['hi', '2'], ['nominate', 'rating of our answers', 'Our privacy notice: https://jal.example.gov.in/privacy', 'complain to the Data Protection Board of India, through the online means the Board publishes', 'to act on your nomination', 'from your rating and comment', 'A. Sharma']],
    ['hi', ['नमस्ते', '१'], ['नॉमिनी बनाएँ, तो उसका नाम', 'आपकी रेटिंग (1 से 5)', 'हमारी गोपनीयता सूचना: https://jal.example.gov.in/privacy', 'तो आप बोर्ड द्वारा प्रकाशित ऑनलाइन माध्यम से (देखें www.meity.gov.in) भारतीय डेटा संरक्षण बोर्ड में शिकायत कर सकते हैं', 'आपके नॉमिनी से जुड़े अनुरोध पर कार्रवाई', 'आपकी रेटिंग और टिप्पणी से', 'A. Sharma']],
  ] as const)('itemises nominees and ratings, links the privacy notice and says how to reach the Board (%s)', async (_lang, start, expected) => {
    h = await startHarness({ env: { PROFILE_FILE: profileWith('law:\n  privacyNoticeUrl: https://jal.example.gov.in/privacy') } });
    let notice = '';
    for (const t of start) notice = (await h.say(t)).map((r) => r.text).join('\n');
    for (const e of expected) expect(notice).toContain(e);
  });

  it("uses the profile's Board text, or board.url, and leaves out the privacy line when there is no link", async () => {
    h = await startHarness({ env: { PROFILE_FILE: profileWith('', 'board:\n  url: https://board.example.gov.in/complaints') } });
    await h.say('hi');
    const notice = (await h.say('2')).map((r) => r.text).join('\n');
    expect(notice).toContain('complain to the Data Protection Board of India (https://board.example.gov.in/complaints).');
    expect(notice).not.toContain('privacy notice');
    await h.close();
    h = await startHarness({ env: { PROFILE_FILE: profileWith('law:\n  boardComplaint: { en: "the Board at Electronics Niketan, New Delhi", hi: "इलेक्ट्रॉनिक्स निकेतन, नई दिल्ली स्थित बोर्ड" }') } });
    await h.say('hi');
    expect((await h.say('2')).map((r) => r.text).join('\n')).toContain('you may complain to the Board at Electronics Niketan, New Delhi.');
  });

  it.each(['en', 'hi'] as const)('a new notice version is shown to a returning citizen before anything else is taken (%s)', async (lang) => {
    const dataDir = tempDataDir();
    const clock = new FakeClock('2026-11-23T04:30:00.000Z');
    h = await startHarness({ dataDir, clock });
    const script = lang === 'en' ? ['hi', '2', 'yes', '1', '1'] : ['नमस्ते', '१', 'हाँ', '१', '२'];
    for (const t of script) await h.say(t);
    await h.close();
    // The organisation changes its notice and bumps the version; the citizen carries on where they were.
    h = await startHarness({ dataDir, clock, env: { PROFILE_FILE: profileWith('consent:\n  noticeVersion: "2027-01"') } });
    const replies = (await h.say('NEWTEXT-55 pipe burst near the school gate, please send someone')).map((r) => r.text).join('\n');
    const tr = h.app.content.translator;
    expect(replies).toContain(tr.t(lang, 'law:notice_changed'));
    expect(replies).toContain(tr.t(lang, 'consent.notice').slice(0, 40));
    const ledgerBefore = await h.app.store.transaction((u) => u.consent.of('console:citizen-1'));
    expect(ledgerBefore.map((c) => [c.action, c.notice_version])).toEqual([['given', '2026-12']]);
    await h.say(lang === 'en' ? 'yes' : 'हाँ');
    const ledger = await h.app.store.transaction((u) => u.consent.of('console:citizen-1'));
    expect(ledger.map((c) => [c.action, c.notice_version])).toEqual([['given', '2026-12'], ['given', '2027-01']]);
    expect(await h.app.store.transaction((u) => u.tickets.list(10))).toEqual([]);
    await h.close();
    const db = fs.readdirSync(dataDir).map((f) => fs.readFileSync(path.join(dataDir, f)).toString('utf8')).join('\n');
    expect(db).not.toContain('NEWTEXT-55');
    h = undefined;
  });
});
