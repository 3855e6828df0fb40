import { afterEach, describe, expect, it } from 'vitest';
import { nextDigestAt } from '../../src/notify/kinds.ts';
import { OfficerNotifier } from '../../src/notify/notifier.ts';
import { addOfficer, fileGrievance } from '../helpers/desk.ts';
import { FakeClock, startHarness, type Harness } from '../helpers/harness.ts';
import { startMailServer } from './mail-server.ts';

/** Mon 23 Nov 2026, 11:00 IST. */
const START = '2026-11-23T05:30:00.000Z';
const MINUTE = 60_000;
const DESK = 'https://desk.example.in';
const DESCRIPTION = 'No water in Sector 4 since Friday morning, call me on 9876543210.';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup() {
  const mail = await startMailServer();
  cleanups.push(mail.close);
  const h: Harness = await startHarness({
    clock: new FakeClock(START),
    env: { SMTP_URL: mail.url, SMTP_FROM: 'Nivaran <no-reply@example.in>', DESK_PUBLIC_URL: DESK },
  });
  cleanups.push(() => h.close());
  return { h, mail };
}

function rows(h: Harness, sql: string): Array<Record<string, unknown>> {
  const store = h.app.store as unknown as { connection: { prepare(s: string): { all(): unknown[]; run(): unknown; reader: boolean } } };
  const st = store.connection.prepare(sql);
  if (!st.reader) {
    st.run();
    return [];
  }
  return st.all() as Array<Record<string, unknown>>;
}

describe('nextDigestAt', () => {
  it('is the next HH:MM in IST, tomorrow once today’s has passed', () => {
    expect(nextDigestAt(new Date('2026-11-23T03:00:00Z'), '09:00').toISOString()).toBe('2026-11-23T03:30:00.000Z');
    expect(nextDigestAt(new Date('2026-11-23T03:30:00Z'), '09:00').toISOString()).toBe('2026-11-24T03:30:00.000Z');
    // 23:30 UTC is already 05:00 the next day in India.
    expect(nextDigestAt(new Date('2026-11-23T23:30:00Z'), '06:15').toISOString()).toBe('2026-11-24T00:45:00.000Z');
  });
});

