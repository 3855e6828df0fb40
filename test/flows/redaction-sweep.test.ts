import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startHarness, TEST_CODE } from '../helpers/harness.ts';

/**
 * Every free-text step gets a paste of an Aadhaar number and a card number (Latin and Devanagari
 * digits, with spaces and dashes) and a CVV and a password; then the whole SQLite file (WAL
 * included) and every log line are searched for them. Only the last four digits may remain.
 */
const AADHAAR = ['2345 6789 0124', '2345-6789-0124', '234567890124', '२३४५ ६७८९ ०१२४'];
const CARD = ['4111 1111 1111 1111', '4111-1111-1111-1111', '४१११११११११११११११'];
const paste = (i: number) =>
  `Details ${i}: Aadhaar ${AADHAAR[i % AADHAAR.length]}, card ${CARD[i % CARD.length]}, CVV 839, password: Gulmohar@77`;
const FORBIDDEN = ['234567890124', '2345 6789 0124', '2345-6789-0124', '२३४५ ६७८९ ०१२४', '4111111111111111', '4111 1111 1111 1111',
  '4111-1111-1111-1111', '४१११११११११११११११', 'CVV 839', 'Gulmohar@77', TEST_CODE];

describe('nothing secret reaches the database or the logs', () => {
  it('in every free-text step of every flow, in English and Hindi', async () => {
    const logs = new PassThrough();
    const logged: string[] = [];
    logs.on('data', (d: Buffer) => logged.push(d.toString()));
    const h = await startHarness({ logs });
    await h.app.store.transaction((u) =>
      u.principals.upsert({ external_ref: 'C-1', name: null, mobile: '+919876543210', email: null, source: 'csv', updated_at: '2026-11-01T00:00:00.000Z' }));
    let n = 0;
    const p = () => paste(n++);
    const scripts: Array<{ user: string; lines: string[] }> = [
      // grievance description (en), with the description re-edited
      { user: 'g-en', lines: ['hi', '2', 'yes', '1', '1', p(), '3', 'no', '2', p(), 'yes'] },
      // grievance in Hindi
      { user: 'g-hi', lines: ['नमस्ते', '१', 'हाँ', '१', '२', p(), '३', 'हाँ'] },
      // correction: item and new value; the one-time code is typed at its question
      { user: 'c', lines: ['hi', '2', 'yes', '2', '2', '1', '9876543210', TEST_CODE, p(), p(), 'yes', 'yes'] },
      // erasure of some details
      { user: 'e', lines: ['hi', '2', 'yes', '2', '3', '1', '9876543210', TEST_CODE, '2', p(), 'yes'] },
      // nomination: the nominee's name
      { user: 'n', lines: ['hi', '2', 'yes', '2', '5', '1', '9876543210', TEST_CODE, '1', p(), '1', '9123456780', 'yes'] },
      // a paste at a choice question and in a status command
      { user: 'x', lines: ['hi', '2', 'yes', p(), `status ${p()}`] },
    ];
    for (const s of scripts) for (const line of s.lines) await h.say(line, { user: s.user });
    const tickets = await h.app.store.transaction((u) => u.tickets.list(100));
    expect(tickets.length).toBe(5);
    await h.close();

    const bytes = fs.readdirSync(h.dataDir).map((f) => fs.readFileSync(path.join(h.dataDir, f)).toString('utf8')).join('\n');
    const logText = logged.join('');
    expect(logText.length).toBeGreaterThan(0);
    for (const secret of FORBIDDEN) {
      expect(bytes, `database holds ${secret}`).not.toContain(secret);
      expect(logText, `logs hold ${secret}`).not.toContain(secret);
    }
    expect(bytes).toContain('XXXX XXXX 0124');
    expect(bytes).toContain('XXXX XXXX XXXX 1111');
    expect(bytes).toContain('CVV [hidden]');
  });
});
