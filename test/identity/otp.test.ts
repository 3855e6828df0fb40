import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { maskEmail, maskMobile } from '../../src/identity/mask.ts';
import { codeMessageTexts, OtpService, type ChallengeCheck } from '../../src/identity/otp.ts';
import type { Store } from '../../src/storage/sqlite-store.ts';
import { SqliteStore } from '../../src/storage/sqlite-store.ts';
import { backends, sqliteBackend, useStores } from '../helpers/backends.ts';

/** A clock the test moves by hand (harness.ts has one too, but loading it loads the whole app). */
class Clock {
  private t = Date.parse('2026-11-22T05:30:00.000Z');
  now = (): Date => new Date(this.t);
  advance(ms: number): void {
    this.t += ms;
  }
}

const MIN = 60_000;
const KEY = 'console:asha';
const MOBILE = { via: 'sms' as const, address: '+919876543210' };
const SECRET = 'a-test-secret-of-at-least-32-characters!';

/** Codes handed out in order, so a test knows each one without reading anything stored. */
function sequence(...codes: string[]) {
  let i = 0;
  return () => codes[i++ % codes.length]!;
}

function service(random = sequence('739146', '582047', '604193', '318275')) {
  return new OtpService({ secret: SECRET, random });
}

const start = (store: Store, otp: OtpService, clock: Clock, key = KEY) =>
  store.transaction((u) => otp.start(u, key, MOBILE, 'hi', clock.now()));
const check = (store: Store, otp: OtpService, code: string, clock: Clock, key = KEY): Promise<ChallengeCheck> =>
  store.transaction((u) => otp.check(u, key, code, clock.now()));

describe('maskMobile and maskEmail', () => {
  it('keep enough for the owner to recognise the destination', () => {
    expect(maskMobile('+919876543210')).toBe('+91 98XXXXX210');
    expect(maskMobile('+447911123456')).toBe('+44 79XXXXX456');
    expect(maskEmail('asha.k@example.in')).toBe('a****k@example.in');
    expect(maskEmail('ab@example.in')).toBe('a****@example.in');
    expect(maskEmail('अमित.क@example.in')).toBe('अ****क@example.in');
  });
});

describe('codeMessageTexts', () => {
  it('says the code and its lifetime in English and Hindi', () => {
    const t = codeMessageTexts({ code: '123456' });
    expect(t.en.body).toBe('Your one-time code is 123456. It expires in 5 minutes. Do not share it with anyone.');
    expect(t.hi.body).toBe('आपका एक-बारीय कोड 123456 है। यह 5 मिनट में समाप्त हो जाएगा। इसे किसी के साथ साझा न करें।');
  });
});

