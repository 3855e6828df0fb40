import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ownDataQueries } from '../../src/citizen-data/queries.ts';
import { SESSION_VERSION, type SessionState } from '../../src/engine/session.ts';
import { featureQueries } from '../../src/storage/feature-queries.ts';
import { prepare } from '../../src/storage/prepared.ts';
import { auditRows } from '../helpers/desk.ts';
import { startHarness, TEST_PROFILE, tempDataDir, texts, type Harness } from '../helpers/harness.ts';

const KEY = 'console:citizen-1';
const AT = '2026-11-22T05:30:00.000Z';
const raw = featureQueries((db) => ({
  events: prepare<{ ticket_id: number }, { kind: string; data: string }>((p) => db.selectFrom('ticket_events').select(['kind', 'data']).where('ticket_id', '=', p.ticket_id).orderBy('id')),
  processed: prepare<Record<string, never>, { message_id: string }>(() => db.selectFrom('processed_messages').select('message_id')),
  hold: prepare<{ at: string }, never>((p) => db.insertInto('legal_holds').values({ conversation_key: KEY, ticket_number: null, reason: 'court order', set_by: 'officer:1', set_at: p.at })),
  board: prepare<{ number: string; at: string }, never>((p) => db.updateTable('tickets').set({ board_notified_at: p.at }).where('number', '=', p.number)),
}));

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A message from a channel that vouches the sender owns the chat (as WhatsApp does for every message). */
async function sayAttested(text: string): Promise<string> {
  await h!.app.router.handle({
    channel: 'console', conversationId: 'citizen-1', senderId: 'citizen-1', messageId: `a-${h!.clock.now().getTime()}`, text, at: h!.clock.now(),
    attested: { phone: '+919800000001', method: 'whatsapp_sender' },
  });
  await h!.app.sender.drain('console');
  h!.clock.advance(1000);
  return texts(h!.adapter.take());
}

/** A closed grievance with a reply to an officer's question, a rating, an ended and an active nominee, a verification. */
async function history(): Promise<void> {
  for (const line of ['hi', '2', 'yes', '1', '3', 'Charged twice for October; call me on 9876543210.', '3', 'yes']) await h!.say(line);
  const now = () => h!.clock.now();
  await h!.app.store.transaction((u) => h!.app.tickets.transition(u, 'GRV-2026-000001', 'awaiting_citizen', { actor: 'officer-1', reason: 'Which account number?', now: now() }));
  await h!.say('Account 4471, in my mother’s name.');
  await h!.app.store.transaction((u) => h!.app.tickets.transition(u, 'GRV-2026-000001', 'resolved', { actor: 'officer-1', reason: 'Refunded.', now: now() }));
  for (const line of ['yes', '4', 'Fine.']) await h!.say(line);
  await h!.app.store.transaction(async (u) => {
    const nomination = { conversation_key: KEY, principal_id: null, relation: 'spouse', contact: '+919123456780', ticket_number: null, created_at: AT, updated_at: AT };
    await u.nominations.add({ ...nomination, nominee_name: 'Old Nominee', status: 'removed' });
    await u.nominations.add({ ...nomination, nominee_name: 'Current Nominee', status: 'active' });
    await u.verifications.add({ conversation_key: KEY, principal_id: 1, level: 'otp', method: 'sms', at: AT, detail: '{}' });
  });
}

const state = () => h!.app.store.transaction(async (uow) => {
  const q = ownDataQueries(uow.dialect);
  const t = (await uow.tickets.byNumber('GRV-2026-000001'))!;
  return {
    transcript: await uow.transcripts.of(KEY),
    verifications: await uow.verifications.of(KEY),
    nominations: (await uow.nominations.of(KEY)).map((n) => `${n.nominee_name}:${n.status}`),
    ratings: await uow.exec.all(q.ratingsOf, { conversation_key: KEY }),
    consent: await uow.consent.of(KEY),
    ticket: t,
    fields: JSON.parse(t.fields) as Record<string, unknown>,
    events: await uow.exec.all(raw(uow.dialect).events, { ticket_id: t.id }),
    processed: (await uow.exec.all(raw(uow.dialect).processed, {})).length,
    session: (await uow.sessions.get<SessionState>(KEY))!,
  };
});

