import { setAuditKey, verifyAudit } from '../audit/audit-log.ts';
import { auditSecret } from '../secrets.ts';
import { loadConfig } from '../config.ts';
import { AppError, ERROR_CODES } from '../errors.ts';
import { openStore } from '../storage/open-store.ts';
import { cliIo, type CliOptions } from './officers.ts';

/**
 * `nivaran audit verify`: recomputes the audit log's hash chain. Exit 0 when it is intact, 1
 * naming the first row that was changed, removed or cut off.
 */
export async function auditCommand(args: string[], opts: CliOptions = {}): Promise<number> {
  if (args[0] !== 'verify' || args.length > 1) throw new AppError(ERROR_CODES.CLI_USAGE, 'Usage: nivaran audit verify');
  const io = cliIo(opts.io);
  const config = opts.config ?? loadConfig();
  setAuditKey(auditSecret(config));
  const store = await openStore(config);
  try {
    const verdict = await verifyAudit(store);
    if (verdict.ok) {
      const purged = verdict.purgedThrough ? ` Rows 1–${verdict.purgedThrough} were removed by the retention purge; the chain is checked from its recorded end.` : '';
      io.stdout.write(`Audit log intact: ${verdict.rows} ${verdict.rows === 1 ? 'row' : 'rows'}.${purged}\n`);
      return 0;
    }
    io.stdout.write(`Audit log broken at row ${verdict.brokenSeq}: ${verdict.reason}\n`);
    return 1;
  } finally {
    await store.close();
  }
}
