import fs from 'node:fs';
import { verifyAudit } from '../audit/audit-log.ts';
import { checkAgainst, makeCheckpoint, parseCheckpoint } from '../audit/checkpoint.ts';
import { auditSecret } from '../secrets.ts';
import { loadConfig } from '../config.ts';
import { AppError, ERROR_CODES } from '../errors.ts';
import { openStore } from '../storage/open-store.ts';
import { cliIo, parseCliArgs, type CliOptions } from './officers.ts';

const USAGE = 'Usage: nivaran audit verify [--against FILE] | nivaran audit checkpoint [--out FILE]';

export interface AuditCliOptions extends CliOptions {
  /** The checkpoint's time; the real clock when not given. */
  clock?: () => Date;
}

/**
 * `nivaran audit verify [--against FILE]`: recomputes the audit log's hash chain, checks that its
 * purge point was left by a recorded purge of expired rows and, with a checkpoint file, that the
 * log still holds the checkpoint's row unchanged. Exit 0 when all holds, 1 naming what does not.
 * `nivaran audit checkpoint [--out FILE]`: verifies, then writes a signed checkpoint (stdout
 * without --out) for the organisation to keep away from the database.
 */
export async function auditCommand(args: string[], opts: AuditCliOptions = {}): Promise<number> {
  const { values, positionals } = parseCliArgs(
    { args, allowPositionals: true, options: { against: { type: 'string' }, out: { type: 'string' } } },
    USAGE,
  );
  const command = positionals[0];
  if (positionals.length !== 1 || (command !== 'verify' && command !== 'checkpoint')) throw new AppError(ERROR_CODES.CLI_USAGE, USAGE);
  if ((command === 'verify' && values.out !== undefined) || (command === 'checkpoint' && values.against !== undefined)) throw new AppError(ERROR_CODES.CLI_USAGE, USAGE);
  const io = cliIo(opts.io);
  const config = opts.config ?? loadConfig();
  // The same key openStore sets for the chain.
  const key = auditSecret(config);
  // Read (and its signature checked) before the database is opened: a wrong file fails fast.
  const against = values.against === undefined ? undefined : parseCheckpoint(readFile(values.against), key);
  const store = await openStore(config);
  try {
    const verdict = await verifyAudit(store);
    if (!verdict.ok) {
      io.stdout.write(`Audit log broken at row ${verdict.brokenSeq}: ${verdict.reason}\n`);
      return 1;
    }
    if (command === 'checkpoint') {
      const checkpoint = await makeCheckpoint(store, key, (opts.clock ?? (() => new Date()))());
      const text = `${JSON.stringify(checkpoint, null, 2)}\n`;
      if (values.out === undefined) {
        io.stdout.write(text);
      } else {
        fs.writeFileSync(values.out, text);
        io.stdout.write(`Audit checkpoint written to ${values.out}: row ${checkpoint.seq}. Keep it away from the database and its server.\n`);
      }
      return 0;
    }
    if (against) {
      const refused = await checkAgainst(store, against, verdict.purgeCutoff);
      if (refused) {
        io.stdout.write(`Audit log does not match the checkpoint: ${refused}\n`);
        return 1;
      }
    }
    const purged = verdict.purgedThrough ? ` Rows 1–${verdict.purgedThrough} were removed by the retention purge; the chain is checked from its recorded end.` : '';
    const matched = against ? ` It still holds row ${against.seq} of the checkpoint of ${against.madeAt}.` : '';
    io.stdout.write(`Audit log intact: ${verdict.rows} ${verdict.rows === 1 ? 'row' : 'rows'}.${purged}${matched}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

function readFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new AppError(ERROR_CODES.AUDIT_CHECKPOINT_INVALID, `Cannot read the checkpoint file ${file}: give the path of a file \`nivaran audit checkpoint\` wrote.`);
  }
}
