import { appendAudit } from '../audit/audit-log.ts';
import type { Store } from '../storage/sqlite-store.ts';
import { buildOwnDataExport, type FileReader, type OwnDataExport } from './export.ts';
import { hashToken } from '../security/token.ts';
import { ownDataQueries, type ExportRow } from './queries.ts';

/**
 * One download of a citizen's own data by their link: the data as it is now, the download marked
 * on the link's row and appended to the audit log (actor `citizen`), in one unit of work.
 * Undefined for a token that matches no link or one that has expired (its row is left for the
 * retention purge).
 * @example const d = await downloadOwnData(store, token, 'json', new Date());
 */
export async function downloadOwnData(
  store: Store, token: string, format: 'html' | 'json', now: Date, readFile?: FileReader,
): Promise<{ link: ExportRow; data: OwnDataExport } | undefined> {
  return store.transaction(async (uow) => {
    const q = ownDataQueries(uow.dialect);
    const [link] = await uow.exec.all(q.exportByHash, { token_hash: hashToken(token) });
    if (!link || link.expires_at <= now.toISOString()) return undefined;
    const data = await buildOwnDataExport(uow, link.conversation_key, now, readFile);
    await uow.exec.run(q.markDownloaded, { id: link.id, at: now.toISOString() });
    await appendAudit(uow, { actor: 'citizen', action: 'own_data.download', subject: `conversation:${link.conversation_key}`, detail: { link: link.id, format }, at: now });
    return { link, data };
  });
}
