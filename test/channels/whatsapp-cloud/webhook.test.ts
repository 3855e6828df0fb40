import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createEventHandler, createVerifyHandler, signBody, verifySignature } from '../../../src/channels/whatsapp-cloud/webhook.ts';
import type { InboundMessage } from '../../../src/channels/types.ts';
import type { DeliveryStatus } from '../../../src/channels/whatsapp-cloud/parse.ts';
import { createLogger } from '../../../src/logger.ts';
import { CITIZEN, PHONE_ID, statuses, text } from './payloads.ts';

const APP_SECRET = 'app-secret-0123456789abcdef';
const VERIFY = 'verify-token-42';

function logs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _e, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { lines, logger: createLogger('debug', stream as never) };
}

function handler(handle: (m: InboundMessage) => Promise<unknown> = async () => undefined, extra: { onStatus?: (s: DeliveryStatus) => void } = {}) {
  const log = logs();
  const handled: InboundMessage[] = [];
  const h = createEventHandler({
    appSecret: APP_SECRET,
    phoneNumberId: PHONE_ID,
    router: {
      handle: async (m) => {
        handled.push(m);
        return handle(m);
      },
    },
    ...extra,
    logger: log.logger,
  });
  return { h, handled, log };
}

const raw = (body: unknown) => Buffer.from(JSON.stringify(body), 'utf8');

describe('X-Hub-Signature-256', () => {
  it('is checked over the raw bytes', () => {
    const body = Buffer.from('{"object":"whatsapp_business_account",  "entry":[]}');
    expect(verifySignature(body, signBody(body, APP_SECRET), APP_SECRET)).toBe(true);
    // The same JSON re-serialised is other bytes: not accepted.
    expect(verifySignature(Buffer.from(JSON.stringify(JSON.parse(body.toString()))), signBody(body, APP_SECRET), APP_SECRET)).toBe(false);
    expect(verifySignature(body, signBody(body, 'another-secret'), APP_SECRET)).toBe(false);
    expect(verifySignature(body, 'sha256=abc', APP_SECRET)).toBe(false);
    expect(verifySignature(body, signBody(body, APP_SECRET).replace('sha256=', 'sha1='), APP_SECRET)).toBe(false);
    expect(verifySignature(body, undefined, APP_SECRET)).toBe(false);
  });
});

describe('WhatsApp webhook POST', () => {
  it('answers 200 and routes the message when the signature is right; 401 when missing or wrong, before parsing', async () => {
    const { h, handled, log } = handler();
    const body = raw(text('Pani nahi aa raha'));
    expect((await h({ headers: {}, rawBody: body })).status).toBe(401);
    expect((await h({ headers: { 'x-hub-signature-256': signBody(body, 'wrong-secret') }, rawBody: body })).status).toBe(401);
    // A signature of other bytes, even valid JSON, is refused.
    expect((await h({ headers: { 'x-hub-signature-256': signBody(raw({}), APP_SECRET) }, rawBody: body })).status).toBe(401);
    // Not even parsed: unsigned garbage gets 401, not 400.
    expect((await h({ headers: {}, rawBody: Buffer.from('{not json') })).status).toBe(401);
    expect(handled).toHaveLength(0);

    const ok = await h({ headers: { 'x-hub-signature-256': signBody(body, APP_SECRET) }, rawBody: body });
    expect(ok).toEqual({ status: 200, body: 'ok' });
    expect(handled).toHaveLength(1);
    expect(handled[0]!.attested).toEqual({ phone: `+${CITIZEN}`, method: 'whatsapp_sender' });
    const all = log.lines.join('');
    expect(all).not.toContain('Pani');
    expect(all).not.toContain(CITIZEN);
  });

  it('answers 400 for signed bytes that are not JSON, 200 for a body of another kind', async () => {
    const { h } = handler();
    const junk = Buffer.from('{not json');
    expect((await h({ headers: { 'x-hub-signature-256': signBody(junk, APP_SECRET) }, rawBody: junk })).status).toBe(400);
    const page = raw({ object: 'page', entry: [] });
    expect((await h({ headers: { 'x-hub-signature-256': signBody(page, APP_SECRET) }, rawBody: page })).status).toBe(200);
  });

  it('answers 500 when handling fails, so Meta delivers again', async () => {
    let fail = true;
    const { h } = handler(async () => {
      if (fail) throw new Error('database is locked');
    });
    const body = raw(text('hello'));
    const headers = { 'x-hub-signature-256': signBody(body, APP_SECRET) };
    expect((await h({ headers, rawBody: body })).status).toBe(500);
    fail = false;
    expect((await h({ headers, rawBody: body })).status).toBe(200);
  });

  it('passes statuses to onStatus and logs only the wamid and status', async () => {
    const seen: DeliveryStatus[] = [];
    const { h, log } = handler(undefined, { onStatus: (s) => void seen.push(s) });
    const body = raw(statuses());
    expect((await h({ headers: { 'x-hub-signature-256': signBody(body, APP_SECRET) }, rawBody: body })).status).toBe(200);
    expect(seen.map((s) => [s.messageId, s.status, s.errorCode])).toEqual([['wamid.OUT1', 'delivered', undefined], ['wamid.OUT2', 'failed', 131047]]);
    const all = log.lines.join('');
    expect(all).toContain('wamid.OUT2');
    expect(all).not.toContain(CITIZEN);
  });
});

describe('WhatsApp webhook GET verification', () => {
  const verify = createVerifyHandler({ verifyToken: VERIFY, logger: createLogger('silent') });
  const q = (s: string) => new URLSearchParams(s);
  it('echoes the challenge for the right token', () => {
    expect(verify(q(`hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444`))).toEqual({ status: 200, body: '1158201444' });
  });
  it('refuses a wrong or missing token, or another mode', () => {
    expect(verify(q('hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1')).status).toBe(403);
    expect(verify(q('hub.mode=subscribe&hub.challenge=1')).status).toBe(403);
    expect(verify(q(`hub.mode=unsubscribe&hub.verify_token=${VERIFY}&hub.challenge=1`)).status).toBe(403);
  });
});
