import fs from 'node:fs';
import { loadConfig } from '../config.ts';
import { loadCalendar } from '../domain/sla/calendar-files.ts';
import { AppError, ERROR_CODES } from '../errors.ts';
import { loadProfile } from '../profile/load.ts';
import { reportCsv, reportText } from '../reports/format.ts';
import { monthlyReport } from '../reports/load.ts';
import { monthOf, parseMonth } from '../reports/month.ts';
import { openStore } from '../storage/open-store.ts';
import { cliIo, parseCliArgs, type CliOptions } from './officers.ts';

const USAGE = `Usage: nivaran report [--month YYYY-MM] [--format text|json|csv] [--out FILE]
  --month   the IST calendar month, e.g. 2026-11 (default: the month under way)
  --format  text (a readable summary, the default), json (the whole report) or csv
            (one table: section,metric,dimension,value)
  --out     write to FILE instead of standard output`;

const FORMATS = ['text', 'json', 'csv'] as const;

export interface ReportCliOptions extends CliOptions {
  /** The clock (tests fix it); the month under way and "open past due" are measured against it. */
  now?: () => Date;
}

/**
 * `nivaran report --month 2026-11 [--format json|csv] [--out FILE]`: the month's figures. The
 * reading is recorded in the audit log (`report.view`, actor `cli`, the month and format only).
 *
 * @throws AppError CLI_USAGE for a month not written YYYY-MM (`2026-13`, `nov`), an unknown
 *   format, or a stray argument.
 */
export async function reportCommand(args: string[], opts: ReportCliOptions = {}): Promise<number> {
  const { values, positionals } = parseCliArgs({
    args,
    allowPositionals: true,
    options: { month: { type: 'string' }, format: { type: 'string', default: 'text' }, out: { type: 'string' } },
  }, USAGE);
  if (positionals.length > 0) throw new AppError(ERROR_CODES.CLI_USAGE, `Unexpected "${positionals[0]}".\n\n${USAGE}`);
  const now = (opts.now ?? (() => new Date()))();
  const month = values.month ?? monthOf(now);
  try {
    parseMonth(month);
  } catch (cause) {
    throw new AppError(ERROR_CODES.CLI_USAGE, `--month must be written YYYY-MM, e.g. 2026-11 (got "${month}").\n\n${USAGE}`, { cause });
  }
  const format = values.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new AppError(ERROR_CODES.CLI_USAGE, `--format is text, json or csv (got "${format}").\n\n${USAGE}`);
  }
  const config = opts.config ?? loadConfig();
  const profile = loadProfile(config.profileFile);
  const calendar = loadCalendar(config.calendarsDir, profile.calendar);
  const store = await openStore(config);
  let report;
  try {
    report = await monthlyReport({ store, profile, calendar, now }, month, { actor: 'cli', action: 'report.view', subject: `report:${month}`, detail: { month, format } });
  } finally {
    await store.close();
  }
  const body = format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : format === 'csv' ? reportCsv(report) : reportText(report);
  const io = cliIo(opts.io);
  if (values.out) {
    try {
      fs.writeFileSync(values.out, body);
    } catch (cause) {
      throw new AppError(ERROR_CODES.CLI_USAGE, `Cannot write ${values.out}: ${(cause as Error).message}`, { cause });
    }
    io.stdout.write(`Report for ${month} written to ${values.out} (${format}).\n`);
  } else {
    io.stdout.write(body);
  }
  return 0;
}