describe('officers are told by email', () => {
  it('emails the rung’s officers in their language, once, with a link and no personal data', async () => {
    const { h, mail } = await setup();
    const meena = await addOfficer(h.app, 'officer', 'Meena');
    const ravi = await addOfficer(h.app, 'officer', 'Ravi');
    await h.app.accounts.setLanguage(ravi, 'hi');
    const go = await addOfficer(h.app, 'grievance_officer', 'Gita');
    const number = await fileGrievance(h, { description: DESCRIPTION });
    await h.app.scheduler.sweep();

    expect(mail.received.map((m) => m.to).flat().sort()).toEqual([meena.email, ravi.email].sort());
    const en = mail.received.find((m) => m.to.includes(meena.email))!;
    const hi = mail.received.find((m) => m.to.includes(ravi.email))!;
    expect(en.subject).toBe(`Nivaran ${number}: New ticket at your level`);
    expect(en.body).toContain(`${DESK}/tickets/${number}`);
    expect(en.body).toContain(`${DESK}/account/notifications`);
    expect(hi.subject).toBe(`निवारण ${number}: आपके स्तर पर नया मामला`);
    expect(hi.body).toContain('डेस्क पर देखें');
    for (const m of mail.received) {
      expect(m.raw).not.toContain('Sector 4');
      expect(m.raw).not.toContain('9876543210');
      expect(m.raw).not.toContain('citizen-1');
    }
    expect(mail.received.some((m) => m.to.includes(go.email))).toBe(false);

    // Again, and from a second notifier (another process on the same database): nothing new.
    await h.app.scheduler.sweep();
    const other = new OfficerNotifier({
      store: h.app.store, translator: h.app.content.translator, clock: h.clock.now,
      logger: (await import('../../src/logger.ts')).createLogger('silent'), mailer: { send: async () => { throw new Error('must not send'); } }, deskUrl: DESK,
      departments: h.app.tickets.departments,
    });
    expect(await other.run()).toBe(0);
    expect(mail.received).toHaveLength(2);
  });

  it('a refused email is retried later and sent once; one claimed by a stopped process is never resent', async () => {
    const { h, mail } = await setup();
    const meena = await addOfficer(h.app, 'officer', 'Meena');
    mail.refuseNext(1);
    const number = await fileGrievance(h);
    await h.app.scheduler.sweep();
    expect(mail.received).toHaveLength(0);
    expect(rows(h, `select status, attempts from notify_deliveries`)).toEqual([{ status: 'pending', attempts: 1 }]);
    await h.app.scheduler.sweep();
    expect(mail.received).toHaveLength(0); // back-off: not yet
    h.clock.advance(3 * MINUTE);
    await h.app.scheduler.sweep();
    expect(mail.received.map((m) => [m.to[0], m.subject])).toEqual([[meena.email, `Nivaran ${number}: New ticket at your level`]]);
    h.clock.advance(60 * MINUTE);
    await h.app.scheduler.sweep();
    expect(mail.received).toHaveLength(1);

    // A process claimed the next one and stopped before it knew whether the server took it.
    await fileGrievance(h, { user: 'bela' });
    await h.app.notifier.fanOut();
    rows(h, `update notify_deliveries set status = 'sending', claimed_at = '${h.clock.now().toISOString()}', batch = 'crashed' where status = 'pending'`);
    const claimed = rows(h, `select count(*) as n from notify_deliveries where status = 'sending'`)[0]!.n as number;
    expect(claimed).toBe(1);
    h.clock.advance(16 * MINUTE);
    await h.app.scheduler.sweep();
    expect(mail.received).toHaveLength(1);
    expect(rows(h, `select count(*) as n from notify_deliveries where status = 'interrupted'`)[0]!.n).toBe(claimed);
  });

  it('a kind chosen for the daily summary waits for the officer’s time (IST); “off” sends nothing', async () => {
    const { h, mail } = await setup();
    const meena = await addOfficer(h.app, 'officer', 'Meena');
    const ravi = await addOfficer(h.app, 'officer', 'Ravi');
    await h.app.notifier.saveSettings(meena.id, { digestTime: '09:30', modes: { new_ticket: 'digest' } });
    await h.app.notifier.saveSettings(ravi.id, { digestTime: '09:00', modes: { new_ticket: 'off' } });
    const a = await fileGrievance(h, { user: 'asha' });
    const b = await fileGrievance(h, { user: 'bela' });
    await h.app.scheduler.sweep();
    expect(mail.received).toHaveLength(0);
    h.clock.set('2026-11-24T03:59:00.000Z'); // 09:29 IST the next day
    await h.app.scheduler.sweep();
    expect(mail.received).toHaveLength(0);
    h.clock.set('2026-11-24T04:00:00.000Z'); // 09:30 IST
    const swept = await h.app.scheduler.sweep();
    const summaries = mail.received.filter((m) => m.to.includes(meena.email));
    expect(summaries).toHaveLength(1);
    expect(summaries[0]!.subject).toBe('Nivaran: 2 notifications');
    expect(summaries[0]!.body).toContain(`${DESK}/tickets/${a}`);
    expect(summaries[0]!.body).toContain(`${DESK}/tickets/${b}`);
    // Ravi switched new tickets off; the reminders due by now still reach him at once.
    expect(mail.received.filter((m) => m.to.includes(ravi.email)).every((m) => !m.subject.includes('New ticket'))).toBe(true);
    expect(swept.failed).toBe(0);
  });

  it('a citizen waiting in a live chat: the first rung’s officers are told, with a link to the chat', async () => {
    const { h, mail } = await setup();
    const meena = await addOfficer(h.app, 'officer', 'Meena');
    await h.say('hello', { user: 'asha' });
    await h.say('2', { user: 'asha' });
    await h.say('yes', { user: 'asha' });
    await h.say('officer', { user: 'asha' });
    await h.app.scheduler.sweep();
    const chat = mail.received.find((m) => m.to.includes(meena.email));
    expect(chat?.subject).toBe('Nivaran: A citizen is waiting for an officer in a live chat');
    expect(chat?.body).toMatch(new RegExp(`${DESK}/chats/\\d+`));
  });

  it('the officers’ Telegram chat gets each notification once, in English and Hindi', async () => {
    const { h } = await setup();
    const posts: string[] = [];
    const notifier = new OfficerNotifier({
      store: h.app.store, translator: h.app.content.translator, clock: h.clock.now,
      logger: (await import('../../src/logger.ts')).createLogger('silent'), chat: { post: async (t) => void posts.push(t) }, deskUrl: DESK,
      departments: h.app.tickets.departments,
    });
    const number = await fileGrievance(h);
    await notifier.run();
    await notifier.run();
    expect(posts).toHaveLength(1);
    expect(posts[0]).toContain(`New ticket at your level: ticket ${number}`);
    expect(posts[0]).toContain(`आपके स्तर पर नया मामला: मामला ${number}`);
    expect(posts[0]).not.toContain('Sector 4');
  });
});

