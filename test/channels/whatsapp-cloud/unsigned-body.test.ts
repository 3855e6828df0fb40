import { PassThrough } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { nodeWebhookHandler } from '../../../src/channels/whatsapp-cloud/webhook.ts';

/** Issue 14, item 7: the WhatsApp webhook read the whole body (up to 3 MiB) before checking the signature. */
describe('an unsigned webhook POST', () => {
  it.each([undefined, 'sha256=nothex', 'md5=abc'])('with signature %s is refused before its body is read', async (signature) => {
    const body = new PassThrough();
    let read = 0;
    const req = Object.assign(body, { method: 'POST', url: '/whatsapp/webhook', headers: signature ? { 'x-hub-signature-256': signature } : {} }) as unknown as IncomingMessage;
    const sent: { status?: number; headers: Record<string, string>; body?: string } = { headers: {} };
    const res = {
      setHeader: (k: string, v: string) => void (sent.headers[k] = v),
      writeHead(status: number) {
        sent.status = status;
        return this;
      },
      end: (b: string) => void (sent.body = b),
    } as unknown as ServerResponse;
    body.on('data', (c: Buffer) => (read += c.length));
    body.pause();
    body.write(Buffer.alloc(1024 * 1024));
    const events = () => Promise.reject(new Error('must not be called'));
    await nodeWebhookHandler(() => ({ status: 200, body: '' }), events)(req, res);
    expect(sent.status).toBe(401);
    expect(sent.headers.connection).toBe('close');
    expect(read).toBe(0);
  });
});
