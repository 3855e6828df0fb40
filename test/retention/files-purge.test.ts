import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatPurgeReport } from '../../src/cli/retention.ts';
import { sha256Of } from '../../src/files/file-store.ts';
import { addOfficer, auditRows, fileGrievance, ticketRow } from '../helpers/desk.ts';
import type { Harness } from '../helpers/harness.ts';
import { BACKENDS, chatOnly, move, NOW, T_NEW, T_OLD, useHarnesses, type RawSql } from './helpers.ts';

/**
 * Evidence files in the retention purge, on SQLite (bytes under DATA_DIR/files) and PostgreSQL
 * (bytes in file_blobs; skipped without TEST_DATABASE_URL): a purged ticket's files go with it,
 * files sent while no ticket was open go with the transcript's period, both kept for the same
 * exceptions (legal hold, open ticket); their bytes go once nothing else refers to them.
 */

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
const PDF = Buffer.from('%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');
const JPEG = Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), Buffer.alloc(64, 0), Buffer.from('ffd9', 'hex')]);
/** A second PDF (other bytes, so another blob). */
const PDF2 = Buffer.from(PDF.toString('latin1').replace('1.7', '1.6'), 'latin1');

async function addFile(h: Harness, user: string, bytes: Buffer, ticketId: number | null) {
  return h.app.evidence.add({ conversationKey: `console:${user}`, ticketId, bytes, addedBy: 'citizen', channel: 'console', messageId: null });
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`retention purge of evidence files on ${backend.name}`, () => {
    const harnesses = useHarnesses(backend);

    /** 13 months before NOW: a chat with a PDF and no ticket; a closed ticket with a photo; a held closed ticket with a JPEG and a PDF sent before it; an open ticket with a PDF sent before it. 11 months before: a chat with the same photo. */
    async function scene(h: Harness) {
      const admin = await addOfficer(h.app, 'admin', 'Meena Rao');
      await chatOnly(h, 'old');
      await addFile(h, 'old', PDF, null);
      const closed = await fileGrievance(h, { user: 'closed' });
      await addFile(h, 'closed', PNG, (await ticketRow(h.app, closed)).id);
      await move(h, closed, 'resolved', 'closed');
      await chatOnly(h, 'held');
      await addFile(h, 'held', PDF2, null);
      const held = await fileGrievance(h, { user: 'held' });
      await addFile(h, 'held', JPEG, (await ticketRow(h.app, held)).id);
      await move(h, held, 'resolved', 'closed');
      await chatOnly(h, 'open');
      await addFile(h, 'open', PDF2, null);
      await fileGrievance(h, { user: 'open' });
      h.clock.set(T_NEW);
      await chatOnly(h, 'new');
      await addFile(h, 'new', PNG, null);
      h.clock.set(NOW);
      const hold = await h.app.retention.holds.place(admin, { ticket: held }, 'Writ petition 1234/2026 before the High Court');
      return { admin, closed, held, hold };
    }

    const filesOf = (sql: RawSql, user: string) => sql.count('evidence_files', `conversation_key = 'console:${user}'`);
    const blob = (sql: RawSql, bytes: Buffer) => sql.count('file_blobs', `sha256 = '${sha256Of(bytes)}'`);
    const onDisk = (h: Harness, bytes: Buffer) => {
      const sha = sha256Of(bytes);
      return fs.existsSync(path.join(h.dataDir, 'files', sha.slice(0, 2), sha));
    };

    it('removes the files of what it purges (rows and bytes), keeps held and open conversations’ and shared contents, and counts them in the dry run', async () => {
      const h = await harnesses.start({});
      h.clock.set(T_OLD);
      const sql = await harnesses.sql(h);
      const s = await scene(h);
      expect(await sql.count('evidence_files')).toBe(6);

      const dry = await h.app.retention.run({ dryRun: true });
      // Nothing written by the dry run; it counts the old chat's PDF and the closed ticket's photo.
      expect(await sql.count('evidence_files')).toBe(6);
      expect(dry.files).toMatchObject({ deleted: 2, bytes: PDF.length + PNG.length, blobs: 0 });
      expect(dry.counts.evidence_files).toBe(2);
      // Sent before any ticket and kept: the held conversation's PDF (legal hold), the open one's (open ticket).
      expect(dry.files.keptTotal).toBe(2);
      expect(dry.files.kept).toMatchObject({ legal_hold: 1, open_ticket: 1 });
      expect(formatPurgeReport(dry)).toContain(`Evidence files: 2 would go (${PDF.length + PNG.length} bytes)`);

      const real = await h.app.retention.run({ dryRun: false });
      expect(real.counts).toEqual(dry.counts);
      expect(real.files).toMatchObject({ deleted: 2, bytes: dry.files.bytes, keptTotal: 2 });
      expect(await filesOf(sql, 'old')).toBe(0);
      expect(await filesOf(sql, 'closed')).toBe(0);
      expect(await filesOf(sql, 'held')).toBe(2);
      expect(await filesOf(sql, 'open')).toBe(1);
      expect(await filesOf(sql, 'new')).toBe(1);
      // The old PDF's contents are gone; the photo is still the newer chat's, so its bytes stay.
      expect(real.files.blobs).toBe(1);
      expect(await blob(sql, PDF)).toBe(0);
      expect(await blob(sql, PNG)).toBe(1);
      expect(await blob(sql, JPEG)).toBe(1);
      if (backend.name === 'sqlite') {
        expect(onDisk(h, PDF)).toBe(false);
        expect(onDisk(h, PNG)).toBe(true);
        expect(onDisk(h, JPEG)).toBe(true);
      }
      const kept = await h.app.store.transaction((uow) => h.app.evidence.ofConversation(uow, 'console:held'));
      expect(kept.map((f) => f.bytes?.length)).toEqual([PDF2.length, JPEG.length]);
      // The audit row carries the counts (no conversation keys).
      const purge = (await auditRows(h.app)).filter((r) => r.action === 'retention.purge').at(-1)!;
      expect(JSON.parse(purge.detail)).toMatchObject({ counts: { evidence_files: 2 }, fileBytes: dry.files.bytes, fileBlobs: 1 });
      expect(purge.detail).not.toContain('console:');

      // The hold released: the held ticket's JPEG and the PDF sent before it go, bytes and all
      // (the open ticket still has the same PDF's contents, so those stay).
      await h.app.retention.holds.release(s.admin, s.hold.id, 'The petition was dismissed on 30 October 2026.');
      const again = await h.app.retention.run({ dryRun: false });
      expect(again.files).toMatchObject({ deleted: 2, bytes: PDF2.length + JPEG.length, blobs: 1 });
      expect(await filesOf(sql, 'held')).toBe(0);
      expect(await blob(sql, JPEG)).toBe(0);
      expect(await blob(sql, PDF2)).toBe(1);
      if (backend.name === 'sqlite') expect(onDisk(h, JPEG)).toBe(false);
    });
  });
}
