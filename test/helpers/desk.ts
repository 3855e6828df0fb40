import type { App } from '../../src/app.ts';
import type { Officer } from '../../src/desk/accounts.ts';
import type { AuditRow } from '../../src/storage/desk-queries.ts';
import { texts, type Harness } from './harness.ts';

export const TEST_PASSWORD = 'correct horse battery staple';

let officerSeq = 0;

/** A new active officer account of the role (created by `test`), with a unique email. */
export async function addOfficer(app: App, role: string, name?: string): Promise<Officer> {
  officerSeq += 1;
  const label = name ?? `${role.replace(/_/g, ' ')} ${officerSeq}`;
  return app.accounts.create({ email: `${role}.${officerSeq}@example.org`, name: label, role, password: TEST_PASSWORD }, 'test');
}

export interface GrievanceOptions {
  /** The conversation (console user id); `citizen-1` by default. */
  user?: string;
  lang?: 'en' | 'hi';
  description?: string;
}

/**
 * Drives the console chat through a new grievance (language, consent, menu, category,
 * description, no contact, confirm) and returns the ticket number the bot gave. A conversation
 * that already chose its language and consented starts from the menu.
 */
export async function fileGrievance(h: Harness, opts: GrievanceOptions = {}): Promise<string> {
  const user = opts.user ?? 'citizen-1';
  const lang = opts.lang ?? 'en';
  const yes = lang === 'en' ? 'yes' : 'हाँ';
  const description = opts.description ?? 'No water in Sector 4 since Friday morning.';
  const say = (text: string) => h.say(text, { user });
  const first = texts(await say('hi'));
  if (first.includes('Please choose your language')) {
    await say(lang === 'en' ? '2' : '1');
    await say(yes);
  }
  for (const t of ['1', '1', description, '3']) await say(t);
  const done = texts(await say(yes));
  const number = /GRV-\d{4}-\d{6}/.exec(done)?.[0];
  if (!number) throw new Error(`no ticket number in the bot's answer:\n${done}`);
  return number;
}

/**
 * What the citizens' phones show next, without them typing anything: every message delivered
 * since the last look (all conversations), or only those to `user`.
 */
export async function inbox(h: Harness, user?: string): Promise<string[]> {
  await h.app.sender.drain('console');
  return h.adapter.sent.splice(0).filter((s) => user === undefined || s.to === user).map((s) => s.message.text);
}

/** Every audit row written so far, oldest first. */
export function auditRows(app: App): Promise<AuditRow[]> {
  return app.store.transaction((uow) => uow.audit.after(0, 1000));
}

/** The ticket's row as stored. */
export async function ticketRow(app: App, number: string) {
  const t = await app.store.transaction((uow) => uow.tickets.byNumber(number));
  if (!t) throw new Error(`no ticket ${number}`);
  return t;
}
