import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../src/storage/sqlite-store.ts';
import { FakeClock, startHarness, texts, type Harness } from '../helpers/harness.ts';

const toConfirm = ['hi', '2', 'yes', '1', '1', 'The street light outside house 14 has been off for a month.', '3'];
let open: Harness[] = [];
afterEach(async () => {
  for (const h of open) await h.close().catch(() => undefined);
  open = [];
});
async function harness(opts: Parameters<typeof startHarness>[0] = {}) {
  const h = await startHarness(opts);
  open.push(h);
  return h;
}

const stored = (rows: Array<{ direction: string; text: string }>) => rows.filter((r) => r.direction === 'in').map((r) => r.text);

describe('router', () => {
  it('a redelivered message opens one ticket and sends one reply', async () => {
    const h = await harness();
    for (const t of toConfirm) await h.say(t);
    const first = await h.say('yes', { messageId: 'wamid.SAME' });
    const again = await h.say('yes', { messageId: 'wamid.SAME' });
    expect(first).toHaveLength(1);
    expect(first[0]!.text).toContain('GRV-2026-000001');
    expect(again).toEqual([]);
    const tickets = await h.app.store.transaction((u) => u.tickets.list(10));
    expect(tickets).toHaveLength(1);
    const transcript = await h.app.store.transaction((u) => u.transcripts.of('console:citizen-1'));
    expect(transcript.filter((r) => r.message_id === 'wamid.SAME')).toHaveLength(1);
  });

  it('a restart in the middle of a conversation resumes it at the same step', async () => {
    const clock = new FakeClock();
    const first = await harness({ clock });
    for (const t of toConfirm) await first.say(t);
    await first.close();
    open = [];
    const second = await harness({ dataDir: first.dataDir, clock });
    const replies = await second.say('yes');
    expect(replies[0]!.text).toContain('Your grievance has been registered.');
    expect(replies[0]!.text).toContain('GRV-2026-000001');
  });

  it('never repeats a ticket number across restarts', async () => {
    const clock = new FakeClock();
    const a = await harness({ clock });
    for (const t of [...toConfirm, 'yes']) await a.say(t);
    await a.close();
    open = [];
    const b = await harness({ dataDir: a.dataDir, clock });
    for (const t of [...toConfirm, 'yes']) await b.say(t, { user: 'citizen-2' });
    const numbers = (await b.app.store.transaction((u) => u.tickets.list(10))).map((t) => t.number);
    expect(numbers).toEqual(['GRV-2026-000001', 'GRV-2026-000002']);
  });

  it('handles one conversation in arrival order even when messages arrive together', async () => {
    const h = await harness();
    const send = (text: string, id: string) =>
      h.app.router.handle({ channel: 'console', conversationId: 'c9', senderId: 'c9', messageId: id, text, at: h.clock.now() });
    await Promise.all(['hi', '2', 'yes', '1', '4'].map((t, i) => send(t, `x${i}`)));
    await h.app.sender.drain('console');
    const last = h.adapter.take().at(-1)!;
    expect(last.text).toContain('Please describe your grievance');
  });

  it('many citizens at once each get their own ticket and replies (group commit)', async () => {
    const h = await harness();
    const citizens = Array.from({ length: 40 }, (_, i) => `p${i}`);
    for (const [step, t] of [...toConfirm, 'yes'].entries()) {
      await Promise.all(citizens.map((u) => h.app.router.handle({ channel: 'console', conversationId: u, senderId: u, messageId: `${u}-${step}`, text: t, at: h.clock.now() })));
    }
    await h.app.sender.drain('console');
    const tickets = await h.app.store.transaction((u) => u.tickets.list(100));
    expect(new Set(tickets.map((t) => t.conversation_key)).size).toBe(40);
    expect(new Set(tickets.map((t) => t.number)).size).toBe(40);
  });

  it('keeps no full Aadhaar or card number anywhere in the database file', async () => {
    const h = await harness();
    for (const t of ['hi', '2', 'yes', '1', '1', 'Aadhaar 2345 6789 0124, card ४१११ ११११ ११११ ११११, please help', '3', 'yes']) await h.say(t);
    await h.close();
    open = [];
    const bytes = Buffer.concat(
      fs.readdirSync(h.dataDir).map((f) => fs.readFileSync(path.join(h.dataDir, f))),
    ).toString('utf8');
    for (const secret of ['234567890124', '2345 6789 0124', '4111111111111111', '४१११ ११११ ११११ ११११']) expect(bytes).not.toContain(secret);
    expect(bytes).toContain('XXXX XXXX 0124');
  });

  it('gives the safety notice for a message holding only a formatted number, and masks one split over two messages', async () => {
    const h = await harness();
    for (const t of ['hi', '2', 'yes']) await h.say(t);
    // A no-break space, as copying from a PDF gives; Bengali digits.
    expect(texts(await h.say('2345\u00A06789\u00A00124'))).toContain('For your safety, I have hidden a number that looks like an Aadhaar number');
    expect(texts(await h.say('২৩৪৫ ৬৭৮৯ ০১২৪'))).toContain('For your safety, I have hidden a number that looks like an Aadhaar number');
    await h.say('my aadhaar is 2345 6789');
    expect(texts(await h.say('0124'))).toContain('For your safety, I have hidden a number that looks like an Aadhaar number');
    const stored = await h.app.store.transaction((u) => u.transcripts.of('console:citizen-1'));
    const inbound = stored.filter((r) => r.direction === 'in').map((r) => r.text).slice(-4);
    expect(inbound).toEqual(['XXXX XXXX 0124', 'XXXX XXXX 0124', 'my aadhaar is XXXX XXXX', 'XXXX XXXX 0124']);
  });

  it('masks a number split over two messages when its first part follows a menu answer', async () => {
    const h = await harness();
    // '1' is a menu answer: the first part starts with a digit, right after a message that ends in one.
    for (const t of ['hi', '2', 'yes', '1']) await h.say(t);
    await h.say('2345 6789');
    await h.say('0124');
    // A message that ends in a few signs after the digits, then a word after the number.
    await h.say('7391 8264 -');
    await h.say('0512 thanks');
    // A first part of three digits (a short answer's length) and the rest in the next message.
    await h.say('1');
    await h.say('my number is 234');
    await h.say('5 6789 0124');
    // The same in Devanagari digits: they count as digits too.
    await h.say('मेरा नंबर २३४');
    await h.say('५ ६७८९ ०१२४');
    const inbound = stored(await h.app.store.transaction((u) => u.transcripts.of('console:citizen-1')));
    expect(inbound.slice(-9)).toEqual([
      'XXXX XXXX', 'XXXX XXXX 0124', 'XXXX XXXX -', 'XXXX XXXX 0512 thanks', '1', 'my number is XXX', 'XXXX XXXX 0124', 'मेरा नंबर XXX', 'XXXX XXXX 0124',
    ]);
  });

  it('checks the message after one written before the split-number bit existed', async () => {
    const h = await harness();
    for (const t of ['hi', '2', 'yes']) await h.say(t);
    await h.say('my aadhaar is 2345 6789');
    // As migration 0016 leaves a row it did not write: previous message unknown ("may").
    (h.app.store as SqliteStore).connection.prepare('update conversation_state set in_tail = 3').run();
    await h.say('0124');
    const stored = await h.app.store.transaction((u) => u.transcripts.of('console:citizen-1'));
    expect(stored.filter((r) => r.direction === 'in').map((r) => r.text).slice(-2)).toEqual(['my aadhaar is XXXX XXXX', 'XXXX XXXX 0124']);
  });
});
