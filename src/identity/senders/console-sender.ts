import type { Writable } from 'node:stream';
import { maskDestination } from '../mask.ts';
import type { CodeDispatch } from '../otp.ts';
import type { CodeSender } from './index.ts';

/**
 * The development default (OTP_SENDER=console): instead of sending the code, writes one line to
 * stderr so the person at the terminal can type it in:
 *
 *     [nivaran] one-time code for +91 98XXXXX210: 123456
 *
 * This is the ONE place a code is ever shown outside the message to the citizen, and it exists for
 * development only. It is deliberately a plain line, not a pino log line, so it never reaches a
 * log pipeline that keeps or ships logs; do not run production with OTP_SENDER=console.
 */
export class ConsoleCodeSender implements CodeSender {
  constructor(private readonly out: Writable = process.stderr) {}

  async send(d: CodeDispatch): Promise<void> {
    const line = `[nivaran] one-time code for ${maskDestination(d.via, d.to)}: ${d.code}\n`;
    await new Promise<void>((resolve, reject) => {
      this.out.write(line, (err) => (err ? reject(err) : resolve()));
    });
  }
}
