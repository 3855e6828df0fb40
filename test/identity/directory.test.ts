import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError, ERROR_CODES } from '../../src/errors.ts';
import { Directory, normaliseEmail, normaliseMobile } from '../../src/identity/directory.ts';
import type { Profile } from '../../src/profile/schema.ts';
import type { PrincipalsTable } from '../../src/storage/schema.ts';
import type { Store } from '../../src/storage/sqlite-store.ts';
import { backends, sqliteBackend, useStores } from '../helpers/backends.ts';

const NOW = new Date('2026-11-22T05:30:00.000Z');
const principal = (external_ref: string, extra: Partial<Omit<PrincipalsTable, 'id'>> = {}): Omit<PrincipalsTable, 'id'> => ({
  external_ref, name: null, mobile: null, email: null, source: 'csv', updated_at: NOW.toISOString(), ...extra,
});

/** A pino logger whose lines the test can read. */
function captureLogger() {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  return { logger: pino({ level: 'info' }, out), lines: () => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>), text: () => text };
}

const noDirectory: Pick<Profile, 'directory'> = {};

describe('normaliseMobile and normaliseEmail', () => {
  it('give E.164 (Indian by default, mobiles only) and lower-case addresses', () => {
    expect(normaliseMobile('98765 43210')).toBe('+919876543210');
    expect(normaliseMobile('+91-98765-43210')).toBe('+919876543210');
    expect(normaliseMobile('०९८७६५४३२१०')).toBe('+919876543210');
    expect(normaliseMobile('+44 7911 123456')).toBe('+447911123456');
    expect(normaliseMobile('011 2345 6789')).toBeUndefined(); // a Delhi landline: no SMS
    expect(normaliseMobile('12345')).toBeUndefined();
    expect(normaliseEmail(' Asha.K@Example.IN ')).toBe('asha.k@example.in');
    expect(normaliseEmail('asha@')).toBeUndefined();
  });
});

for (const backend of backends) {
  describe.skipIf(backend.skip)(`Directory.find: ${backend.name}`, () => {
    const open = useStores(backend);

    it('finds one principal by mobile or email, not_found, and ambiguous for two', async () => {
      const { store } = await open();
      await store.transaction(async (u) => {
        await u.principals.upsert(principal('C-1', { name: 'Asha', mobile: '+919876543210', email: 'asha.k@example.in' }));
        await u.principals.upsert(principal('C-2', { mobile: '+919811111111' }));
        await u.principals.upsert(principal('C-3', { mobile: '+919811111111' })); // a shared family phone
        await u.principals.upsert(principal('C-4', { email: 'ravi@example.in' }));
      });
      const dir = new Directory({ profile: noDirectory, logger: pino({ level: 'silent' }) });
      const find = (q: { mobile?: string; email?: string }) => store.transaction((u) => dir.find(u, q));

      expect(await find({ mobile: '+919876543210' })).toMatchObject({ status: 'found', principal: { external_ref: 'C-1', name: 'Asha' } });
      expect(await find({ mobile: '9876543210' })).toMatchObject({ status: 'found', principal: { external_ref: 'C-1' } });
      expect(await find({ email: 'ASHA.K@example.in' })).toMatchObject({ status: 'found', principal: { external_ref: 'C-1' } });
      expect(await find({ mobile: '+919876543210', email: 'asha.k@example.in' })).toMatchObject({ status: 'found' });
      expect(await find({ mobile: '+919000000000' })).toEqual({ status: 'not_found' });
      expect(await find({ email: 'nobody@example.in' })).toEqual({ status: 'not_found' });
      expect(await find({})).toEqual({ status: 'not_found' });
      expect(await find({ mobile: 'not a number' })).toEqual({ status: 'not_found' });
      expect(await find({ mobile: '+919811111111' })).toEqual({ status: 'ambiguous' });
      expect(await find({ mobile: '+919876543210', email: 'ravi@example.in' })).toEqual({ status: 'ambiguous' });
    });
  });
}