describe('erasing the citizen’s own data', () => {
  it('with nothing open: erases the chat, checks, ratings, ended nominees, finished tickets’ details and the session’s answers; keeps the statutory records', async () => {
    h = await startHarness();
    await history();
    const before = await state();
    expect(before.events.some((e) => e.kind === 'citizen_reply' && e.data.includes('4471'))).toBe(true);

    const intro = await sayAttested('my data');
    expect(intro).toContain('What would you like to do?');
    const plan = await sayAttested('2');
    expect(plan).toContain('Erased now:');
    expect(plan).toContain('your ratings and comments (1)');
    expect(plan).toContain('nominees you have already removed (1)');
    const done = await sayAttested('yes');
    expect(done).toContain('Done. Erased just now:');
    expect(done).toContain('• ratings: 1\n• nominees already removed: 1\n• finished tickets whose details were erased: 1');
    expect(done).toContain('How may I help you today?');

    const after = await state();
    // The chat from the erasure on: what it erased and kept, and the menu.
    expect(after.transcript.map((r) => r.text)).toEqual([expect.stringContaining('Done. Erased just now:'), expect.stringContaining('Kept, as the law requires'), expect.stringContaining('How may I help you today?')]);
    expect(after.verifications).toEqual([]);
    expect(after.ratings).toEqual([]);
    expect(after.nominations).toEqual(['Current Nominee:active']);
    expect(after.fields).toEqual({ category: 'billing', erased_at: expect.any(String) as string });
    expect(after.events.filter((e) => e.kind === 'citizen_reply').map((e) => e.data)).toEqual(['{"erased":true}']);
    expect(JSON.stringify(after.events)).not.toContain('4471');
    // Kept: the consent ledger, the ticket's statutory record and history, the processed-message log.
    expect(after.consent).toEqual(before.consent);
    expect(after.ticket).toMatchObject({ number: 'GRV-2026-000001', status: 'closed', created_at: before.ticket.created_at, resolved_at: before.ticket.resolved_at });
    expect(after.events.length).toBe(before.events.length);
    expect(after.processed).toBeGreaterThan(before.processed);
    // The session: no collected answers, no identity check; language and consent stay.
    expect(after.session.v).toBe(SESSION_VERSION);
    expect(after.session.state.vars).toEqual({});
    expect(after.session.state.verified ?? null).toBeNull();
    expect(after.session.state).toMatchObject({ lang: 'en', consent: { version: '2026-12' }, status: 'waiting', at: { flow: 'main', step: 'menu' } });

    const audit = (await auditRows(h.app)).filter((r) => r.action === 'own_data.erase');
    expect(audit.map((r) => [r.actor, r.subject])).toEqual([['citizen', `conversation:${KEY}`]]);
    const detail = JSON.parse(audit[0]!.detail) as { erased: Record<string, number>; kept: string[]; identity: string };
    expect(detail.kept).toEqual([]);
    expect(detail.identity).toBe('channel');
    expect(detail.erased).toEqual({ messages: before.transcript.length + 6, verifications: 2, ratings: 1, nominations: 1, tickets: 1, links: 0 });
    expect(audit[0]!.detail).not.toMatch(/Nominee|4471|Charged/);
  });

  it('with an appeal under way: the chat and checks stay, ratings and ended nominees go, and the reason is named', async () => {
    h = await startHarness();
    await history();
    await h.app.store.transaction((u) => h!.app.tickets.transition(u, 'GRV-2026-000001', 'appealed', { actor: 'citizen', reason: 'appeal', now: h!.clock.now() }));
    await sayAttested('my data');
    expect(await sayAttested('2')).toContain('because:\n• an appeal of yours is being examined\n\nErased now:');
    const done = await sayAttested('yes');
    expect(done).toContain('Kept for now, because:\n• an appeal of yours is being examined\n');
    const after = await state();
    expect(after.transcript.length).toBeGreaterThan(20);
    expect(after.verifications.length).toBe(2);
    expect(after.ratings).toEqual([]);
    expect(after.nominations).toEqual(['Current Nominee:active']);
    // The appealed ticket is open again: its details are the officer's to answer.
    expect(after.fields).toMatchObject({ description: expect.stringContaining('Charged twice') as string });
  });

  it('with a Board case or a legal hold: the records stay as they are, and every reason is named', async () => {
    h = await startHarness();
    await history();
    await h.app.store.transaction(async (u) => {
      await u.exec.run(raw(u.dialect).board, { number: 'GRV-2026-000001', at: h!.clock.now().toISOString() });
      await u.exec.run(raw(u.dialect).hold, { at: h!.clock.now().toISOString() });
    });
    const before = await state();
    await sayAttested('my data');
    const plan = await sayAttested('2');
    expect(plan).toContain('must be kept as they are for now, because:\n• a case about one of your tickets may be before the Data Protection Board\n• they must be preserved under a legal obligation (a legal hold)\n\n');
    await sayAttested('yes');
    const after = await state();
    expect(after.transcript.length).toBe(before.transcript.length + 9);
    expect(after.verifications.length).toBe(before.verifications.length + 1);
    expect(after.ratings.length).toBe(1);
    expect(after.nominations).toEqual(before.nominations);
    expect(after.fields).toEqual(before.fields);
    const audit = (await auditRows(h.app)).filter((r) => r.action === 'own_data.erase');
    expect(JSON.parse(audit[0]!.detail)).toEqual({ erased: { messages: 0, verifications: 0, ratings: 0, nominations: 0, tickets: 0, links: 0 }, kept: ['board_case', 'legal_hold'], identity: 'channel' });
  });

  it('a Board notice older than retention.boardCaseMonths no longer protects the chat', async () => {
    h = await startHarness();
    await history();
    await h.app.store.transaction((u) => u.exec.run(raw(u.dialect).board, { number: 'GRV-2026-000001', at: '2024-01-01T00:00:00.000Z' }));
    await sayAttested('my data');
    expect(await sayAttested('2')).toContain('Erasing your data in this chat means:');
  });

  it('“no” erases nothing', async () => {
    h = await startHarness();
    await history();
    const before = await state();
    await sayAttested('my data');
    await sayAttested('2');
    expect(await sayAttested('no')).toContain('All right, nothing has been erased.');
    const after = await state();
    expect(after.ratings.length).toBe(1);
    expect(after.transcript.length).toBe(before.transcript.length + 8);
    expect((await auditRows(h.app)).filter((r) => r.action === 'own_data.erase')).toEqual([]);
  });
});