describe('My account → notifications', () => {
  it('an officer chooses per kind and the summary’s time; a bad time is shown again with the error', async () => {
    const { h, mail } = await setup();
    const { buildDesk } = await import('../../src/desk/server.ts');
    const { createLogger } = await import('../../src/logger.ts');
    const { DeskClient } = await import('../helpers/desk-client.ts');
    const server = await buildDesk(h.app, { secret: 'desk-test-secret-of-32-characters!!', trustProxy: false, sessionHours: 12, logger: createLogger('silent'), clock: h.clock.now, loginAttempts: 3 });
    cleanups.push(() => server.close());
    const meena = await addOfficer(h.app, 'officer', 'Meena');
    const b = new DeskClient(server);
    await b.login(meena.email);
    expect((await b.get('/account')).body).toContain('href="/account/notifications"');
    const page = await b.get('/account/notifications');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('New ticket at your level');
    expect(page.body).not.toContain('Emails are not being sent');
    const bad = await b.post('/account/notifications', { digest_time: '25:00', mode_new_ticket: 'digest' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter the time as HH:MM');
    const ok = await b.post('/account/notifications', { digest_time: '18:45', mode_new_ticket: 'digest', mode_reminder: 'off' });
    expect(ok.statusCode).toBe(303);
    expect(await h.app.notifier.settingsOf(meena.id)).toEqual({ digestTime: '18:45', modes: { new_ticket: 'digest', reminder: 'off' } });
    const again = await b.get('/account/notifications?done=1');
    expect(again.body).toContain('Your notification choices are saved.');
    expect(again.body).toMatch(/name="mode_new_ticket">[\s\S]*?<option value="digest" selected>/);
    // The choice holds: a new ticket waits for 18:45 IST.
    await fileGrievance(h);
    await h.app.scheduler.sweep();
    expect(mail.received).toHaveLength(0);
    h.clock.set('2026-11-23T13:15:00.000Z');
    await h.app.scheduler.sweep();
    expect(mail.received.map((m) => m.to[0])).toEqual([meena.email]);
  });
});

describe('with departments', () => {
  /** The state portal's departments (Electricity, Water Supply), a mail server, and who belongs where. */
  async function withDepartments() {
    const path = await import('node:path');
    const { setMembership } = await import('../../src/departments/memberships.ts');
    const mail = await startMailServer();
    cleanups.push(mail.close);
    const h = await startHarness({
      clock: new FakeClock(START),
      env: {
        SMTP_URL: mail.url, SMTP_FROM: 'no-reply@example.in', DESK_PUBLIC_URL: DESK,
        PROFILE_FILE: path.join(import.meta.dirname, '..', '..', 'profiles', 'examples', 'state-portal.yaml'),
      },
    });
    cleanups.push(() => h.close());
    const member = (o: { id: number }, department: string, role: string) =>
      h.app.store.transaction((uow) => setMembership(uow, h.app.tickets.departments, o.id, department, role, 'test', h.clock.now()));
    return { h, mail, member };
  }

  it('only the officers of the ticket’s department at its rung are told', async () => {
    const { h, mail, member } = await withDepartments();
    const power = await addOfficer(h.app, 'officer', 'Power');
    const water = await addOfficer(h.app, 'officer', 'Water');
    await member(power, 'power', 'officer');
    await member(water, 'water', 'officer');
    let last = '';
    for (const t of ['hi', '2', 'yes', '1', '1', 'No power since the storm.', '3', 'yes']) last = (await h.say(t, { user: 'asha' })).map((m) => m.text).join('\n');
    const number = /GRV-\d{4}-\d{6}/.exec(last)![0];
    await h.app.scheduler.sweep();
    expect(mail.received.map((m) => [m.to[0], m.subject])).toEqual([[power.email, `Nivaran ${number}: New ticket at your level`]]);
  });

  it('a citizen waiting in a live chat: only the first-rung officers who may open it are told', async () => {
    const { h, mail, member } = await withDepartments();
    const power = await addOfficer(h.app, 'officer', 'Power');
    const water = await addOfficer(h.app, 'officer', 'Water');
    const waterHead = await addOfficer(h.app, 'grievance_officer', 'Water head');
    await member(power, 'power', 'officer');
    await member(water, 'water', 'officer');
    await member(waterHead, 'water', 'grievance_officer');
    // A Water Supply grievance (menu 3), then the citizen asks for an officer.
    for (const t of ['hi', '2', 'yes', '1', '3', 'No water in Ward 12 for three days now.', '3', 'yes']) await h.say(t, { user: 'ravi' });
    await h.app.scheduler.sweep();
    mail.received.splice(0);
    await h.say('officer', { user: 'ravi' });
    await h.app.scheduler.sweep();
    const told = (m: { subject: string }) => m.subject === 'Nivaran: A citizen is waiting for an officer in a live chat';
    // Not the Electricity officer, whom the desk would refuse the chat; not the second rung.
    expect(mail.received.filter(told).map((m) => m.to[0])).toEqual([water.email]);
    const chatId = Number(/\/chats\/(\d+)/.exec(mail.received.find(told)!.body)![1]);
    await expect(h.app.desk.chat(power, chatId)).rejects.toMatchObject({ code: 'NIV_DESK_FORBIDDEN' });
    expect((await h.app.desk.chat(water, chatId)).id).toBe(chatId);

    // Ravi's ticket goes up to the Water head; Ravi asks for an officer again. The Water officer may
    // no longer open the chat: the Water head, who may, is told (not nobody).
    await h.app.desk.takeChat(water, chatId);
    await h.app.desk.releaseChat(water, chatId);
    const [ravisTicket] = await h.app.store.transaction((uow) => uow.tickets.ofConversation('console:ravi'));
    await h.app.desk.act(water, ravisTicket!.number, { type: 'escalate', reason: 'Three days without water: the Water head decides.' });
    mail.received.splice(0);
    await h.say('officer', { user: 'ravi' });
    await h.app.scheduler.sweep();
    // (The Water head's email may also carry the escalation: one email then holds both.)
    const second = mail.received.filter((m) => /\/chats\/\d+/.test(m.body));
    expect(second.map((m) => m.to[0])).toEqual([waterHead.email]);
    const secondId = Number(/\/chats\/(\d+)/.exec(second[0]!.body)![1]);
    expect((await h.app.desk.chat(waterHead, secondId)).id).toBe(secondId);
    await expect(h.app.desk.chat(water, secondId)).rejects.toMatchObject({ code: 'NIV_DESK_FORBIDDEN' });

    // A citizen with no ticket yet: the first department's (Electricity) chat.
    mail.received.splice(0);
    for (const t of ['hi', '2', 'yes', 'officer']) await h.say(t, { user: 'asha' });
    await h.app.scheduler.sweep();
    expect(mail.received.filter(told).map((m) => m.to[0])).toEqual([power.email]);
  });
});

describe('the kinds', () => {
  it('every kind the ticket service notifies has a name in both languages and a choice on My account', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const { NOTIFY_KINDS } = await import('../../src/notify/kinds.ts');
    const src = fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'src', 'tickets', 'service.ts'), 'utf8');
    const used = new Set([...src.matchAll(/notifyOfficers\(uow, \w+, '([a-z_]+)'/g)].map((m) => m[1]!));
    expect(used.size).toBeGreaterThan(5);
    for (const kind of used) expect(NOTIFY_KINDS).toContain(kind);
    for (const lang of ['en', 'hi']) {
      const texts = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'locales', lang, 'operations.json'), 'utf8')) as { notify: { kind: Record<string, string> } };
      for (const kind of NOTIFY_KINDS) expect(texts.notify.kind[kind], `${lang} ${kind}`).toBeTruthy();
    }
  });
});