for (const backend of backends) {
  describe.skipIf(backend.skip)(`OtpService: ${backend.name}`, () => {
    const open = useStores(backend);

    it('caps codes to one destination at 5 an hour, whichever conversation (a new chat account) asks, and says until when (issue 14)', async () => {
      const { store } = await open();
      const clock = new Clock();
      const otp = service();
      for (let i = 0; i < 5; i++) expect((await start(store, otp, clock, `telegram:attacker-${i}`)).result.status).toBe('sent');
      const sixth = await start(store, otp, clock, 'telegram:attacker-new');
      expect(sixth).toEqual({ result: { status: 'send_limit', destination: '+91 98XXXXX210', until: '2026-11-22T06:30:00.000Z' } });
      expect((await start(store, otp, clock, KEY)).result).toEqual({ status: 'send_limit', destination: '+91 98XXXXX210', until: '2026-11-22T06:30:00.000Z' });
      clock.advance(60 * 60_000);
      expect((await start(store, otp, clock, KEY)).result.status).toBe('sent');
    });

    it('wrong codes from another chat lock out that chat only: the citizen’s own chat still verifies', async () => {
      const { store } = await open();
      const clock = new Clock();
      const otp = service(sequence('739146'));
      const EMAIL = { via: 'email' as const, address: 'asha@example.in' };
      const startAs = (key: string, to: typeof MOBILE | typeof EMAIL) => store.transaction((u) => otp.start(u, key, to, 'en', clock.now(), { principalId: 7 }));
      // Two attackers' chats fail three codes each against Asha's mobile: each is locked out.
      for (const attacker of ['telegram:a', 'telegram:b']) {
        expect((await startAs(attacker, MOBILE)).result.status).toBe('sent');
        expect(await check(store, otp, '000001', clock, attacker)).toEqual({ status: 'wrong', attemptsLeft: 2 });
        expect(await check(store, otp, '000002', clock, attacker)).toEqual({ status: 'wrong', attemptsLeft: 1 });
        expect(await check(store, otp, '000003', clock, attacker)).toEqual({ status: 'locked', until: '2026-11-22T05:45:00.000Z' });
        expect((await startAs(attacker, MOBILE)).result).toEqual({ status: 'locked', until: '2026-11-22T05:45:00.000Z' });
      }
      // Asha's own chat is untouched: a code, and the right one verifies.
      expect((await startAs(KEY, MOBILE)).result.status).toBe('sent');
      expect(await check(store, otp, '739146', clock, KEY)).toEqual({ status: 'verified' });
      // Her mailbox too, from her chat.
      expect((await startAs(KEY, EMAIL)).result.status).toBe('sent');
      expect(await check(store, otp, '739146', clock, KEY)).toEqual({ status: 'verified' });
      // The attacker's back-off is its own: its second lock-out (on the mobile) lasts an hour.
      clock.advance(15 * MIN);
      expect((await startAs('telegram:a', MOBILE)).result.status).toBe('sent');
      for (const wrong of ['000004', '000005']) expect((await check(store, otp, wrong, clock, 'telegram:a')).status).toBe('wrong');
      expect(await check(store, otp, '000006', clock, 'telegram:a')).toEqual({ status: 'locked', until: '2026-11-22T06:45:00.000Z' });
      // Guesses across chats are bounded by the codes sent: Asha has had 5 this hour (a, b, her own
      // two, a again), so a new chat gets none, by mobile or by email, until the hour is over.
      expect((await startAs('telegram:c', MOBILE)).result).toEqual({ status: 'send_limit', destination: '+91 98XXXXX210', until: '2026-11-22T06:30:00.000Z' });
      expect((await startAs('telegram:c', EMAIL)).result).toMatchObject({ status: 'send_limit', until: '2026-11-22T06:30:00.000Z' });
    });

    it('a new code may be asked for 3 times while the current one is valid, then the citizen is asked to use it (issue 14)', async () => {
      const { store } = await open();
      const clock = new Clock();
      const otp = service();
      expect((await start(store, otp, clock)).result.status).toBe('sent');
      for (let i = 0; i < 3; i++) {
        clock.advance(10_000);
        const again = await start(store, otp, clock);
        expect(again.result.status).toBe('sent');
        expect(again.dispatch).toBeDefined();
      }
      clock.advance(10_000);
      const fourth = await start(store, otp, clock);
      expect(fourth).toEqual({ result: { status: 'resend_limit', destination: '+91 98XXXXX210', expiresAt: '2026-11-22T05:35:30.000Z' } });
      // The last code sent still works.
      expect(await check(store, otp, '318275', clock)).toEqual({ status: 'verified' });
    });

    it('after the resend cap, a new challenge once the code expired is still held to 5 codes an hour (issue 14)', async () => {
      const { store } = await open();
      const clock = new Clock();
      const otp = service();
      for (let i = 0; i < 4; i++) expect((await start(store, otp, clock)).result.status).toBe('sent');
      expect((await start(store, otp, clock)).result.status).toBe('resend_limit');
      clock.advance(5 * MIN);
      expect((await start(store, otp, clock)).result.status).toBe('sent');
      // The hour's fifth code is still valid: a resend asks the citizen to use it (the question stays).
      expect((await start(store, otp, clock)).result).toEqual({ status: 'resend_limit', destination: '+91 98XXXXX210', expiresAt: '2026-11-22T05:40:00.000Z' });
      // Once it has expired, the hour's cap says until when.
      clock.advance(5 * MIN);
      expect((await start(store, otp, clock)).result).toEqual({ status: 'send_limit', destination: '+91 98XXXXX210', until: '2026-11-22T06:30:00.000Z' });
    });

    it('a decoy for a number not on file answers like a real challenge, sends nothing and accepts no code (issue 14)', async () => {
      const { store } = await open();
      const clock = new Clock();
      const otp = service(sequence('739146'));
      const OTHER = { via: 'sms' as const, address: '+919876543219' };
      const real = await store.transaction((u) => otp.start(u, 'console:real', MOBILE, 'en', clock.now(), { principalId: 7 }));
      const decoy = await store.transaction((u) => otp.start(u, 'console:decoy', OTHER, 'en', clock.now(), { decoy: true }));
      expect(real.result).toEqual({ status: 'sent', destination: '+91 98XXXXX210', expiresAt: '2026-11-22T05:35:00.000Z' });
      expect(decoy).toEqual({ result: { status: 'sent', destination: '+91 98XXXXX219', expiresAt: '2026-11-22T05:35:00.000Z' } });
      const answers = async (key: string) => {
        const out: ChallengeCheck[] = [];
        for (const c of ['000001', '739146', '000003', '739146']) out.push(await check(store, otp, c, clock, key));
        return out;
      };
      // '739146' is the code the random source hands out: a decoy still refuses it.
      expect(await answers('console:decoy')).toEqual([
        { status: 'wrong', attemptsLeft: 2 },
        { status: 'wrong', attemptsLeft: 1 },
        { status: 'locked', until: '2026-11-22T05:45:00.000Z' },
        { status: 'no_challenge' },
      ]);
      expect((await store.transaction((u) => otp.start(u, 'console:decoy', OTHER, 'en', clock.now(), { decoy: true }))).result).toEqual({ status: 'locked', until: '2026-11-22T05:45:00.000Z' });
      // The decoy's destination is counted like any other: 5 an hour.
      for (let i = 0; i < 4; i++) await store.transaction((u) => otp.start(u, `console:d${i}`, OTHER, 'en', clock.now(), { decoy: true }));
      expect((await store.transaction((u) => otp.start(u, 'console:d9', OTHER, 'en', clock.now(), { decoy: true }))).result.status).toBe('send_limit');
    });

    it('sends a code once, masked in the result, and the right code verifies exactly once', async () => {
      const { store } = await open();
      const clock = new Clock();
      const otp = service();
      const { result, dispatch } = await start(store, otp, clock);
      expect(result).toEqual({ status: 'sent', destination: '+91 98XXXXX210', expiresAt: '2026-11-22T05:35:00.000Z' });
      expect(dispatch).toEqual({ via: 'sms', to: '+919876543210', code: '739146', lang: 'hi', expiresInMinutes: 5 });
      clock.advance(4 * MIN);
      expect(await check(store, otp, '739146', clock)).toEqual({ status: 'verified' });
      expect(await check(store, otp, '739146', clock)).toEqual({ status: 'no_challenge' });
    });

    it('accepts the code with spaces, hyphens or in Devanagari digits', async () => {
      const { store } = await open();
      const clock = new Clock();
      const otp = service();
      await start(store, otp, clock);
      expect(await check(store, otp, '७३९१४६', clock)).toEqual({ status: 'verified' });
      await start(store, otp, clock);
      expect(await check(store, otp, ' 582 047 ', clock)).toEqual({ status: 'verified' });
      await start(store, otp, clock);
      expect(await check(store, otp, '६०४-१९३', clock)).toEqual({ status: 'verified' });
    });

    it('counts wrong codes down, then ends the challenge and locks the conversation out', async () => {
      const { store } = await open();
      const clock = new Clock();
      const otp = service();
      await start(store, otp, clock);
      expect(await check(store, otp, '000000', clock)).toEqual({ status: 'wrong', attemptsLeft: 2 });
      expect(await check(store, otp, '111111', clock)).toEqual({ status: 'wrong', attemptsLeft: 1 });
      expect(await check(store, otp, '222222', clock)).toEqual({ status: 'locked', until: '2026-11-22T05:45:00.000Z' });
      // The challenge is over (the right code no longer helps), and no new code is sent while locked.
      expect(await check(store, otp, '739146', clock)).toEqual({ status: 'no_challenge' });
      expect(await start(store, otp, clock)).toEqual({ result: { status: 'locked', until: '2026-11-22T05:45:00.000Z' } });
      clock.advance(15 * MIN);
      expect(await check(store, otp, '739146', clock)).toEqual({ status: 'no_challenge' });
    });

    it('a code expires after 5 minutes', async () => {
      const { store } = await open();
      const clock = new Clock();
      const otp = service();
      await start(store, otp, clock);
      clock.advance(5 * MIN - 1);
      expect(await check(store, otp, '000000', clock)).toEqual({ status: 'wrong', attemptsLeft: 2 });
      clock.advance(1);
      expect(await check(store, otp, '739146', clock)).toEqual({ status: 'expired' });
      expect(await check(store, otp, '739146', clock)).toEqual({ status: 'no_challenge' });
    });

    it('a new code replaces the old one, and does not reset the count of wrong attempts', async () => {
      const { store } = await open();
      const clock = new Clock();
      const otp = service();
      await start(store, otp, clock);
      expect(await check(store, otp, '000000', clock)).toEqual({ status: 'wrong', attemptsLeft: 2 });
      const again = await start(store, otp, clock);
      expect(again.dispatch?.code).toBe('582047');
      expect(await check(store, otp, '739146', clock)).toEqual({ status: 'wrong', attemptsLeft: 1 });
      expect(await check(store, otp, '582047', clock)).toEqual({ status: 'verified' });
    });

    it('lock-outs escalate from 15 minutes to 1 hour to 24 hours, and are forgotten a day after the last', async () => {
      const { store } = await open();
      const clock = new Clock();
      const otp = service(sequence('739146'));
      const lockOut = async () => {
        const started = await start(store, otp, clock);
        expect(started.result.status).toBe('sent');
        for (const wrong of ['000001', '000002']) expect((await check(store, otp, wrong, clock)).status).toBe('wrong');
        const locked = await check(store, otp, '000003', clock);
        if (locked.status !== 'locked') throw new Error(`expected locked, got ${locked.status}`);
        return Date.parse(locked.until) - clock.now().getTime();
      };
      expect(await lockOut()).toBe(15 * MIN);
      clock.advance(15 * MIN);
      expect(await lockOut()).toBe(60 * MIN);
      clock.advance(60 * MIN - 1);
      expect((await start(store, otp, clock)).result.status).toBe('locked');
      clock.advance(1);
      expect(await lockOut()).toBe(24 * 60 * MIN);
      clock.advance(24 * 60 * MIN);
      expect(await lockOut()).toBe(24 * 60 * MIN); // the count is still remembered
      // A day after that lock-out ends, the count is forgotten: back to 15 minutes.
      clock.advance(48 * 60 * MIN);
      expect(await lockOut()).toBe(15 * MIN);
    });

    it('a right code clears the lock-out count', async () => {
      const { store } = await open();
      const clock = new Clock();
      const otp = service(sequence('739146'));
      await start(store, otp, clock);
      for (const wrong of ['1', '2', '3']) await check(store, otp, wrong, clock);
      clock.advance(15 * MIN);
      await start(store, otp, clock);
      expect(await check(store, otp, '739146', clock)).toEqual({ status: 'verified' });
      await start(store, otp, clock);
      for (const wrong of ['1', '2']) await check(store, otp, wrong, clock);
      expect(await check(store, otp, '3', clock)).toEqual({ status: 'locked', until: new Date(clock.now().getTime() + 15 * MIN).toISOString() });
    });

    it('a code is bound to its conversation', async () => {
      const { store } = await open();
      const clock = new Clock();
      const otp = service(sequence('739146', '582047'));
      await start(store, otp, clock, 'console:a');
      await start(store, otp, clock, 'console:b');
      expect(await check(store, otp, '582047', clock, 'console:a')).toEqual({ status: 'wrong', attemptsLeft: 2 });
      // Same number: the wrong code in the other conversation counts for that conversation only.
      expect(await check(store, otp, '739146', clock, 'console:b')).toEqual({ status: 'wrong', attemptsLeft: 2 });
      expect(await check(store, otp, '739146', clock, 'console:a')).toEqual({ status: 'verified' });
      expect(await check(store, otp, '582047', clock, 'console:b')).toEqual({ status: 'verified' });
      expect(await check(store, otp, '739146', clock, 'console:c')).toEqual({ status: 'no_challenge' });
    });

    it('a challenge started in a unit of work that rolls back leaves nothing', async () => {
      const { store } = await open();
      const clock = new Clock();
      const otp = service();
      await expect(store.transaction(async (u) => {
        await otp.start(u, KEY, MOBILE, 'en', clock.now());
        throw new Error('engine failed');
      })).rejects.toThrow('engine failed');
      expect(await check(store, otp, '739146', clock)).toEqual({ status: 'no_challenge' });
    });

    it('another secret (another process without OTP_SECRET) does not accept the code', async () => {
      const { store } = await open();
      const clock = new Clock();
      await start(store, service(), clock);
      const other = new OtpService({ secret: 'another-secret-of-at-least-32-characters', random: sequence('739146') });
      expect(await check(store, other, '739146', clock)).toEqual({ status: 'wrong', attemptsLeft: 2 });
    });
  });
}

