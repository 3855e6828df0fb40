import path from 'node:path';
import os from 'node:os';
import fs from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { otpSecret } from '../../src/secrets.ts';
import { loadConfig } from '../../src/config.ts';
import { AppError, ERROR_CODES } from '../../src/errors.ts';
import type { CodeDispatch } from '../../src/identity/otp.ts';
import { ConsoleCodeSender } from '../../src/identity/senders/console-sender.ts';
import { HttpSmsCodeSender, type SmsGatewaySettings } from '../../src/identity/senders/http-sms-sender.ts';
import { createCodeSender, senderChannels } from '../../src/identity/senders/index.ts';
import { SmtpCodeSender } from '../../src/identity/senders/smtp-sender.ts';

const SMS: CodeDispatch = { via: 'sms', to: '+919876543210', code: '739146', lang: 'hi' };
const EMAIL: CodeDispatch = { via: 'email', to: 'asha.k@example.in', code: '582047', lang: 'en' };

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const error = await p.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('ConsoleCodeSender', () => {
  it('writes one plain line with the masked destination and the code', async () => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (c: Buffer) => chunks.push(c.toString()));
    const sender = new ConsoleCodeSender(out);
    await sender.send(SMS);
    await sender.send(EMAIL);
    expect(chunks.join('')).toBe(
      '[nivaran] one-time code for +91 98XXXXX210: 739146\n[nivaran] one-time code for a****k@example.in: 582047\n',
    );
  });
});

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A fake SMS gateway on 127.0.0.1 answering every request with `status` (or never, when `hang`). */
async function fakeGateway(status = 200, opts: { hang?: boolean } = {}): Promise<{ base: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (opts.hang) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ echo: req.url })); // a gateway may echo the number: never quoted
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  }));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** A port nothing listens on (fetch refuses port 1 outright, before connecting). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const gateway = (settings: Partial<SmsGatewaySettings> & { url: string }) =>
  new HttpSmsCodeSender({ method: 'GET', headers: {}, ...settings });

