import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: createLogger('debug', stream as never) };
}

describe('the logger keeps citizens’ contacts out of the logs', () => {
  it('logs a WhatsApp conversation by its channel and last 4 digits, not the mobile number', () => {
    const { lines, logger } = capture();
    logger.error({ code: 'NIV_FLOW', conversation: 'whatsapp:919876543210' }, 'flow error');
    logger.warn({ conversation: 'telegram:123' }, 'short id');
    expect(lines[0]).toContain('"conversation":"whatsapp:…3210"');
    expect(lines[0]).not.toContain('9876543210');
    expect(lines[1]).toContain('"conversation":"telegram:…"');
  });

  it('masks email addresses and long numbers quoted in an error, in any script', () => {
    const { lines, logger } = capture();
    logger.warn({ error: "Can't send mail - all recipients were rejected: 550 5.1.1 <asha.verma@example.org>: Recipient address rejected; SMS to +91 98765-43210 and ९८७६५४३२१० failed (HTTP 502 from 10.20.30.40)" }, 'one-time code not sent');
    const line = lines[0]!;
    expect(line).not.toContain('asha.verma');
    expect(line).not.toContain('98765');
    expect(line).not.toContain('९८७६५');
    // What helps an operator stays: the SMTP code and the HTTP status.
    expect(line).toContain('550 5.1.1 <[email]>');
    expect(line).toContain('HTTP 502 from 10.20.30.40');
  });
});
