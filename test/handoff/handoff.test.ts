import { afterEach, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/audit/audit-log.ts';
import type { Officer } from '../../src/desk/accounts.ts';
import { ERROR_CODES } from '../../src/errors.ts';
import { addOfficer, auditRows, inbox } from '../helpers/desk.ts';
import { FakeClock, startHarness, texts, type Harness } from '../helpers/harness.ts';

/** Mon 23 Nov 2026, 11:00 IST: office hours. */
const START = '2026-11-23T05:30:00.000Z';
const MINUTE = 60_000;

const QUEUED_EN = 'Your request to speak to an officer has been recorded.';
const QUEUED_HI = 'अधिकारी से बात करने का आपका अनुरोध दर्ज कर लिया गया है।';
const RELEASED_EN = 'The officer has left this chat. You are back with the assistant: type menu to see what you can do.';
const RELEASED_HI = 'अधिकारी इस चैट से चले गए हैं। अब आप फिर से सहायक से बात कर रहे हैं';
const BUSY_EN = 'All our officers are busy at the moment.';
const MENU_EN = 'How may I help you today?';
const MENU_HI = 'बताइए, मैं आपकी क्या सहायता करूँ?';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(): Promise<Harness> {
  h = await startHarness({ clock: new FakeClock(START) });
  return h;
}

/** A citizen who chose a language and consented, and now sits at the main menu. */
async function citizen(h: Harness, user: string, lang: 'en' | 'hi'): Promise<void> {
  await h.say('hello', { user });
  await h.say(lang === 'en' ? '2' : '1', { user });
  const menu = texts(await h.say(lang === 'en' ? 'yes' : 'हाँ', { user }));
  expect(menu).toContain(lang === 'en' ? MENU_EN : MENU_HI);
}

const rejectsWith = (p: Promise<unknown>, code: string) => expect(p).rejects.toMatchObject({ name: 'AppError', code });

/** The conversation's open hand-off rows (waiting or taken). */
async function openOf(h: Harness, user: string) {
  return (await h.app.handoffs.open()).filter((r) => r.conversation_key === `console:${user}`);
}

async function chatIdOf(h: Harness, user: string): Promise<number> {
  const [row, ...more] = await openOf(h, user);
  expect(more).toEqual([]);
  if (!row) throw new Error(`no open hand-off for ${user}`);
  return row.id;
}

describe('live hand-off', () => {
  it('masks a number the citizen splits over two messages while an officer holds the chat', async () => {
    const h = await start();
    await citizen(h, 'asha', 'en');
    const meena = await addOfficer(h.app, 'officer', 'Meena');
    await h.say('officer', { user: 'asha' });
    const id = await chatIdOf(h, 'asha');
    await h.app.desk.takeChat(meena, id);
    const seenBefore = (await h.app.desk.chat(meena, id)).transcript.at(-1)!.id;
    // The assistant writes no session for a relayed message: what the split-number check keeps
    // must still be kept for these.
    await h.say('my aadhaar is 2345 6789', { user: 'asha' });
    await h.say('0124', { user: 'asha' });
    const relayed = await h.app.desk.chatAfter(meena, id, seenBefore);
    expect(relayed.rows.map((r) => [r.direction, r.text])).toEqual([['in', 'my aadhaar is XXXX XXXX'], ['in', 'XXXX XXXX 0124']]);
  });

  it('queues the request once in either language, and lists it for the officers', async () => {
    const h = await start();
    await citizen(h, 'asha', 'en');
    await citizen(h, 'ravi', 'hi');
    const officer = await addOfficer(h.app, 'officer', 'Meena');

    const en = texts(await h.say('officer', { user: 'asha' }));
    expect(en).toContain(QUEUED_EN);
    const hi = texts(await h.say('अधिकारी', { user: 'ravi' }));
    expect(hi).toContain(QUEUED_HI);
    // Asking again is answered, but queues nothing more.
    expect(texts(await h.say('officer', { user: 'asha' }))).toContain(QUEUED_EN);
    expect(texts(await h.say('अधिकारी', { user: 'ravi' }))).toContain(QUEUED_HI);

    expect((await openOf(h, 'asha')).map((r) => [r.status, r.language, r.reason])).toEqual([['waiting', 'en', 'citizen_asked']]);
    expect((await openOf(h, 'ravi')).map((r) => [r.status, r.language, r.reason])).toEqual([['waiting', 'hi', 'citizen_asked']]);
    const chats = await h.app.desk.chats(officer);
    expect(chats.map((c) => [c.id, c.status, c.language, c.officer])).toEqual([
      [await chatIdOf(h, 'asha'), 'waiting', 'en', null],
      [await chatIdOf(h, 'ravi'), 'waiting', 'hi', null],
    ]);
    expect((await h.app.desk.queue(officer, { kind: '', status: '', channel: '', language: '', assignee: 'any', page: 1 })).waitingChats).toBe(2);
  });

  it('an officer takes the chat: the assistant stays quiet, the officer and the citizen talk, and release hands it back', async () => {
    const h = await start();
    await citizen(h, 'asha', 'en');
    const meena = await addOfficer(h.app, 'officer', 'Meena');
    const other = await addOfficer(h.app, 'officer', 'Kiran');
    await h.say('officer', { user: 'asha' });
    const id = await chatIdOf(h, 'asha');
    await rejectsWith(h.app.desk.sayInChat(meena, id, 'Hello?'), ERROR_CODES.HANDOFF_STATE);

    const keys: string[] = [];
    const unsubscribe = h.app.live.subscribe((k) => keys.push(k));

    const taken = await h.app.desk.takeChat(meena, id);
    expect([taken.status, taken.officer_id]).toEqual(['taken', meena.id]);
    expect(await inbox(h, 'asha')).toEqual(['Meena, an officer of Jal Board, has joined this chat. Please write your question; the officer will reply here.']);
    expect(keys).toContain('console:asha');
    await rejectsWith(h.app.desk.takeChat(other, id), ERROR_CODES.HANDOFF_STATE);
    await rejectsWith(h.app.desk.sayInChat(other, id, 'I can help too.'), ERROR_CODES.HANDOFF_STATE);
    await rejectsWith(h.app.desk.releaseChat(other, id), ERROR_CODES.HANDOFF_STATE);
    expect((await h.app.desk.chats(other)).map((c) => [c.status, c.officer?.name])).toEqual([['taken', 'Meena']]);

    // The citizen's message goes to the officer, not to the assistant (even a command word).
    const seenBefore = (await h.app.desk.chat(meena, id)).transcript.at(-1)!.id;
    keys.length = 0;
    expect(await h.say('My bill for October is wrong.', { user: 'asha' })).toEqual([]);
    expect(await h.say('menu', { user: 'asha' })).toEqual([]);
    expect(keys.filter((k) => k === 'console:asha')).toHaveLength(2);
    const relayed = await h.app.desk.chatAfter(meena, id, seenBefore);
    expect(relayed.rows.map((r) => [r.direction, r.text])).toEqual([['in', 'My bill for October is wrong.'], ['in', 'menu']]);
    expect([relayed.status, relayed.officerId]).toEqual(['taken', meena.id]);

    keys.length = 0;
    await h.app.desk.sayInChat(meena, id, '  I am checking your October bill now.  ');
    expect(await inbox(h, 'asha')).toEqual(['I am checking your October bill now.']);
    expect(keys).toEqual(['console:asha']);
    const after = await h.app.desk.chatAfter(meena, id, relayed.rows.at(-1)!.id);
    expect(after.rows.map((r) => [r.direction, r.text])).toEqual([['out', 'I am checking your October bill now.']]);
    await rejectsWith(h.app.desk.sayInChat(meena, id, '   '), ERROR_CODES.DESK_INPUT);
    await rejectsWith(h.app.desk.sayInChat(meena, id, 'x'.repeat(4001)), ERROR_CODES.DESK_INPUT);

    // Identifiers the officer types are masked like any transcript text.
    await h.app.desk.sayInChat(meena, id, 'Is your Aadhaar 7391 8264 0512?');
    expect(await inbox(h, 'asha')).toEqual(['Is your Aadhaar XXXX XXXX 0512?']);

    await h.app.desk.releaseChat(meena, id);
    expect(await inbox(h, 'asha')).toEqual([RELEASED_EN]);
    expect(await h.app.handoffs.open()).toEqual([]);
    await rejectsWith(h.app.desk.sayInChat(meena, id, 'Still there?'), ERROR_CODES.HANDOFF_STATE);
    await rejectsWith(h.app.desk.releaseChat(meena, id), ERROR_CODES.HANDOFF_STATE);
    // A closed chat is no longer the colleague's to see at all (issue 14: closed chats are read by
    // who held them, the admin, or those who may see the conversation's tickets).
    await rejectsWith(h.app.desk.takeChat(other, id), ERROR_CODES.DESK_FORBIDDEN);

    // Back with the assistant.
    expect(texts(await h.say('menu', { user: 'asha' }))).toContain(MENU_EN);
    unsubscribe();

    // What was said is in the audit log by who did it, but not the words.
    expect(await verifyAudit(h.app.store)).toMatchObject({ ok: true });
    const rows = (await auditRows(h.app)).filter((r) => r.subject === `handoff:${id}`);
    expect(rows.map((r) => [r.actor, r.action])).toEqual([
      [`officer:${meena.id}`, 'handoff.take'],
      [`officer:${meena.id}`, 'conversation.view'],
      [`officer:${meena.id}`, 'handoff.message'],
      [`officer:${meena.id}`, 'handoff.message'],
      [`officer:${meena.id}`, 'handoff.release'],
    ]);
    expect(rows.map((r) => r.detail).join('\n')).not.toMatch(/October|Aadhaar|7391/);
  });

  it('speaks Hindi to a Hindi-speaking citizen when an officer joins and leaves', async () => {
    const h = await start();
    await citizen(h, 'ravi', 'hi');
    const meena = await addOfficer(h.app, 'officer', 'Meena');
    await h.say('अधिकारी', { user: 'ravi' });
    const id = await chatIdOf(h, 'ravi');
    await h.app.desk.takeChat(meena, id);
    expect(await inbox(h, 'ravi')).toEqual(['जल बोर्ड के अधिकारी Meena इस चैट से जुड़ गए हैं। कृपया अपनी बात लिखें; अधिकारी यहीं उत्तर देंगे।']);
    expect(await h.say('मेरा बिल गलत है', { user: 'ravi' })).toEqual([]);
    await h.app.desk.sayInChat(meena, id, 'मैं देख रही हूँ।');
    expect(await inbox(h, 'ravi')).toEqual(['मैं देख रही हूँ।']);
    await h.app.desk.releaseChat(meena, id);
    const back = await inbox(h, 'ravi');
    expect(back).toHaveLength(1);
    expect(back[0]).toContain(RELEASED_HI);
    expect(texts(await h.say('मेनू', { user: 'ravi' }))).toContain(MENU_HI);
  });

  it('a waiting request can be ended by an officer without taking it', async () => {
    const h = await start();
    await citizen(h, 'asha', 'en');
    const meena = await addOfficer(h.app, 'officer', 'Meena');
    await h.say('officer', { user: 'asha' });
    const id = await chatIdOf(h, 'asha');
    await h.app.desk.releaseChat(meena, id);
    expect(await inbox(h, 'asha')).toEqual([RELEASED_EN]);
    expect(await openOf(h, 'asha')).toEqual([]);
    expect(texts(await h.say('menu', { user: 'asha' }))).toContain(MENU_EN);
    // A new request opens a new chat.
    await h.say('officer', { user: 'asha' });
    expect(await chatIdOf(h, 'asha')).not.toBe(id);
  });

  it('tells a citizen who has waited past the limit that officers are busy, once; not one whose chat was taken', async () => {
    const h = await start();
    await citizen(h, 'asha', 'en');
    await citizen(h, 'ravi', 'en');
    const meena = await addOfficer(h.app, 'officer', 'Meena');
    await h.say('officer', { user: 'asha' });
    await h.say('officer', { user: 'ravi' });
    await h.app.desk.takeChat(meena, await chatIdOf(h, 'ravi'));
    await inbox(h);

    // Within the ten minutes: nothing yet.
    h.clock.advance(8 * MINUTE);
    expect((await h.app.scheduler.sweep()).jobs['handoff timeouts']).toBe(0);
    expect(await inbox(h)).toEqual([]);

    h.clock.advance(3 * MINUTE);
    const told = h.clock.now().toISOString();
    const keys: string[] = [];
    const unsubscribe = h.app.live.subscribe((k) => keys.push(k));
    expect((await h.app.scheduler.sweep()).jobs['handoff timeouts']).toBe(1);
    unsubscribe();
    expect(keys).toEqual(['console:asha']);
    await h.app.sender.drain('console');
    const sent = h.adapter.sent.splice(0);
    expect(sent.map((s) => s.to)).toEqual(['asha']);
    expect(sent[0]!.message.text).toContain(BUSY_EN);

    expect((await h.app.scheduler.sweep()).jobs['handoff timeouts']).toBe(0);
    h.clock.advance(60 * MINUTE);
    expect((await h.app.scheduler.sweep()).jobs['handoff timeouts']).toBe(0);
    expect(await inbox(h)).toEqual([]);

    // Still in the queue: an officer can take it later.
    const [waiting] = await openOf(h, 'asha');
    expect(waiting!.status).toBe('waiting');
    expect(waiting!.timeout_notified_at).toBe(told);
    await h.app.desk.takeChat(meena, waiting!.id);
    expect((await inbox(h, 'asha')).join('\n')).toContain('Meena, an officer of Jal Board, has joined this chat.');
  });
});
