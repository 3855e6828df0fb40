import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildDesk } from '../../src/desk/server.ts';
import { ERROR_CODES } from '../../src/errors.ts';
import { checkEvidence } from '../../src/files/checks.ts';
import { DatabaseFileStore, DiskFileStore, sha256Of } from '../../src/files/file-store.ts';
import { createLogger } from '../../src/logger.ts';
import { backends, useStores } from '../helpers/backends.ts';
import { addOfficer, auditRows, fileGrievance, ticketRow } from '../helpers/desk.ts';
import { DeskClient } from '../helpers/desk-client.ts';
import { FakeClock, startHarness, tempDataDir, type Harness } from '../helpers/harness.ts';

const START = '2026-11-23T05:30:00.000Z';
const clock = () => new Date(START);

/** A 1×1 PNG, a one-page PDF's first bytes, a JPEG's: what phones send. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
const PDF = Buffer.from('%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');
const JPEG = Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), Buffer.alloc(64, 0), Buffer.from('ffd9', 'hex')]);
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);
const HTML = Buffer.from('<!doctype html><html><script>alert(1)</script></html>');

describe('the file checks (type by content, size from the profile)', () => {
  it('accepts photos and PDFs by their bytes', async () => {
    expect(await checkEvidence(PNG, 10_000)).toEqual({ mime: 'image/png', ext: 'png', size: PNG.length });
    expect((await checkEvidence(PDF, 10_000)).mime).toBe('application/pdf');
    expect((await checkEvidence(JPEG, 10_000)).mime).toBe('image/jpeg');
  });

  it('refuses a program, a web page, an empty file and one over the limit, whatever their names say', async () => {
    await expect(checkEvidence(EXE, 10_000)).rejects.toMatchObject({ code: ERROR_CODES.FILE_REJECTED, details: { reason: 'type' } });
    await expect(checkEvidence(HTML, 10_000)).rejects.toMatchObject({ code: ERROR_CODES.FILE_REJECTED, details: { reason: 'type', found: null } });
    await expect(checkEvidence(Buffer.alloc(0), 10_000)).rejects.toMatchObject({ details: { reason: 'empty' } });
    await expect(checkEvidence(PNG, PNG.length - 1)).rejects.toMatchObject({ details: { reason: 'too_large', maxBytes: PNG.length - 1 } });
  });
});

for (const backend of backends) {
  describe.skipIf(backend.skip)(`file storage on ${backend.name}`, () => {
    const open = useStores(backend);
    it('keeps bytes by content, once, and sweeps those nothing refers to', async () => {
      const { store, count } = await open();
      const dir = tempDataDir();
      const files = backend.name === 'postgres' ? new DatabaseFileStore(clock) : new DiskFileStore(path.join(dir, 'files'), clock);
      const a = await store.transaction((uow) => files.put(PNG, uow));
      const again = await store.transaction((uow) => files.put(PNG, uow));
      expect(again).toEqual(a);
      expect(a.sha256).toBe(sha256Of(PNG));
      expect(await count('file_blobs')).toBe(1);
      expect(await store.transaction((uow) => files.get(a.sha256, uow))).toEqual(PNG);
      if (files.kind === 'disk') {
        const onDisk = path.join(dir, 'files', a.sha256.slice(0, 2), a.sha256);
        expect(fs.statSync(onDisk).mode & 0o777).toBe(0o600);
      }
      // Nothing refers to it: the sweep removes it (bytes and row).
      expect(await files.sweep(store)).toBe(1);
      expect(await count('file_blobs')).toBe(0);
      expect(await store.transaction((uow) => files.get(a.sha256, uow))).toBeUndefined();
    });
  });
}

describe('evidence on the desk', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('listed on the ticket page, downloaded with an audit row, refused to an officer who may not see it; an officer attaches one through the API', async () => {
    h = await startHarness({ clock: new FakeClock(START) });
    const server = await buildDesk(h.app, { secret: 'desk-test-secret-of-32-characters!!', trustProxy: false, sessionHours: 12, logger: createLogger('silent'), clock: h.clock.now });
    try {
      const meena = await addOfficer(h.app, 'officer', 'Meena');
      const gita = await addOfficer(h.app, 'grievance_officer', 'Gita');
      const number = await fileGrievance(h);
      const t = await ticketRow(h.app, number);
      const added = await h.app.evidence.add({ conversationKey: t.conversation_key, ticketId: t.id, bytes: PNG, addedBy: 'citizen', channel: 'console', messageId: 'm-photo' });
      const b = new DeskClient(server);
      await b.login(meena.email);
      const page = await b.get(`/tickets/${number}`);
      expect(page.body).toContain(`href="/tickets/${number}/files/${added.id}"`);
      expect(page.body).toContain('image/png');
      const dl = await b.get(`/tickets/${number}/files/${added.id}`);
      expect(dl.statusCode).toBe(200);
      expect(dl.headers['content-type']).toBe('image/png');
      expect(dl.headers['content-disposition']).toBe(`attachment; filename="${number}-${added.id}.png"`);
      expect(dl.rawPayload).toEqual(PNG);
      const audit = (await auditRows(h.app)).filter((r) => r.action === 'ticket.file_download');
      expect(audit.map((r) => [r.actor, r.subject])).toEqual([[`officer:${meena.id}`, `ticket:${number}`]]);

      const other = new DeskClient(server);
      await other.login(gita.email);
      expect((await other.get(`/tickets/${number}/files/${added.id}`)).statusCode).toBe(403);

      const { token } = await h.app.accounts.createApiToken(meena, 'files', 'test');
      const post = (body: Buffer, auth = `Bearer ${token}`) =>
        server.inject({ method: 'POST', url: `/api/v1/tickets/${number}/files`, payload: body, headers: { authorization: auth, 'content-type': 'application/octet-stream' } });
      const attached = await post(PDF);
      expect(attached.statusCode).toBe(201);
      expect(attached.json()).toMatchObject({ mime: 'application/pdf', size: PDF.length });
      const refused = await post(EXE);
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toMatchObject({ code: ERROR_CODES.FILE_REJECTED });
      expect((await post(PDF, 'Bearer nvr_wrong')).statusCode).toBe(401);
      const { token: gitaToken } = await h.app.accounts.createApiToken(gita, 'files', 'test');
      expect((await post(PDF, `Bearer ${gitaToken}`)).statusCode).toBe(403);
      expect((await auditRows(h.app)).filter((r) => r.action === 'ticket.file_attach')).toHaveLength(1);
      expect((await h.app.evidence.ofTicket(meena, number)).map((f) => [f.mime, f.added_by])).toEqual([['image/png', 'citizen'], ['application/pdf', `officer:${meena.id}`]]);
      // A client retrying after a timeout with the same Idempotency-Key attaches once; the retry gets the first file.
      const keyed = (body: Buffer, key: string, to = number) =>
        server.inject({ method: 'POST', url: `/api/v1/tickets/${to}/files`, payload: body, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'idempotency-key': key } });
      const first = await keyed(PDF, 'upload-7f3a');
      expect(first.statusCode).toBe(201);
      const [again, atOnce] = await Promise.all([keyed(PDF, 'upload-7f3a'), keyed(PDF, 'upload-7f3a')]);
      for (const r of [again, atOnce]) {
        expect(r.statusCode).toBe(200);
        expect(r.json()).toEqual(first.json());
      }

      expect((await auditRows(h.app)).filter((r) => r.action === 'ticket.file_attach')).toHaveLength(2);
      expect((await keyed(PDF, 'has space')).json()).toMatchObject({ code: ERROR_CODES.DESK_INPUT, message: expect.stringContaining('Idempotency-Key') as string });
      const otherTicket = await fileGrievance(h, { user: 'c-other' });
      const reused = await keyed(PDF, 'upload-7f3a', otherTicket);
      expect(reused.statusCode).toBe(400);
      expect(reused.json().message).toBe('This Idempotency-Key was already used for a file on another ticket; send a new key.');
      // The same key with another file is not a retry: refused, not silently answered with the first file.
      const otherFile = await keyed(Buffer.concat([PDF, Buffer.from('\n% another')]), 'upload-7f3a');
      expect(otherFile.statusCode).toBe(400);
      expect(otherFile.json().message).toBe('This Idempotency-Key was already used for another file; send a new key.');

      // Erasure of the conversation takes its files (the citizen's and the two attached) and, once unreferenced, their bytes.
      expect(await h.app.store.transaction((uow) => h!.app.evidence.erase(uow, t.conversation_key))).toBe(3);
      expect(await h.app.evidence.ofTicket(meena, number)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('evidence in the citizen’s own data', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('the copy carries each file (type, size, the bytes); erasure takes the files and the sweep their bytes', async () => {
    h = await startHarness({ clock: new FakeClock(START) });
    const { buildOwnDataExport } = await import('../../src/citizen-data/export.ts');
    const { planErasure, executeErasure } = await import('../../src/citizen-data/erasure.ts');
    const key = 'console:asha';
    const app = h.app;
    await app.evidence.add({ conversationKey: key, ticketId: null, bytes: JPEG, addedBy: 'citizen', channel: 'console', messageId: 'm1' });
    await app.evidence.add({ conversationKey: 'console:ravi', ticketId: null, bytes: PNG, addedBy: 'citizen', channel: 'console', messageId: 'm2' });
    const data = await app.store.transaction((uow) => buildOwnDataExport(uow, key, h!.clock.now(), (u, sha) => app.evidence.bytesOf(u, sha)));
    expect(data.files).toEqual([{ ticket: null, type: 'image/jpeg', size: JPEG.length, from: 'you', at: START, sha256: sha256Of(JPEG), content_base64: JPEG.toString('base64') }]);
    // Without files the copy has no `files` at all (earlier copies read the same).
    const none = await app.store.transaction((uow) => buildOwnDataExport(uow, 'console:nobody', h!.clock.now()));
    expect('files' in none).toBe(false);

    const counts = await app.store.transaction(async (uow) => {
      const plan = await planErasure(uow, key, h!.clock.now(), app.content.profile);
      expect(plan.regime).toBe('full');
      expect(plan.counts.files).toBe(1);
      return executeErasure(uow, key, plan.regime, h!.clock.now());
    });
    expect(counts.files).toBe(1);
    expect(await app.evidence.sweep()).toBe(1);
    const blob = path.join(h.dataDir, 'files', sha256Of(JPEG).slice(0, 2), sha256Of(JPEG));
    expect(fs.existsSync(blob)).toBe(false);
    // Ravi's file is untouched.
    expect(fs.existsSync(path.join(h.dataDir, 'files', sha256Of(PNG).slice(0, 2), sha256Of(PNG)))).toBe(true);
  });
});

describe('evidence sent in the chat', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function sendFile(h: Harness, user: string, bytes: Buffer | (() => Promise<Uint8Array>), id: string): Promise<string> {
    await h.app.router.handle({
      channel: 'console', conversationId: user, senderId: user, messageId: id, text: '', media: 'photo',
      file: { fetch: typeof bytes === 'function' ? bytes : async () => bytes }, at: h.clock.now(),
    });
    await h.app.sender.drain('console');
    h.clock.advance(1000);
    return h.adapter.take().map((m) => m.text).join('\n');
  }

  it('after consent: kept with the conversation, then with the ticket; refused by content; before consent not taken', async () => {
    h = await startHarness({ clock: new FakeClock(START) });
    const count = () => (h!.app.store as unknown as { connection: { prepare(s: string): { get(): { n: number } } } }).connection.prepare('select count(*) as n from evidence_files').get().n;

    // Before consent the file is not taken: the assistant asks for text as before.
    await h.say('hello', { user: 'asha' });
    let downloads = 0;
    const early = await sendFile(h, 'asha', async () => { downloads++; return PNG; }, 'f0');
    expect(early).not.toContain('your file has been received');
    expect(count()).toBe(0);
    // Nor downloaded from the platform at all.
    expect(downloads).toBe(0);

    await h.say('2', { user: 'asha' });
    await h.say('yes', { user: 'asha' });
    expect(await sendFile(h, 'asha', PNG, 'f1')).toBe('Thank you: your file has been received and will be kept with your request. Please carry on where you were.');
    expect(await sendFile(h, 'asha', EXE, 'f2')).toBe('This kind of file cannot be accepted. Please send a photo, a PDF, a document or a voice note.');
    expect(await sendFile(h, 'asha', async () => { throw new Error('platform down'); }, 'f3')).toBe('We could not receive this file. Please send it again.');
    expect(count()).toBe(1);

    const number = await fileGrievance(h, { user: 'asha' });
    expect(await sendFile(h, 'asha', PDF, 'f4')).toBe(`Thank you: your file has been received and added to ticket ${number}.`);
    // The same message delivered again is not stored twice.
    await sendFile(h, 'asha', PDF, 'f4');
    expect(count()).toBe(2);

    const meena = await addOfficer(h.app, 'officer', 'Meena');
    expect((await h.app.evidence.ofTicket(meena, number)).map((f) => [f.mime, f.ticket_id === null ? 'conversation' : 'ticket'])).toEqual([
      ['image/png', 'conversation'], ['application/pdf', 'ticket'],
    ]);
  });

  it('in Hindi, a file over the profile’s limit is refused naming the limit', async () => {
    h = await startHarness({ clock: new FakeClock(START) });
    await h.say('नमस्ते', { user: 'ravi' });
    await h.say('1', { user: 'ravi' });
    await h.say('हाँ', { user: 'ravi' });
    const big = Buffer.concat([PNG, Buffer.alloc(h.app.content.profile.files.maxBytes)]);
    expect(await sendFile(h, 'ravi', big, 'big')).toBe('यह फ़ाइल बहुत बड़ी है। कृपया अधिकतम 10 एमबी की फ़ाइल भेजें।');
  });

  it('in Hindi, a file for a grievance is added to its टिकट (not "मामला GRV-… में")', async () => {
    h = await startHarness({ clock: new FakeClock(START) });
    const number = await fileGrievance(h, { user: 'ravi', lang: 'hi' });
    expect(await sendFile(h, 'ravi', PDF, 'p1')).toBe(`धन्यवाद: आपकी फ़ाइल मिल गई है और टिकट ${number} में जोड़ दी गई है।`);
  });
});