describe('OtpService and the SQLite file', () => {
  const open = useStores(sqliteBackend);

  it('the database never contains the code, only its HMAC', async () => {
    const { store } = await open();
    const sqlite = store as SqliteStore;
    const file = sqlite.connection.name;
    const clock = new Clock();
    const otp = service(sequence('739146', '582047'));
    const bytes = () => Buffer.concat([file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));

    const { dispatch } = await start(store, otp, clock);
    expect(dispatch?.code).toBe('739146');
    expect(await check(store, otp, '000000', clock)).toEqual({ status: 'wrong', attemptsLeft: 2 });
    await start(store, otp, clock);
    const stored = sqlite.connection.prepare(`select value from keyv where key like '%otp:challenge:%'`).all() as Array<{ value: string }>;
    expect(stored).toHaveLength(1);
    expect(stored[0]!.value).toMatch(/"hash":"[A-Za-z0-9_-]{43}"/);
    for (const code of ['739146', '582047']) {
      expect(bytes().includes(Buffer.from(code)), `code ${code} in the file`).toBe(false);
      expect(stored[0]!.value).not.toContain(code);
    }
    expect(await check(store, otp, '582047', clock)).toEqual({ status: 'verified' });
    expect(bytes().includes(Buffer.from('582047'))).toBe(false);
  });
});
