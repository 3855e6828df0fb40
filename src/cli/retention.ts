import { loadConfig } from '../config.ts';
import { fileStoreFor } from '../files/file-store.ts';
import { formatDateTime } from '../i18n/i18n.ts';
import { istDayNumber, isoDateOfDayNumber } from '../domain/time/ist.ts';
import { AppError, ERROR_CODES } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { loadProfile } from '../profile/load.ts';
import { DATA_CLASSES, KEEP_REASONS, RetentionService, type DataClass, type PurgeReport } from '../retention/retention-service.ts';
import { openStore } from '../storage/open-store.ts';
import { cliIo, parseCliArgs, type CliOptions } from './officers.ts';

const USAGE = `Usage: nivaran retention run [--dry-run] [--json]
  --dry-run  only count what would be deleted (nothing is written, not even the audit entry)
  --json     the report as JSON`;

export interface RetentionCliOptions extends CliOptions {
  /** The clock; the real one unless a test gives another. */
  clock?: () => Date;
}

const CLASS_LABEL: Record<DataClass, string> = {
  transcripts: 'transcripts',
  verifications: 'identity checks',
  consent: 'consent ledger',
  tickets: 'tickets (finished)',
  audit: 'audit log',
};

const REASON_LABEL = { open_ticket: 'open ticket', appeal_pending: 'appeal', board_case: 'Board case', legal_hold: 'legal hold' } as const;

/**
 * `nivaran retention run [--dry-run] [--json]`: deletes what has outlived its retention period
 * (profile `retention`), keeping conversations with an open ticket, a pending appeal or Board case,
 * or a legal hold; prints per class the cutoff, the rows that went (or would go) and the rows kept
 * for each reason. The audit log names the actor `cli`. Exit 0.
 */
export async function retentionCommand(args: string[], opts: RetentionCliOptions = {}): Promise<number> {
  const { values, positionals } = parseCliArgs(
    { args, allowPositionals: true, options: { 'dry-run': { type: 'boolean', default: false }, json: { type: 'boolean', default: false } } },
    USAGE,
  );
  if (positionals.length !== 1 || positionals[0] !== 'run') throw new AppError(ERROR_CODES.CLI_USAGE, USAGE);
  const io = cliIo(opts.io);
  const config = opts.config ?? loadConfig();
  const profile = loadProfile(config.profileFile);
  const store = await openStore(config);
  try {
    const clock = opts.clock ?? (() => new Date());
    const service = new RetentionService({ store, profile, clock, logger: createLogger(config.logLevel), files: fileStoreFor(config, clock) });
    const report = await service.run({ dryRun: values['dry-run'] === true, actor: 'cli' });
    io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatPurgeReport(report));
    return 0;
  } finally {
    await store.close();
  }
}

/** The report as a plain-text table, one line per class of data. */
export function formatPurgeReport(r: PurgeReport): string {
  const go = r.dryRun ? 'would go' : 'deleted';
  const header = ['class', 'months', 'cutoff (IST)', go, 'kept', ...KEEP_REASONS.map((k) => REASON_LABEL[k])];
  const body = DATA_CLASSES.map((c) => {
    const x = r.classes[c];
    const cutoffDay = isoDateOfDayNumber(istDayNumber(new Date(x.cutoff)));
    const kept = c === 'audit' ? ['–', ...KEEP_REASONS.map(() => '–')] : [String(x.keptTotal), ...KEEP_REASONS.map((k) => String(x.kept[k]))];
    return [CLASS_LABEL[c], String(x.months), cutoffDay, String(x.deleted), ...kept];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  const rel = r.related;
  const out = [
    `Retention purge at ${formatDateTime('en', r.at)} IST${r.dryRun ? ' (dry run: nothing was deleted)' : ''}`,
    '',
    line(header),
    ...body.map(line),
    '',
    `Rows older than 00:00 IST of the cutoff date had expired. Kept rows belong to conversations with an open ticket,`,
    `a pending appeal, a Board case or a legal hold; a row kept for two reasons counts under both.`,
    `${r.dryRun ? 'Would go with the tickets' : 'Deleted with the tickets'}: ${rel.ticket_events} history entries, ${rel.timers} timers, ${rel.officer_notifications} officers' notes, ${rel.ratings} ratings, ${rel.reviews} reviews.`,
    `Evidence files: ${r.files.deleted} ${r.dryRun ? 'would go' : 'deleted'} (${r.files.bytes} bytes)${r.dryRun ? '' : `, ${r.files.blobs} stored contents removed`}; ${r.files.keptTotal} sent before any ticket kept for an exception (those of kept tickets stay with them).`,
    `Housekeeping: ${r.housekeeping.data_exports} expired export links, ${r.housekeeping.desk_sessions} expired desk log-ins, ${r.housekeeping.processed_messages} old message ids, ${r.housekeeping.delivery_statuses} old delivery statuses, ${r.housekeeping.sessions} idle chat sessions.`,
    r.dryRun
      ? `In all ${r.deleted} rows would go.`
      : `In all ${r.deleted} rows deleted${r.auditSeq ? `; audit entry ${r.auditSeq}` : ''}.${r.auditPurgedThrough > 0 ? ` The audit log now starts after row ${r.auditPurgedThrough}.` : ''}`,
  ];
  return `${out.join('\n')}\n`;
}
