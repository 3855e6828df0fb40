import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { guardianQueries } from '../../src/consent/guardians.ts';
import { FakeClock, startHarness, tempDataDir, TEST_CODE, TEST_PROFILE, type Harness } from '../helpers/harness.ts';

/** DPDP s.9, Rules 10–11: a child's consent comes from a parent or guardian verified as an adult on file. */
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function childrenProfile(): string {
  const file = path.join(tempDataDir(), 'profile.yaml');
  fs.writeFileSync(file, `${fs.readFileSync(TEST_PROFILE, 'utf8')}\nlaw:\n  children:\n    possible: true\n`);
  return file;
}

async function start(): Promise<Harness> {
  h = await startHarness({ clock: new FakeClock('2026-12-07T04:30:00.000Z'), env: { PROFILE_FILE: childrenProfile() } });
  await h.app.store.transaction((u) =>
    u.principals.upsert({ external_ref: 'CUST-PARENT', name: 'Sunita Devi', mobile: '+919876543210', email: null, source: 'csv', updated_at: '2026-11-01T00:00:00.000Z' }));
  return h;
}
const say = async (h: Harness, t: string) => (await h.say(t)).map((m) => m.text).join('\n');

const SCRIPTS = {
  en: { start: ['hi', '2', 'yes'], yes: 'yes', grievance: ['1', '1', 'The streetlight outside our school has been off for a week.', '3', 'yes'] },
  hi: { start: ['नमस्ते', '१', 'हाँ'], yes: 'हाँ', grievance: ['१', '१', 'हमारे स्कूल के बाहर की स्ट्रीटलाइट एक सप्ताह से बंद है।', '३', 'हाँ'] },
} as const;

describe('a child and a parent or guardian', () => {
  it.each(['en', 'hi'] as const)('asks whether the person is a minor, takes the consent from a verified parent, records who for whom, marks the ticket (%s)', async (lang) => {
    const h = await start();
    const s = SCRIPTS[lang];
    const tr = h.app.content.translator;
    let said = '';
    for (const t of s.start) said = await say(h, t);
    expect(said).toContain(tr.t(lang, 'law:children.ask'));
    said = await say(h, s.yes);
    expect(said).toContain(tr.t(lang, 'law:guardian.intro'));
    expect(said).toContain(tr.t(lang, 'law:guardian.ask_mobile'));
    said = await say(h, '98765 43210');
    expect(h.codes.map((c) => c.to)).toEqual(['+919876543210']);
    said = await say(h, TEST_CODE);
    expect(said).toContain(tr.t(lang, 'law:guardian.recorded'));

    const ledger = await h.app.store.transaction((u) => u.consent.of('console:citizen-1'));
    expect(ledger.map((c) => c.action)).toEqual(['given']);
    const parent = (await h.app.store.transaction((u) => u.principals.byMobile('+919876543210')))[0]!;
    const guardians = await h.app.store.transaction((u) => u.exec.all(guardianQueries(u.dialect).of, { conversation_key: 'console:citizen-1' }));
    expect(guardians).toMatchObject([{ guardian_principal_id: parent.id, method: 'otp', notice_version: '2026-12', at: ledger[0]!.at }]);
    // The parent's verification proves the parent, not the child: it is not left on the child's session.
    const session = await h.app.store.transaction((u) => u.sessions.get<{ consent: { minor?: boolean }; verified?: unknown }>('console:citizen-1'));
    expect(session!.state.consent).toMatchObject({ minor: true });
    expect(session!.state.verified ?? null).toBeNull();

    for (const t of s.grievance) await say(h, t);
    const tickets = await h.app.store.transaction((u) => u.tickets.list(10));
    expect(tickets).toHaveLength(1);
    expect(JSON.parse(tickets[0]!.fields)).toMatchObject({ minor: true });
    expect(JSON.parse(tickets[0]!.fields)).not.toHaveProperty('principal_id');
    const audit = await h.app.store.transaction((u) => u.audit.after(0, 100));
    expect(audit.filter((r) => r.action === 'consent.guardian')).toHaveLength(1);
  });

  it('without a parent on file there is no consent and nothing is taken', async () => {
    const h = await start();
    for (const t of [...SCRIPTS.en.start, 'yes']) await say(h, t);
    const said = await say(h, '91234 56780');
    expect(said).toContain(h.app.content.translator.t('en', 'law:guardian.not_on_file'));
    expect(said).toContain('Without the verified consent of a parent or lawful guardian');
    expect(h.codes).toEqual([]);
    expect(await h.app.store.transaction((u) => u.consent.of('console:citizen-1'))).toEqual([]);
    // What the child types next meets the notice again, not a request form.
    expect(await say(h, 'The streetlight outside our school has been off for a week.')).toContain('Before we begin');
    expect(await h.app.store.transaction((u) => u.tickets.list(10))).toEqual([]);
  });

  it('an adult answers no and consents as before; where the profile does not allow children, nobody is asked', async () => {
    const h = await start();
    for (const t of SCRIPTS.en.start) await say(h, t);
    expect(await say(h, 'no')).toContain('Thank you. Your consent has been recorded.');
    await h.close();
    const plain = await startHarness();
    try {
      let said = '';
      for (const t of SCRIPTS.en.start) said = await say(plain, t);
      expect(said).toContain('Thank you. Your consent has been recorded.');
      expect(said).not.toContain('under 18');
    } finally {
      await plain.close();
    }
  });
});