interface FakeDirectory {
  url: string;
  requests: Array<{ url: string; headers: http.IncomingHttpHeaders }>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A fake HTTP directory on 127.0.0.1: `answer` decides each response from the request URL. */
async function fakeDirectory(answer: (url: URL, res: http.ServerResponse) => void): Promise<FakeDirectory> {
  const requests: FakeDirectory['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    answer(new URL(req.url ?? '/', 'http://x'), res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  }));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

function httpDirectory(url: string, headers: Record<string, string> = {}, timeoutMs = 2000): Pick<Profile, 'directory'> {
  return { directory: { url, headers, timeoutMs } };
}

describe('Directory.prefetch (HTTP directory)', () => {
  const open = useStores(sqliteBackend);
  const rows = async (store: Store, mobile: string) => store.transaction((u) => u.principals.byMobile(mobile));

  it('a 200 answer is upserted (source http, mobile in E.164, email lower-cased) and find sees it', async () => {
    const { store } = await open();
    let name = 'Asha Kumari';
    const fake = await fakeDirectory((url, res) =>
      json(res, 200, { external_ref: 'CRM-77', name, mobile: '098765 43210', email: 'Asha.K@Example.in', tier: 'gold' }));
    const log = captureLogger();
    const dir = new Directory({
      profile: httpDirectory(`${fake.url}/principals?mobile={mobile}&email={email}`, { Authorization: 'env:NIV_TEST_DIR_TOKEN', 'X-Client': 'nivaran' }),
      logger: log.logger,
      env: { NIV_TEST_DIR_TOKEN: 'Bearer t0ken' },
    });
    await dir.prefetch(store, { mobile: '+919876543210' }, NOW);

    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.url).toBe('/principals?mobile=%2B919876543210&email=');
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer t0ken');
    expect(fake.requests[0]!.headers['x-client']).toBe('nivaran');
    expect(await rows(store, '+919876543210')).toEqual([{
      id: expect.any(Number), external_ref: 'CRM-77', name: 'Asha Kumari', mobile: '+919876543210', email: 'asha.k@example.in',
      source: 'http', updated_at: NOW.toISOString(),
    }]);
    expect(await store.transaction((u) => dir.find(u, { mobile: '+919876543210' }))).toMatchObject({ status: 'found', principal: { external_ref: 'CRM-77' } });

    // Asked again later, the same external_ref is updated, not duplicated.
    name = 'Asha K.';
    await dir.prefetch(store, { mobile: '+919876543210' }, new Date('2026-11-23T00:00:00.000Z'));
    expect(await rows(store, '+919876543210')).toMatchObject([{ external_ref: 'CRM-77', name: 'Asha K.', updated_at: '2026-11-23T00:00:00.000Z' }]);
    expect(log.text()).toBe('');
  });

  it('a 404 is "not on file": nothing written, nothing logged', async () => {
    const { store, count } = await open();
    const fake = await fakeDirectory((_url, res) => json(res, 404, { error: 'not found' }));
    const log = captureLogger();
    await new Directory({ profile: httpDirectory(`${fake.url}/p/{mobile}`), logger: log.logger }).prefetch(store, { mobile: '+919876543210' }, NOW);
    expect(fake.requests.map((r) => r.url)).toEqual(['/p/%2B919876543210']);
    expect(await count('principals')).toBe(0);
    expect(log.text()).toBe('');
  });

  it('a timeout, a 500 and a bad answer are logged without the number or address, and swallowed', async () => {
    const { store, count } = await open();
    const fake = await fakeDirectory((url, res) => {
      if (url.pathname === '/slow') return; // never answers
      if (url.pathname === '/broken') return json(res, 500, { error: 'db down' });
      if (url.pathname === '/text') return void res.end('not json');
      return json(res, 200, { external_ref: 'CRM-1', mobile: '12345', email: 'asha.k@example.in' });
    });
    const log = captureLogger();
    const q = { mobile: '+919876543210', email: 'asha.k@example.in' };
    const started = Date.now();
    await new Directory({ profile: httpDirectory(`${fake.url}/slow?m={mobile}`, {}, 150), logger: log.logger }).prefetch(store, q, NOW);
    expect(Date.now() - started).toBeLessThan(2000);
    await new Directory({ profile: httpDirectory(`${fake.url}/broken?m={mobile}`), logger: log.logger }).prefetch(store, q, NOW);
    await new Directory({ profile: httpDirectory(`${fake.url}/text?m={mobile}`), logger: log.logger }).prefetch(store, q, NOW);
    await new Directory({ profile: httpDirectory(`${fake.url}/bad?e={email}`), logger: log.logger }).prefetch(store, q, NOW);

    expect(await count('principals')).toBe(0);
    expect(log.lines().map((l) => [l.level, l.reason ?? l.status ?? l.fields])).toEqual([
      [40, 'timeout'], [40, 500], [40, 'not JSON'], [40, ['mobile']],
    ]);
    for (const secret of ['9876543210', 'asha', '%2B91', '12345']) expect(log.text()).not.toContain(secret);
  });

  it('asks nothing when the URL has no placeholder the query can fill, or without a directory in the profile', async () => {
    const { store } = await open();
    const fake = await fakeDirectory((_url, res) => json(res, 404, {}));
    await new Directory({ profile: httpDirectory(`${fake.url}/p?m={mobile}`), logger: pino({ level: 'silent' }) })
      .prefetch(store, { email: 'asha.k@example.in' }, NOW);
    await new Directory({ profile: noDirectory, logger: pino({ level: 'silent' }) }).prefetch(store, { mobile: '+919876543210' }, NOW);
    expect(fake.requests).toEqual([]);
  });

  it('an env: header whose variable is unset stops construction, naming the header and the variable', () => {
    const error = (() => {
      try {
        new Directory({ profile: httpDirectory('https://crm.example/p?m={mobile}', { 'X-Api-Key': 'env:NIV_TEST_UNSET_KEY' }), logger: pino({ level: 'silent' }), env: {} });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(ERROR_CODES.CONFIG_INVALID);
    expect((error as AppError).message).toContain('directory.headers.X-Api-Key');
    expect((error as AppError).message).toContain('NIV_TEST_UNSET_KEY');
  });
});
