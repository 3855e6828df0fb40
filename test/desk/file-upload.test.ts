import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { buildDesk } from '../../src/desk/server.ts';
import { parseMultipart } from '../../src/desk/multipart.ts';
import { createLogger } from '../../src/logger.ts';
import { backends, pgTestSchema } from '../helpers/backends.ts';
import { addOfficer, auditRows, fileGrievance } from '../helpers/desk.ts';
import { DeskClient } from '../helpers/desk-client.ts';
import { FakeClock, startHarness, texts, type Harness } from '../helpers/harness.ts';

/**
 * The ticket page's upload form: an officer attaches a file (multipart, with the form token),
 * it is recorded and audited as through the API, and the citizen is told in their language
 * that a document was attached and how to get it.
 */

const START = '2026-11-23T05:30:00.000Z';
const PDF = Buffer.from('%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);
const BOUNDARY = '----nivaranTestBoundary7MA4YWxkTrZu0gW';

/** The body a browser sends for the form: text fields, then the file part. */
function multipart(fields: Record<string, string>, file?: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="reply.pdf"\r\nContent-Type: application/pdf\r\n\r\n`), file, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(parts);
}

describe('the multipart reader', () => {
  it('reads fields and the file’s exact bytes (CRLF and boundary-like bytes inside the file kept)', () => {
    const tricky = Buffer.concat([PDF, Buffer.from(`\r\n--${BOUNDARY.slice(0, 10)}\r\n\r\n`), PDF]);
    const form = parseMultipart(multipart({ _csrf: 'tok', text: 'नमस्ते\r\nline 2' }, tricky), `multipart/form-data; boundary=${BOUNDARY}`);
    expect(form.fields).toEqual({ _csrf: 'tok', text: 'नमस्ते\r\nline 2' });
    expect(form.files.file).toEqual(tricky);
  });

  it('refuses a body without its boundary or cut short', () => {
    expect(() => parseMultipart(Buffer.from('x'), 'multipart/form-data')).toThrow(/boundary/);
    const whole = multipart({ a: 'b' }, PDF);
    expect(() => parseMultipart(whole.subarray(0, whole.length - 60), `multipart/form-data; boundary=${BOUNDARY}`)).toThrow(/cut short/);
  });
});

describe('attaching a file on the ticket page', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('stores it, audits it, replies to the citizen in Hindi; refuses without the form token, a program, or an officer who may not act', async () => {
    h = await startHarness({ clock: new FakeClock(START) });
    const server = await buildDesk(h.app, { secret: 'desk-test-secret-of-32-characters!!', trustProxy: false, sessionHours: 12, logger: createLogger('silent'), clock: h.clock.now });
    try {
      const meena = await addOfficer(h.app, 'officer', 'Meena');
      const gita = await addOfficer(h.app, 'grievance_officer', 'Gita');
      const number = await fileGrievance(h, { user: 'asha', lang: 'hi' });
      const b = new DeskClient(server);
      await b.login(meena.email);
      const page = await b.get(`/tickets/${number}`);
      expect(page.body).toContain(`action="/tickets/${number}/files" enctype="multipart/form-data"`);
      h.adapter.take();
      const upload = (client: DeskClient, body: Buffer) =>
        server.inject({ method: 'POST', url: `/tickets/${number}/files`, payload: body, headers: { cookie: (client as unknown as { cookie(): string }).cookie(), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } });

      // Without the form's token: refused, nothing stored.
      expect((await upload(b, multipart({ text: 'x' }, PDF))).statusCode).toBe(403);
      // A program: refused by its content.
      const program = await upload(b, multipart({ _csrf: b.csrf }, EXE));
      expect(program.statusCode).toBe(400);
      // Each refusal says why, in the officer's language, not "check what you entered".
      expect(program.body).toContain('This kind of file cannot be attached.');
      const none = await upload(b, multipart({ _csrf: b.csrf, text: 'x' }));
      expect(none.statusCode).toBe(400);
      expect(none.body).toContain('Choose a file to attach');
      const huge = await upload(b, multipart({ _csrf: b.csrf }, Buffer.concat([PDF, Buffer.alloc(h.app.content.profile.files.maxBytes + 1, 0x20)])));
      expect([400, 413]).toContain(huge.statusCode);
      expect(huge.body).toContain('The file is too large to attach.');
      // Past the form's own body limit too: the same answer, not a generic error page.
      const beyond = await upload(b, multipart({ _csrf: b.csrf }, Buffer.concat([PDF, Buffer.alloc(h.app.content.profile.files.maxBytes + 2 ** 20, 0x20)])));
      expect(beyond.statusCode).toBe(400);
      expect(beyond.body).toContain('The file is too large to attach.');
      expect(await h.app.evidence.ofTicket(meena, number)).toEqual([]);

      const res = await upload(b, multipart({ _csrf: b.csrf, text: 'कृपया संलग्न आदेश देखें।' }, PDF));
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`/tickets/${number}?done=file`);
      const files = await h.app.evidence.ofTicket(meena, number);
      expect(files.map((f) => [f.mime, f.added_by])).toEqual([['application/pdf', `officer:${meena.id}`]]);
      const audit = (await auditRows(h.app)).filter((r) => r.action === 'ticket.file_attach');
      expect(audit.map((r) => [r.actor, r.subject])).toEqual([[`officer:${meena.id}`, `ticket:${number}`]]);

      await h.app.sender.drain('console');
      const told = texts(h.adapter.take());
      expect(told).toContain('कृपया संलग्न आदेश देखें।');
      expect(told).toContain(`आपके टिकट ${number} के साथ एक दस्तावेज़ जोड़ा गया है`);
      expect(told).toContain('मेरा डेटा');
      // What the reply promises: the document is in the citizen's copy of their data.
      const { buildOwnDataExport } = await import('../../src/citizen-data/export.ts');
      const copy = await h.app.store.transaction((uow) => buildOwnDataExport(uow, 'console:asha', h!.clock.now(), (u, sha) => h!.app.evidence.bytesOf(u, sha)));
      expect(copy.files?.map((f) => [f.type, f.content_base64])).toEqual([['application/pdf', PDF.toString('base64')]]);
      expect((await b.get(`/tickets/${number}?done=file`)).body).toContain('The file was attached and the citizen was told.');

      // An officer who may not act on the ticket: refused, nothing more stored or sent.
      const other = new DeskClient(server);
      await other.login(gita.email);
      await other.get('/queue');
      expect((await upload(other, multipart({ _csrf: other.csrf }, PDF))).statusCode).toBe(403);
      expect(await h.app.evidence.ofTicket(meena, number)).toHaveLength(1);
      await h.app.sender.drain('console');
      expect(h.adapter.take()).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

for (const backend of backends) {
  describe.skipIf(backend.skip)(`the upload form sent again, on ${backend.name}`, () => {
    let h: Harness | undefined;
    let schema: Awaited<ReturnType<typeof pgTestSchema>> | undefined;
    afterEach(async () => {
      await h?.close();
      h = undefined;
      await schema?.drop();
      schema = undefined;
    });

    it('with the same form token (pressed again, resubmitted, or twice at once): one file, one audit row, one reply; a new page’s token attaches again', { timeout: 60_000 }, async () => {
      if (backend.name === 'postgres') schema = await pgTestSchema();
      h = await startHarness({ clock: new FakeClock(START), ...(schema ? { env: { DATABASE_URL: schema.url } } : {}) });
      const server = await buildDesk(h.app, { secret: 'desk-test-secret-of-32-characters!!', trustProxy: false, sessionHours: 12, logger: createLogger('silent'), clock: h.clock.now });
      try {
        const meena = await addOfficer(h.app, 'officer', 'Meena');
        const number = await fileGrievance(h, { user: 'asha', lang: 'hi' });
        const b = new DeskClient(server);
        await b.login(meena.email);
        const formKey = async () => {
          const key = /name="form_key" value="([^"]+)"/.exec((await b.get(`/tickets/${number}`)).body)?.[1];
          expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
          return key!;
        };
        await h.app.sender.drain('console');
        h.adapter.take();
        const upload = (body: Buffer) =>
          server.inject({ method: 'POST', url: `/tickets/${number}/files`, payload: body, headers: { cookie: (b as unknown as { cookie(): string }).cookie(), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } });
        const outRows = async () => (await h!.app.store.transaction((u) => u.transcripts.of('console:asha'))).filter((r) => r.direction === 'out' && r.text.includes('कृपया संलग्न आदेश देखें।'));

        const key = await formKey();
        const form = multipart({ _csrf: b.csrf, form_key: key, text: 'कृपया संलग्न आदेश देखें।' }, PDF);
        const first = await upload(form);
        expect(first.statusCode).toBe(303);
        // The browser sends it again (and again, twice at once): the same outcome, nothing more.
        const again = [await upload(form), ...(await Promise.all([upload(form), upload(form)]))];
        expect(again.map((r) => [r.statusCode, r.headers.location])).toEqual(Array(3).fill([303, `/tickets/${number}?done=file`]));
        expect(await h.app.evidence.ofTicket(meena, number)).toHaveLength(1);
        expect((await auditRows(h.app)).filter((r) => r.action === 'ticket.file_attach')).toHaveLength(1);
        expect((await auditRows(h.app)).filter((r) => r.action === 'ticket.reply')).toHaveLength(1);
        expect(await outRows()).toHaveLength(1);
        await h.app.sender.drain('console');
        expect(h.adapter.take().filter((m) => m.text.includes('कृपया संलग्न आदेश देखें।'))).toHaveLength(1);

        // Another page, another token: a second attachment is the officer's wish.
        const second = await upload(multipart({ _csrf: b.csrf, form_key: await formKey(), text: 'कृपया संलग्न आदेश देखें।' }, PDF));
        expect(second.statusCode).toBe(303);
        expect(await h.app.evidence.ofTicket(meena, number)).toHaveLength(2);
        expect(await outRows()).toHaveLength(2);

        // One unit of work: a reply that cannot go (the ticket is resolved) attaches nothing either.
        await h.app.desk.act(meena, number, { type: 'resolve', reason: 'Resolved in person.' });
        const refused = await upload(multipart({ _csrf: b.csrf, form_key: 'k'.repeat(43), text: 'कृपया संलग्न आदेश देखें।' }, PDF));
        expect(refused.statusCode).toBe(409);
        expect(await h.app.evidence.ofTicket(meena, number)).toHaveLength(2);
      } finally {
        await server.close();
      }
    });
  });
}

/**
 * Sends only a request's head (announcing `length` bytes of body, none sent) and resolves with the
 * response's head; rejects if none comes within the time, as when the server waits for the body.
 */
function headOnly(port: number, head: string[], length: number, waitMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${waitMs} ms: the server is waiting for the body`));
    }, waitMs);
    socket.on('data', (chunk) => {
      got += chunk.toString('latin1');
      const end = got.indexOf('\r\n\r\n');
      if (end >= 0) {
        clearTimeout(timer);
        socket.destroy();
        resolve(got.slice(0, end));
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.write([...head, 'Host: 127.0.0.1', `Content-Length: ${length}`, '', ''].join('\r\n'));
  });
}