describe('HttpSmsCodeSender', () => {
  it('GET: fills the URL template, URL-encoding the number and the Hindi message, and sends the headers', async () => {
    const gw = await fakeGateway();
    await gateway({ url: `${gw.base}/send?to={to}&n={to_digits}&text={message}&otp={code}&l={lang}`, headers: { Authorization: 'Bearer k3y' } }).send(SMS);
    expect(gw.seen).toHaveLength(1);
    const req = gw.seen[0]!;
    expect(req.method).toBe('GET');
    expect(req.url).toContain('to=%2B919876543210&n=919876543210&');
    const params = new URL(req.url, gw.base).searchParams;
    expect(params.get('to')).toBe('+919876543210');
    expect(params.get('text')).toBe('आपका एक-बारीय कोड 739146 है। यह 5 मिनट में समाप्त हो जाएगा। इसे किसी के साथ साझा न करें।');
    expect(params.get('otp')).toBe('739146');
    expect(params.get('l')).toBe('hi');
    expect(req.headers.authorization).toBe('Bearer k3y');
  });

  it('POST with a JSON body: placeholders JSON-escaped, JSON content type', async () => {
    const gw = await fakeGateway(202);
    await gateway({
      url: `${gw.base}/messages`,
      method: 'POST',
      body: '{"recipient":"{to}","text":"{message}","meta":{"lang":"{lang}"}}',
    }).send({ ...SMS, lang: 'en', expiresInMinutes: 10 });
    const req = gw.seen[0]!;
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(req.body)).toEqual({
      recipient: '+919876543210',
      text: 'Your one-time code is 739146. It expires in 10 minutes. Do not share it with anyone.',
      meta: { lang: 'en' },
    });
  });

  it('POST with a form body: placeholders URL-encoded; a configured Content-Type wins', async () => {
    const gw = await fakeGateway();
    await gateway({ url: `${gw.base}/f`, method: 'POST', body: 'to={to}&msg={message}' }).send(SMS);
    expect(gw.seen[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
    expect(new URLSearchParams(gw.seen[0]!.body).get('to')).toBe('+919876543210');
    await gateway({ url: `${gw.base}/f`, method: 'POST', body: 'to={to}', headers: { 'Content-Type': 'text/plain' } }).send(SMS);
    expect(gw.seen[1]!.headers['content-type']).toBe('text/plain');
  });

  it('a non-2xx answer fails with CODE_SEND_FAILED naming the status, never the number or the code', async () => {
    const gw = await fakeGateway(500);
    const error = await rejection(gateway({ url: `${gw.base}/send?to={to}&text={message}` }).send(SMS));
    expect(error.code).toBe(ERROR_CODES.CODE_SEND_FAILED);
    expect(error.message).toContain('HTTP 500');
    for (const secret of ['9876543210', '739146', '%2B91']) expect(error.message).not.toContain(secret);
    expect(error.cause).toBeUndefined();
  });

  it('a gateway that does not answer in time, or cannot be reached, fails with CODE_SEND_FAILED', async () => {
    const gw = await fakeGateway(200, { hang: true });
    const slow = await rejection(new HttpSmsCodeSender({ url: `${gw.base}/send?to={to}&c={code}`, method: 'GET', headers: {} }, { timeoutMs: 200 }).send(SMS));
    expect(slow.code).toBe(ERROR_CODES.CODE_SEND_FAILED);
    expect(slow.message).toContain('did not answer within 0.2 s');
    const down = await rejection(gateway({ url: `http://127.0.0.1:${await closedPort()}/send?to={to}&c={code}` }).send(SMS));
    expect(down.message).toContain('could not be reached (ECONNREFUSED)');
    for (const e of [slow, down]) for (const secret of ['9876543210', '739146']) expect(e.message).not.toContain(secret);
  });

  it('refuses a code meant for email', async () => {
    const error = await rejection(gateway({ url: 'http://127.0.0.1:1/?to={to}&m={message}' }).send(EMAIL));
    expect(error.message).not.toContain('asha');
  });
});

/** A local SMTP server that records each message's envelope and raw text. */
async function fakeSmtp(auth?: { user: string; pass: string }) {
  const received: Array<{ from: string; to: string[]; raw: string }> = [];
  const server = new SMTPServer({
    disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    authOptional: !auth,
    logger: false,
    onAuth(a, _session, cb) {
      if (auth && a.username === auth.user && a.password === auth.pass) cb(null, { user: a.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (c: string) => (raw += c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received };
}

/** The text of a single-part message, decoded from quoted-printable or base64. */
function bodyText(raw: string): string {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  const encoding = /content-transfer-encoding:\s*(\S+)/i.exec(head)?.[1]?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

describe('SmtpCodeSender', () => {
  it('mails the code to the address, in the citizen\'s language first and the other below', async () => {
    const smtp = await fakeSmtp({ user: 'nivaran', pass: 'p@ss word' });
    const sender = new SmtpCodeSender({ url: `smtp://nivaran:${encodeURIComponent('p@ss word')}@127.0.0.1:${smtp.port}`, from: 'Nivaran <otp@example.in>' });
    cleanups.push(async () => sender.close());
    await sender.send(EMAIL);
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.from).toBe('otp@example.in');
    expect(mail.to).toEqual(['asha.k@example.in']);
    expect(mail.raw).toMatch(/^To: asha\.k@example\.in\r?$/m);
    expect(mail.raw).toMatch(/^Subject: /m);
    const text = bodyText(mail.raw);
    expect(text).toContain('Your one-time code is 582047. It expires in 5 minutes. Do not share it with anyone.');
    expect(text).toContain('आपका एक-बारीय कोड 582047 है।');
    expect(text.indexOf('Your one-time code')).toBeLessThan(text.indexOf('आपका'));

    await sender.send({ ...EMAIL, lang: 'hi' });
    const hindi = bodyText(smtp.received[1]!.raw);
    expect(hindi.indexOf('आपका')).toBeLessThan(hindi.indexOf('Your one-time code'));
  });

  it('a refused login fails with CODE_SEND_FAILED (EAUTH), without the address or the code', async () => {
    const smtp = await fakeSmtp({ user: 'nivaran', pass: 'right' });
    const sender = new SmtpCodeSender({ url: `smtp://nivaran:wrong@127.0.0.1:${smtp.port}`, from: 'otp@example.in' });
    cleanups.push(async () => sender.close());
    const error = await rejection(sender.send(EMAIL));
    expect(error.code).toBe(ERROR_CODES.CODE_SEND_FAILED);
    expect(error.message).toContain('EAUTH');
    expect(error.message).toContain('SMTP_URL');
    for (const secret of ['asha', '582047', 'wrong']) expect(error.message).not.toContain(secret);
    expect(smtp.received).toEqual([]);
  });

  it('refuses a code meant for SMS', async () => {
    const sender = new SmtpCodeSender({ url: 'smtp://127.0.0.1:1', from: 'otp@example.in' });
    const error = await rejection(sender.send(SMS));
    expect(error.message).not.toContain('9876543210');
  });
});

describe('OTP_* configuration and createCodeSender', () => {
  const SECRET = 'x'.repeat(32);
  const configError = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe(ERROR_CODES.CONFIG_INVALID);
      return (e as AppError).message;
    }
    throw new Error('loadConfig accepted the configuration');
  };

  it('defaults to the console sender and a secret kept in DATA_DIR, created once', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nivaran-secret-'));
    const a = loadConfig({ DATA_DIR: dir });
    expect(a.otpSender).toBe('console');
    expect(a.otpSecret).toBeUndefined();
    const first = otpSecret(a);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(otpSecret(loadConfig({ DATA_DIR: dir }))).toBe(first);
    expect(fs.statSync(path.join(dir, 'otp-secret')).mode & 0o777).toBe(0o600);
    expect(otpSecret({ otpSecret: 'x'.repeat(40), dataDir: dir })).toBe('x'.repeat(40));
    expect(a.smtp).toBeUndefined();
    expect(a.smsGateway).toBeUndefined();
    expect(createCodeSender(a)).toBeInstanceOf(ConsoleCodeSender);
    expect(senderChannels(a)).toEqual(['sms', 'email']);
  });

  it('requires OTP_SECRET (at least 32 characters) with DATABASE_URL', () => {
    expect(configError({ DATABASE_URL: 'postgres://u@h/db' })).toContain('OTP_SECRET: is required when DATABASE_URL is set');
    expect(configError({ DATABASE_URL: 'postgres://u@h/db', OTP_SECRET: 'short-secret' })).toContain('OTP_SECRET');
    expect(configError({ OTP_SECRET: 'short-secret' })).not.toContain('short-secret');
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db', OTP_SECRET: SECRET, DESK_SECRET: SECRET, AUDIT_SECRET: SECRET }).otpSecret).toBe(SECRET);
  });

  it('OTP_SENDER=smtp needs SMTP_URL and SMTP_FROM, naming each, and never echoes the password', () => {
    const missing = configError({ OTP_SENDER: 'smtp' });
    expect(missing).toContain('SMTP_URL: is required when OTP_SENDER=smtp');
    expect(missing).toContain('SMTP_FROM: is required when OTP_SENDER=smtp');
    const bad = configError({ OTP_SENDER: 'smtp', SMTP_URL: 'http://u:hunter2@mail', SMTP_FROM: 'otp@example.in' });
    expect(bad).toContain('SMTP_URL');
    expect(bad).not.toContain('hunter2');
    const config = loadConfig({ OTP_SENDER: 'smtp', SMTP_URL: 'smtps://u:p@mail.example.in:465', SMTP_FROM: 'Nivaran <otp@example.in>' });
    expect(config.smtp).toEqual({ url: 'smtps://u:p@mail.example.in:465', from: 'Nivaran <otp@example.in>' });
    expect(createCodeSender(config)).toBeInstanceOf(SmtpCodeSender);
    expect(senderChannels(config)).toEqual(['email']);
  });

  it('OTP_SENDER=sms needs SMS_GATEWAY_URL; method, body and headers are checked', () => {
    expect(configError({ OTP_SENDER: 'sms' })).toContain('SMS_GATEWAY_URL: is required when OTP_SENDER=sms');
    expect(configError({ OTP_SENDER: 'sms', SMS_GATEWAY_URL: 'https://sms.example/send?text={message}' })).toContain('{to}');
    expect(configError({ OTP_SENDER: 'sms', SMS_GATEWAY_URL: 'https://sms.example/send?to={number}&text={message}' })).toContain('unknown placeholder {number}');
    expect(configError({ SMS_GATEWAY_URL: 'https://sms.example/s?to={to}&t={message}', SMS_GATEWAY_BODY: 'x={to}' })).toContain('SMS_GATEWAY_BODY: is only sent with SMS_GATEWAY_METHOD=POST');
    expect(configError({ SMS_GATEWAY_URL: 'https://sms.example/s', SMS_GATEWAY_METHOD: 'POST', SMS_GATEWAY_BODY: '{"to":{to},"t":"{message}"}' })).toContain('not valid JSON');
    const headers = configError({ SMS_GATEWAY_URL: 'https://sms.example/s?to={to}&t={code}', SMS_GATEWAY_HEADERS: 'X-Key: s3cr3t; broken' });
    expect(headers).toContain('SMS_GATEWAY_HEADERS: part 2');
    expect(headers).not.toContain('s3cr3t');

    const config = loadConfig({
      OTP_SENDER: 'sms',
      SMS_GATEWAY_URL: 'https://sms.example/send',
      SMS_GATEWAY_METHOD: 'post',
      SMS_GATEWAY_BODY: '{"to":"{to}","text":"{message}"}',
      SMS_GATEWAY_HEADERS: 'Authorization: Bearer abc:def; X-Sender: NIVRAN',
    });
    expect(config.smsGateway).toEqual({
      url: 'https://sms.example/send',
      method: 'POST',
      body: '{"to":"{to}","text":"{message}"}',
      headers: { Authorization: 'Bearer abc:def', 'X-Sender': 'NIVRAN' },
    });
    expect(createCodeSender(config)).toBeInstanceOf(HttpSmsCodeSender);
    expect(senderChannels(config)).toEqual(['sms']);
  });
});