describe('identity for the citizen’s own data', () => {
  it('the channel’s word that the sender owns the chat is enough by default, with no principal on file, and is recorded', async () => {
    h = await startHarness();
    for (const line of ['hi', '2', 'yes']) await h.say(line);
    expect(await sayAttested('my data')).toContain('What would you like to do?');
    const checks = await h.app.store.transaction((u) => u.verifications.of(KEY));
    expect(checks.map((c) => [c.level, c.method, c.principal_id])).toEqual([['channel', 'whatsapp_sender', null]]);
    // Without the channel's word (the console), a one-time code to the number on file is asked for.
    expect(texts(await h.say('my data'))).toContain('we must first confirm that you are the person in our records');
  });

  it('a profile that asks for a one-time code (verification.own_data: otp) does not take the channel’s word', async () => {
    const profile = path.join(tempDataDir(), 'profile.yaml');
    fs.writeFileSync(profile, `${fs.readFileSync(TEST_PROFILE, 'utf8')}\nverification:\n  own_data: otp\n`);
    h = await startHarness({ env: { PROFILE_FILE: profile } });
    expect(h.app.content.profile.verification).toMatchObject({ own_data: 'otp', access: 'otp', withdraw_consent: 'channel' });
    for (const line of ['hi', '2', 'yes']) await h.say(line);
    expect(await sayAttested('my data')).toContain('Which of your details do we have on file?');
  });

  it('with own_data: none, anyone in the chat is asked straight away', async () => {
    const profile = path.join(tempDataDir(), 'profile.yaml');
    fs.writeFileSync(profile, `${fs.readFileSync(TEST_PROFILE, 'utf8')}\nverification:\n  own_data: none\n`);
    h = await startHarness({ env: { PROFILE_FILE: profile } });
    for (const line of ['hi', '2', 'yes']) await h.say(line);
    expect(texts(await h.say('मेरा डेटा'))).toContain('What would you like to do?');
    expect(texts(await h.say('3'))).toContain('How may I help you today?');
  });
});

describe('session answers after an erasure', () => {
  it('a session stored before (version and rev) is replaced by one without answers', async () => {
    h = await startHarness();
    await history();
    await sayAttested('my data');
    await sayAttested('2');
    const rev = (await state()).session.rev;
    await sayAttested('yes');
    const s = (await state()).session;
    expect(s.rev).toBe(rev + 1);
    expect(Object.keys(s.state.vars)).toEqual([]);
    expect(s.state.stack).toEqual([]);
  });
});

describe('without a desk to serve links', () => {
  it('(DESK_PORT=0) a copy cannot be sent, and the citizen is told whom to contact; nothing is stored', async () => {
    h = await startHarness({ env: { DESK_PORT: '0' } });
    for (const line of ['hi', '2', 'yes']) await h.say(line);
    await sayAttested('my data');
    const said = await sayAttested('1');
    expect(said).toContain('Sorry, this cannot be done from the chat at the moment. Please contact our Data Protection Officer: dpo@example.org');
    expect(said).not.toContain('/my-data/');
    const links = await h.app.store.transaction((u) => u.exec.all(ownDataQueries(u.dialect).liveExports, { conversation_key: KEY, now: AT }));
    expect(links).toEqual([{ n: 0 }]);
  });
});