describe('uploads from someone not signed in', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('are refused from their headers, before a body of files.maxBytes is read (API and form)', async () => {
    h = await startHarness({ clock: new FakeClock(START) });
    const server = await buildDesk(h.app, { secret: 'desk-test-secret-of-32-characters!!', trustProxy: false, sessionHours: 12, logger: createLogger('silent'), clock: h.clock.now });
    try {
      await server.listen({ port: 0, host: '127.0.0.1' });
      const port = (server.server.address() as { port: number }).port;
      const maxBytes = h.app.content.profile.files.maxBytes;
      const url = '/tickets/AB-2026-000001/files';

      const none = await headOnly(port, [`POST /api/v1${url} HTTP/1.1`, 'Content-Type: application/pdf'], maxBytes);
      expect(none).toMatch(/^HTTP\/1\.1 401 /);
      const wrong = await headOnly(port, [`POST /api/v1${url} HTTP/1.1`, 'Content-Type: application/pdf', 'Authorization: Bearer nvr_wrong'], maxBytes);
      expect(wrong).toMatch(/^HTTP\/1\.1 401 /);
      expect(wrong).toMatch(/www-authenticate: Bearer error="invalid_token"/i);

      const form = await headOnly(port, [`POST ${url} HTTP/1.1`, `Content-Type: multipart/form-data; boundary=${BOUNDARY}`, 'Cookie: nivaran_session=not-a-session'], maxBytes);
      expect(form).toMatch(/^HTTP\/1\.1 303 /);
      expect(form).toMatch(/location: \/login\?/i);
      const noCookie = await headOnly(port, [`POST ${url} HTTP/1.1`, `Content-Type: multipart/form-data; boundary=${BOUNDARY}`], maxBytes);
      expect(noCookie).toMatch(/^HTTP\/1\.1 303 /);
    } finally {
      await server.close();
    }
  });
});
